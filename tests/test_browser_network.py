"""The network view in a real headless chromium: a dragged node is saved with the view and is
where it was after a reload; clicking an edge shows the relation's evidence; a hostile code
name and memo show as text."""

from __future__ import annotations

import time

import pytest

from qualcode.coding import network_views as nv
from qualcode.coding import relations as rel
from qualcode.coding.codes import create_code, find_code
from qualcode.coding.codings import add_coding, all_codings
from qualcode.demo import load_demo
from qualcode.store.project import Project
from tests.streamlit_server import CHROMIUM, CHROMIUM_ARGS, require_chromium, streamlit_server

pytestmark = pytest.mark.browser

HOSTILE = "<img src=x onerror=\"document.title='pwned'\"> **bold**"
PUSH = "Authenticity / Push: change in the individual"
ENERGY = "Authenticity / Renewed energy and meaning"
MASTERY = "Mastery & trial / Mastery: bringing experience"


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    require_chromium()
    db = tmp_path_factory.mktemp("browser_network") / "app.sqlite"
    project = Project(db)
    load_demo(project)
    push, energy, mastery = (find_code(project, p).id for p in (PUSH, ENERGY, MASTERY))
    evidence = [c for c in all_codings(project) if c.code_id == push][:2]
    hostile = create_code(project, HOSTILE)
    first = evidence[0]
    add_coding(project, first.transcript_id, hostile.id, first.start, first.end, coder="demo")
    r = rel.add_relation(project, push, energy, rel.CONDITION_OF,
                         evidence=[c.id for c in evidence], memo="Memo " + HOSTILE)
    rel.add_relation(project, energy, mastery, rel.CONSEQUENCE_OF)
    rel.add_relation(project, hostile.id, mastery, rel.CONTRADICTS, directed=False)
    view = nv.save_view(project, "Model")
    with project.reading() as s:
        from qualcode.store.models import Coding, Transcript

        quotes = [s.get(Transcript, c.transcript_id).text[c.start:c.end]
                  for c in (s.get(Coding, e.id) for e in evidence)]
    project.close()
    with streamlit_server(db) as url:
        yield url, db, {"push": push, "energy": energy, "relation": r.id, "view": view.id,
                        "quotes": quotes}


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


def _saved(db, view_id: int) -> dict:
    project = Project(db)
    try:
        return nv.get_view(project, view_id).positions or {}
    finally:
        project.close()


def test_drag_a_node_reload_and_click_an_edge(app, browser):
    url, db, ids = app
    page = browser.new_page(viewport={"width": 1400, "height": 1100})
    page.goto(f"{url}/network", wait_until="networkidle")
    node_id = f"code:{ids['push']}"
    node = page.locator(f'.qc-network g.qc-node[data-id="{node_id}"]')
    node.wait_for(timeout=90_000)
    assert page.locator(".qc-network g.qc-node").count() == 4
    before = (float(node.get_attribute("data-x")), float(node.get_attribute("data-y")))
    node.scroll_into_view_if_needed()
    svg = page.locator(".qc-network .qc-net-svg")
    frame = svg.bounding_box()
    box = node.locator("circle").bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(cx, cy)
    page.mouse.down()
    for k in range(1, 11):
        page.mouse.move(cx + 12 * k, cy - 7 * k)  # right and up: inside the box
    page.mouse.up()
    moved = (float(node.get_attribute("data-x")), float(node.get_attribute("data-y")))
    assert moved != before
    deadline = time.time() + 30
    while node_id not in _saved(db, ids["view"]):
        assert time.time() < deadline, "the dragged position was not saved"
        time.sleep(0.3)
    saved = _saved(db, ids["view"])[node_id]
    assert abs(saved[0] - moved[0]) < 0.5 and abs(saved[1] - moved[1]) < 0.5

    page.reload(wait_until="networkidle")
    node = page.locator(f'.qc-network g.qc-node[data-id="{node_id}"]')
    node.wait_for(timeout=90_000)
    again = (float(node.get_attribute("data-x")), float(node.get_attribute("data-y")))
    assert abs(again[0] - moved[0]) < 0.5 and abs(again[1] - moved[1]) < 0.5
    node.scroll_into_view_if_needed()
    frame2 = svg.bounding_box()
    box2 = node.locator("circle").bounding_box()  # on screen too, where it was dropped
    assert abs((box2["x"] - frame2["x"]) - (box["x"] - frame["x"] + 120)) < 4
    assert abs((box2["y"] - frame2["y"]) - (box["y"] - frame["y"] - 70)) < 4

    # click the relation's edge: its evidence shows below the network
    edge = page.locator(f'.qc-network g.qc-edge[data-id="rel:{ids["relation"]}"] line.qc-edge-hit')
    edge.click()
    panel = page.locator(".qc-network .qc-net-detail")
    panel.get_by_text("2 grounding quote(s)").wait_for(timeout=60_000)
    first_words = " ".join(ids["quotes"][0].split())[:40]
    assert first_words in panel.inner_text()
    assert "Memo <img src=x" in panel.inner_text()  # the memo, as text
    assert page.locator(".qc-network img").count() == 0 and page.title() != "pwned"
    labels = page.locator(".qc-network g.qc-node text").all_text_contents()
    assert any(t.startswith("<img src=x") for t in labels)

    # click a node: its quotes
    page.locator(f'.qc-network g.qc-node[data-id="code:{ids["energy"]}"] circle').click()
    panel.get_by_text("Renewed energy and meaning —").wait_for(timeout=60_000)
    page.close()


@pytest.fixture(scope="module")
def big_app(tmp_path_factory):
    """150 codes, 400 relations: the page opens filtered (at most 60 codes), never a hairball."""
    import random

    from sqlalchemy import insert

    from qualcode.store.models import CodeRelation

    require_chromium()
    db = tmp_path_factory.mktemp("browser_network_big") / "app.sqlite"
    project = Project(db)
    codes = [create_code(project, f"Code {k:03d}").id for k in range(150)]
    types = [t.id for t in rel.relation_types(project)]
    rng = random.Random(3)
    pairs = set()
    while len(pairs) < 400:
        pairs.add(tuple(rng.sample(codes, 2)))
    with project.transaction() as s:
        s.execute(insert(CodeRelation), [
            {"guid": f"00000000-0000-4000-8000-{k:012d}", "source_id": a, "target_id": b,
             "type_id": rng.choice(types), "directed": True, "memo": "", "author": ""}
            for k, (a, b) in enumerate(sorted(pairs))])
    project.close()
    with streamlit_server(db) as url:
        yield url


def test_150_codes_open_filtered(big_app, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 1100})
    page.goto(f"{big_app}/network", wait_until="networkidle")
    status = page.locator(".qc-network .qc-net-status")
    status.get_by_text("more hidden by the filters").wait_for(timeout=90_000)
    assert page.locator(".qc-network g.qc-node").count() == 60
    assert "90 more hidden" in status.inner_text()
    # finding a code fades the rest but its neighbours
    page.locator(".qc-network .qc-net-search").fill("Code 007")
    dim = page.locator(".qc-network g.qc-node.qc-dim").count()
    assert 0 < dim < 60
    page.close()
