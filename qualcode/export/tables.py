"""Codings as a table: pandas DataFrame, CSV (UTF-8 with BOM, for Excel) and XLSX."""

from __future__ import annotations

import io

import pandas as pd

from ..store.project import Project
from ..quotes import QuoteRow, quote_rows

COLUMNS = list(QuoteRow.__dataclass_fields__)


def codings_frame(project: Project, *, coder: str | None = None,
                  viewer: str | None = None) -> pd.DataFrame:
    """``coder``: only this coder's codings (e.g. "consensus"); ``viewer``: under blind
    coding, only the viewer's own codings."""
    return pd.DataFrame([r.as_dict() for r in quote_rows(project, coder=coder, viewer=viewer)],
                        columns=COLUMNS)


def codings_csv(project: Project, *, coder: str | None = None,
                viewer: str | None = None) -> bytes:
    return codings_frame(project, coder=coder, viewer=viewer).to_csv(index=False).encode(
        "utf-8-sig")


def codings_xlsx(project: Project, *, coder: str | None = None,
                 viewer: str | None = None) -> bytes:
    """One sheet of codings. Text is stored as text, so a quote starting with "=" stays a quote
    instead of becoming a spreadsheet formula."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Codings"
    sheet.append(COLUMNS)
    for row in quote_rows(project, coder=coder, viewer=viewer):
        values = [getattr(row, c) for c in COLUMNS]
        sheet.append(values)
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
