"""The app as an ASGI application (``st.App``): Streamlit's own pages and websocket plus
qualcode's HTTP routes, registered in ``ROUTES``. ``streamlit run app.py`` (a clone) and
``qualcode app`` (an installed package, through ``qualcode/ui/serve.py``) both serve it.

Routes live under ``/api/`` (Streamlit reserves ``/_stcore``, ``/media``, ``/component`` …).
Each route checks who asks itself (``qualcode.ui.http_auth``); none trusts the URL alone.

* ``GET /api/ping``: the server answers.
* ``GET /api/media/{transcript_id}?project=<key>``: a transcript's recording, for a caller who
  may read it (``qualcode.corpus.media.media_of`` as the caller), streamed from the file in
  64 KiB chunks with HTTP range requests (Starlette's ``FileResponse``: 206 and
  ``Content-Range``, suffix ranges, 416), never cached by the browser or a proxy. 401 without
  a valid login; 404 alike for no recording, no permission or a file gone from the media
  folder (a refused caller learns nothing about what exists).
* ``POST /api/session?project=<key>`` with ``{"code": …}`` (a one-time code the login form's
  run issued, ui/handoff.py: the token itself never reaches the page) or ``{"token": …}`` (a
  client that holds its token): the token is checked with ``user_from_token``, then set as
  the project's login cookie,
  ``HttpOnly; SameSite=Strict; Path=/`` (+ ``Secure`` over HTTPS or behind a proxy saying
  ``X-Forwarded-Proto: https``), so page scripts cannot read it. ``DELETE`` clears it (logout).
* ``POST /api/codings?project=<key>``: the coding canvas saves a coding (ui/api_codings.py).
"""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route

from .api_codings import save_coding_route
from .http_auth import NO_STORE, actor_for_request, project_for, require_same_origin

SCRIPT = Path(__file__).with_name("app.py")


async def _ping(_request: Request) -> JSONResponse:
    return JSONResponse({"qualcode": "ok"})


def _recording(request: Request, transcript_id: int):
    from ..corpus.media import media_of
    from ..errors import QualcodeError

    project, actor = actor_for_request(request)
    with project.acting_as(actor):
        try:
            info = media_of(project, transcript_id)
        except QualcodeError:  # no permission, or the file went missing: told alike
            info = None
    if info is None:
        raise HTTPException(404, "no such recording", headers=NO_STORE)
    try:
        stat = info.path.stat()
    except OSError:
        raise HTTPException(404, "no such recording", headers=NO_STORE) from None
    return info, stat


async def _media(request: Request) -> Response:
    try:
        transcript_id = int(request.path_params["transcript_id"])
    except ValueError:
        raise HTTPException(404, "no such recording", headers=NO_STORE) from None
    info, stat = await run_in_threadpool(_recording, request, transcript_id)
    return FileResponse(info.path, media_type=info.content_type, stat_result=stat,
                        headers={**NO_STORE, "X-Content-Type-Options": "nosniff"})


def _cookie_options(request: Request) -> dict:
    """The login cookie's attributes, the same when it is set and when it is cleared (a
    browser clears only the cookie those name): HttpOnly, this site only, ``Secure`` over
    HTTPS or behind a proxy saying ``X-Forwarded-Proto: https``."""
    proto = (request.headers.get("x-forwarded-proto") or "").split(",")[0].strip().lower()
    return {"path": "/", "secure": request.url.scheme == "https" or proto == "https",
            "httponly": True, "samesite": "strict"}


def _start_session(request: Request, body: dict) -> tuple[str, str, int]:
    from ..store.users import TOKEN_MAX_AGE, user_from_token
    from .handoff import redeem
    from .state import auth_cookie_name

    project = project_for(request)
    token = redeem(project.url, body["code"]) if "code" in body else body.get("token")
    if not isinstance(token, str) or user_from_token(project, token) is None:
        raise HTTPException(401, "not a valid login", headers=NO_STORE)
    return auth_cookie_name(project.url), token, TOKEN_MAX_AGE


async def _session(request: Request) -> Response:
    require_same_origin(request)
    response = JSONResponse({"ok": True}, headers=NO_STORE)
    if request.method == "DELETE":
        from .state import auth_cookie_name

        project = await run_in_threadpool(project_for, request)
        name = auth_cookie_name(project.url)
        response.delete_cookie(name, **_cookie_options(request))
        return response
    try:
        body = await request.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise HTTPException(400, "send {\"code\": …} as JSON")
    name, token, max_age = await run_in_threadpool(_start_session, request, body)
    response.set_cookie(name, token, max_age=max_age, **_cookie_options(request))
    return response


ROUTES: list[Route] = [
    Route("/api/ping", _ping),
    Route("/api/media/{transcript_id}", _media, methods=["GET", "HEAD"]),
    Route("/api/session", _session, methods=["POST", "DELETE"]),
    Route("/api/codings", save_coding_route, methods=["POST"]),
]


@asynccontextmanager
async def lifespan(_app):
    """At start, before the first visitor: the pages' modules and the project (preload.py)."""
    from .preload import preload

    await asyncio.to_thread(preload)
    yield
