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


# scripts/test.sh sets QUALCODE_TEST_STRICT=1: it installs everything the tests need, so a
# skipped test there is a missing install step, and the run fails saying which tests skipped.
STRICT = os.environ.get("QUALCODE_TEST_STRICT") == "1"


def _skipped(session) -> list:
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    return list(reporter.stats.get("skipped", [])) if reporter is not None else []


def pytest_sessionfinish(session, exitstatus):
    if STRICT and _skipped(session) and session.exitstatus == 0:
        session.exitstatus = 1


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    skipped = terminalreporter.stats.get("skipped", [])
    if STRICT and skipped:
        terminalreporter.write_line(
            f"{len(skipped)} test(s) skipped under scripts/test.sh (QUALCODE_TEST_STRICT=1), "
            "where every test must run: install what they need in scripts/test.sh", red=True)
        for report in skipped:
            reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
            terminalreporter.write_line(f"  {report.nodeid}: {reason}", red=True)


@pytest.fixture
def fresh_suggest_models():
    """No suggestion model kept from another test before or after this one (a training still
    under way is waited for first)."""
    from qualcode.coding import suggest_service

    suggest_service.forget()
    yield
    for t in list(suggest_service._HOLDERS.values()):
        if t.training is not None:
            t.training.join(60)
    suggest_service.forget()
