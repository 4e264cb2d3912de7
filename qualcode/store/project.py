"""Opening a project store: a SQLite file by default, any SQLAlchemy URL (PostgreSQL for teams).

A project knows who is acting on it (``project.user``, see store/permissions.py); every write
through its sessions is permission-checked and recorded in the audit trail (store/audit.py).
Opening a database of an older schema upgrades it with Alembic (store/migrate.py).

Writes: ``with project.transaction() as s:`` — one transaction, committed at the end or rolled
back whole. On SQLite it takes the write lock up front (``BEGIN IMMEDIATE``, WAL journal), so
writers queue instead of failing, retrying with backoff while another writer holds the lock; on
PostgreSQL rows loaded with ``get_row`` inside it are locked (``SELECT … FOR NO KEY UPDATE``),
so two read-modify-write transactions on one row run one after the other. Database errors
(constraint clashes, stale versions, deadlocks, a lock held too long) become QualcodeErrors with
a message for the researcher. ``project.write(fn)`` additionally re-runs ``fn(session)`` after
a transient conflict (deadlock, serialization failure, stale version).
"""

from __future__ import annotations

import json
import os
import sqlite3
import random
import time
from contextlib import closing, contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Callable, Iterator, TypeVar

from sqlalchemy import JSON, String, create_engine, event, inspect
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DatabaseError, DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from ..errors import BusyError, ConflictError, QualcodeError, ValidationError
from .clean import NAME_COLUMNS, clean, clean_line, clean_value
from .models import Base, Meta
from .permissions import Actor

DEFAULT_DB_PATH = Path(".qualcode") / "demo.sqlite"
ENV_URL = "QUALCODE_DB_URL"
LOCK_WAIT_SECONDS = 120.0  # how long a SQLite writer keeps retrying for the write lock
T = TypeVar("T")


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


def _sqlite_connect(dbapi_connection, _record) -> None:
    dbapi_connection.isolation_level = None  # we issue BEGIN ourselves (see _sqlite_begin)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    try:
        cursor.execute("PRAGMA journal_mode=WAL")  # readers never block the writer
    except Exception:  # noqa: BLE001 - a read-only or in-memory database keeps its mode
        pass
    cursor.close()


def _sqlite_begin(conn) -> None:
    write = conn.get_execution_options().get("qualcode_write")
    conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def _is_locked(exc: BaseException) -> bool:
    text = str(getattr(exc, "orig", exc)).lower()
    return "database is locked" in text or "database is busy" in text


def is_retryable(exc: BaseException) -> bool:
    """Whether a refused save may simply be tried again: the project was busy, or the save
    clashed with a colleague's at the same moment (deadlock, serialization failure); not a
    clash with what is stored (a unique name, a deleted row)."""
    if isinstance(exc, BusyError):
        return True
    return isinstance(exc, ConflictError) and exc.__cause__ is not None and \
        _is_transient(exc.__cause__)


def _is_transient(exc: BaseException) -> bool:
    """Deadlock / serialization failure (PostgreSQL), stale version, a lock held too long."""
    if isinstance(exc, (StaleDataError, BusyError)):
        return True
    orig = getattr(exc, "orig", None)
    code = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    return code in {"40001", "40P01", "55P03"} or _is_locked(exc)


# (what PostgreSQL names, what SQLite names) -> message
_CONSTRAINTS = [
    (("coding_once", "codings.transcript_id, codings.code_id"),
     "this span already has this code from this coder"),
    (("code_name_per_parent", "codes.parent_key, codes.name"),
     "a code with this name already exists at that level"),
    (("codes_guid", "codes.guid"), "a code with this identifier already exists"),
    (("transcripts_name", "transcripts.name"), "another transcript already has this name"),
    (("transcripts_content_hash", "transcripts.content_hash"),
     "a transcript with the same text is already in the project"),
    (("users_name", "users.name"), "a user with this name already exists"),
    (("coding_span",), "a coding must cover at least one character inside the transcript"),
    (("turn_span",), "a speaker turn must end after it starts"),
]


def friendly_integrity(exc: IntegrityError) -> str:
    """A researcher's message for a constraint clash (names the clash, never raw SQL)."""
    text = str(exc.orig) if exc.orig is not None else str(exc)
    low = text.lower()
    for names, message in _CONSTRAINTS:
        if any(name in low for name in names):
            return f"{message}; nothing was saved"
    if "foreign key" in low or "violates foreign key" in low:
        return ("this refers to something that no longer exists (another user may have just "
                "deleted it); reload and try again — nothing was saved")
    if "not null" in low or "null value" in low:
        return "a required value is missing; nothing was saved"
    if "unique" in low or "duplicate key" in low:
        return "this would duplicate something already in the project; nothing was saved"
    return "this change clashes with what is stored in the project; nothing was saved"


class Project:
    """A qualcode project: one database holding transcripts, codebook, codings and memos."""

    def __init__(self, target: str | os.PathLike | None = None, *, migrate: bool = True):
        from . import audit, migrate as migrations, visibility

        self.url = resolve_url(target)
        # JSON stored as written (no \\u escapes): readable, smaller, searchable (audit text)
        self.engine: Engine = create_engine(
            self.url, json_serializer=lambda value: json.dumps(value, ensure_ascii=False))
        self.is_sqlite = self.engine.dialect.name == "sqlite"
        if self.is_sqlite:
            event.listen(self.engine, "connect", _sqlite_connect)
            event.listen(self.engine, "begin", _sqlite_begin)
        #: The actor when none is set for the current context; None = local mode (all allowed).
        self.default_actor: Actor | None = None
        self._actor: ContextVar[Actor | None] = ContextVar(f"qualcode_actor_{id(self)}")
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        # Clean first, so that permission checks and the audit trail see what is stored.
        event.listen(self._sessions, "before_flush", _clean_rows)
        event.listen(self._sessions, "before_flush",
                     lambda session, _c, _i: _fill_coders(self, session))
        audit.install(self, self._sessions)
        visibility.install(self, self._sessions)  # blind coding: what the actor may read
        #: Path of the backup written before the last schema upgrade (SQLite), if any.
        self.backup_path: Path | None = None
        try:
            self._refuse_foreign_database()
            migrations.prepare(self, upgrade=migrate)
        except BaseException:
            self.engine.dispose()
            raise

    def _refuse_foreign_database(self) -> None:
        """A database that holds tables but is not a qualcode project is left untouched (for
        SQLite, looked at read-only, before the connection setup switches it to WAL)."""
        try:
            tables = self._existing_tables()
        except (DatabaseError, sqlite3.DatabaseError) as exc:
            raise QualcodeError(f"{self!r} is not a database qualcode can open "
                                f"({getattr(exc, 'orig', exc)}); nothing was changed") from None
        ours = set(Base.metadata.tables) | {"alembic_version"}
        if tables and Meta.__tablename__ not in tables and tables - ours:
            shown = ", ".join(sorted(tables)[:5]) + (" …" if len(tables) > 5 else "")
            raise QualcodeError(
                f"{self!r} is not a qualcode project: it already holds other tables ({shown}) "
                "and no qualcode_meta table; refusing to add qualcode's tables to it. "
                "Use a new file or an empty database.")

    def _existing_tables(self) -> set[str]:
        if not self.is_sqlite:
            return set(inspect(self.engine).get_table_names())
        path = self.engine.url.database
        if not path or path == ":memory:" or not Path(path).exists():
            return set()
        with closing(sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro",
                                     uri=True)) as db:
            return {row[0] for row in db.execute(
                "SELECT name FROM sqlite_master WHERE type='table'")}

    # --- who is acting --------------------------------------------------------------------

    @property
    def user(self) -> Actor | None:
        """The acting user: set by ``acting_as`` for this context, else ``default_actor``."""
        return self._actor.get(self.default_actor)

    @contextmanager
    def acting_as(self, actor: Actor | None) -> Iterator[Project]:
        """Act as ``actor`` (an Actor, see store/users.actor_for) inside the block, in this
        thread/context only; ``None`` is local mode."""
        token = self._actor.set(actor)
        try:
            yield self
        finally:
            self._actor.reset(token)

    def set_user(self, actor: Actor | None) -> None:
        """Act as ``actor`` for the rest of this context (thread) — the UI calls this on every
        rerun; use ``acting_as`` where a block is possible."""
        self._actor.set(actor)

    # --- sessions -------------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session whose work is committed at the end, or rolled back whole on any error."""
        session = self._sessions()
        session.info["qualcode_write"] = True
        try:
            self._begin_write(session)
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise
        except IntegrityError as exc:
            raise ConflictError(friendly_integrity(exc)) from exc
        except StaleDataError as exc:
            raise ConflictError(
                "someone else changed this at the same moment; nothing was saved — reload "
                "and apply your change again") from exc
        except OperationalError as exc:
            if _is_locked(exc):
                raise BusyError("the project is busy (another user is saving a large "
                                "change); nothing was saved — try again in a moment") from exc
            if _is_transient(exc):
                raise ConflictError("this clashed with a colleague's change saved at the same "
                                    "moment; nothing was saved — try again") from exc
            raise
        except DBAPIError as exc:
            if _is_transient(exc):
                raise ConflictError("this clashed with a colleague's change saved at the same "
                                    "moment; nothing was saved — try again") from exc
            raise
        finally:
            session.close()

    def _begin_write(self, session: Session) -> None:
        """Start the transaction; on SQLite take the write lock now, retrying with backoff."""
        if not self.is_sqlite:
            session.connection()
            return
        deadline = time.monotonic() + LOCK_WAIT_SECONDS
        delay = 0.05
        while True:
            try:
                session.connection(execution_options={"qualcode_write": True})
                return
            except OperationalError as exc:
                session.rollback()
                if not _is_locked(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(delay * (0.5 + random.random()))
                delay = min(delay * 2, 2.0)

    def write(self, fn: Callable[[Session], T], *, attempts: int = 8) -> T:
        """Run ``fn(session)`` in a transaction; re-run it from the start after a transient
        conflict (deadlock, serialization failure, stale version, lock timeout)."""
        delay = 0.05
        for attempt in range(attempts):
            try:
                with self.transaction() as s:
                    return fn(s)
            except QualcodeError as exc:
                cause = exc.__cause__
                if attempt == attempts - 1 or cause is None or not _is_transient(cause):
                    raise
            time.sleep(delay * (0.5 + random.random()))
            delay = min(delay * 2, 2.0)
        raise AssertionError("unreachable")

    @contextmanager
    def reading(self) -> Iterator[Session]:
        with self._sessions() as session:
            yield session

    def is_empty(self) -> bool:
        from .models import Code, Transcript

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
                cleaned = clean_line(value) if (table, attr.key) in NAME_COLUMNS else clean(value)
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


def default_coder(project: Project) -> str:
    """Who codes when no coder is given: the acting user (logged in, or the name typed in
    local mode), else the operating-system user running qualcode (local mode, the library)."""
    actor = project.user
    if actor is not None and (actor.name or "").strip():
        return actor.name.strip()
    import getpass

    try:
        return getpass.getuser() or "local"
    except Exception:  # noqa: BLE001 - no user name in this environment
        return "local"


def _fill_coders(project: Project, session: Session) -> None:
    """A coding is never stored without a coder (agreement, blind coding and the audit trail
    all rely on it): an empty coder becomes ``default_coder``."""
    from .models import Coding

    for obj in session.new:
        if isinstance(obj, Coding) and not (obj.coder or "").strip():
            obj.coder = default_coder(project)


def get_row(session: Session, model, ident: int, what: str):
    """``session.get`` that raises NotFound ("no <what> with id N") instead of returning None.
    Inside ``project.transaction()`` the row is locked until commit (PostgreSQL), so concurrent
    read-modify-write transactions on it queue instead of overwriting each other."""
    from ..errors import NotFound

    lock = None
    if session.info.get("qualcode_write") and session.bind is not None \
            and session.bind.dialect.name == "postgresql":
        lock = {"key_share": True}  # FOR NO KEY UPDATE: does not block inserts referencing it
    row = session.get(model, ident, with_for_update=lock)
    if row is None:
        raise NotFound(f"no {what} with id {ident}")
    return row
