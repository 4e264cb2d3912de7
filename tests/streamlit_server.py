"""The app served by a real Streamlit process for the browser tests: the Debian chromium they
drive, and a server on a free 127.0.0.1 port, stopped by its PID."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import ROOT

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def wait_until(predicate, timeout: float = 90.0):
    """``predicate()``'s first true value, asked every 0.2 s (an AssertionError after
    ``timeout`` seconds: generous, a loaded 2-core machine is slow)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("timed out")


@contextmanager
def chromium_page(extra_args: tuple[str, ...] = (), timeout: float = 30_000,
                  viewport: dict | None = None, **context_options):
    """A page of a new context in the Debian chromium (``extra_args`` beside CHROMIUM_ARGS),
    ``timeout`` ms its default wait; closed, with the browser, afterwards."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM,
                                    args=CHROMIUM_ARGS + list(extra_args))
        context = browser.new_context(viewport=viewport or {"width": 1400, "height": 1000},
                                      **context_options)
        pg = context.new_page()
        pg.set_default_timeout(timeout)
        try:
            yield pg
        finally:
            context.close()
            browser.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def require_chromium() -> None:
    """Skip (fail on CI) when the Debian chromium is not installed."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI") == "true":
            pytest.fail("Debian chromium is missing: scripts/test.sh installs it")
        pytest.skip("Debian chromium is not installed")


@contextmanager
def streamlit_server(db: Path, **extra_env):
    """``app.py`` on project ``db`` (with ``extra_env``; no QUALCODE_LOGIN unless given), its
    URL once it answers; its log goes to a file next to ``db``."""
    with streamlit_process(db, **extra_env) as (url, _process):
        yield url


@contextmanager
def streamlit_process(db: Path, **extra_env):
    """As ``streamlit_server``, yielding ``(url, process)`` (bench/bench_ui.py reads the
    server's CPU time and memory by its PID)."""
    port = free_port()
    env = {**os.environ, "QUALCODE_DB_URL": str(db), "QUALCODE_NO_DEMO": "1", **extra_env}
    if not extra_env.get("QUALCODE_LOGIN"):
        env.pop("QUALCODE_LOGIN", None)
    log_path = db.parent / f"streamlit-{port}.log"
    log = open(log_path, "wb")  # a file, not a pipe: a full pipe would stall the server
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
         "--server.headless", "true", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError as exc:
                if proc.poll() is not None or time.time() > deadline:
                    raise RuntimeError("streamlit did not start:\n"
                                       + log_path.read_text(errors="replace")) from exc
                time.sleep(0.3)
        yield url, proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
