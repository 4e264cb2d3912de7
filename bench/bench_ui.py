"""Coding on a real-sized project, measured in headless chromium against the running app
(not part of the test run):  python bench/bench_ui.py [--keep] [--db PATH]

The project: 200 interviews × 30,000 characters, 20,000 codings, 150 codes, and one interview of
150,000 characters with 1,500 codings (the first on the Code page). Targets:

  open the long transcript, its text visible                     < 1 s
  select → code applied and visible                               < 300 ms
  switch pages                                                    < 500 ms
  code suggestions for a selection (library)                      < 100 ms
  theme report of 5,000 quotes (library)                          < 3 s
  memory of the server (resident set size)                        < 1 GB

How the browser figures are timed: from the moment the bench acts (navigation or click, wall
clock) to the first animation frame at which the result is on the page, stamped inside the page
(``performance.timeOrigin + performance.now()``, the same clock). Playwright's own waits
(``locator.wait_for``) poll with a back-off of 0, 20, 50, 100, 100 and then every 500 ms, so
anything slower than ~0.27 s was seen up to half a second late; earlier runs of this bench were
timed that way. Each browser figure is repeated; the median is held against the target and the
slowest run is printed beside it.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, insert, select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qualcode.store.models import Code, Coding, Transcript, Turn  # noqa: E402
from qualcode.store.project import Project  # noqa: E402
from tests.streamlit_server import CHROMIUM, streamlit_process  # noqa: E402

ARGS = ["--no-sandbox", "--headless", "--disable-gpu"]
WORDS = ("ik leer enorm veel bij de cultuur hier is natuurlijk anders mijn loon bleef hetzelfde "
         "toen kwam die vacature via experience work collega's waren blij met mijn ervaring "
         "het was spannend om opnieuw te beginnen in een andere sector met jonge mensen "
         "soms mis ik de bank maar ik voel me terug als nieuw en heb zin om te werken").split()
RESULTS: list[tuple[str, float, float, str]] = []


def report(name: str, value: float, target: float, unit: str) -> None:
    RESULTS.append((name, value, target, unit))
    ok = "ok" if value <= target else "SLOW"
    print(f"{name:<48} {value:10.3f} {unit:<3} target < {target:g} {unit}   {ok}", flush=True)


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randrange(6, 18))]
    return " ".join(words).capitalize() + rng.choice([".", ".", "?", "!"])


def transcript_text(rng: random.Random, size: int, participant: str):
    parts, turns, pos, i = [], [], 0, 0
    while pos < size:
        label = "Interviewer: " if i % 2 == 0 else f"{participant}: "
        words = " ".join(sentence(rng) for _ in range(rng.randrange(1, 3) if i % 2 == 0
                                                         else rng.randrange(3, 9)))
        start = pos + len(label)
        parts.append(label + words + "\n\n")
        turns.append((label[:-2], start, start + len(words)))
        pos += len(label) + len(words) + 2
        i += 1
    return "".join(parts), turns


def build(path: Path) -> None:
    rng = random.Random(7)
    project = Project(path)
    with project.transaction() as s:
        code_ids = []
        for t in range(10):
            top = Code(name=f"Theme {t}", parent_key=0, position=t,
                       description=f"Theme {t}: " + sentence(rng), color="#e57373")
            s.add(top)
            s.flush()
            code_ids.append(top.id)
            for c in range(14):
                child = Code(name=f"Code {t}.{c}", parent_id=top.id, parent_key=top.id,
                             position=c, description=sentence(rng), color="#ef9a9a",
                             examples=[sentence(rng)])
                s.add(child)
                s.flush()
                code_ids.append(child.id)
        code_ids += [code_ids[-1]] * 0
        assert len(code_ids) == 150
        texts = []
        for n in range(200):
            size = 150_000 if n == 0 else 30_000
            participant = f"P{n}"
            text, turns = transcript_text(rng, size, participant)
            tr = Transcript(name=f"Interview {n:03d} – {participant}", text=text,
                            content_hash=hashlib.sha256(text.encode()).hexdigest(),
                            source_format="txt", language="nl", interview_order=n,
                            attributes={"participant": participant,
                                        "role": "participant" if n % 4 else "manager"})
            tr.turns = [Turn(index=i, speaker=sp, start=a, end=b)
                        for i, (sp, a, b) in enumerate(turns)]
            s.add(tr)
            s.flush()
            texts.append((tr.id, text, turns))
        rows = []
        for k, (tid, text, turns) in enumerate(texts):
            count = 1500 if k == 0 else (20_000 - 1500) // 199 + (1 if k <= (20_000 - 1500) % 199 else 0)
            answers = [t for t in turns if t[0] != "Interviewer"]
            seen = set()
            while len(seen) < count:
                _, a, b = rng.choice(answers)
                start = rng.randrange(a, max(a + 1, b - 40))
                end = min(b, start + rng.randrange(30, 400))
                code = rng.choice(code_ids)
                if end <= start or (start, end, code) in seen:
                    continue
                seen.add((start, end, code))
                rows.append({"transcript_id": tid, "code_id": code, "start": start, "end": end,
                             "coder": rng.choice(["an", "bo", "cy"]), "memo": ""})
        for i in range(0, len(rows), 5000):
            s.execute(insert(Coding), rows[i:i + 5000])
    project.close()


def library_figures(db: Path) -> None:
    from qualcode.export.docx_report import theme_report_docx
    from qualcode.coding.quotes import quote_rows
    from qualcode.coding.suggest_backends import LocalBackend

    backend = LocalBackend()

    def suggest_codes(project, passage, _lang):
        return backend.suggest(project, [passage], 3)

    project = Project(db)
    with project.reading() as s:
        long_id = s.scalar(select(Transcript.id).where(Transcript.interview_order == 0))
        text = s.get(Transcript, long_id).text
    rng = random.Random(3)
    t0 = time.perf_counter()
    suggest_codes(project, "ik leer enorm veel bij", "nl")
    print(f"{'suggestion model, load or first fit':<48} "
          f"{time.perf_counter() - t0:10.3f} s   (no target)")
    times = []
    for _ in range(20):
        a = rng.randrange(0, len(text) - 400)
        passage = text[a:a + rng.randrange(40, 400)]
        t0 = time.perf_counter()
        suggest_codes(project, passage, "nl")
        times.append(time.perf_counter() - t0)
    report("suggestions per selection (mean of 20)", 1000 * sum(times) / len(times), 100, "ms")
    report("suggestions per selection (worst of 20)", 1000 * max(times), 100, "ms")
    # after a new coding the index is brought up to date by difference
    from qualcode.coding.codings import add_coding, remove_coding
    with project.reading() as s:
        code_id = s.scalar(select(Code.id).limit(1))
    c = add_coding(project, long_id, code_id, 10, 60, coder="bench")
    t0 = time.perf_counter()
    suggest_codes(project, text[100:300], "nl")
    report("suggestions right after a new coding", 1000 * (time.perf_counter() - t0), 100, "ms")
    remove_coding(project, c.id)

    with project.reading() as s:
        per_top = dict(s.execute(select(Code.parent_id, func.count()).join(
            Coding, Coding.code_id == Code.id).where(Code.parent_id.is_not(None))
            .group_by(Code.parent_id)).all())
    themes, total = [], 0
    for top, n in sorted(per_top.items()):
        if total >= 5000:
            break
        themes.append(top)
        total += n
    import resource

    def peak_mb() -> float:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    quote_rows(project)  # the same warm caches as a running app
    before = peak_mb()
    t0 = time.perf_counter()
    blob = theme_report_docx(project, themes=themes)
    took = time.perf_counter() - t0
    report(f"theme report, {total:,} quotes (library)", took, 3.0, "s")
    print(f"{'  (report size; growth of the peak RSS)':<48} {len(blob) / 1e6:10.1f} MB"
          f"   +{peak_mb() - before:.0f} MB")
    from qualcode.export.docx_report import quote_table_docx

    t0 = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        quote_table_docx(project, out=out)
        size = out.tell()
    print(f"{'quote table, all 20,000 quotes, to a file':<48} {time.perf_counter() - t0:10.3f} s"
          f"   (no target; {size / 1e6:.1f} MB, peak RSS +{peak_mb() - before:.0f} MB)")
    t0 = time.perf_counter()
    rows = quote_rows(project)
    print(f"{'quote rows, all 20,000 (library)':<48} {time.perf_counter() - t0:10.3f} s   "
          f"(no target; {len(rows):,} rows)")
    project.close()


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_idle(pid: int, quiet: float = 2.0, limit: float = 180.0) -> float:
    """Wait until the server has used (almost) no CPU for ``quiet`` seconds; returns the wait."""
    t0 = time.perf_counter()
    last, still = cpu_seconds(pid), 0.0
    while time.perf_counter() - t0 < limit and still < quiet:
        time.sleep(0.5)
        now = cpu_seconds(pid)
        still = still + 0.5 if now - last < 0.05 else 0.0
        last = now
    return time.perf_counter() - t0


def rss_mb(pid: int) -> tuple[float, float]:
    """(current, peak) resident set size of a process, in MB."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        fields[key] = value.strip()
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


# The first animation frame at which a condition holds, as a wall-clock time (seconds), stamped
# inside the page: no polling delay of the test driver is counted.
STAMP = "() => ({cond}) ? performance.timeOrigin + performance.now() : false"
TEXT_SHOWN = ("(() => {{ const s = document.querySelector('.qc-span-selector .qc-text span');"
              " return !!s && s.getBoundingClientRect().height > 0; }})()")
STRIPES_SHOWN = "document.querySelectorAll('.qc-span-selector .qc-stripe').length > 0"
WHOLE_TEXT = ("(() => { const r = document.querySelector('.qc-span-selector .qc-text');"
              " return !!r && !!r.lastElementChild"
              " && r.lastElementChild.dataset.end === r.dataset.length; })()")
HEADING = ("[...document.querySelectorAll('h1, h2')].some((h) => h.textContent.trim()"
           ".startsWith({name!r}))")
# A page has finished when it has stopped changing: the time of the last change of the page
# (a MutationObserver stamps it; Streamlit's header and running indicator do not count, nor a
# canvas's fallback content, which is never drawn: the data grid updates it after painting), once
# its own heading is up, the running indicator is gone and nothing changed for QUIET seconds.
QUIET = 0.6
WATCH_CHANGES = """
window.__qcLast = 0;
new MutationObserver((records) => {
  for (const r of records) {
    const t = r.target.nodeType === 1 ? r.target : r.target.parentElement;
    if (t && t.closest && t.closest('canvas, header, [data-testid="stHeader"], '
        + '[data-testid="stStatusWidget"], [data-testid="stToolbar"]')) { continue; }
    window.__qcLast = performance.timeOrigin + performance.now();
    return;
  }
}).observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
"""
SETTLED = ("[...document.querySelectorAll('h2')].some((h) => h.textContent.trim() === {name!r})"
           " && !document.querySelector('[data-testid=\"stStatusWidgetRunningIcon\"]')"
           " && window.__qcLast > {since} && performance.timeOrigin + performance.now()"
           " - window.__qcLast > {quiet}")


def finished(page, heading: str, since: float) -> float:
    """Seconds from ``since`` until the page last changed, once it has settled (see SETTLED)."""
    page.wait_for_function(f"() => {SETTLED.format(name=heading, since=since * 1000, quiet=QUIET * 1000)}",
                           polling="raf", timeout=120_000)
    return page.evaluate("window.__qcLast") / 1000 - since


# every page of the navigation: (link, heading)
PAGES = [("Code browser", "Code browser"), ("Codebook", "Codebook"),
         ("Transcripts", "Transcripts"), ("Memos", "Memos"), ("Search", "Search"),
         ("Co-occurrence", "Code co-occurrence"), ("Framework matrix", "Framework matrix"),
         ("Constant comparison", "Constant comparison"), ("Saturation", "Saturation"),
         ("Agreement", "Inter-coder agreement"), ("Export", "Export"),
         ("Import / export", "Import / export"), ("Code", "Code")]
SHOWS_TEXT = ("[...document.querySelectorAll('[data-testid=\"stText\"]')].some((e) =>"
              " e.textContent.includes({text!r}))")


def until(page, cond: str, since: float, timeout: float = 120_000) -> float:
    """Seconds from ``since`` (time.time()) until ``cond`` held in the page."""
    handle = page.wait_for_function(STAMP.format(cond=cond), polling="raf", timeout=timeout)
    return handle.json_value() / 1000 - since


def median(values: list[float]) -> float:
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def report_runs(name: str, values: list[float], target: float, unit: str = "s") -> None:
    """The median against the target; every run and the slowest beside it."""
    report(f"{name} (median of {len(values)})", median(values), target, unit)
    print(f"{'  (each run; slowest ' + format(max(values), '.3f') + ' ' + unit + ')':<48} "
          + ", ".join(f"{x:.3f}" for x in values))


POINT = """(needle) => {
  const root = document.querySelector('.qc-span-selector .qc-text');
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const i = node.data.indexOf(needle);
    if (i < 0) continue;
    const r = document.createRange(); r.setStart(node, i); r.setEnd(node, i + needle.length);
    const rects = r.getClientRects();
    const a = rects[0], z = rects[rects.length - 1];
    return {x0: a.left + 1, y0: a.top + a.height / 2, x1: z.right - 1, y1: z.top + z.height / 2};
  }
  return null;
}"""


# Screen coordinates of 30 characters of answer text near a height of the text box.
PASSAGE = """(k) => {
  const root = document.querySelector('.qc-span-selector .qc-text');
  const b = root.getBoundingClientRect();
  for (let y = b.top + 120 + k * 70; y < Math.min(b.bottom, 950); y += 23) {
    const p = document.caretPositionFromPoint(b.left + 60, y);
    if (!p || p.offsetNode.nodeType !== 3) continue;
    if (p.offsetNode.parentElement.classList.contains('qc-speaker')) continue;
    const d = p.offsetNode.data, s = p.offset;
    const piece = d.slice(s, s + 30);
    if (piece.length < 30 || piece.includes('\\n')) continue;
    const r = document.createRange(); r.setStart(p.offsetNode, s); r.setEnd(p.offsetNode, s + 30);
    const rects = r.getClientRects();
    const a = rects[0], z = rects[rects.length - 1];
    return {x0: a.left + 1, y0: a.top + a.height / 2, x1: z.right - 1, y1: z.top + z.height / 2};
  }
  return null;
}"""


def ui_figures(db: Path) -> None:
    from playwright.sync_api import sync_playwright

    with streamlit_process(db) as (url, server):
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            context.add_init_script(WATCH_CHANGES)
            page = context.new_page()
            page.set_default_timeout(120_000)
            # warm-up: the first visit pays for Python imports and the project cache
            page.goto(url)
            page.locator(".qc-span-selector .qc-text span").first.wait_for()
            took = wait_idle(server.pid)
            print(f"{'  (server busy after the first visit: imports, index)':<48} {took:10.1f} s"
                  "   (once per process)")

            # A new tab of the same browser (what a researcher does: the browser's cache holds
            # Streamlit's scripts), and, for comparison, a fresh browser profile (nothing cached:
            # Streamlit's JavaScript is fetched and compiled again).
            memos_heading = HEADING.format(name="Memos")
            base_tab, opened, striped, received = [], [], [], [0]
            for _ in range(5):
                base = context.new_page()
                since = time.time()
                base.goto(f"{url}/memos")
                base_tab.append(until(base, memos_heading, since))
                base.close()
                wait_idle(server.pid, quiet=1.0)
                page2 = context.new_page()
                page2.set_default_timeout(120_000)
                received[0] = 0
                page2.on("websocket", lambda ws, n=received: ws.on(
                    "framereceived", lambda f: n.__setitem__(0, n[0] + len(f))))
                since = time.time()
                page2.goto(url)
                opened.append(until(page2, TEXT_SHOWN, since))
                striped.append(until(page2, STRIPES_SHOWN, since))
                page2.close()
                wait_idle(server.pid, quiet=1.0)
            report_runs("open the Code page in a new tab, text visible", opened, 1.0)
            report_runs("  … with highlights and stripes", striped, 1.0)
            print(f"{'  (baseline: Memos heading in a new tab, median)':<48} "
                  f"{median(base_tab):10.3f} s   (Streamlit start-up, no target)")
            print(f"{'  (sent to the browser over the websocket)':<48} "
                  f"{received[0] / 1e3:10.0f} KB")
            fresh = browser.new_page(viewport={"width": 1400, "height": 1000})
            since = time.time()
            fresh.goto(url)
            took = until(fresh, TEXT_SHOWN, since)
            print(f"{'  (same, in a fresh browser profile)':<48} {took:10.3f} s   (no target)")
            fresh.close()
            wait_idle(server.pid, quiet=1.0)
            page2 = context.new_page()
            page2.set_default_timeout(120_000)
            page2.goto(url)
            until(page2, STRIPES_SHOWN, time.time())
            took = until(page2, WHOLE_TEXT, time.time())  # the rest follows the first screens
            print(f"{'  (… and the whole text in the page, after that)':<48} {took:10.3f} s"
                  "   (no target)")
            nodes = page2.evaluate("document.querySelectorAll('*').length")
            print(f"{'  DOM nodes on the page':<48} {nodes:10d}")
            page.close()
            page = page2
            wait_idle(server.pid, quiet=1.0)

            # open the long transcript from another one (the app already loaded)
            switch = []
            for target in ("Interview 001", "Interview 000") * 3:
                box = page.get_by_role("combobox", name="Transcript")
                box.click()
                box.fill(target)
                since = time.time()
                page.keyboard.press("Enter")
                switch.append(until(
                    page, "(() => { const r = document.querySelector('.qc-span-selector .qc-text');"
                    " return !!r && (Number(r.dataset.length) > 100000) === %s"
                    " && !!r.querySelector('span'); })()" % str(target.endswith("000")).lower(),
                    since))
                page.wait_for_timeout(500)
            report_runs("switch to the long transcript, text visible", switch[1::2], 1.0)
            page.wait_for_timeout(1500)

            pending = "document.querySelectorAll('.qc-span-selector .qc-stripe.qc-pending')"
            stripes = "document.querySelectorAll('.qc-span-selector .qc-stripe').length"
            applied, visible = [], []
            for k in range(5):
                box = page.evaluate(PASSAGE, k)
                if not box:
                    continue
                page.mouse.move(box["x0"], box["y0"])
                page.mouse.down()
                page.mouse.move(box["x1"], box["y1"], steps=5)
                since = time.time()
                page.mouse.up()
                visible.append(until(
                    page, "(() => { const p = document.querySelector('.qc-span-selector"
                    " .qc-palette'); return !!p && !p.hidden && p.offsetHeight > 0; })()", since))
                before = page.evaluate(stripes)
                since = time.time()
                page.keyboard.press(str(k % 9 + 1))
                try:
                    applied.append(until(page, f"{stripes} > {before}", since, timeout=20_000))
                except Exception:
                    page.screenshot(path=str(db.parent / "bench-fail.png"))
                    raise
                page.wait_for_function(f"{pending}.length === 0")
                page.wait_for_timeout(300)
            report_runs("selection → palette open", [1000 * x for x in visible], 300, "ms")
            report_runs("key 1–9 → code applied and visible", [1000 * x for x in applied],
                        300, "ms")
            # the round trip: applied, stored and acknowledged by the server
            box = next(filter(None, (page.evaluate(PASSAGE, k) for k in (0.5, 1.5, 2.5))))
            page.mouse.move(box["x0"], box["y0"])
            page.mouse.down()
            page.mouse.move(box["x1"], box["y1"], steps=5)
            page.mouse.up()
            page.locator(".qc-span-selector .qc-palette").wait_for(state="visible")
            page.wait_for_timeout(800)
            confirmed = ("document.querySelectorAll("
                         "'.qc-span-selector .qc-stripe:not(.qc-pending)').length")
            before = page.evaluate(confirmed)
            since = time.time()
            page.keyboard.press("2")
            took = until(page, f"{confirmed} > {before}", since, timeout=30_000)
            print(f"{'  … stored and confirmed by the server':<48} "
                  f"{1000 * took:10.0f} ms  (round trip, no target)")

            # page switches, right after coding (the code browser's quotes are then stale)
            times = {"browse": [], "code": [], "memos": []}
            for _ in range(5):
                since = time.time()
                page.get_by_role("link", name="Memos").click()
                times["memos"].append(until(page, memos_heading, since))
                since = time.time()
                page.get_by_role("link", name="Code browser").click()
                times["browse"].append(until(page, SHOWS_TEXT.format(text="quote(s) from"),
                                             since))
                since = time.time()
                page.get_by_role("link", name="Code", exact=True).click()
                times["code"].append(until(page, TEXT_SHOWN, since))
            print(f"{'  (baseline: switch to the Memos page, median)':<48} "
                  f"{median(times['memos']):10.3f} s   (Streamlit page switch, no target)")
            report_runs("switch to the Code browser", times["browse"], 0.5)
            report_runs("switch back to Code, text visible", times["code"], 0.5)

            # every page, until it has finished: four rounds through the navigation; the first
            # round (a page's first visit in this server process builds its caches) is printed
            # apart, the median of the other three is held against the target
            settled: dict[str, list[float]] = {link: [] for link, _ in PAGES}
            for _ in range(4):
                for link, heading in PAGES:
                    since = time.time()
                    page.get_by_role("link", name=link, exact=True).click()
                    settled[link].append(finished(page, heading, since))
                    page.wait_for_timeout(300)
            for link, _ in PAGES:
                first, *rest = settled[link]
                report(f"switch to {link}, page finished (median of {len(rest)})",
                       median(rest), 0.5, "s")
                print(f"{'  (first round; slowest of the later rounds)':<48} "
                      f"{first:10.3f} s   {max(rest):.3f} s")
            browser.close()
        now, peak = rss_mb(server.pid)
        report("server memory now (RSS)", now, 1024, "MB")
        report("server memory peak (VmHWM)", peak, 1024, "MB")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", help="reuse (or build once) this SQLite project file")
    parser.add_argument("--no-ui", action="store_true", help="library figures only")
    args = parser.parse_args()
    tmp = None
    if args.db:
        db = Path(args.db).resolve()
    else:
        tmp = tempfile.TemporaryDirectory()
        db = Path(tmp.name) / "large.sqlite"
    if not db.exists():
        t0 = time.perf_counter()
        build(db)
        print(f"{'build the large project':<48} {time.perf_counter() - t0:10.1f} s   (setup)")
    with tempfile.TemporaryDirectory() as work:  # every run starts from the same project
        copy = Path(work) / "large.sqlite"
        shutil.copyfile(db, copy)
        library_figures(copy)
        if not args.no_ui:
            ui_figures(copy)
    if tmp:
        tmp.cleanup()


if __name__ == "__main__":
    main()
