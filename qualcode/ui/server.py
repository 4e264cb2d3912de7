"""The app as an ASGI application (``st.App``): Streamlit's own pages and websocket plus
qualcode's HTTP routes, registered in ``ROUTES``. ``streamlit run app.py`` (a clone) and
``qualcode app`` (an installed package, through ``qualcode/ui/serve.py``) both serve it.

Routes live under ``/api/`` (Streamlit reserves ``/_stcore``, ``/media``, ``/component`` …).
Each route checks who asks itself (``qualcode.ui.http_auth``); none trusts the URL alone.
"""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager
from pathlib import Path

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

SCRIPT = Path(__file__).with_name("app.py")


async def _ping(_request: Request) -> JSONResponse:
    return JSONResponse({"qualcode": "ok"})


ROUTES: list[Route] = [Route("/api/ping", _ping)]


@asynccontextmanager
async def lifespan(_app):
    """At start, before the first visitor: the pages' modules and the project (preload.py)."""
    from .preload import preload

    await asyncio.to_thread(preload)
    yield
