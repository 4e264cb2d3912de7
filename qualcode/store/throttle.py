"""Login throttling: growing delays per client address and per user name, never a hard lock.

Each failed login counts against the client's address and against the name tried. After
``FREE`` failures within ``WINDOW`` seconds, the next attempt on that address or name must wait
``2 ** (failures - FREE)`` seconds after the last failure (2, 4, 8 … at most ``MAX_DELAY``);
an attempt that comes sooner is turned away before the password is even looked at, so an
attacker gets at most one guess per delay. Nothing locks an account: the longest anyone waits
is ``MAX_DELAY`` seconds, so trying wrong passwords on someone's name cannot keep them out.

The last admin is never held up from a local address (the server's own machine, not through
a reverse proxy): whoever has the server can always get in to repair things, whatever an
attacker does to that name from outside.

Counts live in this process (each app process throttles on its own; see docs/team-server.md).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

FREE = 3           # failures allowed without any delay
MAX_DELAY = 60.0   # seconds: the longest wait, however many failures
WINDOW = 900.0     # seconds after which a failure is forgotten


class Throttle:
    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self.clock = clock
        self.lock = threading.Lock()
        self.failures: dict[tuple[str, str], list[float]] = {}

    def _recent(self, key: tuple[str, str], now: float) -> list[float]:
        kept = [t for t in self.failures.get(key, ()) if now - t < WINDOW]
        if kept:
            self.failures[key] = kept
        else:
            self.failures.pop(key, None)
        return kept

    def _wait(self, key: tuple[str, str], now: float) -> float:
        recent = self._recent(key, now)
        if len(recent) < FREE:
            return 0.0
        delay = min(2.0 ** (len(recent) - FREE + 1), MAX_DELAY)
        return max(0.0, recent[-1] + delay - now)

    def wait(self, address: str, name: str, *, exempt: bool = False) -> float:
        """Seconds before a login for ``name`` from ``address`` may be tried (0: now).
        ``exempt``: no wait at all (the last admin on the server's own machine)."""
        if exempt:
            return 0.0
        now = self.clock()
        with self.lock:
            return max(self._wait(("address", address), now),
                       self._wait(("name", name.strip().lower()), now))

    def failed(self, address: str, name: str) -> None:
        now = self.clock()
        with self.lock:
            for key in (("address", address), ("name", name.strip().lower())):
                self._recent(key, now)
                self.failures.setdefault(key, []).append(now)

    def succeeded(self, address: str, name: str) -> None:
        """A right password: that name's failures are forgotten (the address's are kept)."""
        with self.lock:
            self.failures.pop(("name", name.strip().lower()), None)


def is_last_admin(project, name: str) -> bool:
    """Whether ``name`` is an active admin and no other active admin exists."""
    from sqlalchemy import select

    from .models import User
    from .permissions import ROLE_ADMIN

    with project.reading() as s:
        admins = s.scalars(select(User.name).where(User.role == ROLE_ADMIN,
                                                    User.active.is_(True))).all()
    return len(admins) == 1 and admins[0] == (name or "").strip()
