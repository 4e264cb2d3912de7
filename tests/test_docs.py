"""The manual (docs/, mkdocs.yml): it builds with ``mkdocs build --strict`` (every page in the
nav, every link and anchor found), the CLI reference is what the argument parser says, and every
image the docs and the README show is in docs/img."""

from __future__ import annotations

import os
import re
import runpy
import subprocess
import sys

from tests.conftest import ROOT

DOCS = ROOT / "docs"


def test_mkdocs_build_strict(tmp_path):
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet",
                           "--site-dir", str(tmp_path / "site")],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (tmp_path / "site" / "methods" / "index.html").is_file()
    assert (tmp_path / "site" / "cli" / "index.html").is_file()


def test_cli_reference_is_current():
    gen = runpy.run_path(str(DOCS / "gen_cli.py"))
    assert (DOCS / "cli.md").read_text(encoding="utf-8") == gen["render"](), (
        "docs/cli.md is not what the parser says: run python docs/gen_cli.py")


def test_cli_reference_covers_every_command():
    from qualcode.cli import build_parser

    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    parser = build_parser()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    for name in sub.choices:
        assert f"## qualcode {name}\n" in text


def test_every_image_the_docs_use_is_there():
    used = set()
    for md in DOCS.rglob("*.md"):
        for ref in re.findall(r"\]\(((?:\.\./)*img/[^)\s]+)\)", md.read_text(encoding="utf-8")):
            used.add(ref.rsplit("/", 1)[-1])
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    used |= {ref.rsplit("/", 1)[-1] for ref in re.findall(r"\]\((docs/img/[^)\s]+)\)", readme)}
    assert used, "the docs show no screenshot"
    missing = sorted(name for name in used if not (DOCS / "img" / name).is_file())
    assert not missing, f"images the docs use but docs/img lacks: {missing}"


def test_readme_is_short_and_keeps_the_two_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme) < 6000
    assert "    bash scripts/app.sh\n" in readme and "    bash scripts/test.sh\n" in readme
    for link in re.findall(r"\]\((docs/[^)#\s]+)", readme):
        assert (ROOT / link).exists(), link


def test_every_app_page_has_a_guide_page_with_its_picture():
    """Each page of the app (qualcode/ui/page_*.py) has a guide page in the manual's nav that
    shows its screenshot (img/<page>.png, made by tests/test_browser_screenshots.py)."""
    nav = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    for module in sorted((ROOT / "qualcode" / "ui").glob("page_*.py")):
        page = module.stem.removeprefix("page_")
        guide = next((p for p in (f"pages/{page}.md", f"{page}.md") if f": {p}" in nav), None)
        assert guide, f"{module.name} has no guide page in mkdocs.yml's nav"
        text = (ROOT / "docs" / guide).read_text(encoding="utf-8")
        assert re.search(rf"\]\((\.\./)?img/{page}\.png\)", text), f"{guide} shows no img/{page}.png"
