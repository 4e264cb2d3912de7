"""Per-process project handle and per-session settings (who is logged in, coder name, project).

Local mode — a SQLite project and the server bound to this machine (127.0.0.1, the default in
.streamlit/config.toml) — needs no login: the researcher types their initials as coder. Any
other setup (a PostgreSQL URL, or the server bound to another address) requires a login
(ui/login.py), and the logged-in user is the coder. A request that came through a reverse
proxy (X-Forwarded-For, Forwarded, X-Real-IP headers) also needs a login, and
QUALCODE_LOGIN=required forces logins everywhere.
"""

from __future__ import annotations

import functools
import os

import streamlit as st

from ..errors import QualcodeError
from ..store.permissions import NOBODY, Actor, local_actor
from ..store.project import Project, resolve_url
from ..store.projects import is_demo_url

LOCAL_ADDRESSES = {"127.0.0.1", "localhost", "::1", "[::1]"}
# download types of the exports
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ACTOR = "qc_actor"        # session key: the logged-in Actor
PROJECT_URL = "qc_project_url"  # session key: the project chosen in the sidebar (local mode)


OPENED: dict[str, Project] = {}
"""Project key -> every project this server process opened (ui/http_auth.py finds the
project a route is asked about here: a route never opens a URL it is given)."""


@st.cache_resource(show_spinner="Opening the project…")
def _open(url: str) -> Project:
    from ..coding.suggest_service import warm

    project = Project(url)
    if os.environ.get("QUALCODE_NO_DEMO") != "1" and is_demo_url(url):
        from ..demo import ensure_demo  # the ingest machinery: only for the demo project

        ensure_demo(project)
    warm(project)  # the suggestion model, loaded (or trained) in the background at once
    OPENED[project_key(url)] = project
    return project


def project_url() -> str:
    return st.session_state.get(PROJECT_URL) or default_url()


def default_url() -> str:
    """The server's project (``$QUALCODE_DB_URL`` or the default), before a session picks one."""
    return _default_url(os.environ.get("QUALCODE_DB_URL") or "", os.getcwd())


@functools.lru_cache(maxsize=8)
def _default_url(env_value: str, cwd: str) -> str:
    """The project URL when the session has not chosen one: worked out once per environment
    and working directory, not on each of the dozen calls per page run (each made a folder and
    resolved a path on disk)."""
    return resolve_url(None)


def login_required(url: str | None = None) -> bool:
    """Whether this server needs logins: PostgreSQL, a non-local address, or forced."""
    try:
        headers = st.context.headers
    except Exception:  # noqa: BLE001 - no request context (tests, bare mode)
        headers = None
    return login_required_for(url or project_url(), headers)


def login_required_for(url: str, headers) -> bool:
    """The rule of ``login_required`` for a project URL and the request's headers (a mapping
    with ``get``, or None): the pages pass ``st.context.headers``, HTTP routes
    (ui/http_auth.py) their request's headers."""
    forced = os.environ.get("QUALCODE_LOGIN", "").strip().lower()
    if forced in {"required", "1", "yes", "true"}:
        return True
    if not url.startswith("sqlite"):
        return True
    if proxied_by(headers):
        return True  # behind a reverse proxy, 127.0.0.1 says nothing about who connects
    try:
        address = st.get_option("server.address")
    except Exception:  # noqa: BLE001
        address = None
    return (address or "").strip() not in LOCAL_ADDRESSES


PROXY_HEADERS = ("x-forwarded-for", "x-forwarded-host", "forwarded", "x-real-ip")


def proxied_by(headers) -> bool:
    """Whether a request's headers (a mapping with ``get``, or None) say a proxy sent it."""
    return headers is not None and any(headers.get(h) for h in PROXY_HEADERS)


def _proxied() -> bool:
    try:
        return proxied_by(st.context.headers)
    except Exception:  # noqa: BLE001 - no request context (tests, bare mode)
        return False


def current_actor() -> Actor:
    """Who acts in this browser session: the logged-in user, or the local researcher."""
    actor = st.session_state.get(ACTOR)
    if actor is not None:
        return actor
    if login_required():
        return NOBODY
    if "coder" not in st.session_state:
        st.session_state["coder"] = remembered_coder()
    return local_actor(st.session_state.get("coder", "") or "")


CODER_COOKIE = "qualcode_coder"


def project_key(url: str) -> str:
    """A short name of a project URL (its cookies end in it; HTTP routes are told it instead
    of the URL): the first 12 hex digits of its SHA-256."""
    import hashlib

    return hashlib.sha256(url.encode()).hexdigest()[:12]


AUTH_COOKIE = "qualcode_auth"


def auth_cookie_name(url: str) -> str:
    """The login cookie of a project (one per project: cookies ignore ports, and one host may
    serve several projects)."""
    return f"{AUTH_COOKIE}_{project_key(url)}"


def coder_cookie_name() -> str:
    return coder_cookie_name_for(project_url())


def coder_cookie_name_for(url: str) -> str:
    return f"{CODER_COOKIE}_{project_key(url)}"


def remembered_coder() -> str:
    """The coder of a new browser session in local mode: the name this browser used last
    (a cookie, see login.sidebar), else the operating-system user."""
    from urllib.parse import unquote

    try:
        saved = st.context.cookies.get(coder_cookie_name())
    except Exception:  # noqa: BLE001 - no browser context (tests, bare mode)
        saved = None
    if isinstance(saved, str) and unquote(saved).strip():
        return unquote(saved).strip()[:255]
    import getpass

    try:
        return getpass.getuser() or ""
    except Exception:  # noqa: BLE001 - no user name in this environment
        return ""


def project() -> Project:
    """The project of this session, acting as this session's user (every page calls this, so
    each rerun and callback writes as the right person)."""
    proj = _open(project_url())
    if login_required():
        proj.default_actor = NOBODY  # a write outside a session's context is refused
    proj.set_user(current_actor())
    return proj


def as_user(build):
    """``build`` for a deferred download (``st.download_button(data=callable)``), which
    Streamlit runs on another thread: run it in this session's context, so the library sees
    this session's acting user (blind coding, permissions) and not the process default."""
    import contextvars

    context = contextvars.copy_context()

    def run():
        return context.copy().run(build)

    return run


def admins_only() -> bool:
    """True for an admin (or local mode); otherwise says so on the page (the navigation hides
    admin pages from others; this holds if one is reached anyway)."""
    from ..store.permissions import ADMIN

    if current_actor().can(ADMIN):
        return True
    st.error("This page is for the project's admins.")
    return False


def coder() -> str:
    actor = st.session_state.get(ACTOR)
    if actor is not None:
        return actor.name
    return st.session_state.get("coder", "") or ""


def can(permission: str) -> bool:
    return current_actor().can(permission)


def opened_version(kind: str, row) -> int:
    """The version of ``row`` when this session first showed it in an editor: passed as
    ``expected_version``, so saving over a colleague's newer change is refused."""
    return st.session_state.setdefault(f"qc_version_{kind}_{row.id}", row.version)


def forget_version(kind: str, row_id: int) -> None:
    """After a save (or a refused one): the editor shows the current version next time."""
    st.session_state.pop(f"qc_version_{kind}_{row_id}", None)


_MARKDOWN = set("\\`*_{}[]()#+-.!|<>~$:\"'&=^")


def plain(text: object) -> str:
    """Text for Streamlit's Markdown-rendering messages (st.error & co.), with every Markdown
    character escaped, so names and messages holding user data show literally."""
    return "".join("\\" + ch if ch in _MARKDOWN else ch for ch in str(text))


def run_action(action, success: str, flash_key: str) -> None:
    """Run a page's action: its QualcodeError as an error message, else ``success`` kept under
    ``flash_key`` for the next run (shown by the page) and a rerun."""
    try:
        action()
    except QualcodeError as exc:
        st.error(plain(exc))
    else:
        st.session_state[flash_key] = success
        st.rerun()
