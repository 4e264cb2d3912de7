"""Opening a project store: a SQLite file by default, any SQLAlchemy URL (PostgreSQL for teams)."""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from sqlalchemy import create_engine, event, inspect
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from ..errors import QualcodeError
from .models import SCHEMA_VERSION, Base, Meta

DEFAULT_DB_PATH = Path(".qualcode") / "demo.sqlite"
ENV_URL = "QUALCODE_DB_URL"


def resolve_url(target: str | os.PathLike | None = None) -> str:
    """A database URL from an explicit URL or path, else $QUALCODE_DB_URL, else the demo file."""
    if target is None:
        target = os.environ.get(ENV_URL) or DEFAULT_DB_PATH
    target = str(target)
    if "://" in target:
        return target
    path = Path(target).expanduser()
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path.resolve()}"


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


class Project:
    """A qualcode project: one database holding transcripts, codebook, codings and memos."""

    def __init__(self, target: str | os.PathLike | None = None):
        self.url = resolve_url(target)
        self.engine: Engine = create_engine(self.url)
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        Base.metadata.create_all(self.engine)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._check_schema()

    def _check_schema(self, retry: bool = True) -> None:
        try:
            self._check_schema_once()
        except IntegrityError:  # another process stamped the new database at the same moment
            if not retry:
                raise
            self._check_schema(retry=False)

    def _check_schema_once(self) -> None:
        inspector = inspect(self.engine)
        for table in Base.metadata.sorted_tables:
            have = {c["name"] for c in inspector.get_columns(table.name)}
            missing = sorted(c.name for c in table.columns if c.name not in have)
            if missing:
                raise QualcodeError(
                    f"this project database was made by another qualcode version: table "
                    f"'{table.name}' lacks {', '.join(missing)}; open it with that version")
        with self.transaction() as s:
            row = s.get(Meta, "schema_version")
            if row is None:
                s.add(Meta(key="schema_version", value=str(SCHEMA_VERSION)))
            elif row.value != str(SCHEMA_VERSION):
                raise QualcodeError(
                    f"this project database has schema version {row.value}, but this qualcode "
                    f"reads version {SCHEMA_VERSION}; open it with a matching qualcode version")

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session whose work is committed at the end, or rolled back whole on any error."""
        with self._sessions() as session, session.begin():
            yield session

    @contextmanager
    def reading(self) -> Iterator[Session]:
        with self._sessions() as session:
            yield session

    def is_empty(self) -> bool:
        from .models import Transcript, Code

        with self.reading() as s:
            return s.query(Transcript.id).first() is None and s.query(Code.id).first() is None

    def close(self) -> None:
        self.engine.dispose()

    def __repr__(self) -> str:
        return f"Project({self.engine.url.render_as_string(hide_password=True)!r})"


def get_row(session: Session, model, ident: int, what: str):
    """``session.get`` that raises NotFound ("no <what> with id N") instead of returning None."""
    from ..errors import NotFound

    row = session.get(model, ident)
    if row is None:
        raise NotFound(f"no {what} with id {ident}")
    return row
