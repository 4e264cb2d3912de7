"""The analysis pages in a real headless chromium: charts render at 150 codes and 200
interviews, and transcript markup behind a co-occurrence cell shows as text."""

from __future__ import annotations

import os
import random

import pytest
from sqlalchemy import insert

from qualcode.coding.codes import create_code
from qualcode.store.models import Coding, Transcript, Turn
from qualcode.store.project import Project
from tests.streamlit_server import CHROMIUM, CHROMIUM_ARGS, require_chromium, streamlit_server

pytestmark = pytest.mark.browser

HOSTILE = "<img src=x onerror=\"document.title='pwned'\"> **bold** [x](javascript:alert(1))"


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    require_chromium()
    db = tmp_path_factory.mktemp("browser_analysis") / "app.sqlite"
    project = Project(db)
    rng = random.Random(5)
    roles = ["participant", "former manager", "current manager"]
    body = f"P: {HOSTILE} " + " ".join(["woord"] * 300)
    with project.transaction() as s:
        s.execute(insert(Transcript), [{
            "id": i, "name": f"Interview {i:03d}", "text": body, "content_hash": f"{i:064d}",
            "source_format": "txt", "interview_order": i, "language": "nl",
            "attributes": {"role": roles[i % 3]}} for i in range(1, 201)])
        s.execute(insert(Turn), [{"transcript_id": i, "index": 0, "speaker": "P", "start": 3,
                                  "end": len(body)} for i in range(1, 201)])
    tops = [create_code(project, f"Theme {t}") for t in range(10)]
    codes = [c.id for c in tops] + [create_code(
        project, f"Sub-code with a long descriptive name {k}", parent_id=tops[k % 10].id).id
        for k in range(140)]
    start = body.index("<img")
    with project.transaction() as s:
        rows = []
        for tid in range(1, 21):  # one pair of codes overlapping 20 times: the top cell
            rows += [{"transcript_id": tid, "code_id": codes[0], "start": start,
                      "end": start + 40, "coder": "a"},
                     {"transcript_id": tid, "code_id": codes[1], "start": start,
                      "end": start + 50, "coder": "a"}]
        for n in range(3000):
            st = rng.randrange(3, len(body) - 300)
            rows.append({"transcript_id": rng.randrange(2, 201), "code_id": rng.choice(codes),
                         "start": st, "end": st + rng.randrange(10, 200), "coder": str(n)})
        s.execute(insert(Coding), rows)
    project.close()
    with streamlit_server(db) as url:
        yield url, db


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


def test_cooccurrence_heat_map_and_hostile_quote(app, browser, tmp_path):
    url, _db = app
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{url}/cooccurrence", wait_until="networkidle")
    page.get_by_text("pair(s) of codes co-occur").first.wait_for(timeout=90_000)
    # the quotes behind the first (largest) cell: our pair of overlapping codings
    page.get_by_text("<img src=x onerror=").first.wait_for(timeout=90_000)
    assert page.locator("img[src='x']").count() == 0
    assert page.title() != "pwned"
    page.get_by_text("Heat map", exact=True).click()  # drawn only when asked for
    chart = page.locator(".vega-embed").first
    chart.wait_for(timeout=60_000)
    box = chart.bounding_box()
    assert box and box["height"] > 1000  # 150 codes: grows (and scrolls) instead of squeezing
    page.screenshot(path=str(tmp_path / "heatmap.png"))
    if os.environ.get("QUALCODE_SCREENSHOTS"):
        page.screenshot(path=os.environ["QUALCODE_SCREENSHOTS"] + "/heatmap.png")
    page.close()


def test_matrix_charts_render(app, browser, tmp_path):
    url, _db = app
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{url}/matrix", wait_until="networkidle")
    view = page.locator("[data-testid='stButtonGroup'] button", has_text="Coding density")
    view.wait_for(timeout=90_000)
    assert page.locator(".vega-embed").count() == 0  # the matrix first, no chart built
    view.click()
    charts = page.locator(".vega-embed")
    charts.last.wait_for(timeout=60_000)
    box = charts.last.bounding_box()
    assert box and box["height"] > 1000  # 200 interviews: grows (and scrolls)
    page.screenshot(path=str(tmp_path / "density.png"), full_page=True)
    if os.environ.get("QUALCODE_SCREENSHOTS"):
        page.screenshot(path=os.environ["QUALCODE_SCREENSHOTS"] + "/density.png")
    page.close()
