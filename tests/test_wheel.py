"""The package as a user gets it: the wheel is built from the sources, installed in a fresh
virtual environment, and run from there — ``qualcode demo`` on a new SQLite project (the demo
data and the migrations come from the wheel, not from this clone) and ``qualcode app`` answering
Streamlit's health endpoint on a free 127.0.0.1 port.

The fresh environment gets the wheel only (``--no-deps``); its dependencies are the ones already
installed for the tests, seen through a ``.pth`` file (as ``--system-site-packages`` would), so
nothing is downloaded and the test stays quick. ``pip check`` then proves the wheel's declared
requirements are met by them.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import sysconfig
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.streamlit_server import free_port

pytestmark = pytest.mark.packaging

VERSION = "0.2.0"


def _clean_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "QUALCODE_DB_URL", "QUALCODE_LOGIN", "VIRTUAL_ENV")}
    env.update(STREAMLIT_SERVER_HEADLESS="true", STREAMLIT_BROWSER_GATHER_USAGE_STATS="false",
               **extra)
    return env


def _run(cmd, cwd, **kw) -> subprocess.CompletedProcess:
    proc = subprocess.run([str(c) for c in cmd], cwd=cwd, env=kw.pop("env", _clean_env()),
                          capture_output=True, text=True, timeout=kw.pop("timeout", 300), **kw)
    assert proc.returncode == 0, f"{cmd} failed:\n{proc.stdout}\n{proc.stderr}"
    return proc


def _package_files() -> set[str]:
    """Every file of the qualcode package in this clone (what the wheel must hold)."""
    return {p.relative_to(ROOT).as_posix() for p in (ROOT / "qualcode").rglob("*")
            if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel, built from a copy of the sources (the clone stays clean: no build/ or
    egg-info), with the build backend already installed (no download)."""
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy2(ROOT / name, src / name)
    shutil.copytree(ROOT / "qualcode", src / "qualcode",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    proc = _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                 "--wheel-dir", tmp / "dist", src], cwd=tmp)
    # the licence is an SPDX string: setuptools has nothing to warn about
    assert "deprecat" not in (proc.stdout + proc.stderr).lower(), proc.stderr
    (built,) = (tmp / "dist").glob("qualcode-*.whl")
    return built


def test_wheel_holds_every_package_file_and_its_metadata(wheel):
    assert wheel.name == f"qualcode-{VERSION}-py3-none-any.whl"
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
        metadata = z.read(f"qualcode-{VERSION}.dist-info/METADATA").decode()
        entry_points = z.read(f"qualcode-{VERSION}.dist-info/entry_points.txt").decode()
    missing = sorted(_package_files() - names)
    assert not missing, f"files of the package missing from the wheel: {missing}"
    for needed in ("qualcode/store/migrations/alembic.ini", "qualcode/store/migrations/env.py",
                   "qualcode/store/migrations/script.py.mako",
                   "qualcode/demo_data/codebooks/three-tensions.yaml",
                   "qualcode/demo_data/transcripts/demo-codings.yaml", "qualcode/ui/app.py"):
        assert needed in names
    assert f"qualcode-{VERSION}.dist-info/licenses/LICENSE" in names
    assert "License-Expression: MIT" in metadata
    assert "Classifier: License" not in metadata  # the SPDX expression says it alone
    assert "qualcode = qualcode.cli:main" in entry_points


@pytest.fixture(scope="module")
def venv(wheel, tmp_path_factory) -> Path:
    """A fresh virtual environment with the wheel installed; the test dependencies are visible
    through a .pth file, the clone is not."""
    home = tmp_path_factory.mktemp("venv")
    env_dir = home / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", env_dir], cwd=home)
    python = env_dir / "bin" / "python"
    purelib = Path(_run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                        cwd=home).stdout.strip())
    ours = {sysconfig.get_paths()[k] for k in ("purelib", "platlib")}
    (purelib / "_qualcode_test_deps.pth").write_text("\n".join(sorted(ours)) + "\n")
    _run([sys.executable, "-m", "pip", "--python", python, "install", "--no-deps",
          "--no-index", "--quiet", wheel], cwd=home)
    _run([sys.executable, "-m", "pip", "--python", python, "check"], cwd=home)
    return env_dir


def test_installed_package_runs_the_demo_from_its_own_files(venv, tmp_path):
    python, qualcode = venv / "bin" / "python", venv / "bin" / "qualcode"
    where = _run([python, "-c", "import qualcode, importlib.metadata as m; "
                  "print(qualcode.__file__); print(m.version('qualcode')); "
                  "print(qualcode.__version__)"], cwd=tmp_path)
    location, version, own = where.stdout.split()
    assert Path(location).is_relative_to(venv) and version == own == VERSION
    db = tmp_path / "demo.sqlite"
    out = _run([qualcode, "--db", db, "demo"], cwd=tmp_path).stdout
    assert "demo loaded: 10 transcripts, 16 codes" in out
    listed = _run([qualcode, "--db", db, "transcripts"], cwd=tmp_path).stdout
    assert "P1" in listed and len(listed.strip().splitlines()) >= 10
    # the migrations came with the wheel: the project is stamped at the head of its scripts
    head = _run([python, "-c", "from qualcode.store import migrate; print(migrate.head())"],
                cwd=tmp_path).stdout.strip()
    versions = sorted(p.name for p in (ROOT / "qualcode/store/migrations/versions").glob("*.py"))
    assert head and versions[-1].startswith(head)
    import sqlite3

    with sqlite3.connect(db) as conn:
        assert conn.execute("select version_num from alembic_version").fetchone()[0] == head
    # the installed app script renders its first page on that project without an exception
    script = ("import qualcode.ui, pathlib; from streamlit.testing.v1 import AppTest; "
              "app = pathlib.Path(qualcode.ui.__file__).with_name('app.py'); "
              "at = AppTest.from_file(str(app), default_timeout=120); at.run(); "
              "assert not at.exception, at.exception; print('rendered', app)")
    rendered = _run([python, "-c", script], cwd=tmp_path,
                    env=_clean_env(QUALCODE_DB_URL=str(db), QUALCODE_NO_DEMO="1")).stdout
    assert f"rendered {venv}" in rendered


def test_installed_app_answers_its_health_endpoint(venv, tmp_path):
    qualcode = venv / "bin" / "qualcode"
    db = tmp_path / "app.sqlite"
    port = free_port()
    log_path = tmp_path / "app.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [str(qualcode), "--db", str(db), "app", "--port", str(port), "--address", "127.0.0.1"],
            cwd=tmp_path, env=_clean_env(), stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True)  # its own group: the streamlit child stops with it
        try:
            deadline = time.time() + 90
            while True:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health",
                                                timeout=2) as r:
                        assert r.status == 200 and r.read().strip() == b"ok"
                        break
                except OSError:
                    if proc.poll() is not None or time.time() > deadline:
                        pytest.fail("the installed app did not start:\n"
                                    + log_path.read_text(errors="replace"))
                    time.sleep(0.5)
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as r:
                assert r.status == 200 and b"<html" in r.read().lower()
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
    assert "Traceback" not in log_path.read_text(errors="replace")
