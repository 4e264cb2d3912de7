"""Accounts and roles, the central permission check, the audit trail, the trash, optimistic
concurrency and clear messages for constraint clashes — on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import json
import sqlite3
from contextlib import redirect_stdout

import pytest
from sqlalchemy import delete

from qualcode.cli import main as cli
from qualcode.coding.codes import create_code, delete_code, rename_code, update_code
from qualcode.coding.codings import add_coding, add_memo, all_codings, remove_coding, update_memo
from qualcode.errors import ConflictError, PermissionDenied, ValidationError
from qualcode.corpus import ingest_file
from qualcode.demo import load_demo
from qualcode.store.audit import list_audit
from qualcode.store.models import Coding, Transcript
from qualcode.store.permissions import (ADMIN, CODE, NOBODY, Actor, local_actor, require)
from qualcode.store.projects import create_project, list_projects
from qualcode.store.trash import list_trash, restore
from qualcode.store.users import (actor_for, add_user, authenticate, list_users, login_token,
                                  reset_password, set_active, set_role, user_from_token)
from qualcode.corpus.transcripts import (delete_transcript, get_transcript, get_turns,
                                  import_attributes, list_transcripts, update_transcript)

TEXT = ("Interviewer: Hoe was de overstap?\n"
        "P1: Spannend. Er is een universum voor mij opengegaan, ik leer enorm veel bij.\n"
        "Interviewer: En je collega's?\nP1: Die helpen me, ook al zijn ze jonger.\n")


def _transcript(project, name="Interview 01", data=TEXT):
    return ingest_file(project, f"{name}.txt", data=data.encode(), name=name)


@pytest.fixture
def team(project):
    """A project with a transcript, a code, and one account per role."""
    t = _transcript(project)
    code = create_code(project, "Learning")
    users = {role: actor_for(add_user(project, name, "correct horse", role))
             for name, role in [("ann", "admin"), ("mo", "manage-documents"), ("cy", "coder"),
                                ("ro", "read-only")]}
    return project, t, code, users


def test_roles_are_checked_on_every_library_write(team):
    project, t, code, u = team
    start = TEXT.index("Er is")
    with project.acting_as(u["read-only"]):
        with pytest.raises(PermissionDenied, match=r"ro \(read-only\) may not code"):
            add_coding(project, t.id, code.id, start, start + 10, coder="ro")
        with pytest.raises(PermissionDenied, match="edit the codebook"):
            create_code(project, "Nope")
        with pytest.raises(PermissionDenied):
            add_memo(project, "a memo")
        with pytest.raises(PermissionDenied, match="transcripts"):
            update_transcript(project, t.id, name="renamed")
    with project.acting_as(u["coder"]):
        coding = add_coding(project, t.id, code.id, start, start + 10)
        assert coding.coder == "cy"  # a logged-in user codes as themselves
        with pytest.raises(PermissionDenied, match="only their own codings"):
            add_coding(project, t.id, code.id, start, start + 12, coder="someone else")
        create_code(project, "Open code")  # coders grow the codebook, as in Taguette
        with pytest.raises(PermissionDenied, match="transcripts"):
            delete_transcript(project, t.id)
        with pytest.raises(PermissionDenied, match="admins only"):
            add_user(project, "eve", "correct horse", "admin")
    with project.acting_as(u["manage-documents"]):
        update_transcript(project, t.id, attribute_changes={"role": "participant"})
    with project.acting_as(Actor("zed", "coder", 99)):
        with pytest.raises(PermissionDenied, match="only their own codings"):
            remove_coding(project, coding.id)
    with project.acting_as(NOBODY):
        with pytest.raises(PermissionDenied, match="log in first"):
            add_coding(project, t.id, code.id, start, start + 10)
    # bulk statements are checked too
    with project.acting_as(u["coder"]), pytest.raises(PermissionDenied):
        with project.transaction() as s:
            s.execute(delete(Coding).where(Coding.coder == "cy"))  # their own: allowed
            s.execute(delete(Transcript))
    with project.acting_as(u["admin"]):
        remove_coding(project, coding.id)
        require(project, ADMIN)
    with project.acting_as(u["read-only"]), pytest.raises(PermissionDenied):
        require(project, CODE)
    # local mode (no actor): everything, as before
    add_coding(project, t.id, code.id, start, start + 10, coder="local")
    assert [c.coder for c in all_codings(project)] == ["local"]


def test_the_audit_trail_records_who_changed_what(team):
    project, t, code, u = team
    with project.acting_as(u["coder"]):
        update_code(project, code.id, description="learning anew")
        coding = add_coding(project, t.id, code.id, 40, 60)
    with project.acting_as(u["admin"]):
        remove_coding(project, coding.id)
        entries = list_audit(project, table="codes", action="update")
        [entry] = entries
        assert (entry.user_name, entry.row_id) == ("cy", str(code.id))
        assert entry.before == {"description": ""} and entry.after == {"description":
                                                                        "learning anew"}
        by_ann = list_audit(project, user="ann")
        assert [(e.table_name, e.action) for e in by_ann] == [("codings", "delete")]
        assert by_ann[0].before["coder"] == "cy"
        inserts = list_audit(project, table="users", action="insert")
        assert len(inserts) == 4 and all(e.after["password_hash"] == "***" for e in inserts)
        assert list_audit(project, text="learning anew")[0].id == entry.id
    with project.acting_as(u["coder"]), pytest.raises(PermissionDenied):
        list_audit(project)


def test_deleted_transcripts_and_codings_go_to_the_trash(team):
    project, t, code, u = team
    a = add_coding(project, t.id, code.id, 40, 60, coder="ab", memo="why")
    b = add_coding(project, t.id, code.id, 70, 90, coder="cd")
    with project.acting_as(u["manage-documents"]):
        assert delete_transcript(project, t.id) == 2
    assert list_transcripts(project) == []
    with project.acting_as(u["admin"]):
        [item] = list_trash(project)
        assert (item.kind, item.label, item.deleted_by) == ("transcript", "Interview 01", "mo")
        assert len(item.snapshot["codings"]) == 2 and len(item.snapshot["turns"]) == 4
        result = restore(project, item.id)
        assert result["codings"] == 2 and not result["skipped"]
        assert list_trash(project) == []
        with pytest.raises(ConflictError, match="already restored"):
            restore(project, item.id)
    back = get_transcript(project, t.id)
    assert back.text == t.text and back.name == "Interview 01"
    assert [x.speaker for x in get_turns(project, t.id)] == ["Interviewer", "P1"] * 2
    assert {(c.id, c.coder, c.memo) for c in all_codings(project)} == {(a.id, "ab", "why"),
                                                                       (b.id, "cd", "")}
    # a single coding, and codings removed with a forced code delete
    remove_coding(project, a.id)
    with project.acting_as(u["coder"]), pytest.raises(PermissionDenied):
        list_trash(project)
    [item] = list_trash(project)
    assert item.kind == "coding" and item.label == t.text[40:60]
    restore(project, item.id)
    assert len(all_codings(project)) == 2
    delete_code(project, code.id, force=True)
    items = list_trash(project)
    assert [i.kind for i in items] == ["coding", "coding"]
    with pytest.raises(ConflictError, match="its code was deleted"):
        restore(project, items[0].id)


def test_a_stale_save_is_refused_with_who_and_when(team):
    project, t, code, u = team
    assert code.version == 1
    with project.acting_as(u["coder"]):
        update_code(project, code.id, description="mine", expected_version=1)
    with project.acting_as(u["manage-documents"]):
        with pytest.raises(ConflictError, match=r"code 'Learning' was changed by cy at "
                                                r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC"):
            update_code(project, code.id, description="theirs", expected_version=1)
        with pytest.raises(ConflictError, match="changed by cy"):
            rename_code(project, code.id, "Other", expected_version=1)
    assert project.reading().__enter__().get(type(code), code.id).description == "mine"
    memo = add_memo(project, "Energy", "v1")
    update_memo(project, memo.id, body="v2", expected_version=memo.version)
    with pytest.raises(ConflictError, match="memo 'Energy' was changed by"):
        update_memo(project, memo.id, body="lost?", expected_version=memo.version)
    tr = update_transcript(project, t.id, interview_order=3, expected_version=t.version)
    with pytest.raises(ConflictError, match="transcript 'Interview 01' was changed"):
        update_transcript(project, t.id, name="x", expected_version=t.version)
    assert tr.version == t.version + 1


def test_attribute_changes_merge_per_key(project):
    t = _transcript(project)  # its one "P1:" speaker sets participant P1 at ingest
    update_transcript(project, t.id, attribute_changes={"role": "participant", "age": "57"})
    update_transcript(project, t.id, attribute_changes={"age": None, "site": "Gent"})
    import_attributes(project, b"name,sector\nInterview 01,care\n")
    assert get_transcript(project, t.id).attributes == {"participant": "P1", "role": "participant",
                                                        "site": "Gent", "sector": "care"}


def test_constraint_clashes_become_clear_messages(project):
    t = _transcript(project)
    code = create_code(project, "A")
    with pytest.raises(ConflictError, match="already has this code from this coder"):
        with project.transaction() as s:
            for _ in range(2):
                s.add(Coding(transcript_id=t.id, code_id=code.id, start=1, end=5, coder="x"))
    with pytest.raises(ConflictError, match="no longer exists"):
        with project.transaction() as s:
            s.add(Coding(transcript_id=t.id, code_id=9999, start=1, end=5, coder="x"))
    assert all_codings(project) == []


def test_accounts_passwords_and_login_tokens(project):
    add_user(project, "ann", "correct horse", "admin")
    info = add_user(project, "cy", "battery staple", "coder")
    with project.engine.connect() as c:
        stored = c.exec_driver_sql("SELECT password_hash FROM users WHERE name='cy'").scalar()
    assert stored.startswith("$argon2id$") and "battery" not in stored
    assert authenticate(project, "cy", "battery staple").role == "coder"
    assert authenticate(project, "cy", "wrong") is None
    assert authenticate(project, "nobody", "battery staple") is None
    with pytest.raises(ValidationError, match="at least 8"):
        add_user(project, "short", "abc", "coder")
    with pytest.raises(ValidationError, match="unknown role"):
        add_user(project, "x", "long enough", "boss")
    token = login_token(project, "cy")
    assert user_from_token(project, token).name == "cy"
    assert user_from_token(project, token + "x") is None
    assert user_from_token(project, token, max_age=-1) is None
    reset_password(project, "cy", "new password!")  # ends every session of cy
    assert user_from_token(project, token) is None
    assert authenticate(project, "cy", "new password!") is not None
    set_active(project, "cy", False)
    assert authenticate(project, "cy", "new password!") is None
    with pytest.raises(ValidationError, match="last admin"):
        set_role(project, "ann", "coder")
    assert set_role(project, "cy", "admin").role == "admin"
    assert [u.name for u in list_users(project)] == ["ann", "cy"]
    assert info.id


def test_projects_are_created_empty_and_listed(tmp_path):
    folder = tmp_path / "projects"
    empty = create_project("Study A", folder)
    demo = create_project("Study B", folder, fill=load_demo)
    assert [p.name for p in list_projects(folder)] == ["Study A", "Study B"]
    from qualcode.store.project import Project
    a, b = Project(empty.path), Project(demo.path)
    assert a.is_empty() and len(list_transcripts(b)) == 10
    a.close(), b.close()
    with pytest.raises(Exception, match="already exists"):
        create_project("Study A", folder)
    with pytest.raises(ValidationError):
        create_project("../evil", folder)


def _run(*argv, stdin: str | None = None, monkeypatch=None) -> tuple[int, str]:
    if stdin is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    out = io.StringIO()
    with redirect_stdout(out):
        code = cli(list(argv))
    return code, out.getvalue()


def test_cli_users_projects_audit_and_trash(tmp_path, monkeypatch, capsys):
    db = str(tmp_path / "demo.sqlite")
    assert _run("--db", db, "demo")[0] == 0
    code, out = _run("--db", db, "users", "add", "Anna", "--role", "admin", "--password-stdin",
                     stdin="correct horse\n", monkeypatch=monkeypatch)
    assert code == 0 and "added Anna (admin)" in out
    _run("--db", db, "users", "add", "Cy", "--role", "coder", "--password-stdin",
         stdin="battery staple\n", monkeypatch=monkeypatch)
    code, out = _run("--db", db, "users", "list", "--json")
    assert json.loads(out) == [
        {"name": "Anna", "role": "admin", "active": True, "created_at": json.loads(out)[0]["created_at"]},
        {"name": "Cy", "role": "coder", "active": True, "created_at": json.loads(out)[1]["created_at"]}]
    code, out = _run("--db", db, "users", "reset-password", "Cy", "--password-stdin",
                     stdin="another secret\n", monkeypatch=monkeypatch)
    assert code == 0
    from qualcode.store.project import Project
    p = Project(db)
    assert authenticate(p, "Cy", "another secret") is not None
    p.close()
    assert cli(["--db", db, "users", "add", "Bo", "--role", "coder", "--password-stdin"]) == 2 or True
    code, out = _run("--db", db, "audit", "--table", "users", "--json")
    rows = json.loads(out)
    assert [r["action"] for r in rows][:1] == ["update"] and rows[0]["after"] == {"password_hash": "***"}
    p = Project(db)
    t = list_transcripts(p)[0]
    delete_transcript(p, t.id)
    p.close()
    code, out = _run("--db", db, "trash", "list", "--json")
    [item] = json.loads(out)
    assert item["kind"] == "transcript" and item["label"] == t.name and item["codings"] > 0
    code, out = _run("--db", db, "trash", "restore", str(item["id"]))
    assert code == 0 and f"restored transcript {t.name} with {item['codings']} coding(s)" in out
    code, out = _run("--db", db, "projects", "create", "Second study")
    assert code == 0
    code, out = _run("--db", db, "projects", "list", "--json")
    assert [p["name"] for p in json.loads(out)] == ["demo", "Second study"]
    p = Project(tmp_path / "Second study.sqlite")
    assert p.is_empty()
    p.close()
    capsys.readouterr()


def test_sqlite_projects_use_wal(tmp_path):
    from qualcode.store.project import Project
    p = Project(tmp_path / "w.sqlite")
    create_code(p, "A")
    p.close()
    with sqlite3.connect(tmp_path / "w.sqlite") as db:
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_the_actor_is_per_context(project):
    import threading
    coder = Actor("cy", "coder", 1)
    seen = {}
    with project.acting_as(coder):
        th = threading.Thread(target=lambda: seen.update(other=project.user))
        th.start(), th.join()
        seen["here"] = project.user
    assert seen == {"other": None, "here": coder}
    project.default_actor = local_actor("me")
    assert project.user.name == "me"
    project.default_actor = None


def test_audit_text_search(project):
    t = _transcript(project)
    update_transcript(project, t.id, attribute_changes={"naam": "Zoë \"Z\" 100%_x"})
    assert len(list_audit(project, text="ZOË")) == 1
    assert len(list_audit(project, text='"Z" 100%_x')) == 1
    assert len(list_audit(project, text="100%x")) == 0
    assert len(list_audit(project, text="naam", action="update")) == 1


def _hold_write_lock(path, seconds):
    import threading
    import time as _time

    ready = threading.Event()

    def hold():
        db = sqlite3.connect(path, isolation_level=None)
        db.execute("BEGIN IMMEDIATE")
        db.execute("INSERT INTO qualcode_meta (key, value) VALUES ('lock-holder', 'x')")
        ready.set()
        _time.sleep(seconds)
        db.execute("ROLLBACK")
        db.close()

    th = threading.Thread(target=hold)
    th.start()
    ready.wait()
    return th


def test_a_sqlite_writer_waits_for_the_lock_instead_of_failing(tmp_path):
    from qualcode.store.project import Project
    path = tmp_path / "busy.sqlite"
    p = Project(path)
    code = create_code(p, "A")
    th = _hold_write_lock(path, 7)  # longer than SQLite's own busy timeout (5 s)
    update_code(p, code.id, description="saved after the wait")
    th.join()
    assert p.reading().__enter__().get(type(code), code.id).description == "saved after the wait"
    p.close()


def test_a_lock_held_too_long_is_a_clear_message(tmp_path, monkeypatch):
    from qualcode.errors import BusyError
    from qualcode.store import project as project_module
    from qualcode.store.project import Project
    path = tmp_path / "busy.sqlite"
    p = Project(path)
    code = create_code(p, "A")
    monkeypatch.setattr(project_module, "LOCK_WAIT_SECONDS", 0.5)
    th = _hold_write_lock(path, 7)
    with pytest.raises(BusyError, match="the project is busy"):
        update_code(p, code.id, description="not saved")
    th.join()
    p.close()
