from __future__ import annotations

import io

import docx
import pytest

from qualcode.coding.codes import delete_code, merge_codes
from qualcode.coding.codings import add_memo, remove_coding
from qualcode.errors import NotFound, ValidationError
from qualcode.export import theme_report_docx
from qualcode.export.docx_report import quote_table_docx
from qualcode.export.i18n import STRINGS, location, tr
from qualcode.coding.memos import (create_memo, delete_memo, link_memo, memo_views, unlink_memo,
                                   update_memo)
from qualcode.export.memos import memos_docx, memos_markdown
from tests.analysis_fixtures import code_text, make_project


def test_memo_links_types_and_browser(project, tmp_path):
    made = make_project(project, tmp_path)
    a = made["transcripts"]["Interview A"]
    learn, pay = made["codes"]["Learning"], made["codes"]["Pay"]
    coding = code_text(project, a, learn, "Ik leer veel van haar.")
    first = create_memo(project, "Learning from the manager", "She teaches.", author="AB",
                        memo_type="theoretical",
                        links=[("coding", coding.id), ("code", learn.id), ("transcript", a.id)])
    second = create_memo(project, "Sampling next", "Interview a manager.", memo_type="Sampling",
                         links=[("memo", first.id)])
    old = add_memo(project, "Old style", "about pay", code_id=pay.id)  # the existing link
    assert second.memo_type == "sampling"
    assert link_memo(project, second.id, "code", learn.id) is True
    assert link_memo(project, second.id, "code", learn.id) is False  # once
    views = {v.memo.title: v for v in memo_views(project)}
    labels = [(ln.kind, ln.label) for ln in views["Learning from the manager"].links]
    assert labels == [("coding", "“Ik leer veel van haar.” (Learning, Interview A)"),
                      ("code", "Learning"), ("transcript", "Interview A"),
                      ("memo", "Sampling next")]  # the back-link from the other memo
    assert [(ln.kind, ln.label) for ln in views["Old style"].links] == [("code", "Pay")]
    assert [v.memo.title for v in memo_views(project, memo_type="sampling")] == ["Sampling next"]
    assert {v.memo.title for v in memo_views(project, kind="code", target_id=learn.id)} == {
        "Learning from the manager", "Sampling next"}
    assert [v.memo.title for v in memo_views(project, text="TEACHES")] == [
        "Learning from the manager"]
    # bad input
    with pytest.raises(ValidationError, match="memo type must be one of"):
        create_memo(project, "x", memo_type="diary")
    with pytest.raises(NotFound, match="no coding with id 999"):
        link_memo(project, first.id, "coding", 999)
    with pytest.raises(ValidationError, match="cannot link to itself"):
        link_memo(project, first.id, "memo", first.id)
    with pytest.raises(ValidationError, match="a memo links to"):
        link_memo(project, first.id, "page", 1)
    # links follow their targets: removing the coding removes that link, nothing else
    remove_coding(project, coding.id)
    links = [ln.kind for ln in memo_views(project, text="teaches")[0].links]
    assert links == ["code", "transcript", "memo"]
    unlink_memo(project, first.id, "transcript", a.id)
    unlink_memo(project, old.id, "code", pay.id)  # the old single link too
    assert [v.links for v in memo_views(project) if v.id == old.id] == [()]
    update_memo(project, first.id, memo_type=None, body="changed")
    assert memo_views(project, text="changed")[0].memo.memo_type is None
    delete_memo(project, first.id)
    assert [ln.kind for ln in memo_views(project)[0].links if ln.kind == "memo"] == []


def test_memo_links_survive_code_merge_and_go_with_code_delete(project, tmp_path):
    made = make_project(project, tmp_path)
    learn, pay, manager = (made["codes"][k] for k in ("Learning", "Pay", "Manager"))
    memo = create_memo(project, "About pay", links=[("code", pay.id), ("code", manager.id)])
    merge_codes(project, pay.id, learn.id)
    assert [ln.label for ln in memo_views(project)[0].links] == ["Learning", "Manager"]
    delete_code(project, manager.id, force=True)
    assert [ln.label for ln in memo_views(project)[0].links] == ["Learning"]
    assert memo.id == memo_views(project)[0].id


def test_memo_exports(project, tmp_path):
    made = make_project(project, tmp_path)
    create_memo(project, "Theory", "First paragraph.\n\nSecond *paragraph*.",
                memo_type="methodological", links=[("code", made["codes"]["Pay"].id)])
    md = memos_markdown(project, language="nl")
    assert md.startswith("# Memo's\n\n## Theory\n*methodologisch memo")
    assert "- Code: Pay" in md and "Second *paragraph*." in md
    document = docx.Document(io.BytesIO(memos_docx(project)))
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "Memos" and "Theory" in texts and "Second *paragraph*." in texts
    assert any(t.startswith("methodological memo") for t in texts)


def test_theme_report_in_dutch_with_memos(demo_project):
    create_memo(demo_project, "Waarom vertrekken?", "Push en pull.", memo_type="theoretical")
    data = theme_report_docx(demo_project, language="nl", include_memos=True)
    document = docx.Document(io.BytesIO(data))
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "Themarapport" and "gecodeerde citaten uit 10 interviews" in texts[1]
    for heading in ("Definitie", "Subcodes", "Citaten", "Memo's", "Waarom vertrekken?"):
        assert heading in texts, heading
    assert any(t.startswith("Coderen wanneer: ") for t in texts)
    assert not any(t in ("Definition", "Sub-codes", "Quotes") for t in texts)
    sub = document.tables[0]
    assert [c.text for c in sub.rows[0].cells] == ["Code", "Label", "Citaten", "Interviews"]
    assert sub.rows[1].cells[0].text == "Authenticity (zelf)"
    english = docx.Document(io.BytesIO(theme_report_docx(demo_project)))
    texts = [p.text for p in english.paragraphs]
    assert texts[0] == "Theme report" and "Memos" not in texts  # memos only when asked
    quotes = docx.Document(io.BytesIO(quote_table_docx(demo_project, language="nl")))
    assert quotes.paragraphs[0].text == "Citatentabel"
    assert [c.text for c in quotes.tables[0].rows[0].cells] == [
        "Code", "Citaat", "Deelnemer", "Rol", "Vindplaats"]


def test_translation_strings_complete():
    assert set(STRINGS["nl"]) == set(STRINGS["en"])
    assert tr("quotes", "nl-BE") == "Citaten" and tr("quotes", "fr") == "Quotes"
    assert location("Interview 01, turn 2, 00:01:05, chars 94–221", "nl") == (
        "Interview 01, beurt 2, 00:01:05, tekens 94–221")
    assert location("Interview, turn 3, chars 1–2", "nl") == "Interview, beurt 3, tekens 1–2"
    assert location("Interview, chars 1–2", "nl") == "Interview, tekens 1–2"
    assert location("Interview, turn 3, chars 1–2", "en") == "Interview, turn 3, chars 1–2"
