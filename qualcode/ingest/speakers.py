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

Everything is one regex search over the whole text plus work per distinct label: linear in
the text.
"""

from __future__ import annotations

import re
from collections import Counter

import numpy as np

from .document import TurnSpan
from .limits import MAX_TURNS, check_turns

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


# Both line forms in one pattern, searched over the whole text (no Python loop per line): the
# search jumps from newline to newline (a literal first character), and a line is tried as a
# header only when it is not an inline label, as before.
_SCAN = re.compile(
    r"\n(?:" + _INLINE.pattern[1:] + "|"
    + _HEADER.pattern.replace("^", "", 1).replace("|^", "|")
    .replace("?P<label>", "?P<hlabel>").replace("?P<ts>", "?P<hts>")
    .replace("?P<ts2>", "?P<hts2>").replace("?P<label2>", "?P<hlabel2>") + ")",
    re.M,
)
_G = {name: i - 1 for name, i in _SCAN.groupindex.items()}


def _header(text: str, start: int, out: list, labels: dict) -> None:
    end = text.find("\n", start)
    line = text[start:] if end < 0 else text[start:end]
    h = _HEADER.match(line)
    if h:
        label = (h.group("label") or h.group("label2")).strip()
        if label.split(" ", 1)[0].casefold() not in NON_SPEECH:
            out.append((start, "header", label, h.group("ts") or h.group("ts2"), True,
                        start + len(line), _key(label)))


def _candidates(text: str) -> list:
    """(line_start, kind, label, ts, strong, content_start, key) per labelled line;
    ``strong``: a timestamp before or right after the label, or a header line."""
    out: list = []
    labels: dict[str, str | None] = {}  # label -> key, or None for non-speech
    g_label, g_blabel = _G["label"], _G["blabel"]
    g_a, g_b, g_c, g_d, g_e, g_f, g_g = (_G[f"ts_{x}"] for x in "abcdefg")
    g_hl, g_hl2, g_hts, g_hts2 = _G["hlabel"], _G["hlabel2"], _G["hts"], _G["hts2"]
    nonspeech = NON_SPEECH
    append = out.append
    cap = 2 * MAX_TURNS  # labelled lines; a few may turn out not to be speakers
    for m in _SCAN.finditer("\n" + text):
        if len(out) > cap:
            check_turns(len(out))
        g = m.groups()
        pos = m.start()  # the line start in ``text`` (the searched string has one "\n" more)
        label = g[g_label] or g[g_blabel]
        if label is not None:
            key = labels.get(label, "")
            if key == "":
                stripped = label.strip()
                key = labels[label] = (None if stripped.split(" ", 1)[0].casefold() in nonspeech
                                       else _key(stripped))
            if key is None:
                _header(text, pos, out, labels)
                continue
            before = g[g_a] or g[g_b] or g[g_c]
            right = g[g_d] or g[g_e]
            append((pos, "inline", label.strip(), before or right or g[g_f] or g[g_g],
                    bool(before or right), m.end() - 1, key))
        else:
            label = (g[g_hl] or g[g_hl2]).strip()
            if label.split(" ", 1)[0].casefold() not in nonspeech:
                append((pos, "header", label, g[g_hts] or g[g_hts2], True, m.end() - 1,
                        _key(label)))
    return out


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
    return find_turns_explained(text)[0]


# A numbered task or prompt ("3.a Please explain", "2) Now open", "Task 3", "Opdracht 2:") or a
# Markdown heading: in a think-aloud transcript it starts a section nobody says (matched at a
# paragraph's start: ``match(text, pos)``, so no ``^``).
_PROMPT = re.compile(
    r"[ \t]*(?:#{1,6}[ \t]|\d{1,3}(?:[.)]\w{0,2})+[ \t]+\S|\d{1,3}[.)]\w{0,2}[ \t]*$"
    r"|(?:task|taak|opdracht|scenario|question|vraag|exercise|oefening|step|stap)[ \t]*\d{1,3}\b)",
    re.IGNORECASE)
# A paragraph break: a line end followed by a blank line. Paragraphs are the runs between
# breaks, found by scanning for the breaks: a pattern matching the paragraphs themselves,
# (?:[^\n]|\n(?![ \t]*\n))+, made the regular-expression engine keep state per character
# (1.1 GB for an 8 MiB paragraph).
_BREAK = re.compile(r"\n(?=[ \t]*\n)")
_WORD = re.compile(r"\S")


def paragraph_spans(text: str, start: int = 0, end: int | None = None):
    """``(start, end)`` of each blank-line separated run of ``text[start:end]`` that is not
    only white space, in constant memory per paragraph."""
    end = len(text) if end is None else end
    pos = start
    for m in _BREAK.finditer(text, start, end):
        if m.start() > pos and _WORD.search(text, pos, m.start()):
            yield pos, m.start()
        pos = m.end()
    if end > pos and _WORD.search(text, pos, end):
        yield pos, end


def find_turns_explained(text: str) -> tuple[list[TurnSpan], str]:
    """Speaker turns in ``text`` and a sentence saying how the document's structure was read
    (for the ingest report):

    * no labels: the words are one respondent's (one turn per paragraph);
    * labels of two or more speakers (alternating): an unlabelled paragraph continues the
      previous speaker's turn;
    * one speaker labelled (at least twice) while most paragraphs are unlabelled (think-aloud:
      only ``MODERATOR:`` lines): a label applies to its own paragraph, unlabelled paragraphs
      are the other, unlabelled speaker's, and numbered prompts or headings between them
      start sections nobody says."""
    turns, accepted = _find(text)
    if accepted is None:
        return turns, "no speaker labels: the text is taken as one respondent's words"
    named = Counter(a[1] for a in accepted if a[1] is not None)
    if len(named) == 1:
        speaker, times = named.most_common(1)[0]
        if _phrase_like(speaker):  # a heading or a sentence's start, not a person: no labels
            return paragraphs(text, respondent=True), (
                f"no speaker labels: '{speaker}:' ({times} times) reads as a heading, not a "
                "person's name; the text is taken as one respondent's words")
        paras = list(paragraph_spans(text))
        starts = sorted(a[0] for a in accepted)
        labelled = _labelled_paragraphs(paras, starts)
        if times >= 2 and labelled * 2 < len(paras):
            spans, prompts = _per_paragraph(text, paras, accepted)
            return spans, (
                f"only '{speaker}' is labelled ({times} times) and {len(paras) - labelled} of "
                f"{len(paras)} paragraphs are unlabelled: each label applies to its own "
                "paragraph, the unlabelled paragraphs are the other (unlabelled) speaker's"
                + (f", and {prompts} numbered prompt(s) or heading(s) start sections without a "
                   "speaker" if prompts else ""))
    return turns, (f"labels of {len(named)} speaker(s): an unlabelled paragraph continues the "
                   "previous speaker's turn")


# Lower-case words that belong inside a person's name (Anna de Vries, Jan van der Berg).
_NAME_PARTICLES = frozenset("""
de van der den von la le da di du del della des ten ter te 't bin ibn al el y zu dos das do
""".split())


def _phrase_like(label: str) -> bool:
    """``label`` reads as a heading or the start of a sentence ("Flexibly deploying talent",
    "Voor de uitlenende organisatie", "deze domeinen"), not as a person, a role or a known
    label: it starts in lower case, or a later word does that is no name particle."""
    if KNOWN_LABELS.match(label):
        return False
    words = label.split()
    if words[0][:1].islower():
        return True
    return any(w[:1].islower() and w.casefold() not in _NAME_PARTICLES for w in words[1:])


def _labelled_paragraphs(paras: list[tuple[int, int]], starts: list[int]) -> int:
    from bisect import bisect_left

    n = 0
    for a, b in paras:
        i = bisect_left(starts, a)
        if i < len(starts) and starts[i] < b:
            n += 1
    return n


def _per_paragraph(text: str, paras, accepted) -> tuple[list[TurnSpan], int]:
    """Turns where a label applies to its own paragraph (see ``find_turns_explained``)."""
    by_start = {a[0]: a for a in accepted}
    starts = sorted(by_start)
    from bisect import bisect_left

    out: list[TurnSpan] = []
    prompts = 0
    for a, b in paras:
        i = bisect_left(starts, a)
        inside = []
        while i < len(starts) and starts[i] < b:
            inside.append(by_start[starts[i]])
            i += 1
        pos = a
        if inside and text[a:inside[0][0]].strip():  # words before the paragraph's first label
            s, e = _trim(text, a, inside[0][0])
            out.append(TurnSpan(None, s, e, respondent=True))
        for k, (line_start, speaker, ts, content) in enumerate(inside):
            end = inside[k + 1][0] if k + 1 < len(inside) else b
            s, e = _trim(text, content, end)
            if speaker is None:  # a section marker: the section starts here, nobody says it
                out.append(TurnSpan(None, s, e))
            elif s <= e:
                out.append(TurnSpan(speaker, s, e, _seconds(ts)))
            pos = end
        if not inside:
            s, e = _trim(text, pos, b)
            prompt = bool(_PROMPT.match(text, s))
            prompts += prompt
            out.append(TurnSpan(None, s, e, respondent=not prompt))
    return out, prompts


def _find(text: str) -> tuple[list[TurnSpan], list | None]:
    """The turns (labels alternating) and the accepted labelled lines (None: no labels)."""
    found = _candidates(text)
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

    # Each distinct label is decided once: (speaker, whether the label is cut off the words).
    resolved: dict[str, tuple[str | None, bool]] = {}
    for k in counts:
        if k in speakers:
            resolved[k] = (name[k], True)
        elif k in markers:
            resolved[k] = (None, False)
        elif k in alias:
            resolved[k] = (name[alias[k]], True)
    get = resolved.get
    # (line_start, speaker or None, ts, content_start)
    accepted = [(c[0], r[0], c[3], c[5] if r[1] else c[0])
                for c in found if (r := get(c[6])) is not None]
    if not accepted:  # no labels: one respondent's words (or a monologue)
        return paragraphs(text, respondent=True), None

    turns: list[TurnSpan] = []
    if text[: accepted[0][0]].strip():
        turns.extend(paragraphs(text, end=accepted[0][0]))
    # Each timed turn ends where the next timed turn starts: one backward pass.
    times, ends = _times([a[2] for a in accepted])
    stops = [a[0] for a in accepted]
    stops.append(len(text))
    append = turns.append
    for (_ls, speaker, _ts, start), end, t0, t1 in zip(accepted, stops[1:], times, ends):
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        append(TurnSpan(speaker, start, end, t0, t1))
    return turns, accepted


def _times(stamps: list[str | None]) -> tuple[list, list]:
    """Start and end (the next timed turn's start, when not earlier) in seconds per turn.
    Every turn stamped in one fixed form (``HH:MM:SS`` or ``MM:SS``, the usual case) is read
    as one block of digits by numpy; anything else one stamp at a time."""
    n = len(stamps)
    fast = _uniform_times(stamps) if n > 16 else None
    if fast is not None:
        times = fast.tolist()
        later = fast[1:] >= fast[:-1]
        ends = [t if ok else None for t, ok in zip(times[1:], later.tolist())]
        ends.append(None)
        return times, ends
    times = [_seconds(ts) if ts else None for ts in stamps]
    ends: list[float | None] = [None] * n
    nxt = None
    for i in range(n - 1, -1, -1):  # each timed turn ends where the next timed turn starts
        if times[i] is not None:
            if nxt is not None and nxt >= times[i]:
                ends[i] = nxt
            nxt = times[i]
    return times, ends


_FORMS = {8: ((0, 36000), (1, 3600), (3, 600), (4, 60), (6, 10), (7, 1)),  # HH:MM:SS
          5: ((0, 600), (1, 60), (3, 10), (4, 1))}  # MM:SS


def _uniform_times(stamps: list) -> np.ndarray | None:
    """Seconds of stamps that all have the same ASCII form, ``HH:MM:SS`` or ``MM:SS``."""
    if None in stamps:
        return None
    lengths = set(map(len, stamps))
    if len(lengths) != 1:
        return None
    width = lengths.pop()
    form = _FORMS.get(width)
    joined = "".join(stamps)
    if form is None or not joined.isascii():
        return None
    digits = np.frombuffer(joined.encode("ascii"), dtype=np.uint8).reshape(-1, width) - 48
    colons = [2, 5] if width == 8 else [2]
    if (digits[:, colons] != 10).any() or (np.delete(digits, colons, axis=1) > 9).any():
        return None
    total = np.zeros(len(stamps), dtype=np.int64)
    for column, weight in form:
        total += digits[:, column].astype(np.int64) * weight
    return total.astype(np.float64)


def _seconds(ts: str | None) -> float | None:
    """A timestamp as the label patterns find it (``_TS``) in seconds, as ``parse_timecode``
    reads it (minutes without hours have at most two digits), without a regex per turn."""
    if not ts:
        return None
    parts = ts.split(":")
    last = parts[-1]
    if len(parts) == 2:
        if len(parts[0]) > 2:
            return None
        total = int(parts[0]) * 60 + int(last[:2])
    else:
        total = int(parts[0]) * 3600 + int(parts[1]) * 60 + int(last[:2])
    if len(last) > 2:
        total += int(last[3:].ljust(3, "0")) / 1000
    return float(total)


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


def paragraphs(text: str, start: int = 0, end: int | None = None, *,
               respondent: bool = False) -> list[TurnSpan]:
    """Unlabelled text: one turn (with no speaker) per blank-line separated paragraph;
    ``respondent``: words of the transcript's unlabelled respondent (not headings)."""
    end = len(text) if end is None else end
    spans = []
    for s, e in paragraph_spans(text, start, end):
        s, e = _trim(text, s, e)
        if s < e:
            spans.append(TurnSpan(speaker=None, start=s, end=e, respondent=respondent))
            if len(spans) > MAX_TURNS:
                check_turns(len(spans))  # stops here: memory bounded by the limit
    return spans


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
