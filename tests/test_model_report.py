"""The "Theoretical model" section of the Word theme report and the relations XLSX sheets:
read back from the real .docx / .xlsx files."""

from __future__ import annotations

import io
import zipfile

import docx
import openpyxl

from qualcode.cli import main
from qualcode.coding import relations as rel
from qualcode.coding.codes import find_code
from qualcode.coding.codings import all_codings
from qualcode.coding.paradigm import set_core_category, set_storyline
from qualcode.export import codings_xlsx, theme_report_docx
from qualcode.export.docx_model import strongest

PUSH = "Authenticity / Push: change in the individual"
ENERGY = "Authenticity / Renewed energy and meaning"
MASTERY = "Mastery & trial / Mastery: bringing experience"


def _model(project):
    push, energy, mastery = (find_code(project, p).id for p in (PUSH, ENERGY, MASTERY))
    grounding = [c.id for c in all_codings(project) if c.code_id in (push, energy)]
    rel.add_relation(project, push, energy, rel.CONDITION_OF, evidence=grounding,
                     memo="Change <b>inside</b> comes first")
    rel.add_relation(project, energy, mastery, rel.CONSEQUENCE_OF)
    set_core_category(project, energy)
    set_storyline(project, "Senior employees who lose their fit move on.\n\nThen they grow.")
    return len(grounding)


def test_the_report_gets_a_theoretical_model_section(demo_project):
    n = _model(demo_project)
    data = theme_report_docx(demo_project, include_model=True)
    document = docx.Document(io.BytesIO(data))
    texts = [p.text for p in document.paragraphs]
    start = texts.index("Theoretical model")
    section = texts[start:]
    assert "Core category: Renewed energy and meaning" in section
    assert "Senior employees who lose their fit move on." in section
    sentence = f"Push: change in the individual condition of Renewed energy and meaning — {n} quotes"
    assert sentence in section
    para = document.paragraphs[start + section.index(sentence)]
    assert [r.text for r in para.runs if r.italic] == ["condition of"]
    assert "Change <b>inside</b> comes first" in section  # text as text, not markup
    quotes = [t for t in section if t.startswith("“")]
    assert 1 <= len(quotes) <= 3 + 0  # the strongest quotes of the grounded relation only
    assert "Renewed energy and meaning consequence of Mastery: bringing experience — 0 quotes" \
        in section
    # the diagram is in the document as a picture
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert any(name.startswith("word/media/") and name.endswith(".png")
                   for name in z.namelist())
    # without the option, no section
    plain = docx.Document(io.BytesIO(theme_report_docx(demo_project)))
    assert "Theoretical model" not in [p.text for p in plain.paragraphs]


def test_strongest_quotes_spread_over_interviews_first():
    from types import SimpleNamespace as Row

    rows = [Row(transcript_id=1, transcript="a", interview_order=1, start=0, quote="short"),
            Row(transcript_id=1, transcript="a", interview_order=1, start=50,
                quote="a much longer quote"),
            Row(transcript_id=2, transcript="b", interview_order=2, start=0, quote="other")]
    assert [r.quote for r in strongest(rows, 2)] == ["short", "other"]
    assert [r.quote for r in strongest(rows, 3)][-1] == "a much longer quote"


def test_relations_sheets_in_the_xlsx_and_the_cli(demo_project, tmp_path, capsys):
    n = _model(demo_project)
    book = openpyxl.load_workbook(io.BytesIO(codings_xlsx(demo_project, relations=True)))
    assert book.sheetnames == ["Codings", "Relations", "Relation evidence"]
    rows = list(book["Relations"].values)
    assert rows[0][:5] == ("source", "type", "target", "directed", "evidence")
    assert rows[1][:5] == (PUSH, "condition of", ENERGY, "yes", n)
    assert len(list(book["Relation evidence"].values)) == n + 1
    out = tmp_path / "report.docx"
    assert main(["--db", demo_project.url, "export", str(out), "--model"]) == 0
    assert "Theoretical model" in [p.text for p in docx.Document(out).paragraphs]
