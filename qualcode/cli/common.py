"""Helpers shared by the command modules."""

from __future__ import annotations

import json
import sys

from ..errors import QualcodeError


def progress_bar(i: int, n: int, name: str) -> None:
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
