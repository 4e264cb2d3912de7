from __future__ import annotations

import io

import docx
import pandas as pd

from qualcode.coding.codes import find_code
from qualcode.coding.codings import add_coding
from qualcode.export import codings_csv, codings_xlsx, quote_table_docx, theme_report_docx
from qualcode.corpus.transcripts import get_transcript


def _all_text(data: bytes) -> tuple[list[str], list[list[list[str]]]]:
    document = docx.Document(io.BytesIO(data))
    paragraphs = [p.text for p in document.paragraphs]
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in document.tables]
    return paragraphs, tables


def test_theme_report_per_tension(demo_project, tmp_path):
    data = theme_report_docx(demo_project, title="Co-sourcing", language="nl")
    path = tmp_path / "report.docx"
    path.write_bytes(data)
    paragraphs, tables = _all_text(path.read_bytes())
    assert "Co-sourcing" in paragraphs
    assert "Authenticity (Authenticiteit)" in paragraphs
    assert "Mastery & trial" in paragraphs  # Dutch label equals the name: not repeated
    assert any(p.startswith("A personal need of the individual") for p in paragraphs)
    # sub-code table with counts, then the quote table, per theme
    sub = tables[0]
    assert sub[0] == ["Code", "Label", "Citaten", "Interviews"]  # headings in Dutch
    counts = {row[0]: row[2] for row in sub[1:]}
    assert counts["Push: change in the organisation"] == "2"
    quotes = tables[1]
    assert quotes[0] == ["Code", "Citaat", "Deelnemer", "Rol", "Vindplaats"]
    row = next(r for r in quotes if "brutale stop" in r[1])
    assert row[2:4] == ["P1", "participant"]
    assert row[4].startswith("Interview 01 – P1, beurt 2, tekens ")


def test_quote_table_and_new_coding_appears(demo_project):
    t = get_transcript(demo_project, "Interview 09 – P6")
    start = t.text.index("😊")
    add_coding(demo_project, t.id, find_code(demo_project, "Retention of pay").id, start, start + 1)
    _paragraphs, tables = _all_text(quote_table_docx(demo_project))
    assert any(row[1] == "“😊”" for row in tables[0])


def test_csv_and_xlsx(demo_project):
    frame = pd.read_csv(io.BytesIO(codings_csv(demo_project)), encoding="utf-8-sig")
    assert len(frame) == 31
    assert {"code", "quote", "participant", "role", "location", "start", "end"} <= set(frame)
    x = pd.read_excel(io.BytesIO(codings_xlsx(demo_project)))
    assert len(x) == 31 and list(x.columns) == list(frame.columns)


def test_xlsx_keeps_formula_like_quotes_as_text(sqlite_project):
    from openpyxl import load_workbook

    from qualcode.coding.codes import create_code
    from qualcode.corpus import ingest_file

    t = ingest_file(sqlite_project, "f.txt", data=b"=HYPERLINK(\"http://x\") said R")
    add_coding(sqlite_project, t.id, create_code(sqlite_project, "A").id, 0, len(t.text))
    sheet = load_workbook(io.BytesIO(codings_xlsx(sqlite_project))).active
    quote_col = [c.value for c in sheet[1]].index("quote")
    cell = sheet.cell(row=2, column=quote_col + 1)
    assert cell.data_type == "s" and cell.value == t.text


def test_quote_table_for_chosen_codings(demo_project):
    from qualcode.coding.quotes import quote_rows

    wanted = {r.coding_id for r in quote_rows(demo_project) if "loon" in r.quote}
    _paragraphs, tables = _all_text(quote_table_docx(demo_project, coding_ids=wanted))
    assert len(tables[0]) == 1 + len(wanted) == 3


def test_theme_report_with_saturation_section(demo_project):
    from qualcode.analysis.saturation import project_saturation

    result = project_saturation(demo_project, roles={"participant"})
    paragraphs, tables = _all_text(theme_report_docx(demo_project, saturation=result))
    assert "Saturation" in paragraphs
    assert any("4+2" in p for p in paragraphs)
    interviews = next(t for t in tables if t[0][:3] == ["#", "Interview", "Role"])
    assert interviews[0][:5] == ["#", "Interview", "Role", "New", "Cumulative"]
    assert [row[3] for row in interviews[1:]] == ["4", "3", "3", "3", "0", "0"]
    grid = next(t for t in tables if t[0] == ["Base", "Run", "Threshold", "Result"])
    assert len(grid) == 13 and grid[1] == ["4", "2", "≤5%", "4+2"]
    assert any(p.startswith("Over 1000 random interview orders") for p in paragraphs)
    assert any("Chao2" in p for p in paragraphs)
    assert any(t[0][:3] == ["Category", "Result", "Concepts"] for t in tables)
    # issue 19: looking ahead, in a few sentences, and the grid says what could not be assessed
    assert "Looking ahead" in paragraphs
    assert any(p.startswith("Sample coverage") and "already found" in p for p in paragraphs)
    assert any("jackknife" in p for p in paragraphs)
    assert any(p.startswith("More interviews needed") for p in paragraphs)
    assert grid[-1] == ["6", "3", "0%", "not assessable (needs 9 interviews)"]
    cats = next(t for t in tables if t[0][:3] == ["Category", "Result", "Concepts"])
    assert cats[0][3:] == ["Coverage", "More for 95% of concepts"]
    document = docx.Document(io.BytesIO(theme_report_docx(demo_project, saturation=result)))
    assert len(document.inline_shapes) == 1  # the chart


EARLIER_COLUMNS = ["coding_id", "code_id", "code", "theme", "transcript_id", "transcript",
                   "interview_order", "participant", "role", "speaker", "quote", "start", "end",
                   "location", "coder", "memo", "time", "time_end", "time_interpolated", "case"]


def _accept_a_suggestion(project):
    """A coding accepted from the review queue (a suggestion of a made-up model)."""
    from qualcode.coding import suggest_queue as Q
    from qualcode.coding.suggest_backends import Provenance, SpanSuggestion

    t = get_transcript(project, "Interview 01 – P1")
    code = find_code(project, "Authenticity")
    Q.enqueue(project, t.id, [SpanSuggestion(3, 9, code.id, "Authenticity", 0.73)],
              Provenance("local", "test model", "7", "p1", 0.01))
    [item] = Q.pending(project, t.id)
    return Q.accept(project, item.id, coder="ab")


def test_codings_export_says_which_codings_were_suggested(demo_project):
    from openpyxl import load_workbook

    coding = _accept_a_suggestion(demo_project)
    frame = pd.read_csv(io.BytesIO(codings_csv(demo_project)), encoding="utf-8-sig",
                        keep_default_na=False)
    # every earlier column in its place, the new one at the end
    assert list(frame.columns) == EARLIER_COLUMNS + ["provenance"]
    origin = dict(zip(frame["coding_id"], frame["provenance"]))
    assert origin.pop(coding.id) == "suggested by test model v7, prompt p1 (score 0.73)"
    assert len(origin) == 31 and set(origin.values()) == {""}  # made by hand
    sheet = load_workbook(io.BytesIO(codings_xlsx(demo_project))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == EARLIER_COLUMNS + ["provenance"]
    by_id = {r[0]: r[-1] for r in rows[1:]}
    assert by_id.pop(coding.id) == "suggested by test model v7, prompt p1 (score 0.73)"
    assert set(by_id.values()) <= {None, ""}
    from qualcode.coding.quotes import quote_rows

    [row] = quote_rows(demo_project, coding_ids={coding.id})  # the code browser's page
    assert row.provenance.startswith("suggested by test model v7")
