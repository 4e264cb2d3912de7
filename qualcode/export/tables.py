"""Codings as a table: pandas DataFrame, CSV (UTF-8 with BOM, for Excel) and XLSX."""

from __future__ import annotations

import pandas as pd

from ..store.clean import clean
from ..store.project import Project
from ..coding.quotes import QuoteRow, quote_rows
from .csv_files import csv_bytes, neutralise  # noqa: F401 - neutralise: used by the XLSX writer
from .xlsx import append_row, workbook_bytes

# every field but the per-speaker tuples (a coding across two speakers: joined in ``case``)
COLUMNS = [c for c in QuoteRow.__dataclass_fields__ if c not in ("cases", "case_roles")]


def codings_frame(project: Project, *, coder: str | None = None,
                  viewer: str | None = None) -> pd.DataFrame:
    """``coder``: only this coder's codings (e.g. "consensus"); ``viewer``: under blind
    coding, only the viewer's own codings."""
    return pd.DataFrame([r.as_dict() for r in quote_rows(project, coder=coder, viewer=viewer)],
                        columns=COLUMNS)


def safe_csv(frame: pd.DataFrame) -> bytes:
    """A table as CSV for Excel through the one CSV writer (export/csv_files.py)."""
    return csv_bytes(frame)


def codings_csv(project: Project, *, coder: str | None = None,
                viewer: str | None = None) -> bytes:
    return safe_csv(codings_frame(project, coder=coder, viewer=viewer))


def codings_xlsx(project: Project, *, coder: str | None = None,
                 viewer: str | None = None, relations: bool = False) -> bytes:
    """One sheet of codings (with ``relations``, also the relations between codes and their
    grounding quotes: export/docx_model.add_relation_sheets). Text is stored as text, so a quote starting with "=" stays a quote
    instead of becoming a spreadsheet formula."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Codings"
    sheet.append(COLUMNS)
    for row in quote_rows(project, coder=coder, viewer=viewer):
        append_row(sheet, [clean(v) if isinstance(v, str) else v
                           for v in (getattr(row, c) for c in COLUMNS)])
    sheet.freeze_panes = "A2"
    if relations:
        from .docx_model import add_relation_sheets

        add_relation_sheets(workbook, project, coder=coder, viewer=viewer)
    return workbook_bytes(workbook)
