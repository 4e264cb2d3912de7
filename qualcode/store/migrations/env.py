"""Alembic environment for qualcode project databases.

qualcode runs migrations itself when it opens a project (qualcode/store/migrate.py), handing
its connection in ``config.attributes["connection"]``. For writing a new revision by hand see
the docstring of qualcode/store/migrate.py.
"""

from __future__ import annotations

import os

from alembic import context
from sqlalchemy import create_engine

from qualcode.store.models import Base

config = context.config
target_metadata = Base.metadata


def _configure_and_run(connection) -> None:
    context.configure(connection=connection, target_metadata=target_metadata,
                      render_as_batch=connection.dialect.name == "sqlite",
                      compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure_and_run(connection)
        return
    from qualcode.store.project import resolve_url

    url = config.get_main_option("sqlalchemy.url") or resolve_url(os.environ.get("QUALCODE_DB_URL"))
    engine = create_engine(url)
    with engine.connect() as conn:
        _configure_and_run(conn)
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("qualcode migrations run online only (qualcode opens and upgrades the "
                     "database itself)")
run_migrations_online()
