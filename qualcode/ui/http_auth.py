"""Who asks, for qualcode's HTTP routes (ui/server.py): the project and the acting user of a
request, worked out from the request alone, with the same rules as the pages.

* The project: the route is told its key (``?project=<key>``, ``state.project_key``: the first
  12 hex digits of the URL's SHA-256), never its URL; the key must name a project this server
  process has opened (``state.OPENED``), else the server's default project is meant.
* Local mode (a SQLite project, the server on 127.0.0.1, no proxy headers, no
  ``QUALCODE_LOGIN=required``: ``state.login_required_for``): the local researcher, as on the
  pages (``local_actor`` with the coder this browser remembers).
* Otherwise the login cookie of that project (``state.auth_cookie_name``) must hold a token
  ``store.users.user_from_token`` accepts (signed, not expired, not ended by logout or a
  password change, the account active); without one: 401.

Usage in a route (the database is read, so run it off the event loop)::

    project, actor = await run_in_threadpool(actor_for_request, request)
    def work():
        with project.acting_as(actor):
            ...  # library calls: permissions and blind coding follow ``actor``
    result = await run_in_threadpool(work)

State-changing routes also call ``require_same_origin(request)`` (a POST from another site is
refused even where a browser would send the cookie).
"""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

from starlette.exceptions import HTTPException
from starlette.requests import Request

from ..store.permissions import Actor, local_actor
from ..store.project import Project
from . import state

PROJECT_PARAM = "project"
NO_STORE = {"Cache-Control": "private, no-store"}  # every answer of a route: never cached


def project_for(request: Request) -> Project:
    """The project a request is about (404 for a key this server has not opened). Blocking
    the first time the server's project is asked for before any page opened it."""
    key = request.query_params.get(PROJECT_PARAM)
    default = state.default_url()
    if key in state.OPENED:
        return state.OPENED[key]
    if not key or key == state.project_key(default):
        return state._open(default)  # the same handle the pages use (st.cache_resource)
    raise HTTPException(404, "no such project on this server")


def cookie(request: Request, name: str) -> str | None:
    value = request.cookies.get(name)
    return unquote(value) if value else None


def actor_for_request(request: Request) -> tuple[Project, Actor]:
    """``(project, actor)`` of a request; HTTPException 401 when a login is needed and the
    request carries no valid login cookie, 404 for an unknown project key. Blocking (opens the
    project, reads the users table): call it through ``run_in_threadpool``."""
    project = project_for(request)
    url = project.url
    if not state.login_required_for(url, request.headers):
        coder = (cookie(request, state.coder_cookie_name_for(url)) or "").strip()[:255]
        return project, local_actor(coder)
    token = cookie(request, state.auth_cookie_name(url))
    from ..store.users import actor_for, user_from_token

    user = user_from_token(project, token) if token else None
    if user is None:
        raise HTTPException(401, "log in first", headers=NO_STORE)
    return project, actor_for(user)


def require_same_origin(request: Request) -> None:
    """403 unless the request comes from a page of this server: its ``Origin`` (else
    ``Referer``) names the host the request was sent to (``Host``, or ``X-Forwarded-Host``
    from a reverse proxy): what a browser sends with ``fetch`` from our own pages, and what
    another site's page cannot fake (a browser will not let it set these headers)."""
    source = request.headers.get("origin") or request.headers.get("referer")
    hosts = {h.strip() for name in ("host", "x-forwarded-host")
             for h in (request.headers.get(name) or "").split(",") if h.strip()}
    if not source or urlsplit(source).netloc not in hosts:
        raise HTTPException(403, "refused: not sent from this server's pages")
