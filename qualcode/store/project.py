"""Opening a project store: a SQLite file by default, any SQLAlchemy URL (PostgreSQL for teams)."""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from sqlalchemy import JSON, String, create_engine, event, inspect
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DatabaseError, IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from ..errors import QualcodeError, ValidationError
from .clean import clean, clean_value
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
        try:
            self._refuse_foreign_database()
            Base.metadata.create_all(self.engine)
        except BaseException:
            self.engine.dispose()
            raise
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        event.listen(self._sessions, "before_flush", _clean_rows)
        self._check_schema()

    def _refuse_foreign_database(self) -> None:
        """A database that holds tables but is not a qualcode project is left untouched."""
        try:
            tables = set(inspect(self.engine).get_table_names())
        except DatabaseError as exc:
            raise QualcodeError(f"{self!r} is not a database qualcode can open "
                                f"({getattr(exc, 'orig', exc)}); nothing was changed") from None
        if tables and Meta.__tablename__ not in tables and tables - set(Base.metadata.tables):
            shown = ", ".join(sorted(tables)[:5]) + (" …" if len(tables) > 5 else "")
            raise QualcodeError(
                f"{self!r} is not a qualcode project: it already holds other tables ({shown}) "
                "and no qualcode_meta table; refusing to add qualcode's tables to it. "
                "Use a new file or an empty database.")

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


_WHAT = {"transcripts": "transcript", "turns": "speaker turn", "codes": "code",
         "codings": "coding", "memos": "memo", "qualcode_meta": "project setting"}


def _clean_rows(session: Session, _context, _instances) -> None:
    """Before anything is written: strip characters PostgreSQL/XML refuse from every text
    column (JSON ones too) and refuse texts longer than their column, on every backend alike."""
    for obj in list(session.new) + list(session.dirty):
        state = inspect(obj)
        table = state.mapper.local_table.name
        is_new = obj in session.new
        for attr in state.mapper.column_attrs:
            column = attr.columns[0]
            if table == "transcripts" and attr.key == "text":
                continue  # canonical text: cleaned by the readers, its offsets must not move
            if not is_new and not state.attrs[attr.key].history.has_changes():
                continue
            value = getattr(obj, attr.key)
            if isinstance(value, str) and isinstance(column.type, String):
                cleaned = clean(value)
                limit = getattr(column.type, "length", None)
                if limit and len(cleaned) > limit:
                    what = _WHAT.get(table, table)
                    field = attr.key.replace("_", " ")
                    raise ValidationError(
                        f"the {what} {field} is too long: {len(cleaned)} characters, at most "
                        f"{limit} ({cleaned[:40]!r}…)")
                if cleaned != value:
                    setattr(obj, attr.key, cleaned)
            elif value is not None and isinstance(column.type, JSON):
                cleaned = clean_value(value)
                if cleaned != value:
                    setattr(obj, attr.key, cleaned)


def get_row(session: Session, model, ident: int, what: str):
    """``session.get`` that raises NotFound ("no <what> with id N") instead of returning None."""
    from ..errors import NotFound

    row = session.get(model, ident)
    if row is None:
        raise NotFound(f"no {what} with id {ident}")
    return row
