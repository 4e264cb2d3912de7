"""Memos belong to their author (document managers and admins may edit all); a deleted memo
goes to the trash with its links, and the audit trail keeps all of it (issue 16, item 6)."""

from __future__ import annotations

import pytest

from qualcode.coding.codes import create_code
from qualcode.coding.memos import create_memo, delete_memo, get_memo, link_memo, update_memo
from qualcode.errors import NotFound, PermissionDenied
from qualcode.store.audit import list_audit
from qualcode.store.permissions import Actor
from qualcode.store.project import Project
from qualcode.store.trash import list_trash, restore
from qualcode.store.users import actor_for, add_user, get_user

LONG = "A memo of a long afternoon. " * 200  # 5,600 characters


@pytest.fixture
def team(tmp_path):
    project = Project(tmp_path / "memos.sqlite")
    for name, role in (("boss", "admin"), ("anna", "coder"), ("bram", "coder"),
                       ("mia", "manage-documents")):
        add_user(project, name, f"{name} password", role)
    who = {n: actor_for(get_user(project, n)) for n in ("boss", "anna", "bram", "mia")}
    code = create_code(project, "Housing")
    with project.acting_as(who["anna"]):
        memo = create_memo(project, "Anna's idea", LONG, author="someone else")
        link_memo(project, memo.id, "code", code.id)
    yield project, who, memo
    project.close()


def test_the_author_is_the_logged_in_user(team):
    project, _who, memo = team
    assert get_memo(project, memo.id).author == "anna"


def test_another_coder_may_not_edit_or_delete_a_memo(team):
    project, who, memo = team
    with project.acting_as(who["bram"]):
        with pytest.raises(PermissionDenied, match="only their own memos"):
            update_memo(project, memo.id, body="bram was here")
        with pytest.raises(PermissionDenied, match="only their own memos"):
            delete_memo(project, memo.id)
    assert get_memo(project, memo.id).body == LONG


@pytest.mark.parametrize("editor", ["anna", "mia", "boss"])
def test_author_manager_and_admin_may_edit(team, editor):
    project, who, memo = team
    with project.acting_as(who[editor]):
        update_memo(project, memo.id, body=f"edited by {editor}")
    assert get_memo(project, memo.id).body == f"edited by {editor}"


def test_a_deleted_memo_goes_to_the_trash_and_comes_back_whole(team):
    project, who, memo = team
    with project.acting_as(who["anna"]):
        delete_memo(project, memo.id)
    with pytest.raises(NotFound):
        get_memo(project, memo.id)
    with project.acting_as(who["boss"]):
        [item] = [i for i in list_trash(project) if i.kind == "memo"]
        assert item.label == "Anna's idea" and item.deleted_by == "anna"
        [entry] = [e for e in list_audit(project, table="memos", action="delete")]
        assert entry.before["body"] == LONG  # not cut at 1,000 characters
        result = restore(project, item.id)
    assert result["kind"] == "memo" and not result["skipped"]
    back = get_memo(project, memo.id)
    assert back.body == LONG and back.author == "anna" and back.title == "Anna's idea"
    from qualcode.coding.memos import memo_views

    [view] = [v for v in memo_views(project) if v.id == memo.id]
    assert "Housing" in repr(view)  # its link to the code came back


def test_local_mode_is_unchanged(tmp_path):
    project = Project(tmp_path / "local.sqlite")
    memo = create_memo(project, "Mine", "x", author="JW")
    with project.acting_as(Actor("JW", "admin", local=True)):
        update_memo(project, memo.id, body="y")
        delete_memo(project, memo.id)
    assert [i.kind for i in list_trash(project)] == ["memo"]
    project.close()


# --- item 7: importing a whole codebook needs the manage-codebook permission ----------------

def test_codebook_import_needs_manage_codebook(team):
    from qualcode.coding.codebook import import_codebook, parse_codebook
    from qualcode.exchange.refi_codebook import export_qdc, import_qdc

    project, who, _memo = team
    book = parse_codebook("codes:\n  - name: Imported\n", "book.yaml")
    qdc = export_qdc(project)
    with project.acting_as(who["anna"]):
        with pytest.raises(PermissionDenied, match="import a codebook"):
            import_codebook(project, book)
        with pytest.raises(PermissionDenied, match="import a codebook"):
            import_qdc(project, qdc, "book.qdc")
        create_code(project, "One by one")  # a coder still edits codes one by one
    for name in ("mia", "boss"):
        with project.acting_as(who[name]):
            assert import_codebook(project, book)["created"] + import_codebook(
                project, book)["updated"] >= 1


def test_cli_codebook_import_as_a_coder_is_refused(team, tmp_path, capsys):
    from qualcode.cli import main

    project, _who, _memo = team
    path = tmp_path / "book.yaml"
    path.write_text("codes:\n  - name: Imported\n", encoding="utf-8")
    url = project.url.replace("sqlite:///", "")
    assert main(["--db", url, "--as", "anna", "codebook", "import", str(path)]) == 2
    assert "may not import a codebook" in capsys.readouterr().err
    assert main(["--db", url, "--as", "mia", "codebook", "import", str(path)]) == 0
