"""Derived tables of the analysis pages (matrix counts, chart specs), computed once per project
version and kept per process, shared read-only between the sessions of the app.

The key is ``qualcode.coding_view.project_version``, which changes with every change to the
codings, the codes or the transcripts; a page run computes it once (about 15 ms on 200
interviews and 20,000 codings) and passes it to each cached call. Results of an older version
are dropped as soon as a newer version is asked for. What the version does not cover (the
researcher's cell summaries, coding memos) is read fresh by the callers.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Callable, TypeVar

from ..store.project import Project

T = TypeVar("T")
LIMIT = 16  # derived tables kept per project (distinct dimensions, filters, levels, charts)

_TABLES: dict[str, tuple[str, OrderedDict]] = {}
_LOCK = threading.Lock()


def frozen(value):
    """A hashable form of a call's arguments: filters ``{attribute: {values}}``, id sets."""
    if isinstance(value, dict):
        return tuple(sorted((str(k), frozen(v)) for k, v in value.items()))
    if isinstance(value, (set, frozenset, list, tuple)):
        return tuple(sorted((frozen(v) for v in value), key=repr))
    return value


def cached(project: Project, key: tuple, build: Callable[[], T], version: str) -> T:
    """``build()`` once per project, ``version`` and ``key``; later calls with the same three
    get the same object (which callers must not change). Built outside the lock: two sessions
    asking at once may both build, and one result is kept."""
    with _LOCK:
        entry = _TABLES.get(project.url)
        if entry is not None and entry[0] == version and key in entry[1]:
            entry[1].move_to_end(key)
            return entry[1][key]
    value = build()
    with _LOCK:
        entry = _TABLES.get(project.url)
        if entry is None or entry[0] != version:
            entry = _TABLES[project.url] = (version, OrderedDict())
        entry[1][key] = value
        while len(entry[1]) > LIMIT:
            entry[1].popitem(last=False)
    return value


def forget(project: Project | None = None) -> None:
    """Drop the derived tables of a project (of every project when None)."""
    with _LOCK:
        if project is None:
            _TABLES.clear()
        else:
            _TABLES.pop(project.url, None)
