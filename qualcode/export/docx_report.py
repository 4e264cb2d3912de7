"""Word documents: a theme report per top-level code (tension) and a plain quote table.

The quote tables can hold tens of thousands of rows, so they are not built as a python-docx
tree: the document is made without their body rows (a marker comment stands in each table),
saved, and its ``word/document.xml`` is then copied into the final zip with the rows written
between the markers, one batch at a time, as text made from the table's own template row
(escaped; control characters removed). Memory stays bounded by the skeleton plus one batch,
and nothing is built until the file is asked for."""

from __future__ import annotations

import io
import os
import re
import zipfile
from collections import Counter, defaultdict
from collections.abc import Iterator
from copy import deepcopy
from datetime import date
from xml.sax.saxutils import escape

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Inches, Pt, RGBColor
from lxml import etree

from ..codes import code_tree, in_subtree
from ..quotes import QuoteRow, quote_rows
from ..store.clean import clean
from ..store.project import Project
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


def _table(document, headers, rows, widths=None, stream: list | None = None):
    """A table with a bold header row repeated on every page. The body rows are copies of one
    template row (lxml), filled in place: python-docx's add_row and cell.text cost milliseconds
    per row, which made reports with thousands of quotes take many seconds. With ``stream`` (a
    list kept for :func:`_save`), the rows (any iterable, read only then) are written at save
    time straight into the file instead (see the module's doc)."""
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
    if stream is not None:
        marker = f"qc-rows-{len(stream)}"
        tbl.append(etree.Comment(marker))
        stream.append((f"<!--{marker}-->", _row_template(template_row), rows))
        return table
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


_NS_DECL = re.compile(r'\s+xmlns(?::\w+)?="[^"]*"')


def _row_template(template_row) -> list[str]:
    """The XML of a body row cut around each cell's text: ``[before cell 0, between 0 and 1,
    …, after the last]`` (namespace declarations dropped: the document declares them)."""
    row = deepcopy(template_row)
    for i, tc in enumerate(row.iterchildren(qn("w:tc"))):
        t = OxmlElement("w:t")
        t.text = f"@@qc-cell-{i}@@"
        tc.find(qn("w:p")).find(qn("w:r")).append(t)
    xml = _NS_DECL.sub("", etree.tostring(row, encoding="unicode"))
    return re.split(r"<w:t>@@qc-cell-\d+@@</w:t>", xml)


def _run_xml(text: str) -> str:
    """The content of a run holding ``text``, as _fill_run makes it."""
    out = []
    for piece in _BREAKS.split(text):
        if not piece:
            continue
        if piece == "\t":
            out.append("<w:tab/>")
        elif piece in ("\n", "\r", "\r\n"):
            out.append("<w:br/>")
        else:
            out.append(f'<w:t xml:space="preserve">{escape(piece)}</w:t>')
    return "".join(out)


def _rows_xml(parts: list[str], rows) -> Iterator[bytes]:
    """Batches of body rows as UTF-8 XML."""
    batch: list[str] = []
    for row in rows:
        batch.append(parts[0])
        for value, after in zip(row, parts[1:]):
            batch.append(_run_xml("" if value is None else clean(str(value))))
            batch.append(after)
        if len(batch) > 20_000:
            yield "".join(batch).encode("utf-8")
            batch = []
    if batch:
        yield "".join(batch).encode("utf-8")


def _quote_cells(row: QuoteRow, code_label: str, language: str | None = None) -> list[str]:
    return [code_label, f"“{row.quote}”", row.participant, row.role,
            localized_location(row.location, language)]


def _theme_cells(rows, top_path: str, language: str | None):
    """The cells of a theme's quote rows, made when the table is written (the names are bound
    here, not read from the caller's loop later)."""
    return (_quote_cells(r, _below(r.code, top_path), language) for r in rows)


def _below(path: str, top: str) -> str:
    """A code path shown under its theme: "Theme / Sub" -> "Sub"; the theme itself as is."""
    return path[len(top) + 3:] if path.startswith(top + " / ") else path


def _save(document, stream: list | None = None, out=None) -> bytes | None:
    """The document as bytes, or written to ``out`` (a path or a binary file) and None. The
    rows of streamed tables go into ``word/document.xml`` as it is copied (see the module)."""
    buffer = io.BytesIO()
    document.save(buffer)
    if not stream:
        if out is None:
            return buffer.getvalue()
        if isinstance(out, (str, os.PathLike)):
            with open(out, "wb") as f:
                f.write(buffer.getvalue())
        else:
            out.write(buffer.getvalue())
        return None
    target = io.BytesIO() if out is None else out
    with zipfile.ZipFile(buffer) as zin, zipfile.ZipFile(target, "w",
                                                         zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            if item.filename != "word/document.xml":
                zout.writestr(item, zin.read(item), compress_type=zipfile.ZIP_DEFLATED)
                continue
            xml = zin.read(item).decode("utf-8")
            info = zipfile.ZipInfo(item.filename, date_time=item.date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            with zout.open(info, "w", force_zip64=True) as f:
                pos = 0
                for marker, parts, rows in stream:
                    at = xml.index(marker, pos)
                    f.write(xml[pos:at].encode("utf-8"))
                    for chunk in _rows_xml(parts, rows):
                        f.write(chunk)
                    pos = at + len(marker)
                f.write(xml[pos:].encode("utf-8"))
    return target.getvalue() if out is None else None


def theme_report_docx(project: Project, title: str | None = None,
                      themes: list[int] | None = None, language: str | None = None,
                      saturation=None, include_memos: bool = False, *,
                      coder: str | None = None, viewer: str | None = None,
                      agreement=None, out=None) -> bytes | None:
    """One section per top-level code: definition, criteria, sub-codes with counts, quote table;
    with ``saturation`` (a SaturationReport or SaturationResult), a closing saturation section
    (export/docx_saturation.py); with ``include_memos``, a section with the analytic memos;
    with ``agreement`` (an AgreementResult), the inter-coder agreement tables. ``coder``: the
    quotes of one coder (e.g. "consensus"); ``viewer``: only their own under blind coding.
    Headings and labels in ``language`` (qualcode.export.i18n; English when it has no strings
    for it). ``out``: a path or binary file to write to (then None is returned), else the
    document's bytes; the quote rows are streamed into it either way (see the module)."""
    nodes = code_tree(project)
    tops = [n for n in nodes if n.depth == 0 and (themes is None or n.code.id in themes)]
    wanted = None if themes is None else {n.code.id for n in nodes if in_subtree(n, tops)}
    rows = quote_rows(project, code_ids=wanted, coder=coder, viewer=viewer)
    by_code = defaultdict(list)
    for r in rows:
        by_code[r.code_id].append(r)
    stream: list = []
    document = Document()
    document.add_heading(clean(title or tr("theme_report", language)), level=0)
    document.add_paragraph(tr("report_summary", language, quotes=len(rows),
                              interviews=len({r.transcript_id for r in rows}),
                              date=date.today().isoformat()))
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
        # quote_rows' order is code tree, interview, position: the subtree's order keeps it
        theme_rows = [r for n in subtree for r in by_code.get(n.code.id, ())]
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
                   _theme_cells(theme_rows, top.path, language),
                   QUOTE_WIDTHS, stream=stream)
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
    return _save(document, stream, out)


def quote_table_docx(project: Project, title: str | None = None,
                     code_ids: set[int] | None = None,
                     coding_ids: set[int] | None = None, language: str | None = None, *,
                     coder: str | None = None, viewer: str | None = None,
                     out=None) -> bytes | None:
    """All quotes (or those of some codes, or some codings) in one table: code, quote,
    participant, role, location (streamed into the file; ``out`` as for theme_report_docx)."""
    rows = quote_rows(project, code_ids=code_ids, coding_ids=coding_ids, coder=coder,
                      viewer=viewer)
    stream: list = []
    document = Document()
    document.add_heading(clean(title or tr("quote_table", language)), level=0)
    document.add_paragraph(tr("quotes_summary", language, n=len(rows),
                              date=date.today().isoformat()))
    _table(document, quote_headers(language), (_quote_cells(r, r.code, language) for r in rows),
           QUOTE_WIDTHS, stream=stream)
    return _save(document, stream, out)


def _labels(labels: dict | None, language: str | None) -> str:
    labels = labels or {}
    if language:
        return labels.get(language, "")
    return ", ".join(f"{k}: {v}" for k, v in labels.items())


# public names for the other Word exports (docx_agreement, docx_saturation, analysis_tables,
# memos): the template-row table and the document as bytes
add_table = _table
docx_bytes = _save
