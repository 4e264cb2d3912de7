"""The Cases page and the Code page's speaker re-assignment, through streamlit.testing on the
demo project (a real SQLite file)."""

from __future__ import annotations

import pytest

from qualcode.corpus.cases import include_interviewer, list_cases, speaker_turns
from qualcode.store.project import Project
from tests.apptest import app_db, button, page


@pytest.fixture
def db(tmp_path, monkeypatch):
    return app_db(tmp_path, monkeypatch)


def test_cases_page_lists_renames_merges_and_sets_roles(db, tmp_path):
    at = page("page_cases")
    project = Project(db)
    before = {c.case: c for c in list_cases(project)}
    assert before["Interviewer"].role == "interviewer"
    frame = at.dataframe[0].value
    assert set(frame["case"]) == set(before)
    participant = next(n for n, c in before.items() if c.role != "interviewer")

    at.selectbox(key="case_pick").set_value(participant).run()
    at.text_input(key=f"case_role_other_{participant}").input("former manager")
    button(at, "Set role").click().run()
    assert not at.exception
    assert {c.case: c.role for c in list_cases(project)}[participant] == "former manager"

    at.selectbox(key="case_pick").set_value(participant).run()
    at.text_input(key=f"case_new_name_{participant}").input("Anna").run()
    button(at, "Rename").click().run()
    assert "Anna" in {c.case for c in list_cases(project)}

    at.selectbox(key="case_pick").set_value("Anna").run()
    at.selectbox(key="case_into_Anna").set_value("Interviewer").run()
    button(at, "Merge").click().run()
    after = {c.case: c for c in list_cases(project)}
    assert "Anna" not in after
    assert after["Interviewer"].turns == before["Interviewer"].turns + before[participant].turns

    assert not include_interviewer(project)
    at.radio(key="case_include").set_value("counted").run()
    assert include_interviewer(project)
    project.close()


def test_code_page_reassigns_a_turn_without_touching_text_or_codings(db):
    from qualcode.coding.codings import all_codings
    from qualcode.corpus.transcripts import list_transcripts

    project = Project(db)
    t = list_transcripts(project)[0]
    before_text = t.text
    before_codings = sorted((c.id, c.start, c.end) for c in all_codings(project))
    turns = speaker_turns(project, t.id)
    at = page("page_code")
    at.selectbox(key="code_transcript").set_value(t.id).run()
    at.toggle(key="code_speakers").set_value(True).run()
    assert not at.exception
    at.selectbox(key=f"reassign_turn_{t.id}").set_value(0).run()
    at.text_input(key=f"reassign_new_{t.id}").input("Someone Else")
    button(at, "Re-assign").click().run()
    assert not at.exception
    after = speaker_turns(project, t.id)
    assert after[0]["case"] == "Someone Else" and after[0]["label"] == turns[0]["label"]
    assert after[1:] == turns[1:]
    assert list_transcripts(project)[0].text == before_text
    assert sorted((c.id, c.start, c.end) for c in all_codings(project)) == before_codings
    project.close()
