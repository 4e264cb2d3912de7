"""The app in a real headless Debian chromium: select text with the mouse, apply a code, export
the theme report and find the quote in the downloaded .docx."""

from __future__ import annotations

import io
import time

import docx
import pytest

from qualcode.coding.status import mark_by_name
from qualcode.coding.codings import codings_for_transcript
from qualcode.demo import load_demo
from qualcode.corpus import ingest_file
from qualcode.store.project import Project
from qualcode.corpus.transcripts import get_transcript, list_transcripts
from tests.conftest import ROOT
from tests.streamlit_server import require_chromium, streamlit_server, wait_until, chromium_page

pytestmark = pytest.mark.browser

# Astral characters (two UTF-16 units, one code point) before the passage we select.
EMOJI_TEXT = ("Interviewer: Hoe was de start? 🙂\n"
              "P9: Spannend 😀😀 en 𝒜𝒷𝒸. Er is een universum voor mij opengegaan, "
              "ik leer enorm veel bij.\n")
NEEDLE = "Er is een universum voor mij opengegaan"


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    require_chromium()
    db = tmp_path_factory.mktemp("browser") / "app.sqlite"
    project = Project(db)
    load_demo(project)
    ingest_file(project, "emoji.txt", data=EMOJI_TEXT.encode(), name="Interview 00 – P9",
                attributes={"participant": "P9", "role": "participant", "interview_order": 0})
    mark_by_name(project, ["Interview 00 – P9"], "coded")  # counted in the saturation section
    project.close()
    with streamlit_server(db) as url:
        yield url, db


@pytest.fixture
def page(app):
    with chromium_page(accept_downloads=True) as pg:
        yield pg


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


def apply_trial_code(pg) -> None:
    """Choose "Trial: learning anew" in the code box and apply it to the selection."""
    codes = pg.get_by_role("combobox", name="Codes to apply")
    codes.click()
    codes.fill("Trial: learning")
    pg.get_by_role("option", name="Mastery & trial / Trial: learning anew").click()
    pg.keyboard.press("Escape")
    pg.get_by_role("button", name="Apply code").click()


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

    apply_trial_code(pg)
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

    pg.get_by_role("link", name="Export", exact=True).click()
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
    uploader = pg.locator('[data-testid="stFileUploader"]').filter(has_text="Add interview files")
    uploader.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        [str(good), str(bad), str(ROOT / "qualcode" / "demo_data" / "transcripts" / "01-P1-deelnemer.txt")])
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


# ---------------------------------------------------------------- the coding canvas (issue 7)

CANVAS_TEXT = ("Interviewer: Hoe begon het avontuur?\n"
               "P7: Ik stond op het punt te stoppen. Toen kwam de vacature via een vriend. "
               "Nu leer ik elke dag iets nieuws.\n"
               "Interviewer: En je loon?\n"
               "P7: Mijn loon bleef hetzelfde, dat was voor mij een voorwaarde.\n")


def _canvas_transcript(db, name: str, order: int, codings=()):
    """A fresh transcript that becomes the first one on the Code page (lowest order)."""
    from qualcode.coding.codes import find_code
    from qualcode.coding.codings import add_coding

    project = Project(db)
    try:
        t = ingest_file(project, f"{name}.txt", data=CANVAS_TEXT.replace("P7", name).encode(),
                        name=f"Interview {name}", attributes={"interview_order": order,
                                                              "role": "participant"})
        for path, needle, coder in codings:
            i = t.text.index(needle)
            add_coding(project, t.id, find_code(project, path).id, i, i + len(needle),
                       coder=coder, memo=f"memo on {needle[:10]}")
        return t.id, t.text
    finally:
        project.close()


def _codings(db, tid):
    project = Project(db)
    try:
        return codings_for_transcript(project, tid)
    finally:
        project.close()


def _open_code_page(pg, url, coder="kb"):
    pg.goto(url)
    pg.get_by_label("Coder", exact=True).fill(coder)
    pg.get_by_label("Coder", exact=True).press("Enter")
    pg.locator(".qc-span-selector .qc-text span").first.wait_for()


_wait = wait_until


def test_palette_applies_codes_by_keyboard(app, page):
    url, db = app
    tid, text = _canvas_transcript(db, "K1", -10)
    pg = page
    _open_code_page(pg, url)
    needle = "Nu leer ik elke dag iets nieuws."
    _drag_select(pg, needle)
    palette = pg.locator(".qc-span-selector .qc-palette")
    palette.wait_for(state="visible")
    pg.keyboard.type("learning anew")
    pg.keyboard.press("Enter")
    # optimistic: highlighted and striped at once, before the server answers
    pg.locator(".qc-span-selector .qc-coded", has_text="leer ik elke dag").first.wait_for()
    pg.locator(".qc-span-selector .qc-stripe").first.wait_for()
    [coding] = _wait(lambda: _codings(db, tid))
    start = text.index(needle)
    assert (coding.start, coding.end, coding.coder) == (start, start + len(needle), "kb")
    # a number key applies one of the nine most-used codes (shown with its number)
    needle2 = "Mijn loon bleef hetzelfde"
    _drag_select(pg, needle2)
    palette.wait_for(state="visible")
    first_key = palette.locator(".qc-item", has=pg.locator(".qc-key", has_text="1")).first
    code_id = int(first_key.get_attribute("data-code"))
    pg.keyboard.press("1")
    codings = _wait(lambda: [c for c in _codings(db, tid) if c.code_id == code_id
                             and text[c.start:c.end] == needle2])
    assert codings[0].coder == "kb"
    # an in-vivo code from the selection: created and applied
    needle3 = "een voorwaarde"
    _drag_select(pg, needle3)
    palette.wait_for(state="visible")
    pg.locator(".qc-span-selector .qc-invivo").click()
    project = Project(db)
    try:
        from qualcode.coding.codes import find_code

        code = _wait(lambda: _try_find(project, find_code, "een voorwaarde"))
        _wait(lambda: any(c.code_id == code.id for c in _codings(db, tid)))
    finally:
        project.close()


def _try_find(project, find_code, path):
    try:
        return find_code(project, path)
    except Exception:
        return None


def test_stripes_overlaps_popup_remove_and_undo(app, page):
    url, db = app
    first = "Ik stond op het punt te stoppen. Toen kwam de vacature"
    second = "Toen kwam de vacature via een vriend."
    tid, text = _canvas_transcript(db, "K2", -11, [
        ("Authenticity", first, "an"), ("Mastery & trial / Trial: learning anew", second, "bo")])
    pg = page
    _open_code_page(pg, url, coder="an")
    stripes = pg.locator(".qc-span-selector .qc-stripe")
    _wait(lambda: stripes.count() == 2)
    labels = sorted(stripes.nth(i).text_content() for i in range(2))
    assert labels == ["Authenticity", "Trial: learning anew"]
    lefts = {stripes.nth(i).evaluate("e => e.style.left") for i in range(2)}
    assert len(lefts) == 2  # overlapping codings get stripes side by side
    # the density bar draws where the transcript is coded
    inked = pg.evaluate("""() => {
      const c = document.querySelector('.qc-span-selector .qc-density');
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let n = 0; for (let i = 3; i < d.length; i += 4) { if (d[i]) n += 1; }
      return n;
    }""")
    assert inked > 0
    overlap = pg.locator(".qc-span-selector .qc-overlap")
    assert overlap.first.text_content() == "Toen kwam de vacature"
    # click the overlap: both codings, with coder and memo
    overlap.first.click()
    popup = pg.locator(".qc-span-selector .qc-popup")
    popup.wait_for(state="visible")
    assert popup.locator(".qc-coding").count() == 2
    assert "coder bo" in popup.text_content() and "memo on Toen kwam " in popup.text_content()
    row = popup.locator(".qc-coding", has_text="Trial: learning anew")
    row.get_by_role("button", name="Remove").click()
    _wait(lambda: len(_codings(db, tid)) == 1)
    _wait(lambda: stripes.count() == 1)
    # undo brings it back, with its coder and memo
    pg.get_by_role("button", name="Undo").click()
    back = _wait(lambda: [c for c in _codings(db, tid) if c.coder == "bo"])
    assert text[back[0].start:back[0].end] == second and back[0].memo.startswith("memo on")
    _wait(lambda: stripes.count() == 2)


def test_selection_released_outside_the_text(app, page):
    url, db = app
    tid, text = _canvas_transcript(db, "K3", -12)
    pg = page
    _open_code_page(pg, url)
    needle = "Toen kwam"
    a = pg.evaluate(POINT_JS, [needle, "start"])
    box = pg.locator(".qc-span-selector .qc-text").bounding_box()
    pg.mouse.move(a["x"], a["y"])
    pg.mouse.down()
    pg.mouse.move(box["x"] + box["width"] + 150, a["y"], steps=10)  # out to the right
    pg.mouse.up()
    start = text.index(needle)
    shown = pg.get_by_text(f"characters {start}–")
    shown.wait_for()
    end = int(shown.text_content().rsplit("–", 1)[1])
    assert end > start + len(needle)
    assert text[start:end].startswith(needle) and "\n" not in text[start:end].strip()
    pg.locator(".qc-span-selector .qc-palette").wait_for(state="visible")


def test_snapping_stays_inside_the_turn(app, page):
    url, db = app
    tid, text = _canvas_transcript(db, "K4", -13)
    pg = page
    _open_code_page(pg, url)
    _drag_select(pg, "stond op het")
    pg.locator(".qc-span-selector .qc-snap").click()
    sentence = "Ik stond op het punt te stoppen."
    start = text.index(sentence)
    pg.get_by_text(f"characters {start}–{start + len(sentence)}").wait_for()
    # the canvas shows the snapped selection, without the speaker label
    sel = pg.locator(".qc-span-selector .qc-sel")
    _wait(lambda: "".join(sel.all_text_contents()) == sentence)
    pg.keyboard.type("authenticity")
    pg.keyboard.press("Enter")
    [coding] = _wait(lambda: _codings(db, tid))
    assert text[coding.start:coding.end] == sentence


def test_a_drag_over_text_redrawn_meanwhile_still_selects(app, page):
    """The server's answer to an earlier action can ask to redraw the text under a drag (a
    confirmed coding), which would take the browser's own selection with it: the redraw waits
    for the release, and the selection is exact."""
    url, db = app
    tid, text = _canvas_transcript(db, "K5", -14)
    pg = page
    _open_code_page(pg, url)
    needle = "Toen kwam"
    a = pg.evaluate(POINT_JS, [needle, "start"])
    z = pg.evaluate(POINT_JS, [needle, "end"])
    pg.mouse.move(a["x"], a["y"])
    pg.mouse.down()
    pg.mouse.move((a["x"] + z["x"]) / 2, z["y"], steps=4)
    # what the server's answer to an earlier action does: redraw the codings
    pg.evaluate("() => { for (const v of window.__qcSpan.views.values()) { v.refresh(null); } }")
    pg.mouse.move(z["x"], z["y"], steps=4)
    pg.mouse.up()
    start = text.index(needle)
    pg.get_by_text(f"characters {start}–{start + len(needle)}").wait_for()
    pg.locator(".qc-span-selector .qc-palette").wait_for(state="visible")


def test_a_long_interview_is_whole_exact_and_coded_far_down(app, page):
    """A long interview is laid out a few screens first and the rest right after: in the end
    the page holds the whole canonical text; the density bar jumps to a coding far down, which
    has its stripe and highlight; a selection there has exact code-point offsets (astral
    characters above it count once)."""
    from qualcode.coding.codes import find_code
    from qualcode.coding.codings import add_coding

    turns = []
    for i in range(90):
        turns.append(f"Interviewer: Vraag {i} 🙂 over het werk?\n")
        turns.append(f"P8: Antwoord {i}: " + "ik vertel hier uitgebreid over mijn werk en 𝒜 "
                     * 9 + f"einde {i}.\n")
    body = "".join(turns)
    needle = "Antwoord 86: ik vertel hier uitgebreid"
    project = Project(db := app[1])
    try:
        t = ingest_file(project, "long.txt", data=body.encode(), name="Interview long",
                        attributes={"interview_order": -15, "role": "participant"})
        text = t.text
        assert len(text) > 40_000
        far = text.index("Antwoord 80:")
        add_coding(project, t.id, find_code(project, "Authenticity").id, far, far + 200,
                   coder="an")
        across = 11_900  # a coding over the end of the first screens laid out
        add_coding(project, t.id, find_code(project, "Authenticity").id, across, across + 300,
                   coder="an")
    finally:
        project.close()
    url = app[0]
    pg = page
    _open_code_page(pg, url)
    whole = _wait(lambda: pg.evaluate(
        "() => { const r = document.querySelector('.qc-span-selector .qc-text');"
        " return r.lastElementChild.dataset.end === r.dataset.length ? r.textContent : null; }"))
    assert whole == text
    # the density bar: a click where the far coding lies shows that part of the interview
    bar = pg.locator(".qc-span-selector .qc-density").bounding_box()
    pg.mouse.click(bar["x"] + bar["width"] * far / len(text) + 2, bar["y"] + 7)
    coded = pg.locator(".qc-span-selector .qc-coded", has_text="Antwoord 80:")
    coded.first.wait_for()
    stripe = pg.locator(f".qc-span-selector .qc-stripe[data-code='{_code_id(db, 'Authenticity')}']")
    _wait(lambda: stripe.count() >= 1)
    pg.evaluate("""(needle) => {
      const root = document.querySelector('.qc-span-selector .qc-text');
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        if (n.data.includes(needle)) { n.parentElement.scrollIntoView({block: 'center'}); return; }
      }
    }""", needle)
    time.sleep(0.3)  # the chunks scrolled into view are decorated
    _drag_select(pg, needle)
    start = text.index(needle)
    pg.get_by_text(f"characters {start}–{start + len(needle)}").wait_for()


def _code_id(db, path):
    from qualcode.coding.codes import find_code

    project = Project(db)
    try:
        return find_code(project, path).id
    finally:
        project.close()


def test_highlight_filter_in_its_menu(app, page):
    """The highlight filter sits in a menu (drawn when opened): choosing a code leaves only its
    codings (and its sub-codes') highlighted and striped."""
    first = "Ik stond op het punt te stoppen."
    second = "Mijn loon bleef hetzelfde"
    _canvas_transcript(app[1], "K6", -16, [
        ("Authenticity", first, "an"), ("Mastery & trial / Trial: learning anew", second, "an")])
    pg = page
    _open_code_page(pg, app[0], coder="an")
    stripes = pg.locator(".qc-span-selector .qc-stripe")
    _wait(lambda: stripes.count() == 2)
    pg.get_by_role("button", name="Highlighted: all codes").click()
    box = pg.get_by_role("combobox", name="Highlight only these codes")
    box.click()
    box.fill("Mastery & trial")
    pg.get_by_role("option", name="Mastery & trial", exact=True).click()
    pg.keyboard.press("Escape")
    _wait(lambda: stripes.count() == 1)
    assert stripes.first.text_content() == "Trial: learning anew"  # a sub-code of the choice
    coded = pg.locator(".qc-span-selector .qc-coded")
    assert coded.count() == 1 and coded.first.text_content() == second
    pg.get_by_role("button", name="Highlighted: 1 code(s) and their sub-codes").wait_for()


def test_highlights_drawn_again_after_leaving_the_page(app, page):
    """Back on the Code page the browser still holds the text and codings (nothing is sent
    again), and the canvas draws them anew: highlights and stripes are there at once."""
    needle = "Toen kwam de vacature via een vriend."
    _canvas_transcript(app[1], "K7", -17, [("Authenticity", needle, "an")])
    pg = page
    _open_code_page(pg, app[0], coder="an")
    coded = pg.locator(".qc-span-selector .qc-coded", has_text="Toen kwam de vacature")
    coded.first.wait_for()
    pg.get_by_role("link", name="Memos", exact=True).click()
    pg.get_by_role("heading", name="Memos").wait_for()
    pg.get_by_role("link", name="Code", exact=True).click()
    coded.first.wait_for()
    assert coded.first.text_content() == needle
    _wait(lambda: pg.locator(".qc-span-selector .qc-stripe").count() == 1)
