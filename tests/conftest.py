"""Shared fixtures: a project on a real SQLite file, and on PostgreSQL where one is running.

``.ci/run`` starts PostgreSQL and sets QUALCODE_TEST_PG_URL; under CI (CI=true) a missing
server is an error, elsewhere the PostgreSQL variants are skipped.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from qualcode.store.models import Base
from qualcode.store.project import Project

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT.parent / "shared" / "seed"
PG_URL = os.environ.get("QUALCODE_TEST_PG_URL")


def _backends():
    yield pytest.param("sqlite", id="sqlite")
    yield pytest.param("postgres", id="postgres", marks=pytest.mark.postgres)


@pytest.fixture(params=list(_backends()))
def project(request, tmp_path):
    if request.param == "sqlite":
        proj = Project(tmp_path / "project.sqlite")
        yield proj
        proj.close()
        return
    if not PG_URL:
        if os.environ.get("CI") == "true":
            pytest.fail("QUALCODE_TEST_PG_URL is not set: .ci/run must start PostgreSQL")
        pytest.skip("no PostgreSQL (set QUALCODE_TEST_PG_URL, as .ci/run does)")
    proj = Project(PG_URL)
    Base.metadata.drop_all(proj.engine)
    Base.metadata.create_all(proj.engine)
    yield proj
    Base.metadata.drop_all(proj.engine)
    proj.close()


@pytest.fixture
def sqlite_project(tmp_path):
    proj = Project(tmp_path / "project.sqlite")
    yield proj
    proj.close()


@pytest.fixture
def demo_project(sqlite_project):
    from qualcode.demo import load_demo

    load_demo(sqlite_project)
    return sqlite_project


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path
