"""Sentence boundaries (spaCy sentencizer), for snapping a rough selection to whole sentences."""

from __future__ import annotations

from .language import pipeline


def sentence_spans(text: str, lang: str | None = None) -> list[tuple[int, int]]:
    """(start, end) code-point offsets of each sentence; spaCy's character offsets are Python
    string indices, so they are code points into ``text``."""
    return doc_sentence_spans(pipeline(lang)(text))


def doc_sentence_spans(doc, base: int = 0) -> list[tuple[int, int]]:
    """The sentences of a spaCy ``doc`` without their trailing white space, as (start, end)
    offsets into its text shifted by ``base`` (where that text starts in a longer one)."""
    text = doc.text
    spans = []
    for sent in doc.sents:
        start, end = sent.start_char, sent.end_char
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            spans.append((base + start, base + end))
    return spans


def snap_to_sentences(text: str, start: int, end: int, lang: str | None = None,
                      spans: list[tuple[int, int]] | None = None) -> tuple[int, int]:
    """Widen ``[start, end)`` to the whole sentences it touches (never across a blank line)."""
    spans = spans if spans is not None else sentence_spans(text, lang)
    touched = [(s, e) for s, e in spans if s < end and e > start]
    if not touched:
        return start, end
    new_start, new_end = min(s for s, _ in touched), max(e for _, e in touched)
    # keep within the paragraph the selection started and ended in
    para_start = text.rfind("\n\n", 0, start)
    para_end = text.find("\n\n", end)
    if para_start >= 0:
        new_start = max(new_start, para_start + 2)
    if para_end >= 0:
        new_end = min(new_end, para_end)
    return min(new_start, start), max(new_end, end)


def snap_in_turns(text: str, start: int, end: int, turns, lang: str | None = None
                  ) -> tuple[int, int]:
    """Widen ``[start, end)`` to whole sentences without leaving the speaker turns it lies in and
    without taking a speaker label: turns (``.start``/``.end``) cover the words after the label.

    The start snaps inside the turn holding it (or the next turn, if it lies in a label), the
    end inside the turn holding it (or the previous one); only those turns' words are split into
    sentences, so this stays fast on long transcripts."""
    regions = sorted((t.start, t.end) for t in turns if t.end > t.start)
    if not regions:
        return snap_to_sentences(text, start, end, lang)
    first = next((r for r in regions if r[1] > start), None)
    last = next((r for r in reversed(regions) if r[0] < end), None)
    if first is None or last is None or first[0] >= end or last[1] <= start or first > last:
        return start, end
    start, end = max(start, first[0]), min(end, last[1])

    def snapped(region, a, b):
        base = region[0]
        spans = [(s + base, e + base) for s, e in sentence_spans(text[region[0]:region[1]], lang)]
        return snap_to_sentences(text, a, b, lang, spans=spans)

    if first == last:
        s, e = snapped(first, start, end)
    else:
        s, _ = snapped(first, start, min(end, first[1]))
        _, e = snapped(last, max(start, last[0]), end)
    return max(s, first[0]), min(e, last[1])
