"""The Import / export page (the upload itself is driven in a real browser elsewhere)."""

from __future__ import annotations

from tests.test_ui_pages import db, page  # noqa: F401  (fixture)


def test_import_page_renders(db):  # noqa: F811
    at = page("page_import")
    assert [h.value for h in at.header] == ["Import / export"]
    assert at.selectbox(key="import_positions").value == "auto"
    assert at.text_input(key="import_tag_separator").value == "."
    assert not at.button  # no Import button before a file is chosen


def test_import_report_is_shown_as_text(db):  # noqa: F811
    at = page("page_import")
    at.session_state["import_report"] = {
        "summary": "x.qdpx (REFI-QDA project): 1 transcripts; 1 skipped, 0 warning(s)",
        "positions": "code points", "came_in": ["transcript '*bold* <b>x</b>'"],
        "skipped": ["picture source 'Foto': qualcode holds text sources only"],
        "warnings": [], "dry_run": False}
    at.run()
    assert not at.exception
    assert "1 transcripts" in at.success[0].value
    frame = at.dataframe[0].value
    assert list(frame["detail"]) == ["transcript '*bold* <b>x</b>'",
                                     "picture source 'Foto': qualcode holds text sources only"]
