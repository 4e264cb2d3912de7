"""Helpers for tests that turn a project back into one made before a migration."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import create_engine

from qualcode.store import migrate


def revision_before(revision: str) -> str:
    """The revision a migration upgrades from (its down_revision in today's chain)."""
    return migrate.script().get_revision(revision).down_revision


def downgrade_to(path: str | Path, revision: str) -> None:
    """Run the migrations' own downgrades on a closed SQLite project file down to ``revision``:
    the file is then what a project made at that revision looks like (later tables gone)."""
    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
            conn.commit()
            with conn.begin():
                command.downgrade(migrate.alembic_config(conn), revision)
    finally:
        engine.dispose()
