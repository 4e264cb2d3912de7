"""The Streamlit pages driven by streamlit.testing (everything but the custom span component,
which only a real browser can drive: see test_browser.py)."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from qualcode.coding.codes import code_tree, find_code
from qualcode.coding.codings import all_codings, list_memos
from qualcode.store.project import Project
from qualcode.corpus.transcripts import list_transcripts
from tests.apptest import app_db, button, page


@pytest.fixture
def db(tmp_path, monkeypatch):
    return app_db(tmp_path, monkeypatch)


def test_codebook_editor_create_rename_merge(db):
    at = page("page_codebook")
    name = next(t for t in at.text_input if t.label == "Name")
    name.input("Loyalty")
    button(at, "Create code").click().run()
    assert not at.exception
    assert any(s.value == "Code created." for s in at.success)
    project = Project(db)
    loyalty = find_code(project, "Loyalty")

    # a second code of that name is refused with a message, nothing changes
    next(t for t in at.text_input if t.label == "Name").input("Loyalty")
    button(at, "Create code").click().run()
    assert any("already exists" in e.value for e in at.error)
    assert len(code_tree(project)) == 17

    struct = at.selectbox(key="struct_code")
    struct.set_value(loyalty.id).run()
    at.text_input(key="struct_new_name").input("Ambassadorship")
    button(at, "Rename").click().run()
    assert find_code(project, "Ambassadorship").id == loyalty.id

    before = len(all_codings(project))
    pay = find_code(project, "Retention of pay")
    at.selectbox(key="struct_code").set_value(pay.id)
    at.selectbox(key="struct_target").set_value(loyalty.id).run()
    assert any("will be merged into 'Ambassadorship'" in t.value for t in at.text)
    at.checkbox(key="struct_merge_sure").check().run()
    button(at, "Merge (codings kept)").click().run()
    assert any("codings kept" in s.value for s in at.success)
    assert len(all_codings(project)) == before
    assert {c.code_id for c in all_codings(project)} >= {loyalty.id}
    project.close()


def test_refused_delete_keeps_everything(db):
    at = page("page_codebook")
    project = Project(db)
    pay = find_code(project, "Retention of pay")
    at.selectbox(key="struct_code").set_value(pay.id)
    button(at, "Delete").click().run()
    assert any("merge it" in e.value for e in at.error)
    assert find_code(project, "Retention of pay").id == pay.id
    project.close()


def test_transcripts_page_rename_and_delete(db):
    at = page("page_transcripts")
    project = Project(db)
    first = list_transcripts(project)[0]
    form_name = next(t for t in at.text_input if t.label == "Name")
    form_name.input("Interview 01 – P1 (renamed)")
    button(at, "Save").click().run()
    assert list_transcripts(project)[0].name == "Interview 01 – P1 (renamed)"
    at.checkbox(key=f"sure_{first.id}").check().run()
    button(at, "Delete transcript").click().run()
    assert len(list_transcripts(project)) == 9
    assert all(c.transcript_id != first.id for c in all_codings(project))
    project.close()


def _metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_saturation_page_reports_four_plus_two(db):
    at = page("page_saturation")
    assert _metric(at, "Stopping rule, in interview order") == "4+2" and len(at.success) == 1
    at.multiselect(key="sat_roles").set_value([]).run()
    assert _metric(at, "Stopping rule, in interview order") == "6+2"


def test_saturation_page_builds_only_the_open_tab(db):
    at = page("page_saturation")
    assert len(at.dataframe) == 1 and "order from" in at.dataframe[0].value.columns
    at.session_state["sat_tab"] = "Per tension"
    at.run()
    assert [list(d.value.columns)[:3] for d in at.dataframe] == [["tension", "result", "concepts"]]
    assert {"Chao2", "jackknife 1", "jackknife 2", "sample coverage"} <= set(at.dataframe[0].value.columns)
    at.session_state["sat_tab"] = "Log of new concepts"
    at.run()
    assert len(at.dataframe) == 1 and len(at.get("download_button")) == 1


def test_saturation_page_counts_only_coded_interviews(db):
    from qualcode.coding.status import IN_PROGRESS, set_status

    project = Project(db)
    fourth = next(t for t in list_transcripts(project) if t.name == "Interview 04 – P3")
    set_status(project, [fourth.id], IN_PROGRESS)
    project.close()
    at = page("page_saturation")
    # two assessed interviews cannot show 4+2: the rule is not assessable, not "not reached"
    assert _metric(at, "Stopping rule, in interview order") == "not assessable"
    assert _metric(at, "Assessed interviews") == "2 of 6"
    assert any("Interview 04" in w.value and "next to code" in w.value for w in at.warning)
    at.checkbox(key="sat_in_progress").check().run()
    assert _metric(at, "Stopping rule, in interview order") == "4+2"
    assert _metric(at, "Assessed interviews") == "6 of 6"
    at.selectbox(key="sat_rule").set_value("francis").run()
    assert not at.exception and _metric(at, "Stopping rule, in interview order") == "not assessable"  # Francis: 10 + 3 > 6
    at.selectbox(key="sat_level").set_value(1).run()
    assert not at.exception


@pytest.mark.parametrize("name", ["page_code", "page_transcripts"])
def test_mark_coding_complete_in_one_click(db, name):
    from qualcode.coding.status import statuses

    project = Project(db)
    first = list_transcripts(project)[0]
    at = page(name)
    assert any("Coding status: coded" in c.value for c in at.caption)
    button(at, "Reopen coding").click().run()
    assert statuses(project)[first.id] == "in progress"
    assert any("Coding status: in progress" in c.value for c in at.caption)
    button(at, "Mark coding complete").click().run()
    assert statuses(project)[first.id] == "coded"
    project.close()


def test_transcripts_page_shows_order_source_and_shared_positions(db):
    from qualcode.corpus.transcripts import update_transcript

    project = Project(db)
    first, second = list_transcripts(project)[:2]
    update_transcript(project, second.id, interview_order=first.interview_order)
    at = page("page_transcripts")
    assert any("share interview order 1" in w.value for w in at.warning)
    # clearing the explicit order: the date attribute decides again
    next(c for c in at.checkbox if c.label.startswith("Explicit interview order")).uncheck()
    button(at, "Save").click().run()
    assert not at.exception
    placed = {t.id: t for t in list_transcripts(project)}
    assert placed[first.id].interview_order is None  # now placed by its date, after the rest
    assert list_transcripts(project)[-1].id == first.id
    assert not any("share interview order" in w.value for w in at.warning)
    project.close()


def test_browser_filters_and_search(db):
    at = page("page_browse")
    at.text_input(key="browse_search").input("loon").run()
    assert any(t.value.startswith("2 quote(s)") for t in at.text)
    assert any("loon" in t.value for t in at.text)  # the reading view shows the quotes


def test_memos_page_creates_a_memo(db):
    at = page("page_memos")
    next(t for t in at.text_input if t.label == "Title").input("Saturation after P4")
    next(t for t in at.text_area if t.label == "Memo").input("No new concepts in P5 and P6.")
    button(at, "Save memo").click().run()
    project = Project(db)
    assert [m.title for m in list_memos(project)] == ["Saturation after P4"]
    project.close()


@pytest.mark.parametrize("name", ["page_code", "page_export"])
def test_other_pages_render(db, name):
    page(name)


def test_an_empty_default_project_starts_with_the_demo(tmp_path, monkeypatch):
    path = tmp_path / "fresh" / "demo.sqlite"
    monkeypatch.setenv("QUALCODE_DB_URL", str(path))
    monkeypatch.delenv("QUALCODE_NO_DEMO", raising=False)
    at = page("page_saturation")
    assert _metric(at, "Stopping rule, in interview order") == "4+2"
    project = Project(path)
    assert len(list_transcripts(project)) == 10 and len(all_codings(project)) == 31
    project.close()


def test_browser_pages_through_quotes(db):
    at = page("page_browse")
    at.selectbox(key="browse_page_size").set_value(25).run()
    assert any(c.value.startswith("Page 1 of 2: quotes 1–25 of 31") for c in at.caption)
    at.number_input(key="browse_page").set_value(2).run()
    assert any(c.value.startswith("Page 2 of 2: quotes 26–31 of 31") for c in at.caption)
    at.text_input(key="browse_search").input("loon").run()  # fewer pages: back in range
    assert any(c.value.startswith("Page 1 of 1") for c in at.caption)


def test_codebook_move_and_delete_are_confirmed_and_undone(db):
    at = page("page_codebook")
    project = Project(db)
    pay = find_code(project, "Retention of pay")
    auth = find_code(project, "Authenticity")
    old_path = next(n.path for n in code_tree(project) if n.code.id == pay.id)
    at.selectbox(key="struct_code").set_value(pay.id)
    at.selectbox(key="struct_parent").set_value(auth.id)
    button(at, "Move").click().run()
    assert any("Move 'Conditions for success / Retention of pay' to 'Authenticity / Retention "
               "of pay'" in t.value for t in at.text)
    assert next(n.path for n in code_tree(project) if n.code.id == pay.id) == old_path  # not yet
    at.button(key="confirm_move").click().run()
    assert find_code(project, "Authenticity / Retention of pay").id == pay.id
    button(at, "Undo").click().run()
    assert next(n.path for n in code_tree(project) if n.code.id == pay.id) == old_path

    before = len(all_codings(project))
    n_pay = sum(1 for c in all_codings(project) if c.code_id == pay.id)
    at.selectbox(key="struct_code").set_value(pay.id)
    at.checkbox(key="struct_force").check()
    button(at, "Delete").click().run()
    assert any(f"{n_pay} coding(s)" in t.value for t in at.text)
    at.button(key="confirm_delete").click().run()
    assert len(all_codings(project)) == before - n_pay
    button(at, "Undo").click().run()
    assert len(all_codings(project)) == before and find_code(project, old_path).id == pay.id
    project.close()


def test_page_number_clamps_when_the_list_shrinks():
    """The shared page number (Code browser, comparison, co-occurrence, agreement): a page past
    the end of a shrunken list becomes the last one; one page needs no input."""
    at = AppTest.from_string(
        "import streamlit as st\nfrom qualcode.ui.filters import page_number\n"
        "st.text(str(page_number(st, 'Page', st.session_state.get('n', 100), 10, 'pg')))")
    at.run()
    at.number_input(key="pg").set_value(8).run()
    assert at.text[0].value == "8"
    at.session_state["n"] = 25
    at.run()
    assert at.text[0].value == "3" and at.number_input(key="pg").max == 3
    at.session_state["n"] = 5
    at.run()
    assert at.text[0].value == "1" and not at.number_input
