"""The coding desk's library rules (issue 17): the same coder's overlapping or touching coding
of the same code is extended, not doubled (items 1 and 11, also through the CLI's ``search
--code`` and ``autocode``); undo agrees with the trash (item 6); rename is undoable (item 5)."""

from __future__ import annotations

import json

import pytest

from qualcode.cli import main
from qualcode.coding import history
from qualcode.coding.codes import create_code, find_code
from qualcode.coding.codings import add_coding, all_codings, codings_for_transcript
from qualcode.coding.memos import create_memo, link_memo
from qualcode.corpus import ingest_file
from qualcode.errors import DuplicateError, ValidationError
from qualcode.store.models import MemoLink
from qualcode.store.project import Project
from qualcode.store.trash import list_trash
from tests.analysis_fixtures import make_project, span_of

TEXT = ("Interviewer: Hoe gaat het?\n"
        "P1: Ik leer enorm veel bij. Mijn loon bleef hetzelfde. Dat vind ik prima.\n")


@pytest.fixture
def setup(project):
    t = ingest_file(project, "p1.txt", data=TEXT.encode(), name="P1")
    a = create_code(project, "Authenticity")
    b = create_code(project, "Mastery")
    return project, t, a, b


def _at(needle):
    i = TEXT.index(needle)
    return i, i + len(needle)


def _rows(project, t):
    return [(c.code_id, t.text[c.start:c.end], c.coder, c.memo)
            for c in codings_for_transcript(project, t.id)]


# ---------------------------------------------------------------- item 1: extend, not double

def test_overlapping_and_touching_spans_extend_one_coding(setup):
    project, t, a, b = setup
    s1, e1 = _at("Ik leer enorm")
    first = add_coding(project, t.id, a.id, s1, e1, coder="an", memo="eerste")
    s2, e2 = _at("enorm veel bij.")
    second = add_coding(project, t.id, a.id, s2, e2, coder="an", memo="tweede")
    assert second.id == first.id
    assert _rows(project, t) == [(a.id, "Ik leer enorm veel bij.", "an", "eerste\n\ntweede")]
    # touching (after trimming the space between): still one coding
    s3, e3 = _at(" Mijn loon")
    add_coding(project, t.id, a.id, s3, e3, coder="an")
    assert _rows(project, t) == [(a.id, "Ik leer enorm veel bij. Mijn loon", "an",
                                  "eerste\n\ntweede")]
    # inside it: nothing to extend, refused as before
    with pytest.raises(DuplicateError):
        add_coding(project, t.id, a.id, *_at("leer enorm"), coder="an")
    # another coder, another code: separate codings
    add_coding(project, t.id, a.id, *_at("leer enorm"), coder="bo")
    add_coding(project, t.id, b.id, *_at("leer enorm"), coder="an")
    assert len(codings_for_transcript(project, t.id)) == 3


def test_a_span_bridging_two_codings_folds_them_into_one(setup):
    project, t, a, _b = setup
    left = add_coding(project, t.id, a.id, *_at("Ik leer"), coder="an", memo="links")
    right = add_coding(project, t.id, a.id, *_at("bleef hetzelfde."), coder="an", memo="rechts")
    memo = create_memo(project, "Over rechts", "...")
    link_memo(project, memo.id, "coding", right.id)
    kept = add_coding(project, t.id, a.id, *_at("enorm veel bij. Mijn loon"), coder="an",
                      memo="midden")
    assert kept.id == left.id
    assert _rows(project, t) == [(a.id, "Ik leer enorm veel bij. Mijn loon bleef hetzelfde.",
                                  "an", "links\n\nrechts\n\nmidden")]
    with project.reading() as s:  # the memo link followed the coding it was folded into
        assert [link.coding_id for link in s.query(MemoLink)] == [left.id]
    assert list_trash(project) == []  # folded, not removed: nothing in the trash


def test_undo_of_an_extension_puts_both_codings_back(setup):
    project, t, a, _b = setup
    left = history.add_coding(project, t.id, a.id, *_at("Ik leer"), coder="an", memo="links")
    right = history.add_coding(project, t.id, a.id, *_at("veel bij."), coder="an")
    memo = create_memo(project, "Over rechts", "...")
    link_memo(project, memo.id, "coding", right.id)
    history.add_coding(project, t.id, a.id, *_at("enorm"), coder="an", memo="midden")
    [one] = codings_for_transcript(project, t.id)
    assert TEXT[one.start:one.end] == "Ik leer enorm veel bij."
    assert history.recent_actions(project, "an")[0].summary.startswith("extension of")
    history.undo_last(project, "an")
    rows = [(c.id, TEXT[c.start:c.end], c.memo) for c in codings_for_transcript(project, t.id)]
    assert rows == [(left.id, "Ik leer", "links"), (right.id, "veel bij.", "")]
    with project.reading() as s:
        assert [link.coding_id for link in s.query(MemoLink)] == [right.id]
    history.undo_last(project, "an")
    history.undo_last(project, "an")
    assert codings_for_transcript(project, t.id) == []


# ---------------------------------------------------------------- item 6: trash and undo

def test_undo_of_a_removal_takes_it_out_of_the_trash(setup):
    project, t, a, b = setup
    c = history.add_coding(project, t.id, a.id, *_at("Ik leer"), coder="an")
    history.remove_coding(project, c.id, coder="an")
    [item] = list_trash(project)
    assert item.object_id == c.id
    history.undo_last(project, "an")
    assert list_trash(project) == []
    [back] = list_trash(project, include_restored=True)
    assert back.restored_by == "undo by an"
    # a deleted code's codings: undo of the deletion takes them out of the trash as well
    d = history.add_coding(project, t.id, b.id, *_at("Mijn loon"), coder="an")
    history.delete_code(project, b.id, force=True, coder="an")
    assert [i.object_id for i in list_trash(project)] == [d.id]
    history.undo_last(project, "an")
    assert list_trash(project) == []


def test_cli_trash_agrees_with_undo(tmp_path, capsys):
    db = tmp_path / "p.sqlite"
    project = Project(db)
    t = ingest_file(project, "p1.txt", data=TEXT.encode(), name="P1")
    a = create_code(project, "Authenticity")
    c = history.add_coding(project, t.id, a.id, *_at("Ik leer"), coder="an")
    d = history.add_coding(project, t.id, a.id, *_at("Mijn loon"), coder="an")
    history.remove_coding(project, c.id, coder="an")
    history.remove_coding(project, d.id, coder="an")
    history.undo_last(project, "an")  # d comes back
    project.close()
    assert main(["--db", str(db), "trash", "list", "--json"]) == 0
    items = json.loads(capsys.readouterr().out)
    assert [i["label"] for i in items] == ["Ik leer"]  # only what is really gone
    assert main(["--db", str(db), "trash", "restore", str(items[0]["id"])]) == 0
    capsys.readouterr()
    project = Project(db)
    assert sorted(TEXT[x.start:x.end] for x in all_codings(project)) == ["Ik leer", "Mijn loon"]
    project.close()


# ---------------------------------------------------------------- item 5: rename undoable

def test_rename_is_undoable(setup):
    project, _t, a, b = setup
    history.rename_code(project, a.id, "Echtheid", coder="an")
    assert find_code(project, "Echtheid").id == a.id
    action = history.recent_actions(project, "an")[0]
    assert action.kind == "code_renamed" and "Authenticity" in action.summary
    history.undo_last(project, "an")
    assert find_code(project, "Authenticity").id == a.id
    # refused when the old name is taken meanwhile, nothing changed
    history.rename_code(project, a.id, "Echtheid", coder="an")
    history.rename_code(project, b.id, "Authenticity", coder="bo")
    with pytest.raises(ValidationError, match="exists there now"):
        history.undo_last(project, "an")
    assert find_code(project, "Echtheid").id == a.id


# ---------------------------------------------------------------- item 11: the CLI follows item 1

def test_cli_search_code_and_autocode_extend_codings(tmp_path, capsys):
    db = tmp_path / "cli.sqlite"
    project = Project(db)
    made = make_project(project, tmp_path)
    a = made["transcripts"]["Interview A"]
    project.close()
    args = ["--db", str(db), "search"]
    assert main(args + ["Ik leer elke", "--code", "Learning", "--coder", "cli", "--json"]) == 0
    [hit] = json.loads(capsys.readouterr().out)
    assert hit["coded"] is True and hit["extended"] is False
    # overlapping: extended, not a second coding
    assert main(args + ["elke week", "--code", "Learning", "--coder", "cli", "--json"]) == 0
    [hit] = json.loads(capsys.readouterr().out)
    assert hit["coded"] is False and hit["extended"] is True
    # touching ("iets bij." starts right after "week 𝒜 ", trimmed): extended again
    assert main(args + ["𝒜 iets bij.", "--code", "Learning", "--coder", "cli"]) == 0
    assert "0 new coding(s) of 'Learning' (hit), 1 extended" in capsys.readouterr().out
    project = Project(db)
    [c] = [c for c in all_codings(project) if c.coder == "cli"]
    assert a.text[c.start:c.end] == "Ik leer elke week 𝒜 iets bij."
    assert (c.start, c.end) == (span_of(a, "Ik leer")[0], span_of(a, "iets bij.")[1])
    project.close()
    # autocode: the whole turn of P1 extends that coding over the turn
    assert main(["--db", str(db), "autocode", "Learning", "--speaker", "P1",
                 "--coder", "cli", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["coded"] for r in rows] == [False, True]  # the first turn: extended
    project = Project(db)
    mine = sorted((x.start, x.end) for x in all_codings(project) if x.coder == "cli")
    assert len(mine) == 2 and mine[0][0] <= c.start and mine[0][1] >= c.end
    project.close()
    # a second run changes nothing
    assert main(["--db", str(db), "autocode", "Learning", "--speaker", "P1",
                 "--coder", "cli", "--json"]) == 0
    assert [r["coded"] for r in json.loads(capsys.readouterr().out)] == [False, False]


# ---------------------------------------------------------------- item 9: chart colours

def test_the_density_chart_uses_the_codebook_colours(demo_project):
    from qualcode.analysis.charts import density_spec
    from qualcode.coding.codes import code_tree
    from qualcode.coding.view import display_colors

    spec = density_spec(demo_project)
    scale = spec["encoding"]["color"]["scale"]
    nodes = code_tree(demo_project)
    colors = display_colors(nodes)
    by_name = {n.path: colors[n.code.id] for n in nodes if n.depth == 0}
    assert dict(zip(scale["domain"], scale["range"])) == {k: by_name[k] for k in scale["domain"]}
    assert scale["range"][scale["domain"].index("Authenticity")] == by_name["Authenticity"]
