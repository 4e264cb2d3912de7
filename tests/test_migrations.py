"""Schema migrations: a project made by qualcode before Alembic (schema version 1, main at
commit 7e5d562) is upgraded when opened, with a backup beside it (SQLite) and its data intact;
a database of a newer revision is refused untouched."""

from __future__ import annotations

import sqlite3
from datetime import datetime

import pytest
from sqlalchemy import (JSON, CheckConstraint, Column, DateTime, Float, ForeignKey, Integer,
                        MetaData, String, Table, Text, UniqueConstraint, create_engine, text)

from qualcode.coding.codes import all_codes, update_code
from qualcode.coding.codings import add_coding, all_codings, list_memos
from qualcode.errors import QualcodeError
from qualcode.store import migrate
from qualcode.store.audit import list_audit
from qualcode.store.project import Project
from qualcode.corpus.transcripts import list_transcripts
from tests.conftest import PG_URL

# The schema of qualcode at commit 7e5d562 (SCHEMA_VERSION 1), copied here on purpose: the test
# must keep building the old database even when the models change.
OLD = MetaData()
Table("qualcode_meta", OLD, Column("key", String(64), primary_key=True),
      Column("value", String(255), nullable=False))
Table("transcripts", OLD,
      Column("id", Integer, primary_key=True), Column("name", String(255), nullable=False, unique=True),
      Column("text", Text, nullable=False), Column("content_hash", String(64), nullable=False, unique=True),
      Column("source_filename", String(1024)), Column("source_format", String(16), nullable=False),
      Column("encoding", String(32)), Column("language", String(8)), Column("interview_order", Integer),
      Column("attributes", JSON, nullable=False), Column("created_at", DateTime, nullable=False))
Table("turns", OLD,
      Column("id", Integer, primary_key=True),
      Column("transcript_id", Integer, ForeignKey("transcripts.id", ondelete="CASCADE"), nullable=False),
      Column("index", Integer, nullable=False), Column("speaker", String(255)),
      Column("start_offset", Integer, nullable=False), Column("end_offset", Integer, nullable=False),
      Column("time_start", Float), Column("time_end", Float),
      CheckConstraint("start_offset <= end_offset", name="turn_span"))
Table("codes", OLD,
      Column("id", Integer, primary_key=True), Column("guid", String(38), nullable=False, unique=True),
      Column("parent_id", Integer, ForeignKey("codes.id")), Column("parent_key", Integer, nullable=False),
      Column("name", String(255), nullable=False), Column("labels", JSON, nullable=False),
      Column("description", Text, nullable=False), Column("inclusion", Text, nullable=False),
      Column("exclusion", Text, nullable=False), Column("examples", JSON, nullable=False),
      Column("color", String(7), nullable=False), Column("position", Integer, nullable=False),
      Column("created_at", DateTime, nullable=False),
      UniqueConstraint("parent_key", "name", name="code_name_per_parent"))
Table("codings", OLD,
      Column("id", Integer, primary_key=True),
      Column("transcript_id", Integer, ForeignKey("transcripts.id", ondelete="CASCADE"), nullable=False),
      Column("code_id", Integer, ForeignKey("codes.id"), nullable=False),
      Column("start_offset", Integer, nullable=False), Column("end_offset", Integer, nullable=False),
      Column("coder", String(255), nullable=False), Column("memo", Text, nullable=False),
      Column("created_at", DateTime, nullable=False),
      CheckConstraint("start_offset >= 0 AND start_offset < end_offset", name="coding_span"),
      UniqueConstraint("transcript_id", "code_id", "start_offset", "end_offset", "coder",
                       name="coding_once"))
Table("memos", OLD,
      Column("id", Integer, primary_key=True), Column("title", String(255), nullable=False),
      Column("body", Text, nullable=False), Column("author", String(255), nullable=False),
      Column("transcript_id", Integer, ForeignKey("transcripts.id", ondelete="CASCADE")),
      Column("code_id", Integer, ForeignKey("codes.id", ondelete="CASCADE")),
      Column("created_at", DateTime, nullable=False), Column("updated_at", DateTime, nullable=False))

NOW = datetime(2026, 1, 2, 3, 4, 5)
TEXT = "Interviewer: Hoe gaat het?\nP1: Ik leer enorm veel bij, en dat geeft energie.\n"


def make_old_database(url: str) -> None:
    engine = create_engine(url)
    OLD.drop_all(engine)
    with engine.begin() as c:
        c.execute(text("DROP TABLE IF EXISTS alembic_version"))
        for name in ("trash", "audit_log", "users"):
            c.execute(text(f"DROP TABLE IF EXISTS {name}"))
    OLD.create_all(engine)
    t = OLD.tables
    with engine.begin() as c:
        c.execute(t["qualcode_meta"].insert(), [{"key": "schema_version", "value": "1"}])
        c.execute(t["transcripts"].insert(), [{
            "id": 1, "name": "Interview 01 – P1", "text": TEXT, "content_hash": "h1",
            "source_filename": "p1.txt", "source_format": "txt", "encoding": "utf-8",
            "language": "nl", "interview_order": 1, "attributes": {"role": "participant", "naam": "Zoë"},
            "created_at": NOW}])
        c.execute(t["turns"].insert(), [
            {"id": 1, "transcript_id": 1, "index": 0, "speaker": "Interviewer", "start_offset": 13,
             "end_offset": 26},
            {"id": 2, "transcript_id": 1, "index": 1, "speaker": "P1", "start_offset": 31,
             "end_offset": len(TEXT) - 1}])
        c.execute(t["codes"].insert(), [
            {"id": 1, "guid": "g-1", "parent_id": None, "parent_key": 0, "name": "Mastery",
             "labels": {"nl": "Meesterschap"}, "description": "d", "inclusion": "", "exclusion": "",
             "examples": ["x"], "color": "#ffd54f", "position": 0, "created_at": NOW},
            {"id": 2, "guid": "g-2", "parent_id": 1, "parent_key": 1, "name": "Learning",
             "labels": {}, "description": "", "inclusion": "", "exclusion": "", "examples": [],
             "color": "#81c784", "position": 0, "created_at": NOW}])
        start = TEXT.index("Ik leer")
        c.execute(t["codings"].insert(), [
            {"id": 1, "transcript_id": 1, "code_id": 2, "start_offset": start,
             "end_offset": start + 24, "coder": "ab", "memo": "first", "created_at": NOW}])
        c.execute(t["memos"].insert(), [
            {"id": 1, "title": "Energie", "body": "old memo", "author": "ab", "transcript_id": 1,
             "code_id": 1, "created_at": NOW, "updated_at": NOW}])
        if engine.dialect.name == "postgresql":  # explicit ids: move the sequences past them
            for name in ("transcripts", "turns", "codes", "codings", "memos"):
                c.execute(text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                               f"(SELECT max(id) FROM {name}))"))
    engine.dispose()


def _check_upgraded(project: Project) -> None:
    [t] = list_transcripts(project)
    assert t.name == "Interview 01 – P1" and t.text == TEXT and t.version == 1
    assert t.attributes == {"role": "participant", "naam": "Zoë"}
    assert sorted((c.name, c.version) for c in all_codes(project)) == [("Learning", 1),
                                                                         ("Mastery", 1)]
    [coding] = all_codings(project)
    assert (coding.coder, coding.memo, TEXT[coding.start:coding.end]) == (
        "ab", "first", "Ik leer enorm veel bij, ")
    [memo] = list_memos(project)
    assert memo.body == "old memo" and memo.version == 1
    # the new machinery works on the upgraded data
    code = update_code(project, 1, description="new", expected_version=1)
    assert code.version == 2
    add_coding(project, 1, 1, 31, 40, coder="cd")
    assert {e.table_name for e in list_audit(project)} == {"codes", "codings"}
    with project.engine.connect() as c:
        assert migrate.current_revision(c) == migrate.head()
        _assert_schema_matches_models(c)


def _assert_schema_matches_models(connection):
    """The migrated schema has every table and column of the models: a model change without
    its migration fails here (indexes and server-side details are left to the revisions)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from qualcode.store.models import Base

    diffs = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    missing = [d for d in diffs if isinstance(d, tuple) and d[0] in ("add_table", "add_column")]
    assert missing == []


def test_an_old_sqlite_project_is_upgraded_with_a_backup(tmp_path):
    path = tmp_path / "project.sqlite"
    make_old_database(f"sqlite:///{path}")
    project = Project(path)
    try:
        assert project.backup_path is not None and project.backup_path.exists()
        assert project.backup_path.name.startswith("project.sqlite.bak-")
        _check_upgraded(project)
    finally:
        project.close()
    # the backup is the old database, untouched
    with sqlite3.connect(project.backup_path) as db:
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert "alembic_version" not in tables and "users" not in tables
        assert db.execute("SELECT count(*) FROM codings").fetchone() == (1,)
    # opening again: nothing left to do, no second backup
    again = Project(path)
    assert again.backup_path is None
    again.close()
    assert len(list(tmp_path.glob("project.sqlite.bak-*"))) == 1


@pytest.mark.postgres
def test_an_old_postgresql_project_is_upgraded():
    if not PG_URL:
        pytest.skip("no PostgreSQL (set QUALCODE_TEST_PG_URL)")
    make_old_database(PG_URL)
    project = Project(PG_URL)
    try:
        assert project.backup_path is None
        _check_upgraded(project)
    finally:
        project.close()
        from qualcode.store.models import Base
        engine = create_engine(PG_URL)
        Base.metadata.drop_all(engine)
        engine.dispose()


def test_a_newer_revision_is_refused_untouched(tmp_path):
    path = tmp_path / "newer.sqlite"
    Project(path).close()
    with sqlite3.connect(path) as db:
        db.execute("UPDATE alembic_version SET version_num = '9999'")
    before = path.read_bytes()
    with pytest.raises(QualcodeError, match="revision 9999, newer than this qualcode"):
        Project(path)
    assert path.read_bytes() == before
    assert not list(tmp_path.glob("*.bak-*"))


def test_a_fresh_project_is_stamped_at_head(tmp_path):
    project = Project(tmp_path / "fresh.sqlite")
    with project.engine.connect() as c:
        assert migrate.current_revision(c) == migrate.head()
    assert project.backup_path is None
    project.close()


def test_the_migration_scripts_ship_inside_the_package():
    root = migrate.MIGRATIONS
    assert (root / "env.py").is_file() and (root / "script.py.mako").is_file()
    revisions = sorted(p.name for p in (root / "versions").glob("*.py"))
    assert revisions[:2] == ["0001_baseline.py", "0002_teams.py"]
    assert migrate.head() == revisions[-1].split("_")[0]
