"""Word documents: a theme report per top-level code (tension) and a plain quote table."""

from __future__ import annotations

import io
import re
from collections import Counter, defaultdict
from copy import deepcopy
from datetime import date

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Inches, Pt, RGBColor

from ..codes import code_tree, in_subtree
from ..store.clean import clean
from ..store.project import Project
from ..quotes import QuoteRow, quote_rows
from .docx_saturation import add_saturation_section
from .i18n import location as localized_location
from .i18n import tr

QUOTE_HEADERS = ("Quote", "Participant", "Role", "Location")


def quote_headers(language: str | None = None) -> tuple[str, ...]:
    """Code, Quote, Participant, Role, Location in the report's language."""
    return tuple(tr(k, language) for k in ("col_code", "col_quote", "col_participant",
                                           "col_role", "col_location"))
# Column widths in inches (the usable width of a Letter/A4 page with 1" margins is ~6.3").
QUOTE_WIDTHS = (1.1, 2.6, 0.85, 0.85, 0.95)
SUBCODE_WIDTHS = (2.2, 2.3, 0.75, 1.0)


def _table(document, headers, rows, widths=None):
    """A table with a bold header row repeated on every page. The body rows are copies of one
    template row (lxml), filled in place: python-docx's add_row and cell.text cost milliseconds
    per row, which made reports with thousands of quotes take many seconds."""
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = widths is None
    for cell, header in zip(table.rows[0].cells, headers):
        cell.text = ""
        run = cell.paragraphs[0].add_run(clean(str(header)))
        run.bold = True
        run.font.size = Pt(9)
    # repeat the header row on every page the table runs over
    header_props = table.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header_props.append(repeat)
    if widths:
        for column, width in zip(table.columns, widths):
            column.width = Inches(width)  # the grid, which LibreOffice reads
        for i, cell in enumerate(table.rows[0].cells):
            cell.width = Inches(widths[i])  # the cells, which Word reads
    template = table.add_row()
    for i, cell in enumerate(template.cells):
        if widths:
            cell.width = Inches(widths[i])
        cell.paragraphs[0].add_run("").font.size = Pt(9)
    template_row = template._tr
    tbl = table._tbl
    tbl.remove(template_row)
    for row in rows:  # control characters (invalid in XML) are stripped from every value
        new = deepcopy(template_row)
        for tc, value in zip(new.iterchildren(qn("w:tc")), row):
            _fill_run(tc.find(qn("w:p")).find(qn("w:r")),
                      "" if value is None else clean(str(value)))
        tbl.append(new)
    return table


_BREAKS = re.compile(r"(\r\n|\n|\r|\t)")


def _fill_run(run, text: str) -> None:
    """Put ``text`` in a run as python-docx does: line breaks as w:br, tabs as w:tab."""
    for child in list(run):
        if child.tag != qn("w:rPr"):
            run.remove(child)
    for piece in _BREAKS.split(text):
        if not piece:
            continue
        if piece == "\t":
            run.append(OxmlElement("w:tab"))
        elif piece in ("\n", "\r", "\r\n"):
            run.append(OxmlElement("w:br"))
        else:
            t = OxmlElement("w:t")
            t.text = piece
            t.set(qn("xml:space"), "preserve")
            run.append(t)


def _quote_cells(row: QuoteRow, code_label: str, language: str | None = None) -> list[str]:
    return [code_label, f"“{row.quote}”", row.participant, row.role,
            localized_location(row.location, language)]


def _below(path: str, top: str) -> str:
    """A code path shown under its theme: "Theme / Sub" -> "Sub"; the theme itself as is."""
    return path[len(top) + 3:] if path.startswith(top + " / ") else path


def _save(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def theme_report_docx(project: Project, title: str | None = None,
                      themes: list[int] | None = None, language: str | None = None,
                      saturation=None, include_memos: bool = False, *,
                      coder: str | None = None, viewer: str | None = None,
                      agreement=None) -> bytes:
    """One section per top-level code: definition, criteria, sub-codes with counts, quote table;
    with ``saturation`` (a SaturationReport or SaturationResult), a closing saturation section
    (export/docx_saturation.py); with ``include_memos``, a section with the analytic memos;
    with ``agreement`` (an AgreementResult), the inter-coder agreement tables. ``coder``: the
    quotes of one coder (e.g. "consensus"); ``viewer``: only their own under blind coding.
    Headings and labels in ``language`` (qualcode.export.i18n; English when it has no strings
    for it)."""
    nodes = code_tree(project)
    rows = quote_rows(project, coder=coder, viewer=viewer)
    document = Document()
    document.add_heading(clean(title or tr("theme_report", language)), level=0)
    document.add_paragraph(tr("report_summary", language, quotes=len(rows),
                              interviews=len({r.transcript_id for r in rows}),
                              date=date.today().isoformat()))
    tops = [n for n in nodes if n.depth == 0 and (themes is None or n.code.id in themes)]
    for top in tops:
        code = top.code
        label = (code.labels or {}).get(language) if language else None
        document.add_heading(clean(code.name + (f" ({label})" if label and label != code.name else "")), 1)
        if code.description:
            document.add_heading(tr("definition", language), 2)
            document.add_paragraph(clean(code.description))
        for caption, text in ((tr("include_when", language), code.inclusion),
                              (tr("exclude_when", language), code.exclusion)):
            if text:
                p = document.add_paragraph()
                p.add_run(f"{caption}: ").bold = True
                p.add_run(clean(text))
        subtree = [n for n in nodes if in_subtree(n, [top])]
        subtree_ids = {n.code.id for n in subtree}
        theme_rows = [r for r in rows if r.code_id in subtree_ids]
        counts = Counter(r.code_id for r in theme_rows)
        per_code = defaultdict(set)
        for r in theme_rows:
            per_code[r.code_id].add(r.transcript_id)
        interviews = {n.code.id: len(per_code[n.code.id]) for n in subtree}
        document.add_heading(tr("subcodes", language), 2)
        _table(document, tuple(tr(k, language) for k in ("col_code", "col_label", "col_quotes",
                                                         "col_interviews")), [
            (n.path.split(" / ", 1)[1] if n.depth
             else f"{n.code.name} ({tr('itself', language)})",
             _labels(n.code.labels, language),
             counts.get(n.code.id, 0), interviews.get(n.code.id, 0)) for n in subtree],
            SUBCODE_WIDTHS)
        document.add_heading(tr("quotes", language), 2)
        if theme_rows:
            _table(document, quote_headers(language),
                   [_quote_cells(r, _below(r.code, top.path), language) for r in theme_rows],
                   QUOTE_WIDTHS)
        else:
            note = document.add_paragraph().add_run(tr("no_quotes", language))
            note.italic = True
            note.font.color.rgb = RGBColor(0x66, 0x66, 0x66)
    if saturation is not None:
        add_saturation_section(document, saturation)
    if agreement is not None:
        from .docx_agreement import add_agreement_section

        add_agreement_section(document, agreement)
    if include_memos:
        from ..memos import add_memo_section, memo_views

        add_memo_section(document, memo_views(project), language)
    return _save(document)


def quote_table_docx(project: Project, title: str | None = None,
                     code_ids: set[int] | None = None,
                     coding_ids: set[int] | None = None, language: str | None = None, *,
                     coder: str | None = None, viewer: str | None = None) -> bytes:
    """All quotes (or those of some codes, or some codings) in one table: code, quote,
    participant, role, location."""
    rows = quote_rows(project, code_ids=code_ids, coding_ids=coding_ids, coder=coder,
                      viewer=viewer)
    document = Document()
    document.add_heading(clean(title or tr("quote_table", language)), level=0)
    document.add_paragraph(tr("quotes_summary", language, n=len(rows),
                              date=date.today().isoformat()))
    _table(document, quote_headers(language), [_quote_cells(r, r.code, language) for r in rows],
           QUOTE_WIDTHS)
    return _save(document)


def _labels(labels: dict | None, language: str | None) -> str:
    labels = labels or {}
    if language:
        return labels.get(language, "")
    return ", ".join(f"{k}: {v}" for k, v in labels.items())


# public names for the other Word exports (docx_agreement, docx_saturation, analysis_tables,
# memos): the template-row table and the document as bytes
add_table = _table
docx_bytes = _save
