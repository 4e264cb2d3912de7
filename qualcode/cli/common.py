"""Helpers shared by the command modules."""

from __future__ import annotations

import json
import sys

from ..errors import QualcodeError


def terminal_safe(text: str) -> str:
    """``text`` with every control and format character (escape sequences, CR, bidi
    overrides) shown as a \\x/\\u escape, so a file name cannot drive the terminal."""
    return "".join(ch if ch.isprintable() else
                   (f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}")
                   for ch in text)


def progress_bar(i: int, n: int, name: str) -> None:
    name = terminal_safe(name)
    width = 30
    done = int(width * i / max(n, 1))
    sys.stderr.write(f"\r[{'#' * done}{'.' * (width - done)}] {i}/{n} {name[:40]:<40}")
    if i == n:
        sys.stderr.write("\n")
    sys.stderr.flush()


def attrs_from_pairs(pairs: list[str]) -> dict:
    out = {}
    for pair in pairs or []:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise QualcodeError(f"--attr takes key=value, not {pair!r}")
        out[key.strip()] = value.strip()
    return out


def print_json(data, indent: int | None = 2) -> None:
    """A ``--json`` answer on stdout: UTF-8 as is (no \\u escapes), dates and other values as
    their text."""
    print(json.dumps(data, ensure_ascii=False, indent=indent, default=str))
