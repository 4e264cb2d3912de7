"""The network view's front-end files (qualcode/ui/network): ESLint over them, node's test
runner over their pure functions (tests/js/network.test.js), the one-string bundle Streamlit
runs. Needs node and npm (scripts/test.sh runs ``npm ci``; here too if missing)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from qualcode.ui import network_view

from .front_end import ensure_node_modules
from .front_end import run as _run


@pytest.fixture(scope="module")
def node_modules() -> Path:
    return ensure_node_modules()


def test_eslint_passes(node_modules):
    done = _run(str(node_modules / ".bin" / "eslint"), "qualcode/ui/network",
                "tests/js/network.test.js")
    assert done.returncode == 0, done.stdout + done.stderr


def test_node_tests_pass():
    done = _run("node", "--test", "tests/js/network.test.js")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "# fail 0" in done.stdout and "# pass 0" not in done.stdout


def test_the_bundle_is_one_valid_module(tmp_path):
    js = network_view.bundle_js()
    assert "from './geometry.js'" not in js and "\nexport function" not in js
    assert js.count("export default function") == 1
    assert "innerHTML" not in js and "insertAdjacentHTML" not in js
    path = tmp_path / "bundle.mjs"
    path.write_text(js, encoding="utf-8")
    done = _run("node", "--check", str(path))
    assert done.returncode == 0, done.stderr
    assert network_view.JS == js
    assert 'class="qc-net-svg"' in network_view.HTML


def test_a_bad_import_is_an_error_at_load(tmp_path, monkeypatch):
    for name in ("geometry.js", "network.css", "network.html"):
        shutil.copy(network_view.NETWORK_DIR / name, tmp_path / name)
    main = (network_view.NETWORK_DIR / "network.js").read_text(encoding="utf-8")
    (tmp_path / "network.js").write_text("import x from './other.js';\n" + main,
                                         encoding="utf-8")
    monkeypatch.setattr(network_view, "NETWORK_DIR", tmp_path)
    with pytest.raises(RuntimeError, match="network.js must import geometry.js once"):
        network_view.bundle_js()
