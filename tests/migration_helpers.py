"""Helpers for tests that turn a project back into one made before a migration."""

from __future__ import annotations

from qualcode.store import migrate


def revision_before(revision: str) -> str:
    """The revision a migration upgrades from (its down_revision in today's chain)."""
    return migrate.script().get_revision(revision).down_revision
