"""Finding speaker turns in plain transcript text, in place (the text itself is not rewritten).

Recognised forms, each with an optional timestamp before the label:
  ``Interviewer: ...``, ``I: ...``, ``R: ...``, ``P1: ...``, ``Anna de Vries: ...`` (inline label)
  ``[00:01:02] P1: ...`` or ``00:01:02 P1: ...`` or ``P1 (00:01:02): ...``
  ``Anna de Vries   0:03`` or ``[Anna de Vries] 00:01:02`` on a line of its own (Teams/Otter style
  header), the words following on the next lines.
A label that is not a well-known one (Interviewer, I, R, P1, Respondent, ...) must occur at least
twice, so that a sentence like "Wat ik bedoel: ..." is not taken for a speaker.
"""

from __future__ import annotations

import re
from collections import Counter

from .document import TurnSpan
from .timecodes import parse_timecode

_TS = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?"
_NAME = r"[^\W\d_][\w.'’\-]*(?:[ ][\w.'’\-]+){0,3}"
_LABEL = rf"(?:{_NAME}|[A-Z]{{1,3}}\d{{1,3}})"

_INLINE = re.compile(
    rf"^(?:[\[(]?(?P<ts>{_TS})[\])]?\s+)?"
    rf"\[?(?P<label>{_LABEL})\]?"
    rf"(?:\s*[\[(](?P<ts2>{_TS})[\])])?"
    r"\s*:(?!//)[ \t]*"
)
_HEADER = re.compile(
    rf"^\[?(?P<label>{_LABEL})\]?\s*[\[(]?(?P<ts>{_TS})[\])]?\s*$"
    rf"|^[\[(]?(?P<ts2>{_TS})[\])]?\s+\[?(?P<label2>{_LABEL})\]?\s*$"
)

KNOWN_LABELS = re.compile(
    r"^(?:I|R|Q|A|Int|Interviewer|Interviewee|Interviewster|Respondent|Resp|Participant|"
    r"Deelnemer|Geïnterviewde|Moderator|Facilitator|Speaker \d+|Spreker \d+|[A-Z]{1,3}\d{1,3})$",
    re.IGNORECASE,
)


def _candidates(text: str):
    """Yield (line_start, line_end, kind, label, time, content_start) for each labelled line."""
    pos = 0
    for line in text.split("\n"):
        line_end = pos + len(line)
        m = _INLINE.match(line)
        if m:
            ts = m.group("ts") or m.group("ts2")
            yield pos, line_end, "inline", m.group("label").strip(), ts, pos + m.end()
        else:
            h = _HEADER.match(line)
            if h:
                label = (h.group("label") or h.group("label2")).strip()
                ts = h.group("ts") or h.group("ts2")
                yield pos, line_end, "header", label, ts, line_end
        pos = line_end + 1


def find_turns(text: str) -> list[TurnSpan]:
    """Speaker turns in ``text``; text without recognisable labels is one turn per paragraph."""
    found = list(_candidates(text))
    counts = Counter(c[3] for c in found)
    # A timestamp or a header line is a strong sign; a bare "Label:" needs a known label or repetition.
    accepted = [c for c in found
                if c[2] == "header" or c[4] or KNOWN_LABELS.match(c[3]) or counts[c[3]] >= 2]
    if not accepted:
        return paragraphs(text)

    turns: list[TurnSpan] = []
    if text[: accepted[0][0]].strip():
        turns.extend(paragraphs(text, end=accepted[0][0]))
    for i, (_ls, _le, _kind, label, ts, content_start) in enumerate(accepted):
        next_start = accepted[i + 1][0] if i + 1 < len(accepted) else len(text)
        start, end = _trim(text, content_start, next_start)
        time = parse_timecode(ts) if ts else None
        turns.append(TurnSpan(speaker=label, start=start, end=end, time_start=time))
    return _with_end_times(turns)


def paragraphs(text: str, start: int = 0, end: int | None = None) -> list[TurnSpan]:
    """Unlabelled text: one turn (with no speaker) per blank-line separated paragraph."""
    end = len(text) if end is None else end
    spans = []
    for m in re.finditer(r"(?:[^\n]|\n(?!\s*\n))+", text[start:end]):
        s, e = _trim(text, start + m.start(), start + m.end())
        if s < e:
            spans.append(TurnSpan(speaker=None, start=s, end=e))
    return spans


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _with_end_times(turns: list[TurnSpan]) -> list[TurnSpan]:
    out = []
    for i, turn in enumerate(turns):
        nxt = next((t.time_start for t in turns[i + 1 :] if t.time_start is not None), None)
        if turn.time_start is not None and nxt is not None and nxt >= turn.time_start:
            turn = TurnSpan(turn.speaker, turn.start, turn.end, turn.time_start, nxt)
        out.append(turn)
    return out
