"""The Streamlit pages through streamlit.testing (AppTest): a project database for the app,
one page rendered, a button found by its label."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from qualcode.demo import load_demo
from qualcode.store.project import Project


def app_db(tmp_path: Path, monkeypatch, fill=load_demo, name: str = "ui.sqlite") -> Path:
    """A SQLite project filled by ``fill(project)`` (the demo by default), which the app opens
    (QUALCODE_DB_URL) without loading the demo into it."""
    path = tmp_path / name
    project = Project(path)
    fill(project)
    project.close()
    monkeypatch.setenv("QUALCODE_DB_URL", str(path))
    monkeypatch.setenv("QUALCODE_NO_DEMO", "1")
    return path


def page(name: str, viewer: str | None = None, timeout: int = 60) -> AppTest:
    """Page ``qualcode.ui.<name>`` rendered once (as ``viewer``, the coder, when given), with
    no exception."""
    at = AppTest.from_string(f"from qualcode.ui import {name}\n{name}.render()",
                             default_timeout=timeout)
    if viewer is not None:
        at.session_state["coder"] = viewer
    at.run()
    assert not at.exception, at.exception
    return at


def button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)
