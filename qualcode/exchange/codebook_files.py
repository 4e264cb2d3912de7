"""Codebook files by format: qualcode YAML (parsed by the domain) or a REFI-QDA codebook (.qdc)."""

from __future__ import annotations

from pathlib import Path

from ..coding.codebook import Codebook, codebook_bytes, yaml_codebook
from ..errors import ValidationError
from .refi_codebook import parse_qdc


def load_codebook(path: str | Path) -> Codebook:
    """A codebook file: qualcode YAML (.yaml/.yml) or REFI-QDA (.qdc)."""
    path = Path(path)
    return codebook_from_bytes(codebook_bytes(path), path.name)


def codebook_from_bytes(data: bytes, name: str) -> Codebook:
    if name.lower().endswith(".qdc"):
        return parse_qdc(data, name)
    if name.lower().endswith((".qdpx", ".qde", ".sqlite3", ".sqlite", ".db")):
        raise ValidationError(f"{name}: this is a whole project, not a codebook; bring it in "
                              f"with `qualcode import {name}` (or on the Import page)")
    return yaml_codebook(data, name)
