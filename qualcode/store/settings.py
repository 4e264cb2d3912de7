"""Project settings (blind coding, …), kept as ``setting.<name>`` rows of the ``qualcode_meta``
key/value table, so that no schema change is needed.

Blind double coding: while the project setting ``blind_coding`` is on, each coder sees only
their own codings (the Code page, the code browser, exports made for a viewer) until an admin
unblinds the project. The rule follows the acting user (``project.user``) structurally: every
read of a logged-in non-admin is limited to their own work by the project's sessions (see
store/visibility.py), whatever the caller passes. Library reading functions also take an
optional ``viewer``, which may only narrow that further (local mode, an admin coding blind).
"""

from __future__ import annotations

from ..errors import ValidationError
from .models import Meta
from .project import Project

PREFIX = "setting."
BLIND_CODING = "blind_coding"
# The agreed coding of a team after reconciliation is stored under this reserved coder name.
CONSENSUS = "consensus"

_DEFAULTS = {BLIND_CODING: "0"}


def _require_admin(project: Project) -> None:
    """Refuse unless the acting user is an admin of the project (local mode: always allowed)."""
    from .permissions import ADMIN, require

    require(project, ADMIN, "only an admin turns blind coding on or off")


def get_setting(project: Project, name: str, default: str | None = None) -> str | None:
    with project.reading() as s:
        row = s.get(Meta, PREFIX + name)
        if row is not None:
            return row.value
    return default if default is not None else _DEFAULTS.get(name)


def set_setting(project: Project, name: str, value: str) -> None:
    key = PREFIX + (name or "").strip()
    if key == PREFIX or len(key) > 64:
        raise ValidationError("a setting needs a name of at most 55 characters")
    value = str(value)
    if len(value) > 255:
        raise ValidationError(f"the value of setting '{name}' is longer than 255 characters")
    with project.transaction() as s:
        row = s.get(Meta, key)
        if row is None:
            s.add(Meta(key=key, value=value))
        else:
            row.value = value


CHUNK = 250  # characters of a long setting per row (a row holds 255)
MAX_CHUNKS = 400


def _chunk_keys(name: str) -> str:
    return f"{PREFIX}{name}#"


def get_long_setting(project: Project, name: str) -> str | None:
    """A setting written by ``set_long_setting`` (any length), or None when there is none.
    Read in one statement: a reader sees one whole value, never parts of two."""
    from sqlalchemy import select

    stem = _chunk_keys(name)
    with project.reading() as s:
        rows = s.execute(select(Meta.key, Meta.value)
                         .where(Meta.key.startswith(stem, autoescape=True))).all()
    parts = {}
    for key, value in rows:
        suffix = key[len(stem):]
        if suffix.isdigit():
            parts[int(suffix)] = value
    if not parts or sorted(parts) != list(range(len(parts))):
        return None
    return "".join(parts[i] for i in range(len(parts)))


def set_long_setting(project: Project, name: str, value: str) -> None:
    """Keep ``value`` (a JSON document, say) under ``name`` whatever its length: split over
    ``setting.<name>#0``, ``#1``, … rows of the key/value table (no schema change), replaced
    in one transaction; rows whose text is unchanged are left alone (the audit trail records
    only what changed). Written as qualcode itself: a result kept for other pages and server
    processes, not a decision an admin takes; the callers decide who may store it."""
    from sqlalchemy import select

    from .permissions import SYSTEM

    stem = _chunk_keys((name or "").strip())
    if stem == PREFIX + "#" or len(stem) + 3 > 64:
        raise ValidationError("a setting needs a name of at most 52 characters")
    chunks = [value[i:i + CHUNK] for i in range(0, len(value), CHUNK)] or [""]
    if len(chunks) > MAX_CHUNKS:
        raise ValidationError(f"the value of setting '{name}' is too long to keep")
    wanted = {f"{stem}{i}": chunk for i, chunk in enumerate(chunks)}
    with project.acting_as(SYSTEM), project.transaction() as s:
        for row in s.scalars(select(Meta).where(Meta.key.startswith(stem, autoescape=True))):
            if row.key not in wanted:
                s.delete(row)
                continue
            text = wanted.pop(row.key)
            if row.value != text:
                row.value = text
        s.add_all(Meta(key=k, value=v) for k, v in wanted.items())


def blind_coding(project: Project) -> bool:
    """Whether blind double coding is on: coders see only their own codings."""
    return get_setting(project, BLIND_CODING) == "1"


def set_blind_coding(project: Project, on: bool) -> None:
    """Switch blind coding on, or unblind the project. Both are an admin's decision."""
    _require_admin(project)
    set_setting(project, BLIND_CODING, "1" if on else "0")


def visible_coder(project: Project, viewer: str | None = None) -> str | None:
    """The one coder whose codings may be seen, or None when all codings may be seen (blind
    coding off, or an admin / local mode / the library without a ``viewer``). A logged-in
    non-admin is limited to themselves whatever ``viewer`` says (store/visibility.py)."""
    from .visibility import visible_scope

    forced = visible_scope(project)
    if forced is not None:
        return forced
    # Admins coding blind pass themselves as viewer: reconciling needs unblinding first.
    if viewer is None or not blind_coding(project):
        return None
    return (viewer or "").strip()
