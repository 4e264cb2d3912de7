from __future__ import annotations

import sqlite3

import pytest

from qualcode.errors import QualcodeError
from qualcode.store.project import Project, resolve_url


def test_resolve_url(tmp_path, monkeypatch):
    monkeypatch.delenv("QUALCODE_DB_URL", raising=False)
    assert resolve_url("postgresql+psycopg://u@h/db") == "postgresql+psycopg://u@h/db"
    assert resolve_url(tmp_path / "a" / "b.sqlite") == f"sqlite:///{tmp_path}/a/b.sqlite"
    assert (tmp_path / "a").is_dir()
    monkeypatch.setenv("QUALCODE_DB_URL", str(tmp_path / "env.sqlite"))
    assert resolve_url(None).endswith("/env.sqlite")


def test_a_database_of_another_version_is_refused_untouched(tmp_path):
    path = tmp_path / "old.sqlite"
    Project(path).close()
    with sqlite3.connect(path) as db:
        db.execute("UPDATE qualcode_meta SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(QualcodeError, match="schema version 99"):
        Project(path)
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT value FROM qualcode_meta").fetchone() == ("99",)


def test_a_database_missing_columns_is_refused(tmp_path):
    path = tmp_path / "older.sqlite"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE codes (id INTEGER PRIMARY KEY, name TEXT)")
        db.execute("INSERT INTO codes (name) VALUES ('kept')")
    with pytest.raises(QualcodeError, match="table 'codes' lacks"):
        Project(path)
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT name FROM codes").fetchall() == [("kept",)]


def test_a_failed_transaction_leaves_nothing(project):
    from qualcode.coding.codes import all_codes, create_code
    from qualcode.store.models import Code

    create_code(project, "Kept")
    with pytest.raises(RuntimeError):
        with project.transaction() as s:
            s.add(Code(name="Half-done", parent_key=0))
            s.flush()
            raise RuntimeError("crash in the middle")
    assert [c.name for c in all_codes(project)] == ["Kept"]
