"""A coder's number keys 1–9 in the coding palette: pinned favourite codes that stay put.

The first time a coder opens the palette the nine keys are filled from their most used codes
(then the project's, then the codebook's order) and stored; after that a key changes only
when the coder pins another code on it or frees it, or when a code the coder applies finds a
free key (it takes the first one). Applying codes never renumbers the keys (MAXQDA's
favourite codes work the same way)."""

from __future__ import annotations

from sqlalchemy import func, select

from ..errors import PermissionDenied, ValidationError
from ..store.models import Code, CodeShortcut, Coding
from ..store.project import Project, get_row

KEYS = 9


def shortcuts(project: Project, coder: str = "") -> list[int | None]:
    """The code ids on keys 1–9 of ``coder`` (None: a free key); stored the first time."""
    coder = (coder or "").strip()
    with project.reading() as s:
        rows = _rows(s, coder)
    if rows:
        return _slots(rows)
    try:
        return _store_seed(project, coder)
    except PermissionDenied:  # a read-only viewer: the keys as they would be, not stored
        with project.reading() as s:
            codes = _seed(s, coder)
        return (codes + [None] * KEYS)[:KEYS]


def _store_seed(project: Project, coder: str) -> list[int | None]:
    with project.transaction() as s:
        rows = _rows(s, coder)  # another session may have stored them meanwhile
        if not rows:
            codes = _seed(s, coder)
            for slot in range(1, KEYS + 1):
                s.add(CodeShortcut(coder=coder, slot=slot,
                                   code_id=codes[slot - 1] if slot <= len(codes) else None))
            s.flush()
            rows = _rows(s, coder)
        return _slots(rows)


def pin(project: Project, coder: str, key: int, code_id: int | None) -> list[int | None]:
    """Put ``code_id`` on number key ``key`` (1–9) of ``coder`` (None frees the key); a code
    already on another key leaves that key. Returns the keys."""
    if isinstance(key, bool) or not isinstance(key, int) or not 1 <= key <= KEYS:
        raise ValidationError(f"a shortcut key is a number from 1 to {KEYS}, not {key!r}")
    coder = (coder or "").strip()
    shortcuts(project, coder)
    with project.transaction() as s:
        if code_id is not None:
            get_row(s, Code, code_id, "code")
        rows = {r.slot: r for r in s.scalars(select(CodeShortcut).where(
            CodeShortcut.coder == coder))}
        for row in rows.values():
            if code_id is not None and row.code_id == code_id and row.slot != key:
                row.code_id = None
        rows[key].code_id = code_id
        s.flush()
        return _slots(list(rows.values()))


def used(project: Project, coder: str, code_id: int) -> None:
    """``coder`` applied ``code_id``: when it has no key yet, it takes the first free one."""
    keys = shortcuts(project, coder)
    if code_id not in keys and None in keys:
        pin(project, coder, keys.index(None) + 1, code_id)


def _rows(s, coder: str) -> list[CodeShortcut]:
    return list(s.scalars(select(CodeShortcut).where(CodeShortcut.coder == coder)))


def _slots(rows) -> list[int | None]:
    out: list[int | None] = [None] * KEYS
    for r in rows:
        if 1 <= r.slot <= KEYS:
            out[r.slot - 1] = r.code_id
    return out


def _seed(s, coder: str) -> list[int]:
    """The coder's most used codes, then the project's, then the codebook's first ones."""
    mine = s.scalars(select(Coding.code_id).where(Coding.coder == coder)
                     .group_by(Coding.code_id).order_by(func.count().desc(), Coding.code_id))
    everyone = s.scalars(select(Coding.code_id).group_by(Coding.code_id)
                         .order_by(func.count().desc(), Coding.code_id))
    codebook = s.scalars(select(Code.id).order_by(Code.parent_key, Code.position, Code.id))
    out: list[int] = []
    for source in (mine, everyone, codebook):
        for code_id in source:
            if code_id not in out:
                out.append(code_id)
            if len(out) == KEYS:
                return out
    return out
