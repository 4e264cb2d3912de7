"""Sentence boundaries (spaCy sentencizer), for snapping a rough selection to whole sentences."""

from __future__ import annotations

from .nlp import pipeline


def sentence_spans(text: str, lang: str | None = None) -> list[tuple[int, int]]:
    """(start, end) code-point offsets of each sentence; spaCy's character offsets are Python
    string indices, so they are code points into ``text``."""
    spans = []
    for sent in pipeline(lang)(text).sents:
        start, end = sent.start_char, sent.end_char
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            spans.append((start, end))
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
