"""The coding canvas on a team server (logins) in a real headless chromium: a coding applied
from the palette is saved over HTTP (``POST /api/codings``), confirmed at once without a rerun
of the page, and the page catches up afterwards (the undo box, the highlight after an undo);
a reader's coding is refused there and its optimistic highlight taken back, with a notice
that does not move the text."""

from __future__ import annotations

import pytest

from tests.test_browser import NEEDLE, _drag_select
from tests.test_browser_login import _codings, _log_in, browser_page, team_app  # noqa: F401

pytestmark = pytest.mark.browser


def _palette_apply(pg, typed: str) -> None:
    _drag_select(pg, NEEDLE)
    pg.locator(".qc-span-selector .qc-palette").wait_for(state="visible")
    pg.keyboard.type(typed)
    pg.keyboard.press("Enter")


def test_a_palette_coding_is_saved_over_http_and_the_page_catches_up(team_app, browser_page):
    url, db = team_app
    pg = browser_page
    posts, answers = [], []
    pg.on("request", lambda r: posts.append(r.url) if "/api/codings" in r.url else None)
    pg.on("response", lambda r: answers.append(r.status) if "/api/codings" in r.url else None)
    before = [c for c in _codings(db) if c.coder == "cy"]
    _log_in(pg, url, "cy", "coder password")
    pg.get_by_text("cy (code)").wait_for()
    pg.locator(".qc-span-selector .qc-text span").first.wait_for()
    _palette_apply(pg, "learning anew")
    pg.locator(".qc-span-selector .qc-coded", has_text="universum").first.wait_for()
    # confirmed by the route's answer: the stripe carries the stored coding's id
    pg.wait_for_function("() => { const s = document.querySelectorAll("
                         "'.qc-span-selector .qc-stripe'); return s.length > 0 && "
                         "[...s].every((x) => /^\\d+$/.test(x.dataset.coding)); }")
    assert len(posts) == 1 and answers == [200]
    mine = [c for c in _codings(db) if c.coder == "cy"]
    assert len(mine) == len(before) + 1
    coding = next(c for c in mine if c not in before)
    assert pg.locator(f".qc-span-selector .qc-stripe[data-coding='{coding.id}']").count() == 1
    # the page catches up a moment later: the undo box names the new coding; undo takes the
    # highlight away (the page knows the browser holds the coding it got over HTTP)
    pg.get_by_text("Your last action: code").wait_for()
    pg.get_by_role("button", name="Undo").click()
    pg.locator(f".qc-span-selector .qc-stripe[data-coding='{coding.id}']").wait_for(
        state="detached")
    assert pg.locator(".qc-span-selector .qc-coded", has_text="universum").count() == 0
    assert len([c for c in _codings(db) if c.coder == "cy"]) == len(before)


def test_a_readers_palette_coding_is_refused_over_http(team_app, browser_page):
    url, db = team_app
    pg = browser_page
    before = len(_codings(db))
    _log_in(pg, url, "ro", "reader password")
    pg.get_by_text("ro (read-only)").wait_for()
    pg.locator(".qc-span-selector .qc-text span").first.wait_for()
    text = pg.locator(".qc-span-selector .qc-text")
    top = text.bounding_box()["y"]
    _palette_apply(pg, "learning anew")
    notice = pg.locator(".qc-span-selector .qc-notice")
    notice.wait_for(state="visible")
    assert "may not code" in notice.text_content()
    # laid over the canvas: the text does not move under the mouse (the next drag lands right)
    assert text.bounding_box()["y"] == top
    # the optimistic highlight is taken back
    pg.locator(".qc-span-selector .qc-stripe").first.wait_for(state="detached")
    assert len(_codings(db)) == before


SERVER_SEL_JS = """() => {
  const root = document.querySelector('.qc-span-selector .qc-text');
  const v = window.__qcSpan.views.get(Number(root.dataset.transcript));
  return { waiting: !!v.waitingSel, server: !!v.serverSel };
}"""


def test_typing_in_the_palette_is_not_lingering(team_app, browser_page):
    """On a team server a new selection reaches the server (a rerun) when the coder lingers
    over it (1.2 s); a coder typing a code's name in the palette is acting, not lingering, so
    the selection waits while they type, and goes to the server once they stop."""
    import time

    url, _db = team_app
    pg = browser_page
    _log_in(pg, url, "cy", "coder password")
    pg.get_by_text("cy (code)").wait_for()
    pg.locator(".qc-span-selector .qc-text span").first.wait_for()
    _drag_select(pg, NEEDLE)
    pg.locator(".qc-span-selector .qc-palette").wait_for(state="visible")
    began = time.monotonic()
    for letter in "learning an":  # one key every 0.3 s: 3 s of typing in all
        pg.keyboard.type(letter)
        pg.wait_for_timeout(300)
    state = pg.evaluate(SERVER_SEL_JS)
    if time.monotonic() - began < 6:  # a stalled machine could space the keys out past 1.2 s
        assert state == {"waiting": True, "server": False}
    # the coder stops typing: after 1.2 s of lingering the selection goes to the server
    pg.wait_for_function(f"() => ({SERVER_SEL_JS})().server === true", timeout=30000)
    assert pg.evaluate(SERVER_SEL_JS)["waiting"] is False
