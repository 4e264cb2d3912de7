"""Cold start and memory of the app, in headless chromium against a freshly started server (not
part of the test run):  python bench/bench_cold_start.py [--db PATH] [--keep] [--tabs 50]

The project is bench_ui.py's: 200 interviews, 20,000 codings, one of 150,000 characters (built
once into --db when missing). Targets (issue 17, item 10), figure and target side by side:

  first page after a server start, text visible                   < 2 s
  server memory, steady (resident set size)                        < 300 MB
  growth of the server's memory over 50 new tabs                   none (< 5 %)
  a small document opened in a new tab, against Streamlit's own
  heading-only page (the Memos page's heading) in the same run     ≤ 1.3 ×

Each new tab is a new Streamlit session; the memory is read from /proc after the server has
gone quiet (no CPU for two seconds).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_ui import (ARGS, HEADING, TEXT_SHOWN, build, median, rss_mb, until,  # noqa: E402
                      wait_idle)
from tests.streamlit_server import CHROMIUM, streamlit_process  # noqa: E402


def report(name: str, value: float, target: str, unit: str, ok: bool) -> None:
    print(f"{name:<56} {value:10.2f} {unit:<3} target {target:<10} {'ok' if ok else 'MISSED'}")


def small_document(db: Path) -> str:
    """A short interview (a page of text) at the top of the Code page's list."""
    from qualcode.corpus import ingest_file
    from qualcode.corpus.transcripts import get_transcript
    from qualcode.errors import NotFound
    from qualcode.store.project import Project

    project = Project(db)
    try:
        try:
            return get_transcript(project, "Small interview").name
        except NotFound:
            text = "Interviewer: Hoe gaat het?\n" + "".join(
                f"P0: Antwoord {i}: het gaat goed, ik leer veel bij.\n" for i in range(30))
            return ingest_file(project, "small.txt", data=text.encode(), name="Small interview",
                               attributes={"interview_order": -1}).name
    finally:
        project.close()


def run(db: Path, tabs: int) -> None:
    from playwright.sync_api import sync_playwright

    small_document(db)
    started = time.time()
    with streamlit_process(db) as (url, server):
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            page = context.new_page()
            page.set_default_timeout(120_000)
            since = time.time()
            page.goto(url)
            first = until(page, TEXT_SHOWN, since)
            report("first page after the server start, text visible", first, "< 2 s", "s",
                   first < 2)
            print(f"{'  (server start to health check)':<56} {since - started:10.2f} s")
            busy = wait_idle(server.pid)
            print(f"{'  (server busy after the first visit)':<56} {busy:10.2f} s")
            page.close()

            heading = HEADING.format(name="Memos")
            base, small = [], []
            for _ in range(5):
                tab = context.new_page()
                t0 = time.time()
                tab.goto(f"{url}/memos")
                base.append(until(tab, heading, t0))
                tab.close()
                tab = context.new_page()
                t0 = time.time()
                tab.goto(url)  # the Code page opens the first transcript: the small one
                small.append(until(tab, TEXT_SHOWN, t0))
                tab.close()
            wait_idle(server.pid, quiet=2.0)
            ratio = median(small) / max(median(base), 1e-6)
            report("small document in a new tab ÷ heading-only page", ratio, "≤ 1.3", "×",
                   ratio <= 1.3)
            print(f"{'  (small document, median)':<56} {median(small):10.3f} s")
            print(f"{'  (heading-only page, median)':<56} {median(base):10.3f} s")

            steady, _ = rss_mb(server.pid)
            report("server memory, steady", steady, "< 300 MB", "MB", steady < 300)
            for i in range(tabs):
                tab = context.new_page()
                tab.goto(url if i % 2 else f"{url}/memos")
                tab.wait_for_timeout(300)
                tab.close()
            wait_idle(server.pid, quiet=2.0)
            after, peak = rss_mb(server.pid)
            growth = 100 * (after - steady) / max(steady, 1)
            report(f"growth over {tabs} new tabs", growth, "< 5 %", "%", growth < 5)
            print(f"{'  (after the tabs / peak)':<56} {after:10.0f} MB / {peak:.0f} MB")
            browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path)
    parser.add_argument("--keep", action="store_true", help="keep the built project")
    parser.add_argument("--tabs", type=int, default=50)
    args = parser.parse_args()
    folder = None
    db = args.db
    if db is None:
        folder = Path(tempfile.mkdtemp(prefix="qualcode-cold-"))
        db = folder / "bench.sqlite"
    if not db.exists():
        t0 = time.time()
        build(db)
        print(f"built {db} in {time.time() - t0:.0f} s")
    try:
        run(db, args.tabs)
    finally:
        if folder is not None and not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
