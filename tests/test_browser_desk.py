"""The coding desk in a real headless Debian chromium (issue 17): stripes that never collide,
with full labels and a legend, readable in both themes; spans snapped to whole words (Alt-drag
exact) and in-vivo names cut at a word; coding with the keyboard alone."""

from __future__ import annotations

import pytest

from qualcode.coding.codes import create_code, find_code
from qualcode.coding.codings import add_coding
from qualcode.demo import load_demo
from qualcode.corpus import ingest_file
from qualcode.store.project import Project
from tests.streamlit_server import (CHROMIUM, CHROMIUM_ARGS, require_chromium, streamlit_server,
                                    chromium_page)
from tests.test_browser import POINT_JS, _codings, _drag_select, _open_code_page, _wait

pytestmark = pytest.mark.browser

LONG_CODE = "Push: challenge of the new job and its specific obligations"
TEXT = ("Interviewer: Hoe begon het avontuur?\n"
        "P7: Ik stond op het punt te stoppen. Toen kwam de vacature via een vriend. "
        "Nu leer ik elke dag iets nieuws, ik ben een shout-out waard.\n"
        "Interviewer: En je loon?\n"
        "P7: Mijn loon bleef hetzelfde, dat was voor mij een voorwaarde. Daarna kwam de "
        "uitdaging van de nieuwe baan met zijn heel specifieke verplichtingen en verwachtingen.\n")


def _transcript(db, name: str, order: int, codings=()):
    project = Project(db)
    try:
        t = ingest_file(project, f"{name}.txt", data=TEXT.replace("P7", name).encode(),
                        name=f"Interview {name}", attributes={"interview_order": order,
                                                              "role": "participant"})
        for path, needle, coder in codings:
            i = t.text.index(needle)
            add_coding(project, t.id, find_code(project, path).id, i, i + len(needle), coder=coder)
        return t.id, t.text
    finally:
        project.close()


def _serve(tmp_path_factory, **env):
    require_chromium()
    db = tmp_path_factory.mktemp("desk") / "app.sqlite"
    project = Project(db)
    load_demo(project)
    create_code(project, LONG_CODE)
    project.close()
    return db, streamlit_server(db, **env)


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    db, server = _serve(tmp_path_factory)
    with server as url:
        yield url, db


@pytest.fixture
def page(app):
    with chromium_page() as pg:
        yield pg


# Every stripe's box and its label's box, with its lane.
BOXES_JS = """() => [...document.querySelectorAll('.qc-span-selector .qc-stripe')].map((st) => {
  const a = st.getBoundingClientRect(), b = st.firstChild.getBoundingClientRect();
  return {lane: st.dataset.lane, left: a.left, right: a.right, top: Math.min(a.top, b.top),
          bottom: Math.max(a.bottom, b.bottom), label: st.firstChild.textContent,
          width: b.width, height: b.height};
})"""


def _no_collisions(boxes) -> None:
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            apart_x = a["right"] <= b["left"] or b["right"] <= a["left"]
            apart_y = a["bottom"] <= b["top"] or b["bottom"] <= a["top"]
            assert apart_x or apart_y, f"stripes meet: {a} {b}"


# ---------------------------------------------------------------- item 2: stripes

def test_stripes_on_one_line_never_collide_and_labels_are_whole(app, page):
    """Two codings on one line (side by side, not overlapping) used to share a lane and print
    their labels over each other; long names were cut to ~9 characters."""
    url, db = app
    first, second = "Ik stond op het punt te stoppen.", "Toen kwam de vacature via een vriend."
    third = "Daarna kwam de uitdaging van de nieuwe baan"
    _transcript(db, "S1", -20, [("Authenticity", first, "an"), (LONG_CODE, second, "an"),
                                ("Mastery & trial / Trial: learning anew", third, "an"),
                                (LONG_CODE, "Mijn loon bleef hetzelfde", "an")])
    pg = page
    _open_code_page(pg, url, coder="an")
    stripes = pg.locator(".qc-span-selector .qc-stripe")
    _wait(lambda: stripes.count() == 4)
    boxes = _wait(lambda: (lambda b: b if all(x["lane"] is not None for x in b) else None)(
        pg.evaluate(BOXES_JS)))
    _no_collisions(boxes)
    labels = sorted(b["label"] for b in boxes)
    assert labels == sorted(["Authenticity", "Trial: learning anew",
                             LONG_CODE[:31].rstrip() + "…"] * 1 + [LONG_CODE[:31].rstrip() + "…"])
    assert all(b["height"] > 8 * len(b["label"]) * 0.5 for b in boxes)  # the whole label shown
    # the full names: on hover and in the legend, with how often each is used here
    assert {stripes.nth(i).get_attribute("title") for i in range(4)} == {
        "Authenticity", LONG_CODE, "Mastery & trial / Trial: learning anew"}
    legend = pg.locator(".qc-span-selector .qc-legend")
    legend.wait_for()
    text = legend.text_content()
    assert LONG_CODE + "×2" in text and "Mastery & trial / Trial: learning anew×1" in text


# ---------------------------------------------------------------- item 3: word-true spans

def _drag(pg, a_needle, a_edge, z_needle, z_edge, alt=False):
    pg.locator(".qc-span-selector .qc-text span").first.wait_for()
    a = pg.evaluate(POINT_JS, [a_needle, a_edge])
    z = pg.evaluate(POINT_JS, [z_needle, z_edge])
    if alt:
        pg.keyboard.down("Alt")
    pg.mouse.move(a["x"], a["y"])
    pg.mouse.down()
    pg.mouse.move(z["x"], z["y"], steps=8)
    pg.mouse.up()
    if alt:
        pg.keyboard.up("Alt")


def test_a_drag_mid_word_takes_whole_words_alt_drag_is_exact(app, page):
    url, db = app
    tid, text = _transcript(db, "W1", -21)
    pg = page
    _open_code_page(pg, url)
    # from inside "leer" to inside "shout-out": the whole words
    _drag(pg, "eer ik elke", "start", "shout-ou", "end")
    whole = "leer ik elke dag iets nieuws, ik ben een shout-out"
    s = text.index(whole)
    pg.get_by_text(f"characters {s}–{s + len(whole)}").wait_for()
    pg.keyboard.type("authenticity")
    pg.keyboard.press("Enter")
    [coding] = _wait(lambda: _codings(db, tid))
    assert text[coding.start:coding.end] == whole
    # Alt held: the characters as dragged
    _drag(pg, "oon bleef", "start", "hetzel", "end", alt=True)
    exact = "oon bleef hetzel"
    s = text.index(exact)
    pg.get_by_text(f"characters {s}–{s + len(exact)}").wait_for()


def test_in_vivo_names_end_at_a_word(app, page):
    url, db = app
    tid, text = _transcript(db, "W2", -22)
    pg = page
    _open_code_page(pg, url)
    _drag(pg, "Daarna kwam", "start", "verwachtingen", "end")
    button = pg.locator(".qc-span-selector .qc-invivo")
    button.wait_for()
    name = button.text_content().split("“", 1)[1].rstrip("”")
    assert len(name) <= 60 and ("Daarna kwam de uitdaging van de nieuwe baan met zijn heel "
                                "specifieke").startswith(name)
    assert text[text.index(name) + len(name)] == " "   # cut before a space, not inside a word
    button.click()
    project = Project(db)
    try:
        code = _wait(lambda: _find(project, name))
        _wait(lambda: any(c.code_id == code.id for c in _codings(db, tid)))
    finally:
        project.close()


def _find(project, path):
    try:
        return find_code(project, path)
    except Exception:
        return None


# ---------------------------------------------------------------- item 4: keyboard

def test_coding_with_the_keyboard_alone(app, page):
    url, db = app
    tid, text = _transcript(db, "K1", -23)
    pg = page
    _open_code_page(pg, url)
    # a click puts the caret before "Toen"; Ctrl+Shift+→ three times: three words
    a = pg.evaluate(POINT_JS, ["Toen kwam", "start"])
    pg.mouse.click(a["x"] - 0.5, a["y"])
    for _ in range(3):
        pg.keyboard.press("Control+Shift+ArrowRight")
    sel = pg.locator(".qc-span-selector .qc-sel")
    _wait(lambda: "".join(sel.all_text_contents()) == "Toen kwam de")
    # Shift+↓: on to the end of the sentence; Shift+← one character back
    pg.keyboard.press("Shift+ArrowDown")
    _wait(lambda: "".join(sel.all_text_contents()) == "Toen kwam de vacature via een vriend.")
    pg.keyboard.press("Shift+ArrowLeft")
    _wait(lambda: "".join(sel.all_text_contents()) == "Toen kwam de vacature via een vriend")
    # Enter opens the palette at the selection; typing and Enter apply a code
    pg.keyboard.press("Enter")
    pg.locator(".qc-span-selector .qc-palette").wait_for(state="visible")
    pg.keyboard.type("authenticity")
    pg.keyboard.press("Enter")
    [coding] = _wait(lambda: _codings(db, tid))
    assert text[coding.start:coding.end] == "Toen kwam de vacature via een vriend"
    # the focus is back in the text: ↑ goes to the sentence's start, Shift+↓ takes it whole
    pg.keyboard.press("ArrowUp")
    pg.keyboard.press("Shift+ArrowDown")
    _wait(lambda: "".join(sel.all_text_contents()) == "Toen kwam de vacature via een vriend.")
    pg.keyboard.press("Escape")
    _wait(lambda: sel.count() == 0)
    # a selection by sentence from the turn's start (after a caret moved by Home)
    pg.keyboard.press("Home")
    pg.keyboard.press("Shift+ArrowDown")
    _wait(lambda: "".join(sel.all_text_contents()).endswith("Ik stond op het punt te stoppen."))


# ---------------------------------------------------------------- item 2: dark theme

@pytest.fixture(scope="module")
def dark_app(tmp_path_factory):
    db, server = _serve(tmp_path_factory, STREAMLIT_THEME_BASE="dark")
    with server as url:
        yield url, db


CONTRAST_JS = """(sel) => {
  const rgb = (s) => (s.match(/[\\d.]+/g) || []).slice(0, 4).map(Number);
  const lum = ([r, g, b]) => [r, g, b].map((x) => { x /= 255; return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4; })
    .reduce((a, x, i) => a + x * [0.2126, 0.7152, 0.0722][i], 0);
  const bgOf = (e) => {  // the first opaque background behind e
    for (; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if (c.length && (c.length < 4 || c[3] > 0.9)) { return c; }
    }
    return [255, 255, 255];
  };
  return [...document.querySelectorAll(sel)].map((e) => {
    const a = lum(rgb(getComputedStyle(e).color)), b = lum(bgOf(e));
    return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  });
}"""


def test_dark_theme_is_readable(dark_app, tmp_path_factory):
    from playwright.sync_api import sync_playwright

    url, db = dark_app
    _transcript(db, "D1", -30, [("Authenticity", "Ik stond op het punt te stoppen.", "an"),
                                (LONG_CODE, "Toen kwam de vacature via een vriend.", "an")])
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        pg = browser.new_page(viewport={"width": 1400, "height": 1000})
        pg.set_default_timeout(30000)
        try:
            _open_code_page(pg, url, coder="an")
            dark = pg.evaluate("() => getComputedStyle(document.querySelector('.stApp')).backgroundColor")
            assert sum(int(x) for x in dark[4:-1].split(",")[:3]) < 150, dark  # a dark page
            _wait(lambda: pg.locator(".qc-span-selector .qc-stripe").count() == 2)
            for sel in (".qc-span-selector .qc-label", ".qc-span-selector .qc-coded",
                        ".qc-span-selector .qc-legend-item", ".qc-span-selector .qc-text"):
                ratios = pg.evaluate(CONTRAST_JS, sel)
                assert ratios and min(ratios) >= 4.5, (sel, ratios)
            _drag_select(pg, "Nu leer ik elke dag")
            pg.locator(".qc-span-selector .qc-palette").wait_for(state="visible")
            for sel in (".qc-span-selector .qc-palette input", ".qc-span-selector .qc-palette .qc-item"):
                ratios = pg.evaluate(CONTRAST_JS, sel)
                assert ratios and min(ratios) >= 4.5, (sel, ratios)
        finally:
            browser.close()


# ---------------------------------------------------------------- item 1: keys that stay put

def _palette_keys(pg) -> dict[str, str]:
    """Number key -> data-code of the items shown with a key in the open palette."""
    items = pg.locator(".qc-span-selector .qc-palette .qc-item:has(.qc-key)")
    return {items.nth(i).locator(".qc-key").text_content(): items.nth(i).get_attribute("data-code")
            for i in range(items.count())}


def test_number_keys_stay_put_and_a_second_press_extends(app, page):
    url, db = app
    tid, text = _transcript(db, "N1", -24)
    pg = page
    _open_code_page(pg, url, coder="nk")
    palette = pg.locator(".qc-span-selector .qc-palette")
    _drag_select(pg, "Ik stond op het punt")
    palette.wait_for(state="visible")
    keys = _palette_keys(pg)
    assert set(keys) == {str(i) for i in range(1, 10)}
    pg.keyboard.press("2")
    [first] = _wait(lambda: _codings(db, tid))
    assert str(first.code_id) == keys["2"]
    # another passage, another code by key 5: the numbers have not moved
    _drag_select(pg, "Mijn loon bleef hetzelfde")
    palette.wait_for(state="visible")
    assert _palette_keys(pg) == keys
    pg.keyboard.press("5")
    _wait(lambda: len(_codings(db, tid)) == 2)
    _drag_select(pg, "Nu leer ik")
    palette.wait_for(state="visible")
    assert _palette_keys(pg) == keys
    pg.keyboard.press("Escape")
    # key 2 again on an overlapping passage: the coding is extended, not doubled
    _drag_select(pg, "te stoppen. Toen kwam")
    palette.wait_for(state="visible")
    pg.keyboard.press("2")
    whole = "Ik stond op het punt te stoppen. Toen kwam"
    _wait(lambda: [text[c.start:c.end] for c in _codings(db, tid)
                   if str(c.code_id) == keys["2"]] == [whole])
    assert len(_codings(db, tid)) == 2
    _wait(lambda: pg.locator(".qc-span-selector .qc-stripe").count() == 2)
    # Alt+7 pins the chosen code on key 7; it leaves its old key
    _drag_select(pg, "via een vriend")
    palette.wait_for(state="visible")
    pg.keyboard.type("trial learning")
    chosen = palette.locator(".qc-item.qc-active").get_attribute("data-code")
    pg.keyboard.press("Alt+Digit7")
    pg.keyboard.press("Control+a")
    pg.keyboard.press("Backspace")
    _wait(lambda: _palette_keys(pg).get("7") == chosen)
    pg.keyboard.press("Escape")
    _drag_select(pg, "een vriend")  # the server stored it: a new palette shows it too
    palette.wait_for(state="visible")
    _wait(lambda: _palette_keys(pg).get("7") == chosen)


# ---------------------------------------------------------------- item 5: the Codebook page

def test_codebook_keeps_its_tab_and_shows_the_new_name_rename_undone(app, page):
    url, db = app
    project = Project(db)
    create_code(project, "Oude naam")
    project.close()
    pg = page
    pg.goto(url)
    pg.get_by_role("link", name="Codebook", exact=True).click()
    pg.get_by_role("tab", name="Rename · move · merge · delete").click()
    box = pg.get_by_role("combobox", name="Code").last
    box.wait_for()
    box.click()
    box.fill("Oude naam")
    pg.get_by_role("option", name="Oude naam", exact=True).click()
    pg.get_by_label("New name").fill("Nieuwe naam")
    pg.get_by_role("button", name="Rename", exact=True).click()
    pg.get_by_text("Code renamed.").wait_for()
    # the same tab is open, and its selector shows the code by its new name
    tab = pg.get_by_role("tab", name="Rename · move · merge · delete")
    assert tab.get_attribute("aria-selected") == "true"
    chosen = pg.locator(".st-key-struct_code")
    _wait(lambda: "Nieuwe naam" in chosen.evaluate("e => e.querySelector('input').value + e.textContent"))
    # a second change right after: still this tab
    pg.get_by_label("New name").fill("Derde naam")
    pg.get_by_role("button", name="Rename", exact=True).click()
    pg.get_by_text("Code renamed.").wait_for()
    assert tab.get_attribute("aria-selected") == "true"
    _wait(lambda: "Derde naam" in chosen.evaluate("e => e.querySelector('input').value + e.textContent"))
    # undo: back to the previous name
    pg.get_by_role("button", name="Undo").click()
    project = Project(db)
    try:
        _wait(lambda: _find(project, "Nieuwe naam"))
    finally:
        project.close()


# ---------------------------------------------------------------- item 6: trash and undo

def test_undo_of_a_removal_leaves_the_trash_empty(app, page):
    url, db = app
    needle = "Toen kwam de vacature via een vriend."
    tid, _text = _transcript(db, "T1", -25, [("Authenticity", needle, "tr")])
    pg = page
    _open_code_page(pg, url, coder="tr")
    coded = pg.locator(".qc-span-selector .qc-coded", has_text="Toen kwam")
    coded.first.click()
    popup = pg.locator(".qc-span-selector .qc-popup")
    popup.wait_for(state="visible")
    popup.get_by_role("button", name="Remove").click()
    _wait(lambda: _codings(db, tid) == [])
    pg.get_by_role("link", name="Trash", exact=True).click()
    pg.get_by_role("heading", name="Trash").wait_for()
    pg.get_by_text(needle).first.wait_for(state="attached")  # a cell of the table
    pg.get_by_role("link", name="Code", exact=True).click()
    pg.get_by_role("button", name="Undo").click()
    _wait(lambda: len(_codings(db, tid)) == 1)
    pg.get_by_role("link", name="Trash", exact=True).click()
    pg.get_by_text("The trash is empty").wait_for()


# ---------------------------------------------------------------- item 7: on paper

def test_the_coded_transcript_downloads_and_prints_whole(app, page, tmp_path):
    import subprocess

    import docx

    url, db = app
    turns = "".join(f"P9: Antwoord {i}: ik vertel hier uitgebreid over mijn werk en de nieuwe "
                    f"baan, zin voor zin, tot het einde {i}.\n" for i in range(60))
    project = Project(db)
    try:
        t = ingest_file(project, "long.txt", data=turns.encode(), name="Interview print",
                        attributes={"interview_order": -26, "role": "participant"})
        far = t.text.index("Antwoord 57:")
        add_coding(project, t.id, find_code(project, "Authenticity").id, far, far + 40,
                   coder="pr", memo="ver weg")
    finally:
        project.close()
    pg = page
    _open_code_page(pg, url, coder="pr")
    with pg.expect_download() as info:
        pg.get_by_role("button", name="Coded transcript (.docx)").click()
    path = tmp_path / "coded.docx"
    info.value.save_as(path)
    document = docx.Document(str(path))
    assert document.paragraphs[0].text == "Interview print"
    assert [c.text for c in document.comments] == ["1. Authenticity: ver weg"]
    # printing: the whole transcript (not the scroll box's visible part), highlighted far down
    pg.emulate_media(media="print")
    pg.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")
    pdf = tmp_path / "print.pdf"
    pdf.write_bytes(pg.pdf(print_background=True))
    printed = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                             text=True, check=True).stdout
    assert "tot het einde 59." in printed and "Antwoord 0:" in printed
    assert "Deploy" not in printed  # no app chrome on paper
    coded = pg.locator(".qc-span-selector .qc-coded", has_text="Antwoord 57:")
    assert coded.count() == 1
    stripe = pg.locator(".qc-span-selector .qc-stripe")
    top = stripe.first.bounding_box()["y"]
    assert abs(top - coded.first.bounding_box()["y"]) < 6  # beside its passage on the page


# ---------------------------------------------------------------- item 9: small things

def test_small_things_that_looked_broken(app, page, tmp_path):
    url, db = app
    pg = page
    # a stable URL for the Code page, and no "Deploy" to a cloud service in the toolbar
    pg.goto(f"{url}/code")
    pg.get_by_role("heading", name="Code", exact=True).wait_for()
    pg.locator(".qc-span-selector .qc-text span").first.wait_for()
    assert pg.get_by_text("not found", exact=False).count() == 0
    assert pg.get_by_text("Deploy", exact=True).count() == 0
    # files uploaded and read leave the uploader; new files are numbered as on Transcripts
    vtt = tmp_path / "cues.vtt"
    vtt.write_text("WEBVTT\n\n00:01:05.000 --> 00:01:09.000\n<v P77>Mijn eerste antwoord.\n\n"
                   "00:02:10.000 --> 00:02:15.000\n<v Interviewer>En verder?\n", encoding="utf-8")
    pg.goto(f"{url}/transcripts")
    uploader = pg.locator('[data-testid="stFileUploader"]').filter(has_text="Add interview files")
    uploader.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files([str(vtt)])
    pg.get_by_role("button", name="Ingest").click()
    pg.get_by_text("Added cues").wait_for()
    _wait(lambda: pg.locator('[data-testid="stFileUploaderFile"]').count() == 0)
    project = Project(db)
    try:
        from qualcode.corpus.order import order_transcripts
        from qualcode.corpus.transcripts import list_transcripts

        placed = {p.transcript.name: p.position for p in order_transcripts(list_transcripts(project))}
    finally:
        project.close()
    pg.get_by_role("link", name="Code", exact=True).click()
    box = pg.get_by_role("combobox", name="Transcript")
    box.click()
    option = pg.get_by_role("option", name=f"{placed['cues']}. cues", exact=True)
    option.click()
    # the cue times show in the margin beside their turns (not part of the text)
    stamp = pg.locator(".qc-span-selector .qc-times .qc-time[data-time='65']")
    stamp.wait_for()
    assert stamp.text_content() == "01:05"
    text = pg.locator(".qc-span-selector .qc-text", has_text="Mijn eerste antwoord")
    assert "01:05" not in text.text_content()
    # at 800 px the transcript takes the page's width, the panel goes below it
    pg.set_viewport_size({"width": 800, "height": 900})
    column = pg.locator(".qc-span-selector .qc-scroll",
                        has=pg.locator(".qc-text", has_text="Mijn eerste antwoord"))
    _wait(lambda: column.bounding_box()["width"] > 400)
    print("transcript column at 800 px:", column.bounding_box()["width"], "text:",
          text.bounding_box()["width"])
    # co-occurrence opens on a view with pairs (the demo's codings do not overlap)
    pg.set_viewport_size({"width": 1400, "height": 1000})
    pg.goto(f"{url}/cooccurrence")
    pg.get_by_text("pair(s) of codes co-occur (same speaker turn)").wait_for()
    assert pg.get_by_text("0 pair(s)", exact=False).count() == 0
