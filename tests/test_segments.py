from __future__ import annotations

from qualcode.ui.segments import Mark, segments


def test_segments_cover_the_text_and_carry_overlaps():
    text = "Ik 😀 leer enorm veel bij."
    marks = [Mark(0, 10, "A", "#111111"), Mark(5, 15, "B", "#222222")]
    segs = segments(text, marks, selection=(3, 4))
    assert "".join(s["t"] for s in segs) == text
    assert [(s["s"], s["e"]) for s in segs] == [(0, 3), (3, 4), (4, 5), (5, 10), (10, 15), (15, 25)]
    by_start = {s["s"]: s for s in segs}
    assert by_start[3]["t"] == "😀" and by_start[3]["sel"] and by_start[3]["n"] == "A"
    assert by_start[5]["n"] == "A · B" and by_start[5]["c"] == "#111111"  # shorter coding on top
    assert by_start[10]["n"] == "B" and by_start[15]["c"] is None


def test_speaker_labels_are_marked():
    text = "Interviewer: Dag\nP1: Hallo"
    segs = segments(text, [], labels=[(0, 13), (17, 21)])
    assert [(s["t"], s["lab"]) for s in segs] == [("Interviewer: ", True), ("Dag\n", False),
                                                  ("P1: ", True), ("Hallo", False)]


def _segments_by_definition(text, marks, selection=None, labels=()):
    """The old definition: every segment compared with every coding (the reference)."""
    def clamp(x):
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


def test_sweep_matches_the_old_definition_on_random_inputs():
    import random

    rng = random.Random(1234)
    for _ in range(400):
        n = rng.randrange(0, 60)
        text = "".join(rng.choice("ab 😀\n.") for _ in range(n))
        marks = []
        for _ in range(rng.randrange(0, 12)):
            s = rng.randrange(-3, n + 3)
            e = s + rng.randrange(0, 20)
            marks.append(Mark(s, e, rng.choice("ABCD"), rng.choice(["#111111", "#222222"])))
        selection = None
        if rng.random() < 0.5:
            s = rng.randrange(0, n + 1)
            selection = (s, min(n, s + rng.randrange(0, 10)))
        labels = []
        pos = 0
        while pos < n and rng.random() < 0.7:  # labels do not overlap, as speaker labels
            s = pos + rng.randrange(0, 8)
            e = s + rng.randrange(0, 6)
            labels.append((s, e))
            pos = e + 1
        assert segments(text, marks, selection, labels) == \
            _segments_by_definition(text, marks, selection, labels), (text, marks, selection,
                                                                       labels)
