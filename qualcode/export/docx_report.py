"""Word documents: a theme report per top-level code (tension) and a plain quote table."""

from __future__ import annotations

import io
from collections import Counter
from datetime import date

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.shared import Pt, RGBColor

from ..codes import code_tree
from ..project import Project
from ..quotes import QuoteRow, quote_rows

QUOTE_HEADERS = ("Quote", "Participant", "Role", "Location")


def _table(document, headers, rows, widths_pt=None):
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, header in zip(table.rows[0].cells, headers):
        cell.text = ""
        run = cell.paragraphs[0].add_run(header)
        run.bold = True
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row):
            cell.text = "" if value is None else str(value)
    for row in table.rows:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(9)
    return table


def _quote_cells(row: QuoteRow, with_code: bool = False) -> list[str]:
    cells = [f"“{row.quote}”", row.participant, row.role, row.location]
    return [row.code, *cells] if with_code else cells


def _save(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def theme_report_docx(project: Project, title: str = "Theme report",
                      themes: list[int] | None = None, language: str | None = None) -> bytes:
    """One section per top-level code: definition, criteria, sub-codes with counts, quote table."""
    nodes = code_tree(project)
    rows = quote_rows(project)
    document = Document()
    document.add_heading(title, level=0)
    document.add_paragraph(
        f"{len(rows)} coded quotes from {len({r.transcript_id for r in rows})} interviews · "
        f"generated {date.today().isoformat()} by qualcode")
    tops = [n for n in nodes if n.depth == 0 and (themes is None or n.code.id in themes)]
    for top in tops:
        code = top.code
        label = (code.labels or {}).get(language) if language else None
        document.add_heading(code.name + (f" ({label})" if label and label != code.name else ""), 1)
        if code.description:
            document.add_heading("Definition", 2)
            document.add_paragraph(code.description)
        for caption, text in (("Include when", code.inclusion), ("Exclude when", code.exclusion)):
            if text:
                p = document.add_paragraph()
                p.add_run(f"{caption}: ").bold = True
                p.add_run(text)
        subtree = [n for n in nodes if n.path == top.path or n.path.startswith(top.path + " / ")]
        theme_rows = [r for r in rows if r.code_id in {n.code.id for n in subtree}]
        counts = Counter(r.code_id for r in theme_rows)
        interviews = {n.code.id: len({r.transcript_id for r in theme_rows if r.code_id == n.code.id})
                      for n in subtree}
        document.add_heading("Sub-codes", 2)
        _table(document, ("Code", "Label", "Quotes", "Interviews"), [
            (n.path.split(" / ", 1)[1] if n.depth else f"{n.code.name} (itself)",
             ", ".join(f"{k}: {v}" for k, v in (n.code.labels or {}).items()),
             counts.get(n.code.id, 0), interviews.get(n.code.id, 0)) for n in subtree])
        document.add_heading("Quotes", 2)
        if theme_rows:
            _table(document, ("Code", *QUOTE_HEADERS), [_quote_cells(r, True) for r in theme_rows])
        else:
            note = document.add_paragraph().add_run("No quotes coded yet.")
            note.italic = True
            note.font.color.rgb = RGBColor(0x66, 0x66, 0x66)
    return _save(document)


def quote_table_docx(project: Project, title: str = "Quote table",
                     code_ids: set[int] | None = None) -> bytes:
    """All quotes (or those of some codes) in one table: code, quote, participant, role, location."""
    rows = quote_rows(project, code_ids=code_ids)
    document = Document()
    document.add_heading(title, level=0)
    document.add_paragraph(f"{len(rows)} quotes · generated {date.today().isoformat()} by qualcode")
    _table(document, ("Code", *QUOTE_HEADERS), [_quote_cells(r, True) for r in rows])
    return _save(document)
