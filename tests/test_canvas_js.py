"""The coding canvas's front-end files (qualcode/ui/canvas): ESLint over them, node's test
runner over their pure functions (tests/js), the one-string bundle Streamlit runs, and the
files in the wheel. Needs node and npm (scripts/test.sh runs ``npm ci``; here too if missing)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from qualcode.ui import span_selector

from .front_end import ensure_node_modules
from .front_end import run as _run


@pytest.fixture(scope="module")
def node_modules() -> Path:
    return ensure_node_modules()


def test_eslint_passes(node_modules):
    done = _run(str(node_modules / ".bin" / "eslint"), "qualcode/ui/canvas", "tests/js", "eslint.config.js")
    assert done.returncode == 0, done.stdout + done.stderr


def test_node_tests_pass():
    done = _run("node", "--test", "tests/js/")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "# fail 0" in done.stdout and "# pass 0" not in done.stdout


def test_the_bundle_is_one_valid_module(tmp_path):
    js = span_selector.bundle_js()
    assert "from './core.js'" not in js and "\nexport function" not in js
    assert js.count("export default function") == 1
    path = tmp_path / "bundle.mjs"
    path.write_text(js, encoding="utf-8")
    done = _run("node", "--check", str(path))
    assert done.returncode == 0, done.stderr
    # the component gets what is in the files
    assert span_selector.JS == js
    assert span_selector.CSS == (span_selector.CANVAS_DIR / "canvas.css").read_text(encoding="utf-8")
    assert 'class="qc-text"' in span_selector.HTML


def test_a_bad_import_is_an_error_at_load(tmp_path, monkeypatch):
    for name in ("core.js", "canvas.css", "canvas.html"):
        shutil.copy(span_selector.CANVAS_DIR / name, tmp_path / name)
    canvas = (span_selector.CANVAS_DIR / "canvas.js").read_text(encoding="utf-8")
    (tmp_path / "canvas.js").write_text(canvas.replace("  ResendQueue,", "  ResendQueue as Q,"), encoding="utf-8")
    monkeypatch.setattr(span_selector, "CANVAS_DIR", tmp_path)
    with pytest.raises(RuntimeError, match="canvas.js must import core.js once"):
        span_selector.bundle_js()
    (tmp_path / "canvas.js").write_text("import x from './other.js';\n" + canvas, encoding="utf-8")
    with pytest.raises(RuntimeError, match="canvas.js"):
        span_selector.bundle_js()


def test_the_canvas_files_ship_in_the_package(tmp_path):
    """setuptools's build step (what a wheel is made from) copies the canvas files along."""
    build = tmp_path / "lib"
    done = _run(sys.executable, "-c", "from setuptools import setup; setup()", "-q",
                "egg_info", "--egg-base", str(tmp_path), "build_py", "--build-lib", str(build), timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    for name in ("canvas.js", "core.js", "canvas.css", "canvas.html"):
        assert (build / "qualcode" / "ui" / "canvas" / name).is_file(), name
