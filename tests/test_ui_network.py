"""The Relations and network page through streamlit.testing (the network element itself is
driven in a real browser: test_browser_network.py)."""

from __future__ import annotations

import pytest

from qualcode.coding import relations as rel
from qualcode.coding.codes import find_code
from qualcode.coding.paradigm import core_category, storyline
from qualcode.store.project import Project
from tests.apptest import app_db, button, page

PUSH = "Authenticity / Push: change in the individual"
ENERGY = "Authenticity / Renewed energy and meaning"


@pytest.fixture
def db(tmp_path, monkeypatch):
    return app_db(tmp_path, monkeypatch)


def test_relate_two_codes_and_name_the_core_category(db):
    at = page("page_network", viewer="A")
    project = Project(db)
    try:
        push, energy = find_code(project, PUSH).id, find_code(project, ENERGY).id
    finally:
        project.close()
    at.selectbox(key="rel_source").set_value(push)
    at.selectbox(key="rel_type").set_value(rel.CONDITION_OF)
    at.selectbox(key="rel_target").set_value(energy)
    at.text_area(key="rel_memo").set_value("Leaving renews energy")
    at.run()
    button(at, "Add relation").click().run()
    assert not at.exception, at.exception
    project = Project(db)
    try:
        [r] = rel.list_relations(project)
        assert (r.source, r.type, r.target, r.memo, r.author) == (
            PUSH, "condition of", ENERGY, "Leaving renews energy", "A")
    finally:
        project.close()
    at.selectbox(key="par_code").set_value(energy)
    at.selectbox(key="par_core").set_value(energy)
    at.text_area(key="par_story").set_value("Senior employees move when the fit is lost.")
    at.run()
    assert any("Push: change in the individual (condition of; 0 quote(s))" in t.value
               for t in at.text)
    button(at, "Save core category and storyline").click().run()
    assert not at.exception, at.exception
    project = Project(db)
    try:
        assert core_category(project).id == energy
        assert storyline(project).body == "Senior employees move when the fit is lost."
    finally:
        project.close()


def test_a_set_of_codes_made_on_the_page(db):
    from qualcode.coding.code_sets import code_sets

    at = page("page_network")
    project = Project(db)
    try:
        push, energy = find_code(project, PUSH).id, find_code(project, ENERGY).id
    finally:
        project.close()
    at.text_input(key="set_name").set_value("Authenticity model")
    at.multiselect(key="set_codes").set_value([push, energy])
    at.run()
    button(at, "Create the set").click().run()
    assert not at.exception, at.exception
    project = Project(db)
    try:
        assert [(v.name, set(v.code_ids)) for v in code_sets(project)] == [
            ("Authenticity model", {push, energy})]
    finally:
        project.close()
    at.run()
    assert at.selectbox(key="net_set") is not None


def test_candidates_are_found_when_asked(db):
    at = page("page_network")
    assert not any("interviews" in str(getattr(d, "value", "")) for d in at.dataframe)
    button(at, "Find candidates").click().run()
    assert not at.exception, at.exception
    assert at.session_state["cand_on"] is True
