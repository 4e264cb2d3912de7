"""Login, logout and the sidebar's "who and which project" block.

A login survives a page reload: after logging in, the browser keeps a signed token
(store/users.py ``login_token``; HMAC with a per-project secret) in a ``SameSite=Strict`` cookie
(``Secure`` over HTTPS), set by a tiny components-v2 element; a new browser session reads it
from ``st.context.cookies``. Logging out ends every token of the user on the server
(store/users.py ``end_sessions``), as do a password change or reset and deactivation.

The cookie is not HttpOnly: Streamlit gives a page no way to send a Set-Cookie header, and a
cookie written by script cannot be HttpOnly. What holds instead is written in
docs/team-server.md ("Sessions"). Failed logins are throttled with growing delays per client
address and per name (store/throttle.py), never a hard lock.
"""

from __future__ import annotations

import streamlit as st

from ..errors import QualcodeError
from ..store.permissions import ROLE_LABELS
from ..store.projects import create_project, list_projects, projects_dir
from ..store.throttle import Throttle, is_last_admin
from ..store.users import (actor_for, authenticate, change_password, end_sessions, has_users,
                           login_token, user_from_token)
from .state import (ACTOR, AUTH_COOKIE, LOCAL_ADDRESSES, PROJECT_URL, _open, _proxied,
                    auth_cookie_name, coder_cookie_name, login_required, plain, project_url)

COOKIE = AUTH_COOKIE
TOKEN = "qc_token"
LOGGED_OUT = "qc_logged_out"

_JS = """
export default function (component) {
  const { data } = component;
  if (!data || typeof data.token !== 'string' ||
      !/^qualcode_(auth|coder)_[0-9a-f]+$/.test(data.name)) {
    return;
  }
  const secure = window.location.protocol === 'https:' ? '; Secure' : '';
  if (data.token) {
    document.cookie = data.name + '=' + encodeURIComponent(data.token) +
      '; Path=/; Max-Age=' + String(data.max_age) + '; SameSite=Strict' + secure;
  } else {
    document.cookie = data.name + '=; Path=/; Max-Age=0; SameSite=Strict' + secure;
  }
}
"""

_cookie = st.components.v2.component("qualcode.login_cookie", html="<span></span>", js=_JS,
                                     isolate_styles=False)


def _cookie_name() -> str:
    return auth_cookie_name(project_url())


def _set_cookie(token: str) -> None:
    from ..store.users import TOKEN_MAX_AGE

    _cookie(key="qc_cookie", data={"token": token, "max_age": TOKEN_MAX_AGE,
                                   "name": _cookie_name()})


def _cookie_token() -> str | None:
    try:
        return st.context.cookies.get(_cookie_name())
    except Exception:  # noqa: BLE001 - no browser context (tests)
        return None


@st.cache_resource
def _throttle() -> Throttle:
    """Failed logins of this server process (store/throttle.py: growing delays per address
    and per name, no hard lock)."""
    return Throttle()


def client_address() -> tuple[str, bool]:
    """(the client's address, whether it is this machine). Behind a reverse proxy the address
    is the last X-Forwarded-For entry (the one the proxy adds) and never counts as local."""
    try:
        headers = st.context.headers
        forwarded = headers.get("x-forwarded-for") or headers.get("x-real-ip")
        if forwarded or _proxied():
            # the last entry: the one the proxy itself added (earlier ones the client may forge)
            return (forwarded or "proxied").split(",")[-1].strip(), False
        address = st.context.ip_address
    except Exception:  # noqa: BLE001 - no request context (tests, bare mode)
        address = ""
    if not isinstance(address, str):
        address = ""  # no web request behind this run (AppTest, bare mode): this machine
    return address or "local", address in LOCAL_ADDRESSES or not address


def _log_in(proj, user) -> None:
    st.session_state[ACTOR] = actor_for(user)
    st.session_state[TOKEN] = login_token(proj, user.name)
    st.session_state.pop(LOGGED_OUT, None)


def gate(proj) -> bool:
    """True when this session may use the app; otherwise shows the login form (False)."""
    if not login_required(project_url()):
        return True
    token = st.session_state.get(TOKEN)
    if token is None and not st.session_state.get(LOGGED_OUT):
        token = _cookie_token()
    user = user_from_token(proj, token) if token else None
    if user is not None:
        if st.session_state.get(TOKEN) != token:
            _log_in(proj, user)
        else:
            st.session_state[ACTOR] = actor_for(user)  # role changes apply at once
        proj.set_user(st.session_state[ACTOR])
        return True
    st.session_state.pop(ACTOR, None)
    st.session_state.pop(TOKEN, None)
    _login_form(proj)
    return False


def _login_form(proj) -> None:
    if st.session_state.get(LOGGED_OUT):
        _set_cookie("")
    st.title("qualcode")
    st.caption("This project is shared: log in with the account your project admin gave you.")
    if not has_users(proj):
        st.warning("This project has no accounts yet. On the server, create the first admin:")
        st.code("qualcode users add NAME --role admin", language="bash")
    with st.form("login"):
        name = st.text_input("User name")
        password = st.text_input("Password", type="password")
        if st.form_submit_button("Log in"):
            address, local = client_address()
            throttle = _throttle()
            exempt = local and is_last_admin(proj, name)  # never locked out of one's server
            wait = throttle.wait(address, name or "", exempt=exempt)
            if wait > 0:
                st.error(f"Too many failed logins; try again in {int(wait) + 1} seconds.")
                return
            user = authenticate(proj, name, password)
            if user is None:
                throttle.failed(address, name or "")
                st.error("Unknown user name or wrong password.")
            else:
                throttle.succeeded(address, name or "")
                _log_in(proj, user)
                st.rerun()


def sidebar(proj) -> None:
    """Who is coding (logged-in user or the local coder box) and which project is open."""
    database = proj.engine.url.render_as_string(hide_password=True)
    actor = st.session_state.get(ACTOR)
    if actor is not None:
        _set_cookie(st.session_state.get(TOKEN) or "")
        st.caption("Logged in as")
        st.text(f"{actor.name} ({ROLE_LABELS.get(actor.role, actor.role)})")
        c1, c2 = st.columns(2)
        if c1.button("Log out", key="qc_logout"):
            try:
                end_sessions(proj, actor.name)  # every token of this user ends, everywhere
            except QualcodeError:
                pass  # the account is gone: its tokens are void anyway
            for key in (ACTOR, TOKEN):
                st.session_state.pop(key, None)
            st.session_state[LOGGED_OUT] = True
            st.rerun()
        with c2.popover("Password"):
            with st.form("change_password", clear_on_submit=True):
                old = st.text_input("Current password", type="password")
                new = st.text_input("New password", type="password")
                if st.form_submit_button("Change"):
                    try:
                        change_password(proj, actor.name, old, new)
                    except QualcodeError as exc:
                        st.error(plain(exc))
                    else:
                        user = authenticate(proj, actor.name, new)
                        _log_in(proj, user)
                        st.success("Password changed.")
    else:
        name = st.text_input("Coder", key="coder", placeholder="your initials",
                             help="Stored with every coding you make; this browser "
                                  "remembers it.")
        if (name or "").strip() and st.session_state.get("qc_coder_saved") != name.strip():
            # remembered per browser (a cookie), so a new tab or a reload keeps the coder
            _cookie(key="qc_coder_cookie", data={"token": name.strip(),
                                                 "max_age": 365 * 24 * 3600,
                                                 "name": coder_cookie_name()})
            st.session_state["qc_coder_saved"] = name.strip()
        if not login_required(project_url()):
            _project_switcher(database)  # the database is shown in its menu
            return
    st.caption("Project database")
    st.text(database)


def _open_target(target: str) -> str:
    """The URL of an existing project file (or a database URL) typed by the user."""
    from pathlib import Path

    from ..store.project import resolve_url

    target = (target or "").strip()
    if not target:
        raise QualcodeError("give the path of a project file or a database URL")
    if "://" not in target and not Path(target).expanduser().is_file():
        raise QualcodeError(f"no project file at {target}")
    url = resolve_url(target)
    _open(url)  # opens (and upgrades) it now, so a bad file is reported here
    return url


def _project_switcher(database: str) -> None:
    """The open project's name, and one menu to switch, open or create a project (its content
    is drawn only when opened: the sidebar stays light on every page)."""
    url = project_url()
    folder = projects_dir(url if url.startswith("sqlite") else None)
    projects = list_projects(folder)
    urls = [p.url for p in projects]
    if url not in urls:
        urls.insert(0, url)
    names = {p.url: p.name for p in projects}
    st.text(f"Project: {names.get(url, url)}")  # plain text: a name is the user's text
    with st.popover("Switch, open or new project", icon=":material/folder_open:",
                    width="stretch"):
        chosen = st.selectbox("Project", urls, index=urls.index(url),
                              format_func=lambda u: names.get(u, u), key="qc_project_pick")
        if chosen != url:
            st.session_state[PROJECT_URL] = chosen
            st.rerun()
        st.caption("Project database")
        st.text(database)
        with st.form("open_project", clear_on_submit=True):
            st.caption("Open a project")
            target = st.text_input("Project file (.sqlite) or database URL")
            if st.form_submit_button("Open"):
                try:
                    opened = _open_target(target)
                except QualcodeError as exc:
                    st.error(plain(exc))
                else:
                    st.session_state[PROJECT_URL] = opened
                    st.session_state.pop("qc_project_pick", None)
                    st.rerun()
        with st.form("new_project", clear_on_submit=True):
            st.caption("New project")
            name = st.text_input("Project name")
            demo = st.checkbox("Fill with the demo project")
            if st.form_submit_button("Create"):
                try:
                    info = create_project(name, folder, fill=_load_demo if demo else None)
                except QualcodeError as exc:
                    st.error(plain(exc))
                else:
                    st.session_state[PROJECT_URL] = info.url
                    st.session_state.pop("qc_project_pick", None)
                    st.rerun()


def _load_demo(project) -> None:
    """The demo project's contents (imported when asked for: it reads files with the ingest
    machinery, which a server start does not need)."""
    from ..demo import load_demo

    load_demo(project)
