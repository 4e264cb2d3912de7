"""Undo of the last actions of a coder: codings added and removed, codes merged, moved, deleted."""

from __future__ import annotations

import pytest

from qualcode.coding import history
from qualcode.coding.codes import code_tree, create_code, find_code
from qualcode.coding.codings import add_memo, all_codings, codings_for_transcript, list_memos
from qualcode.errors import ValidationError
from qualcode.corpus import ingest_file

TEXT = "Interviewer: Hoe gaat het?\nP1: Ik leer enorm veel bij. Mijn loon bleef hetzelfde.\n"


@pytest.fixture
def setup(project):
    t = ingest_file(project, "p1.txt", data=TEXT.encode(), name="P1")
    a = create_code(project, "Authenticity")
    b = create_code(project, "Mastery")
    child = create_code(project, "Learning", a.id)
    return project, t, a, b, child


def _state(project):
    codings = sorted((c.id, c.code_id, c.start, c.end, c.coder, c.memo)
                     for c in all_codings(project))
    codes = sorted((n.code.id, n.path, n.code.position, tuple(n.code.examples or []))
                   for n in code_tree(project))
    memos = sorted((m.id, m.title, m.code_id) for m in list_memos(project))
    return codings, codes, memos


def test_undo_coding_added_and_removed(setup):
    project, t, a, b, _ = setup
    i = TEXT.index("Ik leer")
    c1 = history.add_coding(project, t.id, a.id, i, i + 20, coder="an", memo="first")
    c2 = history.add_coding(project, t.id, b.id, i, i + 10, coder="an")
    history.add_coding(project, t.id, b.id, i, i + 12, coder="bo")  # another coder
    assert [x.kind for x in history.recent_actions(project, "an")] == ["coding_added"] * 2
    assert "Mastery" in history.recent_actions(project, "an")[0].summary

    history.remove_coding(project, c1.id, coder="an")
    assert c1.id not in {c.id for c in all_codings(project)}
    undone = history.undo_last(project, "an")
    assert undone.kind == "coding_removed"
    back = next(c for c in all_codings(project) if c.id == c1.id)
    assert (back.start, back.end, back.memo, back.coder) == (c1.start, c1.end, "first", "an")

    assert history.undo_last(project, "an").kind == "coding_added"  # c2 goes
    assert c2.id not in {c.id for c in all_codings(project)}
    assert history.undo_last(project, "an").kind == "coding_added"  # c1 goes
    assert history.undo_last(project, "an") is None
    # the other coder's coding is untouched
    assert [(c.coder, c.code_id) for c in codings_for_transcript(project, t.id)] == [("bo", b.id)]


def test_undo_merge_restores_every_row(setup):
    project, t, a, b, child = setup
    i = TEXT.index("Ik leer")
    history.add_coding(project, t.id, a.id, i, i + 20, coder="an", memo="m1")
    history.add_coding(project, t.id, b.id, i, i + 20, coder="an", memo="m2")  # same span
    history.add_coding(project, t.id, a.id, i + 3, i + 25, coder="an")
    add_memo(project, "about authenticity", code_id=a.id)
    before = _state(project)
    history.merge_codes(project, a.id, b.id, coder="an")
    assert "Authenticity" not in {n.path for n in code_tree(project)}
    assert find_code(project, "Mastery / Learning").id == child.id
    action = history.undo_last(project, "an")
    assert action.kind == "code_merged" and "Authenticity" in action.summary
    assert _state(project) == before


def test_undo_move_and_delete(setup):
    project, t, a, b, child = setup
    i = TEXT.index("Ik leer")
    history.add_coding(project, t.id, child.id, i, i + 20, coder="an", memo="keep me")
    before = _state(project)
    history.move_code(project, child.id, b.id, coder="an")
    assert find_code(project, "Mastery / Learning").id == child.id
    assert history.undo_last(project, "an").kind == "code_moved"
    assert _state(project) == before

    preview = history.delete_preview(project, a.id)
    assert preview == {"path": "Authenticity", "subcodes": 1, "codings": 1, "transcripts": 1,
                       "memos": 0}
    history.delete_code(project, a.id, force=True, coder="an")
    assert not all_codings(project)
    assert history.undo_last(project, "an").kind == "code_deleted"
    assert _state(project) == before


def test_undo_refused_when_it_would_clash(setup):
    project, t, a, b, child = setup
    history.delete_code(project, b.id, coder="an")
    create_code(project, "Mastery")  # the name is taken again
    with pytest.raises(ValidationError, match="exists there now"):
        history.undo_last(project, "an")
    assert history.recent_actions(project, "an")[0].kind == "code_deleted"  # still undoable


def test_sibling_codes_get_distinct_colours(sqlite_project):
    from qualcode.coding.view import display_colors

    parent = create_code(sqlite_project, "Parent")
    kids = [create_code(sqlite_project, f"Kid {i}", parent.id) for i in range(8)]
    assert len({k.color for k in kids} | {parent.color}) == 9
    # imported codebooks may give siblings near-identical colours: the display tells them apart
    from qualcode.coding.codes import update_code

    for i, k in enumerate(kids):
        update_code(sqlite_project, k.id, color=["#ef9a9a", "#f48fb1", "#ffab91", "#f8bbd0"][i % 4])
    shown = display_colors(code_tree(sqlite_project))
    kid_colors = [shown[k.id] for k in kids]
    assert len(set(kid_colors)) == 8
    assert shown[kids[0].id] == "#ef9a9a"  # the first keeps its own colour
