"""Logins in a real headless chromium: a shared server asks for a login, a login survives a
page reload, a read-only user cannot code, logging out ends it."""

from __future__ import annotations

import pytest

from qualcode.coding.codings import codings_for_transcript
from qualcode.demo import load_demo
from qualcode.corpus import ingest_file
from qualcode.store.project import Project
from qualcode.store.users import add_user
from qualcode.corpus.transcripts import get_transcript
from tests.streamlit_server import (CHROMIUM, CHROMIUM_ARGS, require_chromium, streamlit_server,
                                    wait_until, chromium_page)
from tests.test_browser import EMOJI_TEXT, NEEDLE, _drag_select, apply_trial_code

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def team_app(tmp_path_factory):
    require_chromium()
    db = tmp_path_factory.mktemp("team") / "team.sqlite"
    project = Project(db)
    load_demo(project, with_codings=False)
    ingest_file(project, "emoji.txt", data=EMOJI_TEXT.encode(), name="Interview 00 – P9",
                attributes={"participant": "P9", "role": "participant", "interview_order": 0})
    add_user(project, "ann", "admin password", "admin")
    add_user(project, "cy", "coder password", "coder")
    add_user(project, "ro", "reader password", "read-only")
    project.close()
    with streamlit_server(db, QUALCODE_LOGIN="required") as url:
        yield url, db


@pytest.fixture
def browser_page():
    with chromium_page(timeout=60_000) as pg:  # the machine is shared: be patient, not flaky
        yield pg


def _log_in(pg, url, name, password):
    pg.goto(url)
    pg.get_by_label("User name").fill(name)
    pg.get_by_label("Password", exact=True).fill(password)
    pg.get_by_role("button", name="Log in").click()


def _auth_cookie(pg):
    """The login cookie as the browser keeps it (Playwright sees HttpOnly cookies too)."""
    found = [c for c in pg.context.cookies() if c["name"].startswith("qualcode_auth_")]
    return found[0] if found else None


_wait_for = wait_until


def _apply_code(pg):
    _drag_select(pg, NEEDLE)
    apply_trial_code(pg)


def _codings(db):
    project = Project(db)
    try:
        return codings_for_transcript(project, get_transcript(project, "Interview 00 – P9").id)
    finally:
        project.close()


def test_login_survives_a_reload_and_the_user_is_the_coder(team_app, browser_page):
    url, db = team_app
    pg = browser_page
    pg.goto(url)
    pg.get_by_role("button", name="Log in").wait_for()
    assert pg.locator(".qc-span-selector").count() == 0  # nothing readable before login
    _log_in(pg, url, "cy", "wrong password")
    pg.get_by_text("Unknown user name or wrong password.").wait_for()
    _log_in(pg, url, "cy", "coder password")
    pg.get_by_text("cy (code)").wait_for()
    assert pg.get_by_label("Coder", exact=True).count() == 0  # no free-text coder box
    # the token is kept in an HttpOnly cookie set by the server (/api/session): the browser
    # has it, page scripts cannot read it, and a reload stays logged in
    cookie = _wait_for(lambda: _auth_cookie(pg))
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and cookie["path"] == "/"
    assert "qualcode_auth_" not in pg.evaluate("document.cookie")
    assert cookie["value"] not in pg.evaluate("document.cookie")
    # the page only ever got a one-time code for it: the token is nowhere in the page
    assert cookie["value"] not in pg.content()
    pg.reload()
    pg.get_by_text("cy (code)").wait_for()
    pg.locator(".qc-span-selector .qc-text span").first.wait_for()
    _apply_code(pg)
    pg.get_by_text("Select a passage in the transcript").wait_for()
    [coding] = _codings(db)
    assert coding.coder == "cy"
    # admin pages are not offered to a coder
    assert pg.get_by_role("link", name="Audit trail").count() == 0
    pg.get_by_role("button", name="Log out").click()
    pg.get_by_role("button", name="Log in").wait_for()
    _wait_for(lambda: _auth_cookie(pg) is None)  # logging out clears the cookie too
    pg.reload()
    pg.get_by_role("button", name="Log in").wait_for()
    assert pg.get_by_text("cy (code)").count() == 0


def test_a_read_only_user_cannot_code(team_app, browser_page):
    url, db = team_app
    pg = browser_page
    before = len(_codings(db))
    _log_in(pg, url, "ro", "reader password")
    pg.get_by_text("ro (read-only)").wait_for()
    pg.locator(".qc-span-selector .qc-text span").first.wait_for()
    _apply_code(pg)
    pg.get_by_text("may not code").wait_for()
    assert len(_codings(db)) == before


def test_an_admin_sees_the_audit_trail(team_app, browser_page):
    url, db = team_app
    pg = browser_page
    _log_in(pg, url, "ann", "admin password")
    pg.get_by_text("ann (admin)").wait_for()
    pg.get_by_role("link", name="Audit trail").click()
    pg.get_by_role("heading", name="Audit trail").wait_for()
    pg.get_by_text("entries (newest first").wait_for()


def test_local_mode_needs_no_login_but_a_proxied_request_does(tmp_path):
    """Bound to 127.0.0.1 on SQLite: no login — unless the request came through a reverse proxy
    (which would make a local-looking server reachable from anywhere)."""
    from playwright.sync_api import sync_playwright

    db = tmp_path / "local.sqlite"
    project = Project(db)
    ingest_file(project, "emoji.txt", data=EMOJI_TEXT.encode(), name="Interview 00 – P9")
    project.close()
    with streamlit_server(db) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            local = browser.new_context().new_page()
            local.goto(url)
            local.get_by_label("Coder", exact=True).wait_for()
            local.locator(".qc-span-selector .qc-text span").first.wait_for()
            proxied = browser.new_context(
                extra_http_headers={"X-Forwarded-For": "203.0.113.9"}).new_page()
            proxied.goto(url)
            proxied.get_by_role("button", name="Log in").wait_for()
            assert proxied.locator(".qc-span-selector").count() == 0
        finally:
            browser.close()


def test_a_cookie_written_by_page_script_is_replaced_by_an_httponly_one(team_app,
                                                                        browser_page):
    """A browser that logged in with an older qualcode keeps a script-written cookie: it still
    logs in, and the server replaces it by the HttpOnly one on the first visit."""
    from qualcode.store.project import resolve_url
    from qualcode.store.users import login_token
    from qualcode.ui.state import auth_cookie_name

    url, db = team_app
    pg = browser_page
    project = Project(db)
    try:
        token = login_token(project, "cy")
    finally:
        project.close()
    pg.context.add_cookies([{"name": auth_cookie_name(resolve_url(str(db))), "value": token,
                             "url": url, "httpOnly": False, "sameSite": "Strict"}])
    pg.goto(url)
    pg.get_by_text("cy (code)").wait_for()
    _wait_for(lambda: (_auth_cookie(pg) or {}).get("httpOnly"))
    # (the page logs the session in with a fresh token, as on every new browser session)
    assert "qualcode_auth_" not in pg.evaluate("document.cookie")
