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
