"""Saved network views: a name, a centre category and depth (or all related codes), filter
options, and the node positions the researcher dragged, kept in the project database.

Positions are ``{node id: [x, y]}`` in the view's 0–1000 box (node ids as in
``qualcode.analysis.network``: ``"code:12"``, ``"memo:3"``, ``"case:4"``).
"""

from __future__ import annotations

import math

from sqlalchemy import select

from ..errors import DuplicateError, NotFound, ValidationError
from ..store.clean import clean
from ..store.models import Code, NetworkView
from ..store.project import Project, get_row

BOX = 1000.0
OPTION_KEYS = {"min_weight", "types", "memos", "cases", "max_nodes", "all_codes", "code_set"}


def _name(name: str) -> str:
    name = " ".join(clean(name or "").split())
    if not name:
        raise ValidationError("a network view needs a name")
    return name[:255]


def _options(options: dict | None) -> dict:
    options = dict(options or {})
    unknown = set(options) - OPTION_KEYS
    if unknown:
        raise ValidationError(f"unknown network view option(s): {', '.join(sorted(unknown))}")
    return options


def clean_positions(positions: dict) -> dict:
    """Positions checked (finite numbers) and kept inside the box."""
    out = {}
    for key, value in (positions or {}).items():
        try:
            x, y = (float(v) for v in value)
        except (TypeError, ValueError):
            raise ValidationError(f"a node position is [x, y], not {value!r}") from None
        if not (math.isfinite(x) and math.isfinite(y)):
            raise ValidationError("a node position must be a finite number")
        out[str(key)[:64]] = [round(min(max(x, 0.0), BOX), 1), round(min(max(y, 0.0), BOX), 1)]
    return out


def save_view(project: Project, name: str, *, center_id: int | None = None, depth: int = 1,
              options: dict | None = None, view_id: int | None = None) -> NetworkView:
    """Create a view, or (with ``view_id``) change its name, centre, depth and options; its
    saved positions are kept."""
    name = _name(name)
    if depth < 0 or depth > 10:
        raise ValidationError("the depth of a network view is 0 to 10")
    with project.transaction() as s:
        if center_id is not None:
            get_row(s, Code, center_id, "code")
        clash = s.scalar(select(NetworkView.id).where(NetworkView.name == name))
        if clash is not None and clash != view_id:
            raise DuplicateError(f"a network view called '{name}' already exists")
        view = get_row(s, NetworkView, view_id, "network view") if view_id else NetworkView(
            name=name, positions={})
        view.name, view.center_id, view.depth = name, center_id, int(depth)
        view.options = _options(options)
        s.add(view)
        s.flush()
        return view


def save_positions(project: Project, view_id: int, positions: dict, *,
                   replace: bool = False) -> NetworkView:
    """Keep dragged node positions for a view (merged with those saved before, unless
    ``replace``)."""
    positions = clean_positions(positions)
    with project.transaction() as s:
        view = get_row(s, NetworkView, view_id, "network view")
        view.positions = positions if replace else {**(view.positions or {}), **positions}
        return view


def list_views(project: Project) -> list[NetworkView]:
    with project.reading() as s:
        return list(s.scalars(select(NetworkView).order_by(NetworkView.name)))


def get_view(project: Project, view: int | str) -> NetworkView:
    with project.reading() as s:
        if isinstance(view, int):
            return get_row(s, NetworkView, view, "network view")
        row = s.scalar(select(NetworkView).where(NetworkView.name == _name(view)))
        if row is None:
            raise NotFound(f"no network view '{view}'")
        return row


def delete_view(project: Project, view_id: int) -> None:
    with project.transaction() as s:
        s.delete(get_row(s, NetworkView, view_id, "network view"))
