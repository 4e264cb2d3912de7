"""Load test: coders in headless Chromium across two app processes on one database, applying
codes for a while (not part of the test run):

    PYTHONPATH=$PWD .venv/bin/python bench/bench_two_processes.py [--coders 20] [--seconds 120]
        [--db postgresql+psycopg://…/bench_db]     # default: a SQLite file

Each coder is a browser context (one shared headless Chromium) with its own account (logins required, as on a team server),
on process A or B in turn. It selects a sentence of its own transcript with the mouse, types a
code name in the palette and presses Enter, again and again. Measured:
  * select-to-visible: from Enter to the coded highlight on screen, p50 and p95
    (target p95 < 500 ms);
  * lost codings: every coding a coder saw acknowledged (the highlight drawn from the server's
    answer, not only the optimistic one) must be in the database at the end (target 0).
Figures are printed with their targets beside them. The machine it runs on matters: on the
shared 2-core development machine 20 Chromium contexts and two servers compete for the CPU.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qualcode.coding.codings import all_codings  # noqa: E402
from qualcode.corpus import ingest_file  # noqa: E402
from qualcode.demo import load_demo  # noqa: E402
from qualcode.store.models import Base  # noqa: E402
from qualcode.store.project import Project  # noqa: E402
from qualcode.store.users import add_user  # noqa: E402
from tests.streamlit_server import CHROMIUM, CHROMIUM_ARGS, streamlit_server  # noqa: E402
from tests.test_browser import POINT_JS  # noqa: E402

def sentences(coder: int) -> list[str]:
    """The sentences of one coder's own transcript (unique: the page shows which is loaded)."""
    return [f"Coder {coder:02d} zin {k} gaat over de huur en het werk van vandaag."
            for k in range(40)]
CODES = ["learning anew", "pay", "network", "stress"]


def prepare(target: str, coders: int) -> str:
    project = Project(target)
    if not project.is_sqlite:
        Base.metadata.drop_all(project.engine)
        project.close()
        project = Project(target)
    load_demo(project)
    add_user(project, "admin", "admin password", "admin")
    for i in range(coders):
        add_user(project, f"c{i:02d}", f"c{i:02d} password", "coder")
        body = "\n".join(f"P{i}: {s}" for s in sentences(i))
        ingest_file(project, f"c{i}.txt", data=body.encode(), name=f"Interview load {i:02d}",
                    attributes={"interview_order": -100 + i})
    url = project.url
    project.close()
    return url


async def coder_loop(browser, url: str, i: int, seconds: float, results: dict,
                     errors: list) -> None:
    """One coder: a browser context of the shared Chromium, logged in on ``url``."""
    name = f"c{i:02d}"
    latencies, applied = [], []
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        pg = await context.new_page()
        pg.set_default_timeout(120000)
        await pg.goto(url)
        await pg.get_by_label("User name", exact=True).fill(name)
        await pg.get_by_label("Password", exact=True).fill(f"{name} password")
        await pg.get_by_role("button", name="Log in").click()
        await pg.locator(".qc-span-selector .qc-text span").first.wait_for()
        # each coder opens its own transcript
        box = pg.get_by_role("combobox", name="Transcript")
        await box.click()
        await box.fill(f"Interview load {i:02d}")  # the list is long: filter it first
        await pg.get_by_role("option", name=f"Interview load {i:02d}").click()
        mine = sentences(i)
        await pg.locator(".qc-span-selector .qc-text span",
                         has_text=mine[0][:12]).first.wait_for()
        deadline = time.time() + seconds
        k = 0
        while time.time() < deadline and k < len(mine):
            needle = mine[k]
            a = await pg.evaluate(POINT_JS, [needle, "start"])
            z = await pg.evaluate(POINT_JS, [needle, "end"])
            await pg.mouse.move(a["x"], a["y"])
            await pg.mouse.down()
            await pg.mouse.move(z["x"], z["y"], steps=4)
            await pg.mouse.up()
            await pg.locator(".qc-span-selector .qc-palette").wait_for(state="visible")
            await pg.keyboard.type(CODES[k % len(CODES)])
            began = time.perf_counter()
            await pg.keyboard.press("Enter")
            await pg.locator(".qc-span-selector .qc-coded", has_text=needle[:18]).first.wait_for()
            latencies.append(time.perf_counter() - began)
            applied.append(needle)
            k += 1
        # acknowledged: the server answered (no stripe still drawn as pending)
        pending = pg.locator(".qc-span-selector .qc-pending")
        settle = time.time() + 90
        while await pending.count() and time.time() < settle:
            await asyncio.sleep(0.5)
        unacked = await pending.count()
        if unacked:
            applied = applied[:len(applied) - unacked]
            errors.append(f"{name}: {unacked} coding(s) never acknowledged")
    except Exception as exc:  # noqa: BLE001 - reported with the figures
        errors.append(f"{name}: {type(exc).__name__}: {str(exc)[:300]}")
    finally:
        await context.close()
    results[name] = (latencies, applied)


async def run_coders(urls: list[str], coders: int, seconds: float) -> tuple[dict, list]:
    from playwright.async_api import async_playwright

    results: dict = {}
    errors: list = []
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        tasks = []
        for i in range(coders):
            tasks.append(asyncio.create_task(coder_loop(
                browser, urls[i % len(urls)], i, seconds, results, errors)))
            await asyncio.sleep(0.3)  # logins spread out a little
        await asyncio.gather(*tasks)
        await browser.close()
    return results, errors


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--coders", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=120)
    ap.add_argument("--db", help="a PostgreSQL URL (default: a SQLite file)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        target = args.db or str(Path(folder) / "load.sqlite")
        url = prepare(target, args.coders)
        log_dir = Path(folder) / "x.sqlite"
        env = {"QUALCODE_LOGIN": "required"}
        db_arg = Path(target) if "://" not in target else log_dir
        if "://" in target:
            env["QUALCODE_DB_URL"] = target
        with streamlit_server(db_arg, **env) as url_a, streamlit_server(db_arg, **env) as url_b:
            results, errors = asyncio.run(run_coders([url_a, url_b], args.coders,
                                                     args.seconds))
        project = Project(url)
        stored = {(c.coder, c.transcript_id, c.start) for c in all_codings(project)}
        by_coder = {}
        for c in all_codings(project):
            by_coder.setdefault(c.coder, 0)
            by_coder[c.coder] += 1
        project.close()
    latencies = sorted(x for lat, _ in results.values() for x in lat)
    applied = sum(len(a) for _, a in results.values())
    saved = sum(by_coder.get(name, 0) for name in results)
    lost = max(0, applied - saved)
    print(f"coders {args.coders} on 2 processes for {args.seconds:.0f} s; "
          f"{applied} codings acknowledged, {saved} stored")
    if latencies:
        p50 = statistics.median(latencies)
        p95 = latencies[min(len(latencies) - 1, int(0.95 * len(latencies)))]
        print(f"select-to-visible p50 {p50 * 1000:7.0f} ms")
        print(f"select-to-visible p95 {p95 * 1000:7.0f} ms   target < 500 ms  "
              f"{'ok' if p95 < 0.5 else 'OVER'}")
    print(f"lost codings          {lost:7d}      target 0       {'ok' if lost == 0 else 'LOST'}")
    for e in errors:
        print("error:", e)
    del stored


if __name__ == "__main__":
    main()
