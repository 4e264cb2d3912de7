"""The agreement page and blind coding in the app, driven by streamlit.testing."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from qualcode.coding.codings import all_codings
from qualcode.store.project import Project
from qualcode.store.settings import CONSENSUS, blind_coding, set_blind_coding
from tests.apptest import app_db, button, page
from tests.test_agreement import Study


@pytest.fixture
def db(tmp_path, monkeypatch):
    return app_db(tmp_path, monkeypatch, Study, "agreement.sqlite")


def texts(at: AppTest) -> str:
    return "\n".join(t.value for t in at.text)


def code_page_coders(at) -> set[str]:
    """The coders in the Code page's list of the transcript's codings (opened by its toggle)."""
    at.toggle(key="code_list").set_value(True).run()
    assert not at.exception, at.exception
    return {c for d in at.dataframe if "coder" in d.value.columns for c in d.value["coder"]}


def test_tables_adopt_into_consensus_and_memo(db):
    at = page("page_agreement", viewer="ann")
    assert at.multiselect(key="agr_coders").value == ["ann", "bob"]
    assert len(at.dataframe) == 2  # across codes, per code
    per_code = at.dataframe[1].value
    assert list(per_code["Code"]) == ["A", "B"] and per_code["Cohen's κ"][0] == "0.714"
    assert "2 unit(s) with a disagreement" in at.number_input(key="agr_page").label
    assert "Daarna leerde ik veel. Ik bleef." in texts(at)
    button(at, "Adopt ann").click().run()  # the first unit: ann's A and B
    assert not at.exception
    project = Project(db)
    assert len(all_codings(project, coder=CONSENSUS)) == 2
    next(t for t in at.text_area if t.label == "Discussion memo").input("B fits too.")
    button(at, "Save memo").click().run()
    from qualcode.coding.codings import list_memos

    assert [m.body for m in list_memos(project)] == ["B fits too."]
    project.close()
    # the consensus coder now shows up, with its own exports
    at = page("page_agreement", viewer="ann")
    assert any(b.label == "Consensus theme report (.docx)" for b in at.get("download_button"))


def test_blind_toggle_hides_other_coders(db):
    at = page("page_code", viewer="ann")
    assert "bob" in code_page_coders(at)  # not blind yet: everyone's codings
    at = page("page_agreement", viewer="ann")
    at.toggle(key="agr_blind").set_value(True).run()
    assert not at.exception
    project = Project(db)
    assert blind_coding(project)
    assert not any(b.label.startswith("Adopt") for b in at.button)
    assert any("Blind coding is on" in i.value for i in at.info)
    at = page("page_code", viewer="ann")
    shown = code_page_coders(at)
    assert "ann" in shown and "bob" not in shown
    at = page("page_browse", viewer="bob")
    assert "coder ann" not in texts(at) and "coder bob" in texts(at)
    set_blind_coding(project, False)
    project.close()
    at = page("page_browse", viewer="bob")
    assert "coder ann" in texts(at)
