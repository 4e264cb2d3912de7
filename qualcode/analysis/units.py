"""Units of analysis for inter-coder agreement: speaker turns, sentences, paragraphs, characters.

Every unit is a (start, end) span of code-point offsets into the canonical transcript text, in
text order, not overlapping. A coding *touches* a unit when the two share at least one
character (``coding.start < unit.end and coding.end > unit.start``).

* **turn**: the stored speaker turns (the words after the speaker label); a transcript without
  turns is one unit;
* **sentence**: the spaCy sentencizer (as for *Expand to whole sentences*), in the
  transcript's language;
* **paragraph**: blocks of text separated by a blank line (a line holding only white space);
* **character**: every character; it is computed in runs of characters that every coder
  treated alike, each run weighted by its length (see ``analysis.agreement``).
"""

from __future__ import annotations

import re

from ..errors import ValidationError
from ..coding.spans import trim_span

UNIT_KINDS = ("turn", "sentence", "paragraph", "character")

_BLANK_LINE = re.compile(r"\n[^\S\n]*\n\s*")


def check_unit(unit: str) -> str:
    if unit not in UNIT_KINDS:
        raise ValidationError(f"unknown unit '{unit}': use one of {', '.join(UNIT_KINDS)}")
    return unit


def _trimmed(text: str, start: int, end: int) -> tuple[int, int] | None:
    start, end = trim_span(text, start, end)
    return (start, end) if end > start else None


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """Blocks separated by blank lines, without the white space around them."""
    spans, start = [], 0
    for match in _BLANK_LINE.finditer(text):
        span = _trimmed(text, start, match.start())
        if span:
            spans.append(span)
        start = match.end()
    span = _trimmed(text, start, len(text))
    if span:
        spans.append(span)
    return spans


def turn_spans(turns: list[tuple[int, int]], length: int) -> list[tuple[int, int]]:
    """Speaker turns (start, end) in text order; the whole text when there are none."""
    spans = sorted((s, e) for s, e in turns if e > s)
    if not spans:
        return [(0, length)] if length else []
    out = [spans[0]]
    for s, e in spans[1:]:  # never let two units overlap
        s = max(s, out[-1][1])
        if e > s:
            out.append((s, e))
    return out


def sentence_units(text: str, lang: str | None) -> list[tuple[int, int]]:
    from ..corpus.sentences import sentence_spans

    return sentence_spans(text, lang) if text.strip() else []
