"""Recordings in a real headless Debian chromium: a spoken interview (espeak-ng + sox) attached
to its WebVTT transcript plays from the time a coder clicks in the canvas's margin; the current
turn is marked; Alt+J / Alt+K; the speed; a time stamp set at the caret from the player; the
Code browser's clip player."""

from __future__ import annotations


import pytest

from qualcode.coding.codes import create_code
from qualcode.coding.codings import add_coding
from qualcode.corpus import ingest_file
from qualcode.corpus.media import attach_media
from qualcode.corpus.transcripts import get_turns
from qualcode.store.project import Project
from tests.recordings import SENTENCES, require_tools, spoken, vtt
from tests.streamlit_server import (CHROMIUM, CHROMIUM_ARGS, require_chromium, streamlit_server,
                                    wait_until, chromium_page)
from tests.test_browser import _drag_select

pytestmark = pytest.mark.browser

TYPED = ("Interviewer: Welcome, and thank you for taking part.\n"
         "Ben: I started at the hospital ten years ago.\n"
         "Interviewer: What changed for you since then?\n"
         "Ben: The pressure grew, but my colleagues stayed.\n")


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    require_chromium()
    require_tools()
    folder = tmp_path_factory.mktemp("browser_media")
    wav = spoken(folder / "P3.wav", SENTENCES)
    db = folder / "app.sqlite"
    project = Project(db)
    timed = ingest_file(project, "P3.vtt", data=vtt(SENTENCES).encode(), name="A timed",
                        attributes={"interview_order": 1})
    typed = ingest_file(project, "typed.txt", data=TYPED.encode(), name="B typed",
                        attributes={"interview_order": 2})
    attach_media(project, timed.id, wav)
    attach_media(project, typed.id, wav, name="typed.wav")
    code = create_code(project, "Pressure")
    turn = get_turns(project, timed.id)[3]
    add_coding(project, timed.id, code.id, turn.start, turn.end)
    project.close()
    with streamlit_server(db) as url:
        yield url, db, timed.id, typed.id


@pytest.fixture
def page(app):
    with chromium_page(("--autoplay-policy=no-user-gesture-required",)) as pg:
        yield pg


_wait = wait_until


def _player(pg, what: str):
    return pg.evaluate(f"() => {{ const m = document.querySelector('.qc-player audio'); "
                       f"return m ? m.{what} : null; }}")


def _open_code_page(pg, url):
    pg.goto(url)
    pg.get_by_label("Coder", exact=True).fill("kb")
    pg.get_by_label("Coder", exact=True).press("Enter")
    pg.locator(".qc-span-selector .qc-text span").first.wait_for()


def test_clicking_a_turns_time_plays_from_there(app, page):
    url, _db, tid, _typed = app
    pg = page
    _open_code_page(pg, url)
    times = pg.locator(".qc-span-selector .qc-times .qc-time")
    _wait(lambda: times.count() == 4)
    assert [times.nth(i).text_content() for i in range(4)] == ["00:00", "00:03", "00:06",
                                                              "00:09"]
    pg.locator(".qc-player audio").wait_for(state="attached")
    # served by qualcode's own route (checks who asks, streams with ranges), not /media/<hash>
    assert f"/api/media/{tid}?" in _player(pg, "src")
    _wait(lambda: _player(pg, "readyState") >= 1)  # the file is served and readable
    assert 11.5 < _player(pg, "duration") < 12.5
    times.nth(2).click()
    _wait(lambda: not _player(pg, "paused"))
    now = _player(pg, "currentTime")
    assert 6.0 <= now < 9.0
    _wait(lambda: _player(pg, "currentTime") > now + 0.5)  # it really plays
    # the turn being spoken is marked: its time in the margin and its text
    pg.locator(".qc-time.qc-now", has_text="00:06").wait_for()
    assert "What changed for you" in pg.locator(".qc-now-turn").first.text_content()
    # Alt+J jumps back 5 s, Alt+K pauses (palette closed)
    pg.locator(".qc-span-selector .qc-density").click()  # focus the page, not an input
    before = _player(pg, "currentTime")
    pg.keyboard.press("Alt+j")
    _wait(lambda: _player(pg, "currentTime") < before - 4)
    pg.keyboard.press("Alt+k")
    _wait(lambda: _player(pg, "paused"))
    # the speed, 0.5–2×
    pg.locator(".qc-player select.qc-speed").select_option("1.5")
    assert _player(pg, "playbackRate") == 1.5
    times.nth(3).click()
    _wait(lambda: not _player(pg, "paused"))
    assert 9.0 <= _player(pg, "currentTime") < 12.0
    pg.locator(".qc-time.qc-now", has_text="00:09").wait_for()


def test_a_stamp_at_the_caret_from_the_players_time(app, page):
    url, db, _tid, typed = app
    pg = page
    _open_code_page(pg, url)
    pg.get_by_label("Transcript", exact=True).click()
    pg.get_by_role("option", name="B typed").click()
    pg.locator(".qc-span-selector .qc-text", has_text="Ben").wait_for()
    # the other transcript's canvas is gone: one player, no times yet
    _wait(lambda: pg.locator(".qc-player audio").count() == 1)
    _wait(lambda: pg.locator(".qc-times .qc-time").count() == 0)
    _wait(lambda: _player(pg, "readyState") >= 1)
    pg.evaluate("() => { document.querySelector('.qc-player audio').currentTime = 3.25; }")
    _wait(lambda: abs(_player(pg, "currentTime") - 3.25) < 0.01)
    # put the caret into the second turn with a click, then Alt+T
    box = pg.locator(".qc-span-selector .qc-text span", has_text="hospital").first
    box.click(position={"x": 5, "y": 5})
    pg.keyboard.press("Alt+t")

    def stamped():
        project = Project(db)
        try:
            return [t.time_start for t in get_turns(project, typed)]
        finally:
            project.close()

    assert _wait(lambda: stamped()[1] is not None and stamped()) == [None, 3.25, None, None]
    # the margin now shows the stamp, and an interpolated time for the first turn
    pg.locator(".qc-times .qc-time:not(.qc-interp)", has_text="00:03").wait_for()
    pg.locator(".qc-times .qc-time.qc-interp", has_text="~00:00").wait_for()


def test_the_code_browser_plays_a_quotes_clip(app, page):
    url, *_ = app
    pg = page
    pg.goto(url)
    pg.get_by_label("Coder", exact=True).fill("kb")
    pg.get_by_label("Coder", exact=True).press("Enter")
    pg.locator(".qc-span-selector .qc-text span").first.wait_for()
    pg.get_by_role("link", name="Code browser", exact=True).click()
    pg.get_by_role("button", name="▶ Play 00:00:09–00:00:11").click()
    audio = pg.locator("audio[data-testid='stAudio']").first
    audio.wait_for(state="attached")
    assert f"{url}/api/media/" in (audio.get_attribute("src") or "")
    # the clip starts where the quote's words start, and plays
    clip = "() => document.querySelector(\"audio[data-testid='stAudio']\").currentTime"
    start = _wait(lambda: (pg.evaluate(clip) or 0) >= 9.0 and pg.evaluate(clip))
    _wait(lambda: pg.evaluate(clip) > start + 0.3)


def test_listen_plays_exactly_the_selected_passage(app, page):
    url, *_ = app
    pg = page
    _open_code_page(pg, url)
    pg.locator(".qc-player audio").wait_for(state="attached")
    _wait(lambda: _player(pg, "readyState") >= 1)
    needle = "I started at the hospital ten years ago."  # the second cue: 3 s to 6 s
    _drag_select(pg, needle)
    pg.locator(".qc-span-selector .qc-palette").wait_for(state="visible")
    pg.locator(".qc-palette .qc-listen").click()
    _wait(lambda: not _player(pg, "paused"))
    assert 3.0 <= _player(pg, "currentTime") < 5.5
    # it stops at the passage's last word: before the next turn (6 s) is heard for long
    _wait(lambda: _player(pg, "paused"), timeout=15)
    assert 5.0 <= _player(pg, "currentTime") < 6.6


def test_on_a_team_server_only_a_logged_in_browser_gets_the_recording(tmp_path):
    """With logins: the player loads the recording with the HttpOnly login cookie and plays;
    the same address from a browser without the login, or after logging out, is refused."""
    from playwright.sync_api import sync_playwright

    from qualcode.store.users import add_user

    require_chromium()
    require_tools()
    wav = spoken(tmp_path / "P3.wav", SENTENCES)
    db = tmp_path / "team.sqlite"
    project = Project(db)
    timed = ingest_file(project, "P3.vtt", data=vtt(SENTENCES).encode(), name="A timed")
    attach_media(project, timed.id, wav)
    add_user(project, "cy", "coder password", "coder")
    project.close()
    fetch = "(src) => fetch(src).then((r) => r.status)"
    with streamlit_server(db, QUALCODE_LOGIN="required") as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            pg = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
            pg.set_default_timeout(60000)
            pg.goto(url)
            pg.get_by_label("User name").fill("cy")
            pg.get_by_label("Password", exact=True).fill("coder password")
            pg.get_by_role("button", name="Log in").click()
            pg.get_by_text("cy (code)").wait_for()
            pg.locator(".qc-player audio").wait_for(state="attached")
            src = _player(pg, "src")
            assert f"/api/media/{timed.id}?" in src
            _wait(lambda: _player(pg, "readyState") >= 1)
            pg.locator(".qc-span-selector .qc-times .qc-time").nth(1).click()
            _wait(lambda: not _player(pg, "paused"))
            now = _player(pg, "currentTime")
            _wait(lambda: _player(pg, "currentTime") > now + 0.5)
            assert pg.evaluate(fetch, src) == 200
            # another browser holding the address but not the login
            other = browser.new_context().new_page()
            other.goto(url)
            other.get_by_role("button", name="Log in").wait_for()
            assert other.evaluate(fetch, src) == 401
            # after logging out, this browser is refused too
            pg.get_by_role("button", name="Log out").click()
            pg.get_by_role("button", name="Log in").wait_for()
            _wait(lambda: pg.evaluate(fetch, src) == 401)
        finally:
            browser.close()


def test_a_video_plays_beside_its_transcript(tmp_path):
    """A .webm made by ffmpeg, attached to a timed transcript: the Code page shows a video
    player loading qualcode's route, with a picture, playing from a clicked turn."""
    from playwright.sync_api import sync_playwright

    from tests.recordings import require_ffmpeg, video

    require_chromium()
    require_ffmpeg()
    clip = video(tmp_path / "P7.webm", seconds=6.0)
    db = tmp_path / "video.sqlite"
    project = Project(db)
    t = ingest_file(project, "P7.vtt", data=vtt(SENTENCES[:2]).encode(), name="A video")
    info = attach_media(project, t.id, clip)
    assert (info.kind, info.content_type) == ("video", "video/webm")
    project.close()
    seen = "() => { const m = document.querySelector('.qc-player video'); " \
           "return m && [m.src, m.readyState, m.videoWidth, m.paused, m.currentTime]; }"
    with streamlit_server(db) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM,
                                    args=CHROMIUM_ARGS + ["--autoplay-policy="
                                                          "no-user-gesture-required"])
        try:
            pg = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
            pg.set_default_timeout(60000)
            pg.goto(url)
            pg.locator(".qc-span-selector .qc-text span").first.wait_for()
            pg.locator(".qc-player video").wait_for(state="attached")
            src, *_ = _wait(lambda: pg.evaluate(seen))
            assert f"/api/media/{t.id}?" in src
            _wait(lambda: pg.evaluate(seen)[1] >= 1)  # metadata read through the route
            assert pg.evaluate(seen)[2] == 160  # a picture, 160 pixels wide
            pg.locator(".qc-span-selector .qc-times .qc-time").nth(1).click()
            _wait(lambda: not pg.evaluate(seen)[3])
            start = pg.evaluate(seen)[4]
            assert 3.0 <= start < 5.0
            _wait(lambda: pg.evaluate(seen)[4] > start + 0.5)  # and it plays
        finally:
            browser.close()
