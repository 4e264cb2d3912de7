"""One-time codes that hand a fresh login token from a page run to the ``/api/session`` route
(ui/server.py), so the token itself never reaches the page's scripts: the page gets a random
code, its element POSTs the code, the route redeems it here and sets the token as an HttpOnly
cookie.

A code is good once, for ``TTL`` seconds, for the project it was issued for, and only in the
server process that issued it (the page's websocket and its requests reach the same process:
several processes need sticky sessions, as docs/team-server.md says). At most ``MAX_CODES``
are kept; the oldest go first.
"""

from __future__ import annotations

import secrets
import threading
import time

TTL = 120.0
MAX_CODES = 10_000

_codes: dict[str, tuple[float, str, str]] = {}  # code -> (expires, project URL, token)
_lock = threading.Lock()


def issue(project_url: str, token: str, now: float | None = None) -> str:
    """A new code standing for ``token`` of the project at ``project_url``."""
    now = time.monotonic() if now is None else now
    code = secrets.token_urlsafe(32)
    with _lock:
        for old in [c for c, (expires, _u, _t) in _codes.items() if expires <= now]:
            del _codes[old]
        while len(_codes) >= MAX_CODES:
            del _codes[next(iter(_codes))]  # dicts keep insertion order: the oldest
        _codes[code] = (now + TTL, project_url, token)
    return code


def redeem(project_url: str, code: object, now: float | None = None) -> str | None:
    """The token a code stands for (the code is used up), or None: unknown, used, expired or
    issued for another project."""
    if not isinstance(code, str):
        return None
    now = time.monotonic() if now is None else now
    with _lock:
        entry = _codes.pop(code, None)
    if entry is None:
        return None
    expires, url, token = entry
    return token if expires > now and url == project_url else None
