"""Word building blocks shared by every .docx the project writes: a table whose body rows are
copies of one template row (fast for thousands of rows, optionally streamed into the file at save
time), and the document as bytes or written to a file."""

from __future__ import annotations

import io
import os
import re
import zipfile
from collections.abc import Iterator
from copy import deepcopy
from xml.sax.saxutils import escape

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Inches, Pt
from lxml import etree

from ..store.clean import clean
from .docx_widths import content_widths


def _table(document, headers, rows, widths=None, stream: list | None = None,
           flex: int | None = None):
    """A table with a bold header row repeated on every page. The body rows are copies of one
    template row (lxml), filled in place: python-docx's add_row and cell.text cost milliseconds
    per row, which made reports with thousands of quotes take many seconds. With ``stream`` (a
    list kept for :func:`_save`), the rows are written at save time straight into the file
    instead (see the module's doc). Without ``widths``, the columns are sized from the content
    to the page's width (export/docx_widths.py; ``flex``: the column taking what is left)."""
    if widths is None:
        rows = [[("" if v is None else clean(str(v))) for v in row] for row in rows]
        section = document.sections[-1]
        usable = (section.page_width - section.left_margin - section.right_margin) / 914400
        widths = content_widths(headers, rows, usable, flex=flex)
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
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


# public names for the other Word exports
add_table = _table
docx_bytes = _save
