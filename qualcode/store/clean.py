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
