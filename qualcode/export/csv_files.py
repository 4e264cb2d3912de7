"""The one CSV writer of qualcode: every CSV the project writes (codings, the saturation log,
the audit trail; web and command line) goes through ``csv_bytes``.

Formula injection (OWASP "CSV Injection"): a cell that starts with ``=``, ``+``, ``-``, ``@``,
a tab or a carriage return is run as a formula by Excel, LibreOffice and Google Sheets
(``=HYPERLINK(…)``, ``@SUM(1)``); such a cell gets a leading single quote, so that it shows
as the text it is. Characters PostgreSQL/XML refuse are removed (store/clean.py). The file is
UTF-8 with a byte-order mark, so Excel reads accents right; numbers stay numbers."""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Mapping, Sequence

from ..store.clean import clean

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """A text cell a spreadsheet would run as a formula, quoted with a leading ``'``."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _cell(value):
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, (bool, int, float)):
        return value
    return neutralise(clean(str(value)))


def csv_bytes(rows, columns: Sequence[str] | None = None, *, bom: bool = True) -> bytes:
    """``rows`` (a pandas DataFrame, dicts, or sequences under ``columns``) as safe CSV."""
    if hasattr(rows, "to_dict") and hasattr(rows, "columns"):  # a DataFrame
        columns = [str(c) for c in rows.columns]
        rows = rows.itertuples(index=False, name=None)
    rows = list(rows) if not isinstance(rows, list) else rows
    if columns is None:
        columns = list(rows[0].keys()) if rows and isinstance(rows[0], Mapping) else []
    out = io.StringIO()
    writer = csv.writer(out)  # CR LF line ends: fields holding CR or LF are quoted
    writer.writerow([_cell(c) for c in columns])
    for row in rows:
        values: Iterable = ([row.get(c) for c in columns] if isinstance(row, Mapping) else row)
        writer.writerow([_cell(v) for v in values])
    return out.getvalue().encode("utf-8-sig" if bom else "utf-8")


def write_csv(path, rows, columns: Sequence[str] | None = None) -> None:
    """``csv_bytes`` written to ``path``."""
    with open(path, "wb") as fh:
        fh.write(csv_bytes(rows, columns))
