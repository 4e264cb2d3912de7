"""Survey answers in a CSV or XLSX sheet (one respondent per row) as documents.

One column holds the answers (``text_column``; by default the column with the longest texts,
and the choice is reported). Each row with an answer becomes a document whose other columns
are its attributes; or, with ``per_column``, each answer column becomes one document holding
every respondent's answer as a turn (``respondent: answer``). CSV encodings are detected like
transcripts (BOM, UTF-8, Windows-1252, detection); the delimiter is sniffed (``,`` ``;`` tab).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import IngestError
from .csv_text import sniff_dialect
from .decode import UndecodableError, decode_bytes, normalise
from .document import IngestedDocument, TurnSpan
from .language import guess_language
from .limits import MAX_COLUMNS, LimitError, check_zip, read_input
from .speakers import find_turns

SURVEY_SUFFIXES = (".csv", ".xlsx")
MAX_ROWS = 200_000
_ID_COLUMNS = ("id", "respondent", "respondent id", "respondent_id", "respondentid",
               "participant", "participant id", "case", "name", "response id", "responseid")
_NUMBER = re.compile(r"^[\s\d.,:/+\-%]*$")


@dataclass
class SurveyRead:
    documents: list[tuple[str, IngestedDocument]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _rows_csv(path: Path, data: bytes) -> tuple[list[str], list[list[str]], str]:
    try:
        text, encoding = decode_bytes(data)
    except UndecodableError as exc:
        raise IngestError(path, str(exc)) from None
    text = text.lstrip("\ufeff")
    dialect = sniff_dialect(text, 8192)
    old = csv.field_size_limit()
    csv.field_size_limit(10 * 2**20)
    try:
        rows = []
        for row in csv.reader(io.StringIO(text, newline=""), dialect):
            if len(row) > MAX_COLUMNS:
                raise IngestError(path, f"row {len(rows) + 1} has {len(row):,} columns; at most "
                                  f"{MAX_COLUMNS:,} (attributes per transcript) are accepted")
            rows.append(row)
            if len(rows) > MAX_ROWS + 1:
                raise IngestError(path, f"more than {MAX_ROWS} rows")
    except csv.Error as exc:
        raise IngestError(path, f"not a readable CSV file ({exc})") from None
    finally:
        csv.field_size_limit(old)
    if not rows:
        raise IngestError(path, "the sheet is empty")
    return [h.strip() for h in rows[0]], rows[1:], encoding


def _rows_xlsx(path: Path, data: bytes) -> tuple[list[str], list[list[str]], str | None]:
    from openpyxl import load_workbook

    try:
        check_zip(data, "Excel file", max_total=128 * 2**20)
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except LimitError as exc:
        raise IngestError(path, str(exc)) from None
    except Exception as exc:  # openpyxl raises zip, XML and key errors alike
        raise IngestError(path, f"not a readable Excel .xlsx file ({exc})") from None
    try:
        for sheet in workbook.worksheets:
            rows = []
            for values in sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS + 1):
                if len(values) > MAX_COLUMNS and any(v is not None for v in values[MAX_COLUMNS:]):
                    raise IngestError(path, f"row {len(rows) + 1} has more than {MAX_COLUMNS:,} "
                                      "columns; at most that many (attributes per transcript) "
                                      "are accepted")
                rows.append(["" if v is None else str(v) for v in values])
                if len(rows) > MAX_ROWS + 1:
                    raise IngestError(path, f"more than {MAX_ROWS} rows")
            while rows and not any(c.strip() for c in rows[0]):
                rows.pop(0)
            if rows:
                return [h.strip() for h in rows[0]], rows[1:], None
    finally:
        workbook.close()
    raise IngestError(path, "the workbook has no rows")


def _mean_length(rows, i: int) -> float:
    cells = [r[i].strip() for r in rows if i < len(r) and r[i].strip()]
    texty = [c for c in cells if not _NUMBER.match(c)]
    return sum(map(len, texty)) / len(cells) if texty else 0.0


def _column(path: Path, header: list[str], wanted: str) -> int:
    for i, h in enumerate(header):
        if h == wanted or h.casefold() == wanted.strip().casefold():
            return i
    raise IngestError(path, f"no column '{wanted}'; the columns are: "
                      + ", ".join(repr(h) for h in header if h))


def read_survey(path: str | Path, data: bytes | None = None, *, text_column: str | None = None,
                per_column: bool = False) -> SurveyRead:
    path = Path(path)
    data = read_input(path, data)
    if path.suffix.lower() == ".xlsx":
        header, rows, encoding = _rows_xlsx(path, data)
    else:
        header, rows, encoding = _rows_csv(path, data)
    header = [normalise(h) or f"column {i + 1}" for i, h in enumerate(header)]
    width = len(header)
    rows = [r + [""] * (width - len(r)) for r in rows if any(c.strip() for c in r)]
    if not rows:
        raise IngestError(path, "the sheet has a header row but no answers")
    id_col = next((i for i, h in enumerate(header) if h.casefold() in _ID_COLUMNS), None)
    out = SurveyRead()
    if text_column:
        columns = [_column(path, header, c) for c in text_column.split(",") if c.strip()]
    else:
        lengths = {i: _mean_length(rows, i) for i in range(width) if i != id_col}
        if not lengths or max(lengths.values()) == 0:
            raise IngestError(path, "no column holds text answers")
        if per_column:
            columns = [i for i, n in lengths.items() if n >= 15]
            columns = columns or [max(lengths, key=lengths.get)]
        else:
            columns = [max(lengths, key=lengths.get)]
        shown = ", ".join(f"'{header[i]}'" for i in columns)
        out.notes.append(f"{path.name}: answers taken from column(s) {shown} (the longest "
                         "texts); choose others with --text-column")

    def respondent(n: int, row) -> str:
        return normalise(row[id_col]) if id_col is not None and row[id_col].strip() else f"row {n}"

    if per_column:
        for col in columns:
            parts, turns, offset = [], [], 0
            for n, row in enumerate(rows, 1):
                answer = normalise(row[col])
                if not answer:
                    continue
                label = f"{respondent(n, row)}: "
                parts.append(label + answer)
                turns.append(TurnSpan(label[:-2], offset + len(label), offset + len(label) + len(answer)))
                offset += len(label) + len(answer) + 2
            if not parts:
                out.notes.append(f"{path.name}: column '{header[col]}' has no answers")
                continue
            text = "\n\n".join(parts)
            doc = IngestedDocument(text, turns, "survey", encoding, guess_language(text),
                                   {"question": header[col], "source": path.name},
                                   identity=f"{path.name}#{header[col]}")
            out.documents.append((f"{path.stem} – {header[col]}", doc))
        return out

    col = columns[0]
    empty = 0
    for n, row in enumerate(rows, 1):
        answer = normalise(row[col])
        if not answer:
            empty += 1
            continue
        who = respondent(n, row)
        attrs = {header[i]: normalise(v) for i, v in enumerate(row)
                 if i != col and normalise(v) and header[i]}
        attrs.setdefault("question", header[col])
        doc = IngestedDocument(answer, find_turns(answer), "survey", encoding,
                               guess_language(answer), attrs, identity=f"{path.name}#{who}#{n}")
        out.documents.append((f"{path.stem} – {who}", doc))
    if empty:
        out.notes.append(f"{path.name}: {empty} row(s) without an answer in '{header[col]}' skipped")
    if not out.documents:
        raise IngestError(path, f"column '{header[col]}' holds no answers")
    return out
