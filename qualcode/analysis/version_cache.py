"""Results derived from the whole project, kept per project version and process.

An analysis page reruns on every widget change and every visit; on a 200-interview project
recomputing agreement or a matrix each time costs seconds. Results are kept under the
project's version fingerprint (qualcode.coding.view.project_version: codings, codes,
transcript names and attributes) and the call's own arguments, shared read-only between
sessions, and dropped as soon as the version moves on. Callers must not mutate what they get.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

from ..store.project import Project

T = TypeVar("T")
MAX_ENTRIES = 16  # per project: a few analyses × a few settings each
_CACHE: dict[str, OrderedDict] = {}
_LOCK = threading.Lock()
_VIEWS_LOCK = object()  # the key of a views dict's own lock, kept in that dict


def per_version(project: Project, name: str, key: Hashable, compute: Callable[[], T],
                *, version: str | None = None) -> T:
    """``compute()``, or its result for the same ``name``, ``key`` and project version."""
    from ..coding.view import project_version
    from ..store.visibility import visible_scope

    version = version or project_version(project)
    # blind coding: one result per visible scope, whatever the caller's key says
    entry = (name, key, visible_scope(project))
    with _LOCK:
        entries = _CACHE.setdefault(project.url, OrderedDict())
        hit = entries.get(entry)
        if hit is not None and hit[0] == version:
            entries.move_to_end(entry)
            return hit[1]
    value = compute()
    with _LOCK:
        entries = _CACHE.setdefault(project.url, OrderedDict())
        entries[entry] = (version, value)
        entries.move_to_end(entry)
        while len(entries) > MAX_ENTRIES:
            entries.popitem(last=False)
    return value


def kept_view(views: dict, key: Hashable, build: Callable[[], T]) -> T:
    """``build()`` once per ``key`` in ``views``, the dict of views (table rows, chart specs)
    kept with a result that sessions share (one of this cache); built under that result's lock
    (re-entrant: a view may be built from another), so that two sessions asking at once do
    not both build it, while other results' views are not held up by a slow build."""
    lock = views.setdefault(_VIEWS_LOCK, threading.RLock())  # atomic: one lock per dict
    with lock:
        if key not in views:
            views[key] = build()
        return views[key]


def frozen(value):
    """A hashable form of a call's arguments: filters ``{attribute: {values}}``, id sets."""
    if isinstance(value, dict):
        return tuple(sorted((str(k), frozen(v)) for k, v in value.items()))
    if isinstance(value, (set, frozenset, list, tuple)):
        return tuple(sorted((frozen(v) for v in value), key=repr))
    return value


def forget(project: Project | None = None) -> None:
    """Drop every kept result of ``project`` (of every project when None)."""
    with _LOCK:
        if project is None:
            _CACHE.clear()
        else:
            _CACHE.pop(project.url, None)
