"""The app as an ASGI application (``st.App``): Streamlit's own pages and websocket plus
qualcode's HTTP routes, registered in ``ROUTES``. ``streamlit run app.py`` (a clone) and
``qualcode app`` (an installed package, through ``qualcode/ui/serve.py``) both serve it.

Routes live under ``/api/`` (Streamlit reserves ``/_stcore``, ``/media``, ``/component`` …).
Each route checks who asks itself (``qualcode.ui.http_auth``); none trusts the URL alone.

* ``GET /api/ping``: the server answers.
* ``POST /api/codings?project=<key>``: the coding canvas saves a coding (ui/api_codings.py).
"""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from .api_codings import save_coding_route

SCRIPT = Path(__file__).with_name("app.py")


async def _ping(_request: Request) -> JSONResponse:
    return JSONResponse({"qualcode": "ok"})


ROUTES: list[Route] = [
    Route("/api/ping", _ping),
    Route("/api/codings", save_coding_route, methods=["POST"]),
]
