"""Finding speaker turns in plain transcript text, in place (the text itself is not rewritten).

Recognised forms, each indented or not, with an optional timestamp before the label, right
after it, or after the colon:
  ``Interviewer: ...``, ``I: ...``, ``R: ...``, ``P1: ...``, ``Anna de Vries: ...`` (inline label)
  ``[00:01:02] P1: ...``, ``00:01:02 P1: ...``, ``P1 (00:01:02): ...``, ``Tim Smith: [01:46] ...``
  ``Anna (moderator): ...`` (a role in brackets is part of the speaker), ``- P1: ...`` (bullet)
  ``Anna de Vries   0:03`` or ``[Anna de Vries] 00:01:02`` on a line of its own (Teams/Otter style
  header), the words following on the next lines.

Which labels are speakers:
  * a well-known label (Interviewer, I, R, P1, Respondent, ...), or one with a timestamp before
    it or right after it, or a header line, always;
  * any other label when it recurs (so that "Wat ik bedoel: ..." is not a speaker);
  * a label that occurs once but is within a small edit distance of a recurring speaker
    ("Particpant:" next to "Participant:") is that speaker (the text keeps what the file says);
  * bracketed non-speech (``[inaudible 00:01:42]``, ``[laughter]``) is never a speaker;
  * section markers (``Break:``, ``Intro:``, ``Outro:``) that never alternate with a speaker
    are not speakers: they start a turn without a speaker.

Everything is one pass over the lines plus work per distinct label: linear in the text.
"""

from __future__ import annotations

import re
from collections import Counter

from .document import TurnSpan
from .timecodes import parse_timecode

_TS = r"\d{1,3}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?"
_NAME = r"[^\W\d_][\w.'’\-]*(?:[ ][\w.'’\-]+){0,3}"
_LABEL = rf"(?:{_NAME}|[A-Z]{{1,3}}\d{{1,3}})"

_INLINE = re.compile(
    rf"^[ \t]*(?:[-–•*][ \t]+)?"
    rf"(?:(?:\[(?P<ts_a>{_TS})\]|\((?P<ts_b>{_TS})\)|(?P<ts_c>{_TS}))[ \t]+(?:[-–—][ \t]+)?)?"
    rf"(?:\[(?P<blabel>{_LABEL})\]|(?P<label>{_LABEL}(?:[ \t]*\([^()\d:\n]{{1,30}}\))?))"
    rf"(?:[ \t]*(?:\[(?P<ts_d>{_TS})\]|\((?P<ts_e>{_TS})\)))?"
    r"[ \t]*:(?![/\d])[ \t]*"
    rf"(?:(?:\[(?P<ts_f>{_TS})\]|\((?P<ts_g>{_TS})\))(?:[ \t]+|$))?"
)
_HEADER = re.compile(
    rf"^[ \t]*\[?(?P<label>{_LABEL})\]?[ \t]*[\[(]?(?P<ts>{_TS})[\])]?[ \t]*$"
    rf"|^[ \t]*[\[(]?(?P<ts2>{_TS})[\])]?[ \t]+\[?(?P<label2>{_LABEL})\]?[ \t]*$"
)

KNOWN_LABELS = re.compile(
    r"^(?:I|R|Q|A|Int|Interviewer|Interviewee|Interviewster|Respondent|Resp|Participant|"
    r"Deelnemer|Geïnterviewde|Moderator|Facilitator|Speaker \d+|Spreker \d+|[A-Z]{1,3}\d{1,3})$",
    re.IGNORECASE,
)
# Words that open bracketed or labelled non-speech: never a speaker.
NON_SPEECH = frozenset("""
inaudible unintelligible indistinct crosstalk cross-talk laughter laughs laughing laugh
silence silent music noise applause coughs cough sighs sigh unclear overlapping
background phone interruption interrupted inaudable onverstaanbaar onhoorbaar lacht lachen
gelach stilte door-elkaar
""".split())
# Section markers: not speakers unless they alternate with others like a speaker does.
SECTION_WORDS = frozenset("""
break pause intro introduction outro closing opening end ending part section chapter summary
note notes transcript date time location place duration title topic subject session recording
interview start begin pauze einde inleiding afsluiting samenvatting deel opmerking opmerkingen
datum tijd plaats locatie duur onderwerp
""".split())
# These mark a section even when they occur once.
STRONG_SECTION_WORDS = frozenset("break pause pauze intro introduction outro end ending einde "
                                 "closing opening".split())


def _key(label: str) -> str:
    return " ".join(label.casefold().split())


def _candidates(text: str):
    """Yield (line_start, kind, label, ts, strong, content_start, key) per labelled line;
    ``strong``: a timestamp before or right after the label, or a header line."""
    pos = 0
    inline, header = _INLINE.match, _HEADER.match
    for line in text.split("\n"):
        if ":" in line:
            m = inline(line)
            if m:
                label = (m.group("label") or m.group("blabel")).strip()
                first = label.split(" ", 1)[0].casefold()
                if first not in NON_SPEECH:
                    before = m.group("ts_a") or m.group("ts_b") or m.group("ts_c")
                    right = m.group("ts_d") or m.group("ts_e")
                    after = m.group("ts_f") or m.group("ts_g")
                    yield (pos, "inline", label, before or right or after, bool(before or right),
                           pos + m.end(), _key(label))
                    pos += len(line) + 1
                    continue
            h = header(line)
            if h:
                label = (h.group("label") or h.group("label2")).strip()
                if label.split(" ", 1)[0].casefold() not in NON_SPEECH:
                    yield (pos, "header", label, h.group("ts") or h.group("ts2"), True,
                           pos + len(line), _key(label))
        pos += len(line) + 1


def _within(a: str, b: str, limit: int) -> bool:
    """Levenshtein distance of ``a`` and ``b`` is at most ``limit`` (labels are short)."""
    if abs(len(a) - len(b)) > limit:
        return False
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        if min(cur) > limit:
            return False
        prev = cur
    return prev[-1] <= limit


def find_turns(text: str) -> list[TurnSpan]:
    """Speaker turns in ``text``; text without recognisable labels is one turn per paragraph."""
    found = list(_candidates(text))
    counts = Counter(c[6] for c in found)
    # The most frequent spelling of each label (case-insensitive) names the speaker.
    spelling = Counter((c[6], c[2]) for c in found)
    name: dict[str, str] = {}
    for (k, label), _n in spelling.most_common():
        name.setdefault(k, label)
    known = {k: bool(KNOWN_LABELS.match(name[k])) for k in counts}
    strong = {c[6] for c in found if c[4]}
    speakers = {k for k in counts if counts[k] >= 2 or known[k] or k in strong}
    speakers |= {k for k in counts if k in STRONG_SECTION_WORDS}
    markers = _section_markers(found, speakers)
    speakers -= markers
    # A once-only label close to a recurring (or well-known) speaker is that speaker, misspelt.
    recurring = [k for k in speakers if len(k) >= 4 and (counts[k] >= 2 or known[k])]
    alias: dict[str, str] = {}
    if recurring and len(recurring) <= 50:
        once = sorted(k for k in set(counts) - speakers - markers
                      if counts[k] == 1 and len(k) >= 4)
        for k in once[:5000]:  # bounded: a transcript has a few misspellings, not thousands
            limit = 1 if len(k) < 8 else 2
            match = [r for r in recurring if _within(k, r, limit)]
            if len(match) == 1:
                alias[k] = match[0]

    accepted = []  # (line_start, speaker or None, ts, content_start)
    for c in found:
        k = c[6]
        if k in speakers:
            accepted.append((c[0], name[k], c[3], c[5]))
        elif k in markers:
            accepted.append((c[0], None, c[3], c[0]))
        elif k in alias:
            accepted.append((c[0], name[alias[k]], c[3], c[5]))
    if not accepted:
        return paragraphs(text)

    turns: list[TurnSpan] = []
    if text[: accepted[0][0]].strip():
        turns.extend(paragraphs(text, end=accepted[0][0]))
    # Each timed turn ends where the next timed turn starts: one backward pass.
    times = [_seconds(a[2]) for a in accepted]
    ends: list[float | None] = [None] * len(accepted)
    nxt = None
    for i in range(len(accepted) - 1, -1, -1):
        if times[i] is not None:
            if nxt is not None and nxt >= times[i]:
                ends[i] = nxt
            nxt = times[i]
    n = len(text)
    for i, (_ls, speaker, _ts, content_start) in enumerate(accepted):
        start = content_start
        end = accepted[i + 1][0] if i + 1 < len(accepted) else n
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        turns.append(TurnSpan(speaker, start, end, times[i], ends[i]))
    return turns


def _seconds(ts: str | None) -> float | None:
    if not ts:
        return None
    if len(ts) == 5 and ts[2] == ":" and ts[:2].isdigit() and ts[3:].isdigit():
        return float(int(ts[:2]) * 60 + int(ts[3:]))  # MM:SS, the common case, fast
    try:
        return parse_timecode(ts)
    except ValueError:
        return None


def _section_markers(found, speakers: set[str]) -> set[str]:
    """Labels named like a section (Break, Intro, Outro, ...) that never alternate with another
    speaker (never X, other, X in the sequence of labelled lines)."""
    names = {k for k in speakers if k in SECTION_WORDS and not KNOWN_LABELS.match(k)}
    if not names:
        return set()
    seq = [c[6] for c in found if c[6] in speakers]
    alternating = {seq[i] for i in range(len(seq) - 2)
                   if seq[i] in names and seq[i + 2] == seq[i] and seq[i + 1] != seq[i]}
    return names - alternating


def paragraphs(text: str, start: int = 0, end: int | None = None) -> list[TurnSpan]:
    """Unlabelled text: one turn (with no speaker) per blank-line separated paragraph."""
    end = len(text) if end is None else end
    spans = []
    for m in re.finditer(r"(?:[^\n]|\n(?![ \t]*\n))+", text[start:end]):
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
