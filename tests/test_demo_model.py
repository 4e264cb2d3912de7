"""The demo's axial model (qualcode/demo_data/codebooks/three-tensions-model.yaml), loaded with
the demo on the app's first start: relations grounded in the demo's quotes, a core category
with its storyline, and a paradigm around "Trial: learning anew"."""

from __future__ import annotations

from qualcode.coding.codes import find_code
from qualcode.coding.codings import all_codings
from qualcode.coding.paradigm import core_category, paradigm, storyline
from qualcode.coding.relations import list_relations
from qualcode.demo import ensure_demo


def test_the_first_start_brings_a_grounded_model(sqlite_project):
    assert ensure_demo(sqlite_project)
    relations = list_relations(sqlite_project)
    assert len(relations) == 7
    codings = {c.id: c for c in all_codings(sqlite_project)}
    for rel in relations:  # every relation cites quotes of both its codes
        cited = {codings[i].code_id for i in rel.evidence}
        assert cited == {rel.source_id, rel.target_id}, rel
    trial = find_code(sqlite_project, "Mastery & trial / Trial: learning anew")
    assert core_category(sqlite_project).id == trial.id
    memo = storyline(sqlite_project)
    assert memo is not None and "learning anew" in memo.body and memo.code_id == trial.id
    model = paradigm(sqlite_project, trial.id)
    assert {i.path for i in model.conditions} == {
        "Authenticity / Push: change in the organisation",
        "Conditions for success / Retention of pay",
        "Old & new context / Structure versus informality"}
    assert [i.path for i in model.consequences] == ["Authenticity / Renewed energy and meaning"]
    assert all(i.evidence >= 2 for i in model.conditions + model.consequences)
    assert not ensure_demo(sqlite_project)  # a project with content is left alone
