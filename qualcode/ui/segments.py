"""Cutting a transcript into segments for display: each boundary of a coding or of the current
selection starts a new segment, so every segment has one set of codes over it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Mark:
    start: int
    end: int
    code: str
    color: str


def segments(text: str, marks: list[Mark], selection: tuple[int, int] | None = None,
             labels: list[tuple[int, int]] = ()) -> list[dict]:
    """JSON-ready segments ``{s, e, t, c, n, sel, lab}`` covering ``text`` exactly, in order.

    ``s``/``e`` are code-point offsets, ``t`` the text, ``c`` the colour of the innermost
    (shortest) coding over it, ``n`` the names of all codes over it, ``sel`` whether it lies in
    the current selection, ``lab`` whether it is part of a speaker label (``labels`` spans).
    """
    def clamp(x: int) -> int:
        return max(0, min(x, len(text)))

    cuts = {0, len(text)}
    for m in marks:
        cuts.update((clamp(m.start), clamp(m.end)))
    if selection:
        cuts.update(clamp(x) for x in selection)
    for s, e in labels:
        cuts.update((clamp(s), clamp(e)))
    bounds = sorted(cuts)
    out = []
    for s, e in zip(bounds, bounds[1:]):
        if s == e:
            continue
        over = sorted((m for m in marks if m.start <= s and e <= m.end),
                      key=lambda m: (m.end - m.start, m.code))
        out.append({
            "s": s, "e": e, "t": text[s:e],
            "c": over[0].color if over else None,
            "n": " · ".join(dict.fromkeys(m.code for m in over)),
            "sel": bool(selection and selection[0] <= s and e <= selection[1]),
            "lab": any(ls <= s and e <= le for ls, le in labels),
        })
    return out
