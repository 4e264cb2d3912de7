"""The Cases page (list, rename, merge, role, attributes one case at a time or from a CSV
sheet, the proposed interviewer) and the Code page's speaker re-assignment, through
streamlit.testing on the demo project or a few interviews (a real SQLite file)."""

from __future__ import annotations

import pytest

from qualcode.corpus.cases import include_interviewer, list_cases, speaker_turns
from qualcode.store.project import Project
from qualcode.ui.state import plain  # messages show literally: Markdown escaped
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


def test_cases_page_sets_the_attributes_of_one_case(db):
    project = Project(db)
    at = page("page_cases")
    at.selectbox(key="case_pick").set_value("P2").run()
    assert at.data_editor(key="case_attrs_P2").value.empty  # no attributes yet
    at.session_state["case_attrs_P2"] = {  # the researcher adds two rows in the table
        "edited_rows": {}, "deleted_rows": [],
        "added_rows": [{"attribute": "age", "value": "41"},
                       {"attribute": " site ", "value": "Gent"}]}
    at.run()
    button(at, "Save attributes").click().run()
    assert not at.exception
    assert [s.value for s in at.success] == [plain("Attributes of P2 saved.")]
    cases = {c.case: c for c in list_cases(project)}
    assert cases["P2"].attributes == {"age": "41", "site": "Gent"}
    assert all(not c.attributes for name, c in cases.items() if name != "P2")  # only this one
    frame = at.dataframe[0].value.set_index("case")
    assert (frame.loc["P2", "attr: age"], frame.loc["P2", "attr: site"]) == ("41", "Gent")

    at.selectbox(key="case_pick").set_value("P2").run()
    table = at.data_editor(key="case_attrs_P2").value
    assert dict(zip(table["attribute"], table["value"])) == {"age": "41", "site": "Gent"}
    at.session_state["case_attrs_P2"] = {  # remove "age", change "site"
        "edited_rows": {1: {"value": "Brugge"}}, "deleted_rows": [0], "added_rows": []}
    at.run()
    button(at, "Save attributes").click().run()
    assert {c.case: c.attributes for c in list_cases(project)}["P2"] == {"site": "Brugge"}
    project.close()


def test_cases_page_sets_attributes_from_a_csv_sheet_keyed_by_case(db):
    project = Project(db)
    at = page("page_cases")
    assert not [b for b in at.button if b.label == "Apply sheet"]  # nothing uploaded yet
    sheet = "case,role,age,site\nP1,,34,Gent\nfm1,,,Brugge\nCM2,team lead,52,\n".encode()
    at.file_uploader(key="case_sheet").set_value(("people.csv", sheet, "text/csv")).run()
    button(at, "Apply sheet").click().run()
    assert not at.exception
    assert [s.value for s in at.success] == [plain("Case attributes set.")]
    cases = {c.case: c for c in list_cases(project)}
    assert cases["P1"].attributes == {"age": "34", "site": "Gent"}
    assert cases["FM1"].attributes == {"site": "Brugge"}  # a case name in any letter case
    assert (cases["CM2"].role, cases["CM2"].attributes) == ("team lead", {"age": "52"})
    assert cases["P1"].role == "participant"  # an empty cell changes nothing
    assert not cases["P2"].attributes

    bad = b"case,age\nP1,35\nNobody,20\n"  # all rows or none
    at.file_uploader(key="case_sheet").set_value(("bad.csv", bad, "text/csv")).run()
    button(at, "Apply sheet").click().run()
    assert [e.value for e in at.error] == [plain("bad.csv, row 3: no case called 'Nobody'")]
    assert {c.case: c.attributes for c in list_cases(project)}["P1"]["age"] == "34"
    project.close()


def _sanne_interviews(folder):
    """Four one-to-one interviews, each with Sanne asking the questions (not labelled as an
    interviewer) and another participant answering."""
    from qualcode.corpus import ingest_file

    def fill(project):
        for i in range(1, 5):
            path = folder / f"x{i}.txt"
            path.write_text(f"Sanne: Hoe gaat het {i}?\n\nP{i}: Goed {i}.\n\nSanne: Fijn.\n\n"
                            f"P{i}: Ja.\n", encoding="utf-8")
            ingest_file(project, path)
    return fill


def test_cases_page_proposes_who_speaks_in_most_interviews_as_interviewer(tmp_path,
                                                                          monkeypatch):
    path = app_db(tmp_path, monkeypatch, fill=_sanne_interviews(tmp_path))
    at = page("page_cases")
    assert [w.value for w in at.warning] == [
        plain("Sanne speaks in most interviews: the interviewer?")]
    assert [b.label for b in at.button if b.label.startswith("Mark ")] == [
        "Mark Sanne as interviewer"]
    button(at, "Mark Sanne as interviewer").click().run()
    assert not at.exception
    assert [s.value for s in at.success] == [plain("Sanne is now an interviewer.")]
    assert not at.warning  # proposed no more
    project = Project(path)
    assert {c.case: c.role for c in list_cases(project)} == {
        "Sanne": "interviewer", "P1": "participant", "P2": "participant", "P3": "participant",
        "P4": "participant"}
    project.close()
