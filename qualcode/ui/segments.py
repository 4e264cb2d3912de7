"""Cutting a transcript into segments for display: each boundary of a coding or of the current
selection starts a new segment, so every segment has one set of codes over it.

One sweep over the sorted boundaries: O((n + m) log n) for n codings and m segments (each
segment sorts only the codings open over it), instead of comparing every segment with every
coding."""

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
    n = len(text)

    def clamp(x: int) -> int:
        return max(0, min(x, n))

    # (position, kind, index): kind 0 closes, 1 opens, so a span ending where another starts
    # is closed first; empty (after clamping) spans never cover anything.
    cuts = {0, n}
    events: list[tuple[int, int, int]] = []
    for i, m in enumerate(marks):
        s, e = clamp(m.start), clamp(m.end)
        cuts.update((s, e))
        if s < e:
            events.append((s, 1, i))
            events.append((e, 0, i))
    label_events = []
    for s, e in labels:
        cs, ce = clamp(s), clamp(e)
        cuts.update((cs, ce))
        if cs < ce:
            label_events.append((cs, 1))
            label_events.append((ce, -1))
    if selection:
        cuts.update(clamp(x) for x in selection)
    bounds = sorted(cuts)
    events.sort()
    label_events.sort()

    open_marks: dict[int, Mark] = {}
    in_label = 0
    ei = li = 0
    out = []
    for s, e in zip(bounds, bounds[1:]):
        while ei < len(events) and events[ei][0] <= s:
            _, kind, i = events[ei]
            if kind:
                open_marks[i] = marks[i]
            else:
                open_marks.pop(i, None)
            ei += 1
        while li < len(label_events) and label_events[li][0] <= s:
            in_label += label_events[li][1]
            li += 1
        if s == e:
            continue
        over = sorted(open_marks.values(), key=lambda m: (m.end - m.start, m.code))
        out.append({
            "s": s, "e": e, "t": text[s:e],
            "c": over[0].color if over else None,
            "n": " · ".join(dict.fromkeys(m.code for m in over)),
            "sel": bool(selection and selection[0] <= s and e <= selection[1]),
            "lab": in_label > 0,
        })
    return out
