"""XLSX sheets (openpyxl) in which text stays text: a value starting with "=" is stored as a
string, never as a formula, so a quote or code name is not run by the spreadsheet."""

from __future__ import annotations

import io

from openpyxl.cell.cell import Cell


def append_row(sheet, values) -> None:
    """Append one row of values to ``sheet``, its text kept as text. (The cells are made here:
    looking the new row up again, ``sheet[sheet.max_row]``, scans every cell of the sheet, so
    20,000 quote rows took four minutes.)"""
    row = []
    for value in values:
        if isinstance(value, str) and value.startswith("="):
            value = Cell(sheet, value=value)
            value.data_type = "s"
        row.append(value)
    sheet.append(row)


def rows_sheet(workbook, title: str, header, rows, freeze: str = "A2"):
    """A new sheet (title cut to Excel's 31 characters) with a header row and the rows."""
    sheet = workbook.create_sheet(title[:31])
    append_row(sheet, list(header))
    for row in rows:
        append_row(sheet, row)
    sheet.freeze_panes = freeze
    return sheet


def workbook_bytes(workbook) -> bytes:
    """The workbook as .xlsx bytes, without openpyxl's empty default sheet when others exist."""
    if "Sheet" in workbook.sheetnames and len(workbook.sheetnames) > 1:
        del workbook["Sheet"]
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
