"""The helpers that several modules share since the duplication clean-up: span trimming, memo
titles, natural file order, foreign timestamps, XLSX text cells, CSV sheet decoding."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

import pytest

from qualcode.coding.codes import create_code
from qualcode.coding.codings import add_memo
from qualcode.errors import ValidationError
from qualcode.exchange.bundle import parse_when
from qualcode.ingest.csv_text import decode_csv, sniff_dialect
from qualcode.corpus.importing import _natural_key
from qualcode.coding.memos import create_memo, update_memo
from qualcode.coding.spans import trim_span


def test_trim_span():
    text = "  ab c \n"
    assert trim_span(text, 0, len(text)) == (2, 6)
    assert trim_span(text, 0, 2) == (2, 2)
    assert trim_span("", 0, 0) == (0, 0)


def test_memo_titles_are_checked_alike(sqlite_project):
    code = create_code(sqlite_project, "Theme")
    memo = add_memo(sqlite_project, "Ti\x00tle ", "body", code_id=code.id)
    assert (memo.title, memo.code_id) == ("Title", code.id)
    for bad in ("", "  ", "\x00 \x01"):
        with pytest.raises(ValidationError, match="a memo needs a title"):
            create_memo(sqlite_project, bad)
        with pytest.raises(ValidationError, match="a memo needs a title"):
            add_memo(sqlite_project, bad)
        with pytest.raises(ValidationError, match="a memo needs a title"):
            update_memo(sqlite_project, memo.id, title=bad)


def test_folder_files_in_natural_order():
    names = ["P10.txt", "p2.txt", "P1²2.txt", "P1.txt"]  # a superscript digit: no crash
    ordered = [p.name for p in sorted((Path("/x") / n for n in names), key=_natural_key)]
    assert ordered.index("P1.txt") < ordered.index("p2.txt") < ordered.index("P10.txt")


def test_foreign_timestamps_as_naive_utc():
    assert parse_when("2024-03-01T10:00:00Z") == datetime(2024, 3, 1, 10, 0)
    assert parse_when("2024-03-01T12:00:00+02:00") == datetime(2024, 3, 1, 10, 0)
    assert parse_when("2024-03-01 10:00:00.5") == datetime(2024, 3, 1, 10, 0, 0, 500000)
    assert parse_when(" 2024-03-01 ") == datetime(2024, 3, 1)
    assert parse_when("") is None and parse_when(None) is None and parse_when("gisteren") is None


def test_xlsx_rows_keep_formulas_as_text():
    from openpyxl import Workbook, load_workbook

    from qualcode.export.xlsx import rows_sheet, workbook_bytes

    workbook = Workbook()
    rows_sheet(workbook, "A sheet with a title longer than 31 characters", ["a", "b"],
               [["=1+1", 2], ["text", None]])
    book = load_workbook(io.BytesIO(workbook_bytes(workbook)))
    assert book.sheetnames == ["A sheet with a title longer than 31 characters"[:31]]
    sheet = book.active
    assert sheet["A2"].value == "=1+1" and sheet["A2"].data_type == "s"
    assert sheet.freeze_panes == "A2"


def test_csv_sheets_decode_and_sniff():
    assert decode_csv("naam;rol\n".encode("utf-8-sig")) == "naam;rol\n"
    assert decode_csv("café".encode("cp1252")) == "café"
    assert sniff_dialect("name;role\nP1;participant\n").delimiter == ";"
    assert sniff_dialect("x").delimiter == ","
