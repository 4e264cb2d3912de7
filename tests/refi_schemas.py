"""Where the REFI-QDA schemas are: ``shared/refi-qda`` beside the clone (CI), or one level
further up for a git worktree."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import ROOT


def schema_path(name: str) -> Path:
    candidates = [ROOT.parent / "shared" / "refi-qda" / name,
                  ROOT.parent.parent / "shared" / "refi-qda" / name]
    return next((p for p in candidates if p.exists()), candidates[0])


def schema(name: str):
    from lxml import etree

    path = schema_path(name)
    if not path.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"the REFI-QDA schema is missing: {path}")
        pytest.skip("the REFI-QDA schemas in ../shared/refi-qda are not here")
    return etree.XMLSchema(etree.parse(str(path)))
