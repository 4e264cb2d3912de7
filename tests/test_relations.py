"""Relations between codes (axial coding): the life cycle of a relation through renaming,
moving, merging and deleting its codes and undoing those, relation types, grounding."""

from __future__ import annotations

import pytest

from qualcode.coding import codes as ops
from qualcode.coding import history
from qualcode.coding import relations as rel
from qualcode.coding.codings import add_coding, all_codings
from qualcode.corpus.transcripts import add_transcript
from qualcode.errors import DuplicateError, NotFound, ValidationError
from qualcode.ingest import read_document

TEXT = "R: Ik paste er niet meer. Ik ben weggegaan. Nu ben ik vrij.\n"


@pytest.fixture
def model(project):
    t = add_transcript(project, read_document("p1.txt", TEXT.encode()), "p1")
    loss = ops.create_code(project, "Loss of fit")
    push = ops.create_code(project, "Push")
    leave = ops.create_code(project, "Leaving")
    free = ops.create_code(project, "Freedom")
    c1 = add_coding(project, t.id, loss.id, 3, 25, coder="A")
    c2 = add_coding(project, t.id, leave.id, 26, 43, coder="A")
    c3 = add_coding(project, t.id, free.id, 44, 59, coder="A")
    c4 = add_coding(project, t.id, push.id, 3, 25, coder="A")
    return project, t, {"loss": loss, "push": push, "leave": leave, "free": free}, \
        {"c1": c1, "c2": c2, "c3": c3, "c4": c4}


def test_relation_types_are_seeded_and_can_be_renamed_and_merged(project):
    names = [t.name for t in rel.relation_types(project)]
    assert names == list(rel.DEFAULT_TYPES)
    rel.add_relation_type(project, "leads to")
    with pytest.raises(DuplicateError):
        rel.add_relation_type(project, "Leads To")
    rel.rename_relation_type(project, "leads to", "results in")
    a = ops.create_code(project, "A")
    b = ops.create_code(project, "B")
    r1 = rel.add_relation(project, a.id, b.id, "results in", memo="first")
    rel.add_relation(project, a.id, b.id, rel.CAUSE_OF, memo="second")
    assert rel.merge_relation_types(project, "results in", rel.CAUSE_OF) == 1
    [only] = rel.list_relations(project)
    assert only.type == rel.CAUSE_OF and only.memo == "second\n\nfirst"
    assert "results in" not in [t.name for t in rel.relation_types(project)]
    with pytest.raises(NotFound):
        rel.add_relation(project, a.id, b.id, "no such type")
    assert r1.id


def test_add_list_and_refuse_duplicates(model):
    project, _t, c, q = model
    r = rel.add_relation(project, c["loss"].id, c["push"].id, rel.CONDITION_OF,
                         memo="why", evidence=[q["c1"].id, q["c4"].id])
    with pytest.raises(DuplicateError):
        rel.add_relation(project, c["loss"].id, c["push"].id, rel.CONDITION_OF)
    rel.add_relation(project, c["push"].id, c["loss"].id, rel.ASSOCIATED, directed=False)
    with pytest.raises(DuplicateError):  # undirected: either order is the same relation
        rel.add_relation(project, c["loss"].id, c["push"].id, rel.ASSOCIATED, directed=False)
    with pytest.raises(ValidationError):
        rel.add_relation(project, c["loss"].id, c["loss"].id, rel.CAUSE_OF)
    with pytest.raises(NotFound):
        rel.add_relation(project, c["loss"].id, c["free"].id, rel.CAUSE_OF, evidence=[99999])
    views = rel.list_relations(project)
    assert len(views) == 2
    first = rel.get_relation(project, r.id)
    assert first.as_dict() == {"source": "Loss of fit", "target": "Push", "type": "condition of",
                               "directed": True, "memo": "why", "evidence": 2}
    assert rel.add_evidence(project, r.id, [q["c1"].id, q["c2"].id]) == 1
    rel.remove_evidence(project, r.id, q["c4"].id)
    assert rel.get_relation(project, r.id).evidence == (q["c1"].id, q["c2"].id)


def test_a_relation_survives_rename_and_move(model):
    project, _t, c, q = model
    r = rel.add_relation(project, c["loss"].id, c["push"].id, rel.CONDITION_OF,
                         evidence=[q["c1"].id])
    ops.rename_code(project, c["loss"].id, "Loss of person–organisation fit")
    parent = ops.create_code(project, "Conditions")
    history.move_code(project, c["loss"].id, parent.id, coder="A")
    view = rel.get_relation(project, r.id)
    assert view.source == "Conditions / Loss of person–organisation fit"
    assert view.weight == 1
    history.undo_last(project, "A")
    assert rel.get_relation(project, r.id).source == "Loss of person–organisation fit"


def test_merging_codes_merges_their_relations_and_undo_brings_all_back(model):
    project, _t, c, q = model
    # Push -> Leaving, and Loss -> Leaving of the same type: the merge joins them
    r_push = rel.add_relation(project, c["push"].id, c["leave"].id, rel.CAUSE_OF,
                              memo="push memo", evidence=[q["c4"].id, q["c2"].id])
    r_loss = rel.add_relation(project, c["loss"].id, c["leave"].id, rel.CAUSE_OF,
                              memo="loss memo", evidence=[q["c1"].id, q["c2"].id])
    r_free = rel.add_relation(project, c["free"].id, c["push"].id, rel.CONSEQUENCE_OF,
                              evidence=[q["c3"].id])  # moves to Loss
    r_between = rel.add_relation(project, c["push"].id, c["loss"].id, rel.ASSOCIATED,
                                 directed=False, evidence=[q["c4"].id])  # dropped
    # a quote citing the Push coding that the merge joins into Loss's coding of the same span
    before = {v.id: v for v in rel.list_relations(project)}

    plan = ops.merge_plan(project, c["push"].id, c["loss"].id)
    assert (plan.relations_moved, plan.relations_combined, plan.relations_dropped) == (1, 1, 1)
    assert "relation(s) move" in plan.describe() and "are removed" in plan.describe()
    assert len(rel.list_relations(project)) == 4  # the preview changed nothing

    history.merge_codes(project, c["push"].id, c["loss"].id, coder="A")
    after = {v.id: v for v in rel.list_relations(project)}
    assert set(after) == {r_loss.id, r_free.id}
    joined = after[r_loss.id]
    assert joined.memo == "loss memo\n\npush memo"
    # c4 (Push on the same span as c1) was joined into c1: its citation now is c1's
    assert sorted(joined.evidence) == sorted([q["c1"].id, q["c2"].id])
    assert after[r_free.id].target == "Loss of fit" and after[r_free.id].weight == 1

    history.undo_last(project, "A")
    again = {v.id: v for v in rel.list_relations(project)}
    assert set(again) == set(before)
    for rid, view in before.items():
        assert again[rid] == view, rid
    assert r_push.id in again and r_between.id in again


def test_deleting_a_code_deletes_its_relations_and_undo_restores_them(model):
    project, _t, c, q = model
    r = rel.add_relation(project, c["loss"].id, c["push"].id, rel.CONDITION_OF,
                         evidence=[q["c1"].id, q["c4"].id])
    other = rel.add_relation(project, c["leave"].id, c["free"].id, rel.CAUSE_OF,
                             evidence=[q["c1"].id])  # cites a coding of the deleted code
    snapshot = rel.get_relation(project, r.id)
    history.delete_code(project, c["loss"].id, force=True, coder="A")
    assert [v.id for v in rel.list_relations(project)] == [other.id]
    assert rel.get_relation(project, other.id).weight == 0
    history.undo_last(project, "A")
    assert rel.get_relation(project, r.id) == snapshot
    assert rel.get_relation(project, other.id).evidence == (q["c1"].id,)


def test_removing_a_grounding_coding_and_undoing_it(model):
    project, _t, c, q = model
    r = rel.add_relation(project, c["loss"].id, c["push"].id, rel.CONDITION_OF,
                         evidence=[q["c1"].id])
    history.remove_coding(project, q["c1"].id, coder="A")
    assert rel.get_relation(project, r.id).weight == 0
    history.undo_last(project, "A")
    assert rel.get_relation(project, r.id).evidence == (q["c1"].id,)
    assert len(all_codings(project)) == 4


def test_permissions_follow_the_acting_user(model):
    from qualcode.errors import PermissionDenied
    from qualcode.store.permissions import Actor

    project, _t, c, _q = model
    rel.relation_types(project)
    with project.acting_as(Actor("reader", "read-only", 1)):
        with pytest.raises(PermissionDenied):
            rel.add_relation(project, c["loss"].id, c["push"].id, rel.CAUSE_OF)
    with project.acting_as(Actor("coder", "coder", 2)):
        rel.add_relation(project, c["loss"].id, c["push"].id, rel.CAUSE_OF, author="coder")


def test_an_old_project_is_upgraded_and_takes_relations(tmp_path):
    from qualcode.coding.codes import all_codes
    from qualcode.store.project import Project
    from tests.test_migrations import make_old_database

    path = tmp_path / "old.sqlite"
    make_old_database(f"sqlite:///{path}")
    project = Project(path)
    try:
        before = len(all_codings(project))
        a = ops.create_code(project, "New A")
        old = [x for x in all_codes(project) if x.id != a.id][0]
        r = rel.add_relation(project, old.id, a.id, rel.PART_OF,
                             evidence=[all_codings(project)[0].id])
        assert rel.get_relation(project, r.id).weight == 1
        assert len(all_codings(project)) == before
    finally:
        project.close()


def test_sets_of_codes_follow_merge_and_undo(model):
    from qualcode.coding import code_sets as cs

    project, _t, c, _q = model
    tension = cs.create_code_set(project, "Tension 1", [c["push"].id, c["leave"].id])
    cs.create_code_set(project, "Both", [c["push"].id, c["loss"].id])
    history.merge_codes(project, c["push"].id, c["loss"].id, coder="A")
    sets = {v.name: set(v.code_ids) for v in cs.code_sets(project)}
    assert sets == {"Tension 1": {c["loss"].id, c["leave"].id}, "Both": {c["loss"].id}}
    history.undo_last(project, "A")
    sets = {v.name: set(v.code_ids) for v in cs.code_sets(project)}
    assert sets == {"Tension 1": {c["push"].id, c["leave"].id},
                    "Both": {c["push"].id, c["loss"].id}}
    history.delete_code(project, c["leave"].id, force=True, coder="A")
    assert set(cs.get_code_set(project, "Tension 1").code_ids) == {c["push"].id}
    history.undo_last(project, "A")
    assert set(cs.get_code_set(project, "Tension 1").code_ids) == {c["push"].id, c["leave"].id}
    assert tension.guid


def test_the_trash_keeps_grounding_quotes(model):
    from qualcode.coding.codings import remove_coding
    from qualcode.corpus.transcripts import delete_transcript
    from qualcode.store.trash import list_trash, restore

    project, t, c, q = model
    r = rel.add_relation(project, c["loss"].id, c["push"].id, rel.CONDITION_OF,
                         evidence=[q["c1"].id, q["c4"].id])
    remove_coding(project, q["c1"].id)
    assert rel.get_relation(project, r.id).evidence == (q["c4"].id,)
    [item] = list_trash(project)
    restore(project, item.id)
    assert sorted(rel.get_relation(project, r.id).evidence) == sorted([q["c1"].id, q["c4"].id])
    delete_transcript(project, t.id)
    assert rel.get_relation(project, r.id).weight == 0
    [item] = [i for i in list_trash(project) if i.kind == "transcript"]
    restore(project, item.id)
    assert sorted(rel.get_relation(project, r.id).evidence) == sorted([q["c1"].id, q["c4"].id])
