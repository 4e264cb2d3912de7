"""Optimistic concurrency: a save made against an old version of a row is refused.

Codes, transcripts and memos carry a ``version`` (SQLAlchemy ``version_id_col``), bumped on
every update. An editor remembers the version it showed and passes it as ``expected_version``
to the library's update function; that calls :func:`check_version` inside its transaction,
which refuses the save with "… was changed by NAME at TIME …" (from the audit trail) when the
row moved on meanwhile. Nothing is overwritten; the user reloads and applies their change again.
"""

from __future__ import annotations

from ..errors import ConflictError
from .audit import last_change


def describe_change(session, table: str, row_id) -> str:
    entry = last_change(session, table, row_id)
    if entry is None:
        return "changed by someone else"
    who = entry.user_name or "a local user"
    return f"changed by {who} at {entry.at:%Y-%m-%d %H:%M:%S} UTC"


def check_version(session, row, expected_version: int | None, what: str) -> None:
    """Raise ConflictError if ``row.version`` is not ``expected_version`` (None: no check)."""
    if expected_version is None:
        return
    if row.version != expected_version:
        raise ConflictError(
            f"{what} was {describe_change(session, row.__table__.name, row.id)}, after you "
            f"opened it (version {expected_version}, now {row.version}); your change was not "
            "saved — reload it and apply your change again")
