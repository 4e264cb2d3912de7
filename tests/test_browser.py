"""The app in a real headless Debian chromium: select text with the mouse, apply a code, export
the theme report and find the quote in the downloaded .docx."""

from __future__ import annotations

import io
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import docx
import pytest

from qualcode.codings import codings_for_transcript
from qualcode.demo import load_demo
from qualcode.ingest import ingest_file
from qualcode.store.project import Project
from qualcode.transcripts import get_transcript, list_transcripts
from tests.conftest import ROOT

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
# Astral characters (two UTF-16 units, one code point) before the passage we select.
EMOJI_TEXT = ("Interviewer: Hoe was de start? 🙂\n"
              "P9: Spannend 😀😀 en 𝒜𝒷𝒸. Er is een universum voor mij opengegaan, "
              "ik leer enorm veel bij.\n")
NEEDLE = "Er is een universum voor mij opengegaan"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI") == "true":
            pytest.fail("Debian chromium is missing: scripts/test.sh installs it")
        pytest.skip("Debian chromium is not installed")
    db = tmp_path_factory.mktemp("browser") / "app.sqlite"
    project = Project(db)
    load_demo(project)
    ingest_file(project, "emoji.txt", data=EMOJI_TEXT.encode(), name="Interview 00 – P9",
                attributes={"participant": "P9", "role": "participant", "interview_order": 0})
    project.close()
    port = _free_port()
    env = {**os.environ, "QUALCODE_DB_URL": str(db), "QUALCODE_NO_DEMO": "1"}
    log_path = db.parent / "streamlit.log"
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
        yield url, db
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@pytest.fixture
def page(app):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 1000},
                                      accept_downloads=True)
        pg = context.new_page()
        pg.set_default_timeout(30000)
        yield pg
        context.close()
        browser.close()


# Where, on screen, a passage starts or ends: measured with a DOM Range over its characters.
POINT_JS = """([needle, edge]) => {
  const root = document.querySelector('.qc-span-selector .qc-text');
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const i = node.data.indexOf(needle);
    if (i < 0) continue;
    const r = document.createRange();
    const at = edge === 'start' ? i : i + needle.length - 1;
    r.setStart(node, at); r.setEnd(node, at + 1);
    const b = r.getBoundingClientRect();
    return {x: edge === 'start' ? b.left + 1 : b.right - 1, y: b.top + b.height / 2};
  }
  return null;
}"""


def _drag_select(pg, needle: str) -> None:
    pg.locator(".qc-span-selector .qc-text span").first.wait_for()
    a = pg.evaluate(POINT_JS, [needle, "start"])
    z = pg.evaluate(POINT_JS, [needle, "end"])
    assert a and z, f"passage not on the page: {needle}"
    pg.mouse.move(a["x"], a["y"])
    pg.mouse.down()
    pg.mouse.move(z["x"], z["y"], steps=8)
    pg.mouse.up()


def test_select_code_and_export_in_browser(app, page, tmp_path):
    url, db = app
    pg = page
    pg.goto(url)
    pg.get_by_label("Coder", exact=True).fill("pw")
    pg.get_by_label("Coder", exact=True).press("Enter")
    pg.locator(".qc-span-selector .qc-text span").first.wait_for()

    _drag_select(pg, NEEDLE)
    # the selection panel shows the passage, with code-point offsets
    start = EMOJI_TEXT.strip().index(NEEDLE)
    pg.get_by_text(f"characters {start}–{start + len(NEEDLE)}").wait_for()

    codes = pg.get_by_role("combobox", name="Codes to apply")
    codes.click()
    codes.fill("Trial: learning")
    pg.get_by_role("option", name="Mastery & trial / Trial: learning anew").click()
    pg.keyboard.press("Escape")
    pg.get_by_role("button", name="Apply code").click()
    pg.get_by_text("Select a passage in the transcript").wait_for()

    project = Project(db)
    try:
        t = get_transcript(project, "Interview 00 – P9")
        [coding] = codings_for_transcript(project, t.id)
        assert (coding.start, coding.end, coding.coder) == (start, start + len(NEEDLE), "pw")
        assert t.text[coding.start:coding.end] == NEEDLE
    finally:
        project.close()

    # the new coding is highlighted after the rerun
    highlighted = pg.locator(".qc-span-selector .qc-coded", has_text=NEEDLE)
    assert highlighted.count() == 1

    # a selection that starts inside the coded span and ends in the next segment
    text = EMOJI_TEXT.strip()
    a = pg.evaluate(POINT_JS, ["universum", "start"])
    z = pg.evaluate(POINT_JS, ["leer enorm", "end"])
    pg.mouse.move(a["x"], a["y"])
    pg.mouse.down()
    pg.mouse.move(z["x"], z["y"], steps=8)
    pg.mouse.up()
    s2 = text.index("universum")
    e2 = text.index("leer enorm") + len("leer enorm")
    pg.get_by_text(f"characters {s2}–{e2}").wait_for()

    pg.get_by_role("link", name="Export").click()
    button = pg.get_by_role("button", name="Download theme report (.docx)")
    with pg.expect_download() as info:
        button.click()
    path = tmp_path / "theme-report.docx"
    info.value.save_as(path)
    document = docx.Document(io.BytesIO(path.read_bytes()))
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    assert f"“{NEEDLE}”" in cells
    row = next(r for t in document.tables for r in t.rows if r.cells[1].text == f"“{NEEDLE}”")
    assert [c.text for c in row.cells][0] == "Trial: learning anew"  # under its theme
    assert [c.text for c in row.cells][2:4] == ["P9", "participant"]
    paragraphs = [p.text for p in document.paragraphs]
    assert "Saturation" in paragraphs and any(p.startswith("Saturation reached") for p in paragraphs)


def test_transcript_text_is_never_html(app, page):
    """A transcript holding markup shows as literal text and runs no script."""
    url, db = app
    project = Project(db)
    hostile = ('R: <img src=x onerror="window.__pwned=1"> <b>bold</b> '
               '<iframe srcdoc="<script>parent.__pwned=2</script>"></iframe> [link](javascript:1)')
    ingest_file(project, "hostile.txt", data=hostile.encode(), name="Interview 00a – hostile",
                attributes={"interview_order": -1})
    project.close()
    pg = page
    pg.goto(url)
    root = pg.locator(".qc-span-selector .qc-text")
    root.locator("span").first.wait_for()
    assert "<img src=x" in root.text_content()
    assert root.locator("img, b, iframe").count() == 0
    pg.wait_for_timeout(500)
    assert pg.evaluate("window.__pwned") is None


def test_upload_on_the_transcripts_page(app, page, tmp_path):
    """Real files through the browser: a Word interview is added, a corrupt one is refused
    with a message naming it, a duplicate is skipped, and nothing stored is lost."""
    from tests.files import make_docx

    url, db = app
    good = make_docx(tmp_path / "P10 interview.docx",
                     ["Interviewer: Hoe was de overstap?", "P10: Ik leer enorm veel bij."])
    bad = tmp_path / "broken.docx"
    bad.write_bytes(b"not a word file")
    project = Project(db)
    before = {t.name for t in list_transcripts(project)}
    project.close()

    pg = page
    pg.goto(f"{url}/transcripts")
    pg.locator('[data-testid="stFileUploaderDropzoneInput"]').first.set_input_files(
        [str(good), str(bad), str(ROOT / "transcripts" / "01-P1-deelnemer.txt")])
    pg.get_by_role("button", name="Ingest").click()
    pg.get_by_text("Added P10 interview").wait_for()
    pg.get_by_text("broken.docx: not a valid Word .docx file").wait_for()
    pg.get_by_text("Skipped duplicate").wait_for()

    project = Project(db)
    after = {t.name for t in list_transcripts(project)}
    assert after == before | {"P10 interview"}
    t = get_transcript(project, "P10 interview")
    assert t.source_format == "docx" and "Ik leer enorm veel bij." in t.text
    project.close()
