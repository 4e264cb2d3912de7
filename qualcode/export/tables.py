"""Codings as a table: pandas DataFrame, CSV (UTF-8 with BOM, for Excel) and XLSX."""

from __future__ import annotations

import io

import pandas as pd

from ..project import Project
from ..quotes import QuoteRow, quote_rows

COLUMNS = list(QuoteRow.__dataclass_fields__)


def codings_frame(project: Project) -> pd.DataFrame:
    return pd.DataFrame([r.as_dict() for r in quote_rows(project)], columns=COLUMNS)


def codings_csv(project: Project) -> bytes:
    return codings_frame(project).to_csv(index=False).encode("utf-8-sig")


def codings_xlsx(project: Project) -> bytes:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        codings_frame(project).to_excel(writer, index=False, sheet_name="Codings")
    return buffer.getvalue()
