"""The team features in the app, driven by streamlit.testing: a stale save is refused with
who and when, the login gate of a shared server, the admin pages, project switching."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from qualcode.coding.codes import code_tree, update_code
from qualcode.store.permissions import Actor
from qualcode.store.project import Project
from qualcode.store.users import add_user
from qualcode.corpus.transcripts import delete_transcript, list_transcripts
from tests.apptest import app_db, page
from tests.conftest import ROOT


@pytest.fixture
def db(tmp_path, monkeypatch):
    return app_db(tmp_path, monkeypatch)


def test_a_stale_code_edit_is_refused_with_who_and_when(db):
    at = page("page_codebook")
    project = Project(db)
    first = code_tree(project)[0].code
    with project.acting_as(Actor("bo", "coder", 7)):  # a colleague saves meanwhile
        update_code(project, first.id, description="Bo's definition")
    next(t for t in at.text_area if t.label == "Definition").input("my definition")
    next(b for b in at.button if b.label == "Save").click().run()
    assert any("was changed by bo at" in e.value.replace("\\", "") for e in at.error)
    assert code_tree(project)[0].code.description == "Bo's definition"
    # the editor now shows the current version (Bo's); saving again is no longer refused
    next(b for b in at.button if b.label == "Save").click().run()
    assert not at.error and any(s.value == "Code saved." for s in at.success)
    assert code_tree(project)[0].code.description == "Bo's definition"
    project.close()


def test_a_shared_server_asks_for_a_login(db, monkeypatch):
    monkeypatch.setenv("QUALCODE_LOGIN", "required")
    project = Project(db)
    add_user(project, "ann", "admin password", "admin")
    project.close()
    at = AppTest.from_file(str(ROOT / "qualcode" / "ui" / "app.py"), default_timeout=60)
    at.run()
    assert not at.exception
    assert [b.label for b in at.button] == ["Log in"]
    assert not at.dataframe  # nothing of the project shows
    next(t for t in at.text_input if t.label == "User name").input("ann")
    next(t for t in at.text_input if t.label == "Password").input("wrong")
    at.button[0].click().run()
    assert any("wrong password" in e.value for e in at.error)
    next(t for t in at.text_input if t.label == "User name").input("ann")
    next(t for t in at.text_input if t.label == "Password").input("admin password")
    at.button[0].click().run()
    assert not at.exception
    assert "ann (admin)" in [t.value for t in at.sidebar.text]


def test_admin_pages_audit_and_trash(db):
    project = Project(db)
    t = list_transcripts(project)[0]
    delete_transcript(project, t.id)
    project.close()
    at = page("page_audit")
    assert any("entries" in c.value for c in at.caption)
    frame = at.dataframe[0].value
    assert "delete" in set(frame["action"])
    at = page("page_trash")
    at.selectbox(key="trash_pick")
    next(b for b in at.button if b.label == "Restore").click().run()
    assert any(t.name in s.value.replace("\\", "") for s in at.success)
    project = Project(db)
    assert t.name in {x.name for x in list_transcripts(project)}
    project.close()


def test_users_page_adds_a_user(db):
    at = page("page_users")
    next(t for t in at.text_input if t.label == "User name").input("cy")
    next(t for t in at.text_input if t.label == "Initial password").input("coder password")
    next(b for b in at.button if b.label == "Add user").click().run()
    assert not at.exception
    assert any("Added cy" in s.value for s in at.success)


def test_local_mode_switches_and_creates_projects(db, tmp_path):
    at = AppTest.from_file(str(ROOT / "qualcode" / "ui" / "app.py"), default_timeout=60)
    at.run()
    assert not at.exception
    assert at.sidebar.text_input(key="coder") is not None  # no login in local mode
    next(t for t in at.text_input if t.label == "Project name").input("Second study")
    next(b for b in at.button if b.label == "Create").click().run()
    assert not at.exception
    assert (tmp_path / "Second study.sqlite").is_file()
    project = Project(tmp_path / "Second study.sqlite")
    assert project.is_empty()
    project.close()
    assert at.selectbox(key="qc_project_pick").value.endswith("Second%20study.sqlite") or \
        at.selectbox(key="qc_project_pick").value.endswith("Second study.sqlite")


def test_repeated_failed_logins_lock_the_name(db, monkeypatch):
    monkeypatch.setenv("QUALCODE_LOGIN", "required")
    project = Project(db)
    add_user(project, "zed", "the right password", "coder")
    project.close()
    at = AppTest.from_file(str(ROOT / "qualcode" / "ui" / "app.py"), default_timeout=60)
    at.run()
    for _ in range(5):
        next(t for t in at.text_input if t.label == "User name").input("zed")
        next(t for t in at.text_input if t.label == "Password").input("guess")
        at.button[0].click().run()
    next(t for t in at.text_input if t.label == "User name").input("zed")
    next(t for t in at.text_input if t.label == "Password").input("the right password")
    at.button[0].click().run()
    assert any("Too many failed logins" in e.value for e in at.error)
    assert "zed (code)" not in [t.value for t in at.sidebar.text]


def test_local_mode_opens_a_project_file(db, tmp_path):
    other = tmp_path / "elsewhere" / "study.sqlite"
    other.parent.mkdir()
    Project(other).close()
    at = AppTest.from_file(str(ROOT / "qualcode" / "ui" / "app.py"), default_timeout=60)
    at.run()
    next(t for t in at.text_input if t.label.startswith("Project file")).input(str(tmp_path / "nope.sqlite"))
    next(b for b in at.button if b.label == "Open").click().run()
    assert any("no project file" in e.value for e in at.error)
    next(t for t in at.text_input if t.label.startswith("Project file")).input(str(other))
    next(b for b in at.button if b.label == "Open").click().run()
    assert not at.exception
    assert str(other) in " ".join(t.value for t in at.sidebar.text)
