"""Exports of the analyses: the framework matrix as a Word quote table (rows codes, columns
attribute values or cases, cells quotes and/or the researcher's summaries) and as XLSX; code
co-occurrence as XLSX."""

from __future__ import annotations

from datetime import date

from ..analysis.cooccurrence import CooccurrenceResult
from ..analysis.matrix import NONE_VALUE, MatrixResult
from .i18n import location as localized_location
from .i18n import tr
from .xlsx import rows_sheet, workbook_bytes

CELL_MODES = ("quotes", "summary", "both", "count")
DOCX_COLUMNS = 5  # value columns per Word table; wider matrices continue in further tables


def matrix_docx(result: MatrixResult, cell: str = "both", *, title: str | None = None,
                language: str | None = None, max_quotes: int | None = None) -> bytes:
    """The framework matrix as Word tables in landscape: first column the code, one column per
    value, cells with the summary (bold) and/or the quotes ("“…” — participant, location")."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Inches, Pt

    from .docx_tables import docx_bytes

    if cell not in CELL_MODES:
        raise ValueError(f"cell must be one of {', '.join(CELL_MODES)}")
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Inches(0.7))
    by = tr(result.by, language) if result.by in ("case", "interview") else result.by
    document.add_heading(title or f"{tr('framework_matrix', language)}: {by}", 0)
    document.add_paragraph(tr("matrix_summary", language, by=by, cell=tr(f"cell_{cell}", language),
                              date=date.today().isoformat()))
    values = result.values
    quotes = result.cell_quotes() if cell in ("quotes", "both") else {}
    chunks = [values[i:i + DOCX_COLUMNS] for i in range(0, len(values), DOCX_COLUMNS)] or [[]]
    usable = 11.0 - 1.4
    for chunk in chunks:
        table = document.add_table(rows=1, cols=1 + len(chunk))
        table.style = "Table Grid"
        widths = [1.6] + [(usable - 1.6) / max(len(chunk), 1)] * len(chunk)
        header = table.rows[0].cells
        for c, text in zip(header, [tr("col_code", language),
                                    *[tr("no_value", language) if v == NONE_VALUE else v
                                      for v in chunk]]):
            c.text = ""
            c.paragraphs[0].add_run(text).bold = True
        props = table.rows[0]._tr.get_or_add_trPr()
        repeat = OxmlElement("w:tblHeader")
        repeat.set(qn("w:val"), "true")
        props.append(repeat)
        for code in result.codes:
            cells = table.add_row().cells
            cells[0].text = result.paths[code]
            for c, value in zip(cells[1:], chunk):
                _fill_cell(c, result, code, value, cell, language, max_quotes, quotes)
        for row in table.rows:
            for i, c in enumerate(row.cells):
                c.width = Inches(widths[i])
                for p in c.paragraphs:
                    for run in p.runs:
                        run.font.size = Pt(8)
        for column, width in zip(table.columns, widths):
            column.width = Inches(width)
        document.add_paragraph()
    return docx_bytes(document)


def _fill_cell(c, result: MatrixResult, code: int, value: str, mode: str,
               language: str | None, max_quotes: int | None, quotes: dict) -> None:
    data = result.cell(code, value)
    first = c.paragraphs[0]
    used = False

    def paragraph():
        nonlocal used
        if not used:
            used = True
            return first
        return c.add_paragraph()

    if mode == "count":
        paragraph().add_run(str(data.count) if data.count else "")
        return
    if mode in ("summary", "both") and data.summary:
        run = paragraph().add_run(data.summary)
        run.bold = mode == "both"
    if mode in ("quotes", "both"):
        rows = quotes.get((code, value), [])
        for r in rows[:max_quotes] if max_quotes else rows:
            p = paragraph()
            p.add_run(f"“{r.quote}”")
            p.add_run(f" — {r.participant}, {localized_location(r.location, language)}").italic = True
        if max_quotes and len(rows) > max_quotes:
            paragraph().add_run(f"(+{len(rows) - max_quotes})").italic = True


def _sheet(workbook, title: str, frame, index_label: str = "") -> None:
    rows_sheet(workbook, title, [index_label, *[str(c) for c in frame.columns]],
               ([label, *[_cell(v) for v in row.tolist()]] for label, row in frame.iterrows()),
               freeze="B2")


def _cell(value):
    return value.item() if hasattr(value, "item") else value


def matrix_xlsx(result: MatrixResult) -> bytes:
    """Sheets: Counts, Interviews, Coverage (codes × values), Summaries and Quotes (one row per
    quote with its code and value)."""
    from openpyxl import Workbook

    workbook = Workbook()
    _sheet(workbook, "Counts", result.table("count"), "code")
    _sheet(workbook, "Interviews", result.table("transcripts"), "code")
    _sheet(workbook, "Coverage", result.table("coverage").round(4), "code")
    summaries = [[result.paths[c], v, result.cell(c, v).summary] for c in result.codes
                 for v in result.values if result.cell(c, v).summary]
    rows_sheet(workbook, "Summaries", ["code", result.by, "summary"], summaries)
    quotes = []
    by_cell = result.cell_quotes()
    for code in result.codes:
        for value in result.values:
            if result.cell(code, value).count:
                for r in by_cell.get((code, value), []):
                    quotes.append([result.paths[code], value, r.quote, r.participant, r.role,
                                   r.speaker, r.transcript, r.start, r.end, r.location, r.memo])
    rows_sheet(workbook, "Quotes", ["code", result.by, "quote", "participant", "role", "speaker",
                                    "transcript", "start", "end", "location", "memo"], quotes)
    return workbook_bytes(workbook)


def cooccurrence_xlsx(result: CooccurrenceResult, with_quotes: bool = True) -> bytes:
    """Sheets: Counts and C-coefficient (codes × codes), Pairs (a, b, count, c), and Quotes
    (the co-occurrences behind every cell)."""
    from openpyxl import Workbook

    workbook = Workbook()
    _sheet(workbook, "Counts", result.matrix("count"), "code")
    _sheet(workbook, "C-coefficient", result.matrix("c").round(4), "code")
    rows = result.rows()
    rows_sheet(workbook, "Pairs", ["a", "b", "count", "c_coefficient", "n_a", "n_b"],
               [[r["a"], r["b"], r["count"], r["c_coefficient"], r["n_a"], r["n_b"]]
                for r in rows])
    if with_quotes:
        by_path = {p: c for c, p in result.paths.items() if c in result.codes}
        quotes = []
        for r in rows:
            for q in result.quotes(by_path[r["a"]], by_path[r["b"]]):
                quotes.append([r["a"], r["b"], q.transcript, q.speaker, q.start, q.end, q.quote_a,
                               q.quote_b, q.text])
        rows_sheet(workbook, "Quotes", ["a", "b", "transcript", "speaker", "start", "end",
                                        "quote a", "quote b", result.unit], quotes)
    return workbook_bytes(workbook)
