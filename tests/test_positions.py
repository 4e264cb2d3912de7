"""Offsets at the door: raw -> canonical maps (checked against normalise itself on random and
adversarial text), UTF-16 code units, UTF-8 bytes of Taguette's HTML."""

from __future__ import annotations

import unicodedata

from hypothesis import example, given, settings
from hypothesis import strategies as st

from qualcode.exchange.positions import (
    CODEPOINTS,
    NVIVO_UTF16,
    Convention,
    UnitMap,
    canonical_with_map,
    codepoint_to_utf16,
    html_text,
    normalise_with_map,
    utf8_to_codepoint,
    utf16_to_codepoint,
)
from qualcode.ingest.decode import normalise

# The characters that canonicalisation treats specially, plus ordinary ones.
TRICKY = ["\r\n", "\r", "\n", "\u2028", "\u2029", "\ufeff", " ", "\t", "\x00", "\x07", "\x0b",
          "\x0c", "\x1f", "\x7f", "\x85", "\xa0", "\u3000", "e", "\u0301", "\u0308", "\u0323",
          "A\u030a", "\u212b", "\u0958", "\u0f73", "\u1100", "\u1161", "\u11a8", "😀", "👩‍🔬",
          "𝔄", "x", "Ä", "ﬁ", "\u0b47", "\u0b3e", "\u1026", "\u102e", "\U0001d15e"]

tricky_text = st.lists(st.sampled_from(TRICKY), max_size=40).map("".join)
any_text = st.text(st.characters(codec=None, exclude_categories=["Cs"]), max_size=60)


def check(raw: str) -> None:
    text, mapping = normalise_with_map(raw)
    assert text == normalise(raw), "normalise_with_map no longer matches normalise"
    assert len(mapping) == len(raw) + 1
    mapping = list(mapping)  # a sparse map object: every boundary, as a list
    assert mapping[0] == 0 or text == "" or mapping[0] <= len(text)
    assert mapping[-1] == len(text)
    assert all(a <= b for a, b in zip(mapping, mapping[1:])), "the map must be monotonic"


@settings(max_examples=600, deadline=None)
@given(tricky_text)
@example("\ufeffLine one  \r\nLine two\t\r\rEnd  ")
@example("  \n\n e\u0301 \x07 😀 \r\n\r\n")
@example("\u0f73\u0f71\u0301")
def test_map_text_equals_normalise_on_adversarial_text(raw):
    check(raw)


@settings(max_examples=400, deadline=None)
@given(any_text)
def test_map_text_equals_normalise_on_random_text(raw):
    check(raw)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["word", "Ünïcode", "😀", "e\u0301", " ", "  ", "\r\n", "\n",
                                 "\x07", "\ufeff", "\t", "\u2028"]), max_size=30))
def test_kept_words_map_onto_the_same_words(parts):
    """Every whole word of the raw text maps onto exactly that word (NFC) in canonical text."""
    raw = "".join(parts)
    text, mapping = normalise_with_map(raw)
    pos = 0
    for part in parts:
        if part in ("word", "Ünïcode", "😀"):
            assert text[mapping[pos]:mapping[pos + len(part)]] == unicodedata.normalize(
                "NFC", part)
        pos += len(part)


def test_crlf_bom_trailing_spaces_and_controls():
    raw = "\ufeffI: Hallo  \r\nP1: ik\x07 werk 😀 graag\r\n\r\n"
    text, mapping = normalise_with_map(raw)
    assert text == "I: Hallo\nP1: ik werk 😀 graag"
    s = raw.index("werk")
    assert text[mapping[s]:mapping[s + 4]] == "werk"
    s = raw.index("graag")
    assert text[mapping[s]:mapping[s + 5]] == "graag"


def test_canonical_with_map_falls_back_to_alignment(monkeypatch):
    import qualcode.exchange.positions as positions

    monkeypatch.setattr(positions, "normalise", lambda raw: normalise(raw).replace("x", ""))
    text, mapping, aligned = canonical_with_map("ax b  \r\nc")
    assert aligned and text == "a b\nc"
    assert text[mapping[3]:mapping[4]] == "b"


def test_utf16_units_count_bom_crlf_and_astral_twice():
    raw = "\ufeffA😀 b\r\nc𝔄d"
    units = UnitMap(raw, NVIVO_UTF16)
    # UTF-16 offsets as NVivo counts them
    for word in ("A", "b", "c", "d"):
        i = raw.index(word)
        u = codepoint_to_utf16(raw, i)
        assert units.index(u) == (i, True)
        assert utf16_to_codepoint(raw, u) == i
    assert units.total == len(raw.encode("utf-16-le")) // 2
    assert units.index(3)[1] is False  # inside the emoji's surrogate pair
    assert units.index(units.total + 1)[1] is False


def test_codepoint_conventions():
    raw = "\ufeffab\r\ncd"
    assert UnitMap(raw, CODEPOINTS).index(0) == (0, True)
    assert UnitMap(raw, CODEPOINTS).index(3)[0] == raw.index("\n") + 1 - 1  # 'c' is at 3 w/o BOM
    one = UnitMap(raw, Convention(crlf_one=True))
    assert raw[one.index(3)[0]] == "c"
    assert raw[UnitMap(raw, CODEPOINTS).index(4)[0]] == "c"


def test_utf8_bytes():
    text = "één 😀 x"
    assert utf8_to_codepoint(text, len("één ".encode())) == 4
    assert utf8_to_codepoint(text, 1) == 1  # inside é: after it


def test_html_text_maps_text_node_bytes():
    html = ("<p>Één <b>cafè</b> &amp; 😀 daar</p>\n<p>Tweede   alinea<br>regel</p>"
            "<ul><li>één</li><li>twee</li></ul>")
    ht = html_text(html)
    assert ht.text == "Één cafè & 😀 daar\n\nTweede alinea\nregel\n\néén\ntwee"
    content = "Één cafè & 😀 daar\nTweede   alinearegeléééntwee".replace("ééé", "éé")
    # the UTF-8 bytes of the text nodes, as Taguette counts them
    nodes = "Één cafè & 😀 daar" + "\n" + "Tweede   alinea" + "regel" + "één" + "twee"
    del content
    for word in ("cafè", "😀", "daar", "alinea", "regel", "twee"):
        b = len(nodes[:nodes.index(word)].encode())
        e = b + len(word.encode())
        s, t = ht.span(b, e)
        assert ht.text[s:t] == word


def test_html_text_like_a_browser_crlf_and_pre():
    # a browser reads CR LF as one LF, and drops the newline right after <pre>
    html = "<p>Eerste\r\nregel</p>\r\n<pre>\n  code  blok\nnog</pre><p>Één</p>"
    ht = html_text(html)
    nodes = "Eerste\nregel" + "\n" + "  code  blok\nnog" + "Één"
    for word in ("regel", "code  blok", "nog", "Één"):
        b = len(nodes[:nodes.index(word)].encode())
        s, t = ht.span(b, b + len(word.encode()))
        assert ht.text[s:t] == word
