"""Running the front-end checks (npm, ESLint, node's test runner) from pytest."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(*cmd: str, timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout)


def ensure_node_modules() -> Path:
    """``node_modules`` with ESLint (``npm ci`` when scripts/test.sh has not run it)."""
    assert shutil.which("node") and shutil.which("npm"), "node and npm are needed (scripts/test.sh)"
    if not (ROOT / "node_modules" / ".bin" / "eslint").exists():
        done = run("npm", "ci", "--no-audit", "--no-fund")
        assert done.returncode == 0, done.stdout + done.stderr
    return ROOT / "node_modules"
