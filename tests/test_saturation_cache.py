"""The saturation cache (analysis/saturation_report.py): a report, the order table and the roles
are computed once per project version and settings, and computed again as soon as anything the
analysis reads changes (codings, codes, coding status, interview order, names, attributes),
also when another connection made the change."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from qualcode.coding import history
from qualcode.analysis.saturation_report import (cached_order_table, cached_roles,
                                                 cached_saturation_report, order_table,
                                                 saturation_report, saturation_version)
from qualcode.coding.codes import create_code, find_code, merge_codes, move_code, rename_code
from qualcode.coding.status import CODED, IN_PROGRESS, mark_all, set_status
from qualcode.coding.codings import add_coding, all_codings, remove_coding, set_coding_memo
from qualcode.store.models import Coding
from qualcode.store.project import Project
from qualcode.corpus.cases import set_case_role, set_include_interviewer
from qualcode.corpus.transcripts import get_transcript, set_interview_order, update_transcript
from tests.test_saturation_project import build_study

SETTINGS = {"bootstrap": 50, "seed": 3}


@pytest.fixture
def study(project, tmp_path):
    build_study(project, tmp_path / "study")
    mark_all(project, CODED)
    return project


def _fresh(project, **settings):
    return saturation_report(project, **{**SETTINGS, **settings}).as_json()


def test_the_report_is_computed_once_per_version_and_settings(study):
    first = cached_saturation_report(study, **SETTINGS)
    assert cached_saturation_report(study, **SETTINGS) is first
    assert first.as_json() == _fresh(study) and first.result.label == "11+2"
    # other settings: another report; the first is still kept
    other = cached_saturation_report(study, **SETTINGS, threshold=0.0, roles={"participant"})
    assert other is not first
    assert cached_saturation_report(study, **SETTINGS) is first
    # the same settings in another order or with the roles as another set type: the same key
    assert cached_saturation_report(study, seed=3, bootstrap=50) is first
    assert cached_saturation_report(study, **SETTINGS, roles=frozenset({"participant"}),
                                    threshold=0.0) is other
    # a change that saturation does not read (a coding memo) keeps the version
    version = saturation_version(study)
    set_coding_memo(study, all_codings(study)[0].id, "a thought")
    assert saturation_version(study) == version
    assert cached_saturation_report(study, **SETTINGS) is first


def _add(project):
    t = get_transcript(project, "P12")
    add_coding(project, t.id, create_code(project, "brand new").id, 0, 5, coder="ab")


def _remove(project):
    t = get_transcript(project, "P1")
    remove_coding(project, next(c.id for c in all_codings(project) if c.transcript_id == t.id))


def _recode(project):  # one coding moved to another code (the count of codings stays the same)
    coding = next(c for c in all_codings(project) if c.transcript_id == get_transcript(
        project, "P1").id)
    other = find_code(project, "c19").id
    with project.transaction() as s:
        s.execute(update(Coding).where(Coding.id == coding.id).values(code_id=other))


def _swap(project):  # two codings trade codes: every per-column sum stays the same
    a, b = (c for c in all_codings(project) if c.transcript_id in (
        get_transcript(project, "P1").id, get_transcript(project, "P2").id)
        and c.code_id in (find_code(project, "c1").id, find_code(project, "c4").id))
    with project.transaction() as s:
        s.execute(update(Coding).where(Coding.id == a.id).values(code_id=b.code_id))
        s.execute(update(Coding).where(Coding.id == b.id).values(code_id=a.code_id))


def _coder(project):  # a coder renamed (same length): the by-coder analysis changes
    with project.transaction() as s:
        s.execute(update(Coding).values(coder="cd"))


def _merge(project):
    merge_codes(project, find_code(project, "c1").id, find_code(project, "c0").id)


def _undo(project):  # the removal made before the cached report (PREPARE) is undone
    history.undo_last(project, coder="ab")


PREPARE = {"undo": lambda p: history.remove_coding(p, all_codings(p)[-1].id, coder="ab")}


CHANGES = {
    "coding added": _add,
    "coding removed": _remove,
    "coding recoded": _recode,
    "codings swap codes": _swap,
    "coder renamed": _coder,
    "codes merged": _merge,
    "code renamed": lambda p: rename_code(p, find_code(p, "Theme B").id, "Theme Z"),
    "code moved": lambda p: move_code(p, find_code(p, "c2").id, find_code(p, "Theme B").id),
    "coding status": lambda p: set_status(p, [get_transcript(p, "P5").id], IN_PROGRESS),
    "interview order": lambda p: set_interview_order(p, get_transcript(p, "P17").id, 0),
    "interview date": lambda p: update_transcript(
        p, get_transcript(p, "P17").id, attribute_changes={"date": "2001-01-01"}),
    # the role of the person who speaks in P1 (roles are the speakers', not the files')
    "role": lambda p: set_case_role(p, "P1", "manager"),
    "interviewer included": lambda p: set_include_interviewer(p, True),
    "transcript renamed": lambda p: update_transcript(p, get_transcript(p, "P3").id,
                                                      name="P3 (second visit)"),
    "undo": _undo,
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_every_change_the_analysis_reads_invalidates(study, change):
    roles = {"participant"} if change == "role" else None
    by_coder = {"coder": "ab"} if change == "coder renamed" else {}
    PREPARE.get(change, lambda p: None)(study)
    stale = cached_saturation_report(study, **SETTINGS, roles=roles, **by_coder)
    version = saturation_version(study)
    stale_order = cached_order_table(study, roles)
    CHANGES[change](study)
    assert saturation_version(study) != version
    report = cached_saturation_report(study, **SETTINGS, roles=roles, **by_coder)
    assert report is not stale
    assert report.as_json() == _fresh(study, roles=roles, **by_coder)
    assert cached_order_table(study, roles) == order_table(study, roles)
    if change in ("coding status", "interview order", "interview date", "role",
                  "transcript renamed"):
        assert cached_order_table(study, roles) != stale_order


def test_roles_follow_the_speakers_and_attributes(study):
    assert cached_roles(study) == ["interviewer", "participant"]  # the speakers' roles
    assert cached_roles(study) is cached_roles(study)
    set_case_role(study, "P1", "manager")
    assert cached_roles(study) == ["interviewer", "manager", "participant"]
    update_transcript(study, get_transcript(study, "P1").id, attribute_changes={"role": "x"})
    assert cached_roles(study) == ["interviewer", "manager", "participant", "x"]


def test_a_change_through_another_connection_is_seen(study):
    first = cached_saturation_report(study, **SETTINGS)
    other = Project(study.url)  # another session, process or server on the same database
    try:
        set_status(other, [get_transcript(other, "P4").id], IN_PROGRESS)
    finally:
        other.close()
    report = cached_saturation_report(study, **SETTINGS)
    assert report is not first and report.result.assessed == 3


def test_the_cache_keeps_the_most_recently_used_results(study):
    from qualcode.analysis import version_cache as module

    module.forget(study)
    first = cached_saturation_report(study, **SETTINGS)
    oldest = cached_saturation_report(study, bootstrap=5, seed=0)
    for seed in range(1, module.MAX_ENTRIES + 3):
        cached_saturation_report(study, bootstrap=5, seed=seed)
        assert cached_saturation_report(study, **SETTINGS) is first  # used again: kept
    assert len(module._CACHE[study.url]) == module.MAX_ENTRIES
    assert cached_saturation_report(study, bootstrap=5, seed=0) is not oldest  # dropped
