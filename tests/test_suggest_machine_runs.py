"""The machine coder's latest run, kept in the project (qualcode.analysis.machine_runs): the
Agreement page stores it, the Code page's review queue reads it and never computes it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from qualcode.analysis import machine_runs as R
from qualcode.analysis.agreement import AgreementResult
from qualcode.coding.codes import code_tree
from qualcode.coding.codings import add_coding, remove_coding
from qualcode.corpus.transcripts import get_transcript
from qualcode.store.models import Meta
from qualcode.store.project import Project
from qualcode.store.settings import get_long_setting, set_long_setting


pytestmark = pytest.mark.usefixtures("fresh_suggest_models")


def fake_result(project, ac1_of) -> AgreementResult:
    """A machine-agreement result with ``ac1_of(path) -> [AC1 per human coder]``."""
    per_code = [{"code": n.path, "units_coded": 3,
                 "machine_vs": [{"coder": f"h{i}", "ac1": v} for i, v in
                                enumerate(ac1_of(n.path))]}
                for n in code_tree(project)]
    return AgreementResult("turn", ["h0", "h1", "machine"], ["T"], [], 0.9, {}, per_code)


def _meta_rows(project) -> dict:
    with project.reading() as s:
        return dict(s.execute(select(Meta.key, Meta.value)
                              .where(Meta.key.like("setting.machine_coder_run%"))).all())


def test_a_long_setting_round_trips_over_several_rows(sqlite_project):
    text = "é" * 600 + "😊" + "x" * 10
    set_long_setting(sqlite_project, "blob", text)
    assert get_long_setting(sqlite_project, "blob") == text
    set_long_setting(sqlite_project, "blob", "short")  # the rows it no longer needs go
    assert get_long_setting(sqlite_project, "blob") == "short"
    with sqlite_project.reading() as s:
        assert s.scalars(select(Meta.key).where(Meta.key.like("setting.blob%"))).all() == [
            "setting.blob#0"]
    assert get_long_setting(sqlite_project, "other") is None


def test_no_run_yet_says_so(demo_project):
    assert R.stored_run(demo_project) is None
    assert R.run_caption(demo_project, None).startswith(
        "Run the machine coder on the Agreement page first: every code is shown")


def test_a_run_is_kept_per_code_and_read_by_another_process(demo_project):
    nodes = code_tree(demo_project)
    low = {nodes[0].path, nodes[1].path}
    undefined = nodes[2].path
    result = fake_result(demo_project, lambda p: [0.2, 0.9] if p in low else
                         [None, 0.8] if p == undefined else [0.85, 0.7])
    run = R.remember_run(demo_project, result, "sentence", 0.4)
    assert run is not None and len(_meta_rows(demo_project)) > 1  # more than one row's worth
    # another Project on the same database (as another server process would open it)
    other = Project(demo_project.engine.url.database)
    try:
        kept = R.stored_run(other)
    finally:
        other.close()
    assert kept == run
    assert (kept.unit, kept.min_score, kept.transcripts) == ("sentence", 0.4, 1)
    ids = {n.path: n.code.id for n in nodes}
    assert kept.ac1[ids[nodes[0].path]] == 0.2  # the lowest over the human coders
    assert kept.ac1[ids[undefined]] is None
    assert kept.hidden(0.6) == {ids[p] for p in low} | {ids[undefined]}
    assert kept.hidden(0.75) == kept.hidden(0.6) | {ids[p] for p in ids
                                                    if p not in low | {undefined}}
    caption = R.run_caption(demo_project, kept)
    assert caption.startswith("Machine agreement from the machine coder's run of ")
    assert "(unit sentence, score ≥ 0.40); no coding added or removed since." in caption


def test_the_same_run_is_not_written_again_and_a_new_one_replaces_it(demo_project):
    result = fake_result(demo_project, lambda p: [0.5])
    first = R.remember_run(demo_project, result, "turn", 0.5)
    rows = _meta_rows(demo_project)
    again = R.remember_run(demo_project, fake_result(demo_project, lambda p: [0.9]), "turn", 0.5)
    assert again == first and _meta_rows(demo_project) == rows  # same version, unit, score
    other = R.remember_run(demo_project, result, "turn", 0.3)
    assert R.stored_run(demo_project) == other and other.min_score == 0.3


def test_codings_added_or_removed_since_the_run(demo_project):
    run = R.remember_run(demo_project, fake_result(demo_project, lambda p: [0.5]), "turn", 0.5)
    assert R.codings_changed_since(demo_project, run) == 0
    t = get_transcript(demo_project, "Interview 01 – P1")
    code = code_tree(demo_project)[0].code
    coding = add_coding(demo_project, t.id, code.id, 0, 5, coder="ab")
    assert R.codings_changed_since(demo_project, run) == 1
    with demo_project.reading() as s:
        from qualcode.store.models import Coding

        older = s.scalar(select(Coding.id).where(Coding.id != coding.id).limit(1))
    remove_coding(demo_project, older)
    assert R.codings_changed_since(demo_project, run) == 2
    assert "2 codings added or removed since." in R.run_caption(demo_project, run)


def test_the_agreement_page_run_is_kept(demo_project):
    from qualcode.analysis.machine_coder import remembered_machine_agreement, trusted_codes

    result = remembered_machine_agreement(demo_project, "turn", min_score=0.3)
    run = R.stored_run(demo_project)
    assert (run.unit, run.min_score) == ("turn", 0.3)
    ids = {n.path: n.code.id for n in code_tree(demo_project)}
    _good, bad = trusted_codes(result, "ac1", 0.6)
    assert run.hidden(0.6) == {ids[p] for p in bad}


def test_who_may_keep_a_run(demo_project):
    """A coder's run is kept (a result for other pages, written as qualcode itself, though the
    key/value table is an admin's); under blind coding a coder's run saw only their own
    codings and is not kept."""
    from qualcode.store.settings import set_blind_coding
    from qualcode.store.users import actor_for, add_user, get_user

    add_user(demo_project, "anna", "anna password", "coder")
    anna = actor_for(get_user(demo_project, "anna"))
    result = fake_result(demo_project, lambda p: [0.5])
    with demo_project.acting_as(anna):
        assert R.remember_run(demo_project, result, "turn", 0.5) is not None
    assert R.stored_run(demo_project).min_score == 0.5
    set_blind_coding(demo_project, True)
    with demo_project.acting_as(anna):
        assert R.remember_run(demo_project, result, "turn", 0.2) is None
    assert R.stored_run(demo_project).min_score == 0.5
