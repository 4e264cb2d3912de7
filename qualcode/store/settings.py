"""Project settings (blind coding, …), kept as ``setting.<name>`` rows of the ``qualcode_meta``
key/value table, so that no schema change is needed.

Blind double coding: while the project setting ``blind_coding`` is on, each coder sees only
their own codings (the Code page, the code browser, exports made for a viewer) until an admin
unblinds the project. Library reading functions take an optional ``viewer``: ``None`` means a
caller that sees everything (the command line, an admin, the library itself).
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


def blind_coding(project: Project) -> bool:
    """Whether blind double coding is on: coders see only their own codings."""
    return get_setting(project, BLIND_CODING) == "1"


def set_blind_coding(project: Project, on: bool) -> None:
    """Switch blind coding on, or unblind the project. Both are an admin's decision."""
    _require_admin(project)
    set_setting(project, BLIND_CODING, "1" if on else "0")


def visible_coder(project: Project, viewer: str | None) -> str | None:
    """The one coder whose codings ``viewer`` may see, or None when they may see all codings
    (no viewer given, or blind coding off)."""
    # Admins are blind too while they code: reconciling needs blind coding turned off first.
    if viewer is None or not blind_coding(project):
        return None
    return (viewer or "").strip()
