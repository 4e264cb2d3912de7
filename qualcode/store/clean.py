"""The one sanitising helper for everything the library writes or exports.

Control characters (but tab and line ends), NUL, lone surrogates and the non-characters
U+FFFE/U+FFFF are refused by PostgreSQL, XML (Word, Excel, REFI-QDA) or both; they are removed
at the door (every row the store writes passes through :func:`clean`, see ``project.py``) and
again when exporting, so a character stored by an older version cannot break an export.
"""

from __future__ import annotations

import re

BAD_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def clean(value: str) -> str:
    """``value`` without the characters databases and XML refuse."""
    return BAD_CHARS.sub("", value) if BAD_CHARS.search(value) else value


def clean_value(value):
    """:func:`clean` on every string inside a JSON-like value (dict keys too)."""
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, dict):
        return {clean_value(k): clean_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean_value(v) for v in value]
    return value


# Bidirectional controls (U+202A-U+202E embeddings and overrides, U+2066-U+2069 isolates, the
# marks U+200E/U+200F/U+061C): in a name they reorder what a reader sees ("fdp.exe" shown as
# "exe.pdf"); line breaks split a name over lines in lists, logs and exports.
BIDI = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
_BREAKS = re.compile(r"[\s\u2028\u2029\x85]+")


def clean_line(value: str) -> str:
    """A name on one line: :func:`clean`, bidi controls removed, every run of white space
    (CR, LF, tab, line and paragraph separators) one space, no space at either end."""
    value = clean(value or "")
    value = BIDI.sub("", value)
    return _BREAKS.sub(" ", value).strip()


# Columns that are names shown on one line (cleaned by the store before every write).
NAME_COLUMNS = {("transcripts", "name"), ("codes", "name"), ("users", "name"),
                ("memos", "title")}
