"""CSV sheets as text: the simple decoding of attribute and codebook sheets, and the delimiter
sniffed from the first lines (``,`` ``;`` or tab, as Excel writes them by locale)."""

from __future__ import annotations

import csv


def decode_csv(data: bytes) -> str:
    """UTF-8 (with or without a BOM), else Windows-1252 (Excel's default on Windows)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def sniff_dialect(text: str, sample: int = 4096):
    """The CSV dialect of ``text`` from its first ``sample`` characters; Excel's when unsure."""
    try:
        return csv.Sniffer().sniff(text[:sample], delimiters=",;\t")
    except csv.Error:
        return csv.excel
