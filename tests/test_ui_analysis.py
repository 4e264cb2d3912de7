"""The analysis pages (search, co-occurrence, matrix, comparison, memos) through AppTest."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from qualcode.analysis.matrix import cell_summaries
from qualcode.coding.codes import find_code
from qualcode.coding.codings import add_coding, all_codings
from qualcode.demo import load_demo
from qualcode.coding.memos import create_memo, memo_views, one_line
from qualcode.coding.quotes import quote_rows
from qualcode.store.project import Project
from qualcode.corpus.transcripts import get_transcript, list_transcripts
from tests import apptest
from tests.apptest import app_db, button


def _fill(project: Project) -> None:
    load_demo(project)
    # two codes in one turn of P1, so that co-occurrence has a cell
    t = get_transcript(project, "Interview 01 – P1")
    start = t.text.index("Ik blijf op de payroll")
    add_coding(project, t.id, find_code(project, "Trial: learning anew").id, start, start + 20)


@pytest.fixture
def db(tmp_path, monkeypatch):
    return app_db(tmp_path, monkeypatch, _fill)


def page(name: str) -> AppTest:
    return apptest.page(name, timeout=90)


def test_search_page_preview_then_code(db):
    at = page("page_search")
    at.text_input(key="search_pattern").input("leer").run()
    assert not at.exception, at.exception
    assert any(t.value.startswith("4 hit(s) in 2 interview(s)") for t in at.text)
    frame = at.dataframe[0].value
    assert list(frame["hit"]) == ["leer", "leer", "leer", "leer"]
    at.radio(key="search_mode").set_value("word").run()
    assert any(t.value.startswith("2 hit(s) in 2 interview(s)") for t in at.text)
    code = find_code(Project(db), "Mastery & trial / Trial: learning anew")
    at.selectbox(key="search_code").set_value(code.id).run()
    at.radio(key="search_span").set_value("sentence").run()
    before = len(all_codings(Project(db)))
    button(at, "Preview").click().run()
    assert any(t.value.startswith("2 new coding(s); 0 already there") for t in at.text)
    assert "Ik leer enorm veel bij." in list(at.dataframe[1].value["span"])
    assert len(all_codings(Project(db))) == before  # nothing coded by a preview
    button(at, "Code 2 span(s)").click().run()
    assert not at.exception, at.exception
    assert any("2 coding(s) made." in s.value for s in at.success)
    assert len(all_codings(Project(db))) == before + 2


def test_search_page_stem_filter_and_bad_regex(db):
    at = page("page_search")
    at.radio(key="search_mode").set_value("regex").run()
    at.text_input(key="search_pattern").input("(leer").run()
    assert any("not a valid regular expression" in e.value for e in at.error)
    at.radio(key="search_mode").set_value("stem").run()
    at.text_input(key="search_pattern").input("werken").run()
    assert not at.exception
    at.selectbox(key="search_where_attr").set_value("role").run()
    at.multiselect(key="search_where_values").set_value(["former manager"]).run()
    assert not at.exception
    assert list(at.dataframe[0].value["hit"]) == ["werk"]
    assert set(at.dataframe[0].value["role"]) == {"former manager"}


def test_autocode_by_role(db):
    at = page("page_search")
    at.selectbox(key="auto_where_attr").set_value("role").run()
    at.multiselect(key="auto_where_values").set_value(["former manager"]).run()
    code = find_code(Project(db), "Conditions for success / Role of the manager")
    at.selectbox(key="auto_code").set_value(code.id).run()
    label = next(b.label for b in at.button if b.label.startswith("Code ") and "turn" in b.label)
    button(at, label).click().run()
    assert any("turn(s) coded" in s.value for s in at.success)


def test_cooccurrence_page(db):
    at = page("page_cooccurrence")
    at.selectbox(key="co_unit").set_value("turn").run()
    assert not at.exception, at.exception
    assert any("pair(s) of codes co-occur" in t.value for t in at.text)
    first = at.selectbox(key="co_pair_a")  # a code, then the code it co-occurs with
    pay = next(label for label in first.options if "Retention of pay" in label)
    first.set_value(pay).run()
    assert not at.exception, at.exception
    partner = next(s for s in at.selectbox if s.label == "with")
    assert partner.value == 0 and partner.options[0].endswith(")")  # its largest cell first
    assert any("Ik blijf op de payroll" in t.value for t in at.text)  # quotes behind a cell
    at.selectbox(key="co_level").set_value(0).run()
    at.selectbox(key="co_value").set_value("c-coefficient").run()
    assert not at.exception, at.exception


def test_matrix_page_summary(db):
    at = page("page_matrix")
    assert at.selectbox(key="matrix_by").value == "role"
    code = find_code(Project(db), "Authenticity / Push: change in the organisation")
    at.selectbox(key="matrix_cell_code").set_value(code.id).run()
    at.selectbox(key="matrix_cell_value").set_value("participant").run()
    assert any("brutale stop" in t.value for t in at.text)
    next(t for t in at.text_area if t.label == "Summary of this cell").input(
        "Reorganisation pushes people out.")
    button(at, "Save summary").click().run()
    assert not at.exception, at.exception
    assert cell_summaries(Project(db), "role") == {
        (code.id, "participant"): "Reorganisation pushes people out."}
    at.selectbox(key="matrix_show").set_value("quotes").run()
    grid = at.dataframe[0].value
    assert grid.loc["Authenticity / Push: change in the organisation", "participant"].startswith(
        "[Reorganisation pushes people out.]\n“Een aantal jaren geleden")
    for show in ("transcripts", "coverage"):
        at.selectbox(key="matrix_show").set_value(show).run()
        assert not at.exception, at.exception
    # one view at a time: the matrix, or one of the two charts
    assert not at.get("vega_lite_chart")
    for view in ("chart", "density"):
        at.segmented_control(key="matrix_view").set_value(view).run()
        assert not at.exception, at.exception
        assert len(at.get("vega_lite_chart")) == 1 and not at.dataframe
    at.selectbox(key="matrix_by").set_value("interview").run()
    assert not at.exception, at.exception
    at.segmented_control(key="matrix_view").set_value("matrix").run()
    assert at.dataframe[0].value.columns[0] == "Interview 01 – P1"


def test_compare_page_and_memo(db):
    at = page("page_compare")
    code = find_code(Project(db), "Authenticity")
    at.selectbox(key="compare_code").set_value(code.id).run()
    assert any(t.value.startswith("9 incident(s) in 1 group(s)") for t in at.text)
    at.selectbox(key="compare_by").set_value("interview").run()
    assert any(t.value.startswith("9 incident(s) in 4 group(s)") for t in at.text)
    assert sum("\n— " in t.value for t in at.text) == 9  # every incident, with who said it
    next(t for t in at.text_area if t.label.startswith("What is the same")).input(
        "P1 and P2 were pushed; P4 pulled.")
    button(at, "Save comparison memo").click().run()
    views = memo_views(Project(db))
    assert [(v.memo.title, v.memo.memo_type) for v in views] == [
        ("Comparison: Authenticity", "theoretical")]


def test_memos_page_links_types_and_back_links(db):
    project = Project(db)
    create_memo(project, "Earlier", "first thoughts")
    at = page("page_memos")
    code = find_code(project, "Authenticity")
    next(t for t in at.text_input if t.label == "Title").input("Push and pull")
    next(s for s in at.selectbox if s.label == "Type").set_value("theoretical")
    next(m for m in at.multiselect if m.label == "About codes").set_value([code.id])
    earlier = memo_views(project)[0].id
    next(m for m in at.multiselect if m.label == "Linked memos").set_value([earlier])
    next(t for t in at.text_area if t.label == "Memo").input("<b>not html</b>")
    button(at, "Save memo").click().run()
    assert not at.exception, at.exception
    views = {v.memo.title: v for v in memo_views(project)}
    assert views["Push and pull"].memo.memo_type == "theoretical"
    assert [(ln.kind, ln.label) for ln in views["Push and pull"].links] == [
        ("code", "Authenticity"), ("memo", "Earlier")]
    at.selectbox(key="memo_filter_type").set_value("theoretical").run()
    frame = at.dataframe[0].value
    assert list(frame["title"]) == ["Push and pull"] and list(frame["memo"]) == ["<b>not html</b>"]
    # link the earlier memo to a transcript in the Links tab
    at.selectbox(key="links_memo").set_value(earlier).run()
    at.selectbox(key="link_kind").set_value("transcript").run()
    button(at, "Add link").click().run()
    assert not at.exception, at.exception
    assert [ln.kind for ln in memo_views(project, text="first thoughts")[0].links] == [
        "transcript", "memo"]


def _quote_labels(project: Project, transcript_id: int) -> dict[int, str]:
    """The quotes of one interview as the Memos page labels them: coding id -> label."""
    return {r.coding_id: f"{r.code}: “{one_line(r.quote, 70)}” ({r.transcript})"
            for r in quote_rows(project, transcript_ids={transcript_id})}


def test_memos_page_quotes_come_from_one_interview(db):
    project = Project(db)
    first, second = list_transcripts(project)[:2]
    at = page("page_memos")
    interviews = at.selectbox(key="memo_quote_transcript")
    assert interviews.value == first.id  # the first interview by default
    about = next(m for m in at.multiselect if m.label == "About quotes")
    assert about.options == list(_quote_labels(project, first.id).values())
    at.selectbox(key="memo_quote_transcript").set_value(second.id).run()
    assert not at.exception, at.exception
    quotes = _quote_labels(project, second.id)
    own = [c.id for c in all_codings(project) if c.transcript_id == second.id]
    assert own and sorted(quotes) == sorted(own)  # that interview's codings, and only those
    about = next(m for m in at.multiselect if m.label == "About quotes")
    assert about.options == list(quotes.values())
    assert all(o.endswith(f"({second.name})") for o in about.options)
    picked = own[0]
    next(t for t in at.text_input if t.label == "Title").input("Trial in P2")
    next(m for m in at.multiselect if m.label == "About quotes").set_value([picked])
    button(at, "Save memo").click().run()
    assert not at.exception, at.exception
    (view,) = memo_views(project)
    assert view.memo.title == "Trial in P2"
    assert [(ln.kind, ln.target_id) for ln in view.links] == [("coding", picked)]


def test_memos_page_links_a_quote_of_a_chosen_interview(db):
    project = Project(db)
    first, second = list_transcripts(project)[:2]
    elsewhere = next(c.id for c in all_codings(project) if c.transcript_id == first.id)
    create_memo(project, "Earlier", "first thoughts", links=[("coding", elsewhere)])
    at = page("page_memos")
    at.selectbox(key="link_kind").set_value("coding").run()
    assert not at.exception, at.exception
    at.selectbox(key="link_quote_transcript").set_value(second.id).run()
    assert not at.exception, at.exception
    quotes = _quote_labels(project, second.id)
    target = at.selectbox(key=f"link_target_coding_{second.id}")
    assert target.options == list(quotes.values())
    # the link to a quote of another interview is still listed
    (old,) = memo_views(project)[0].links
    assert f"quote: {old.label}" in [t.value for t in at.text]
    picked = list(quotes)[-1]
    target.set_value(picked).run()
    button(at, "Add link").click().run()
    assert not at.exception, at.exception
    assert [(ln.kind, ln.target_id) for ln in memo_views(project)[0].links] == [
        ("coding", elsewhere), ("coding", picked)]
    assert any("Link added." in s.value for s in at.success)
