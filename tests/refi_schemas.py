"""The REFI-QDA XML schemas the exports are validated against, shipped with the tests in
``tests/data/refi-qda`` (see its README.md for their source and licence)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

SCHEMAS = Path(__file__).resolve().parent / "data" / "refi-qda"


def schema_path(name: str) -> Path:
    return SCHEMAS / name


@lru_cache(maxsize=None)
def schema(name: str):
    from lxml import etree

    return etree.XMLSchema(etree.parse(str(schema_path(name))))
