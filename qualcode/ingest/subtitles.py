"""WebVTT (.vtt, Zoom/Teams) and SubRip (.srt) captions to canonical text with timed turns.

Speakers come from ``<v Name>`` voice tags (Teams) or a ``Name:`` prefix (Zoom). Consecutive cues
of one speaker are joined into one turn (captions without speakers: until a pause or ~1,000
characters); each turn is one line ``Name: words`` of the canonical
text, and its times are kept on the turn, not in the text.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from .decode import normalise
from .document import TurnSpan
from .timecodes import parse_timecode

_ARROW = re.compile(
    r"^\s*(?P<a>(?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})\s*-->\s*(?P<b>(?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})"
)
_VOICE = re.compile(r"<v(?:\.[\w.-]+)?\s+([^>]+)>")
_TAG = re.compile(r"</?[^>]+>")
_PREFIX = re.compile(r"^(?P<name>[^\W\d_][\w.'’\- ]{0,40}?):\s+(?=\S)")


MAX_SECONDS = 1000 * 3600  # a caption time beyond 1,000 hours is not a recording's
PAUSE = 2.0  # seconds between captions without speakers that start a new turn
MAX_UNVOICED = 1000  # characters of captions without speakers in one turn


@dataclass
class Cue:
    start: float
    end: float
    speaker: str | None
    text: str


class CaptionError(ValueError):
    pass


def parse_cues(text: str, fmt: str) -> list[Cue]:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if fmt == "vtt" and not lines[0].lstrip("\ufeff").startswith("WEBVTT"):
        raise CaptionError("not a WebVTT file: the first line must be 'WEBVTT'")
    cues: list[Cue] = []
    i = 0
    number = 0
    while i < len(lines):
        m = _ARROW.match(lines[i])
        if not m:
            i += 1
            continue
        number += 1
        start, end = _times(m.group("a"), m.group("b"), number, i + 1)
        i += 1
        body = []
        while i < len(lines) and lines[i].strip():
            body.append(lines[i].strip())
            i += 1
        cue = _make_cue(start, end, " ".join(body), fmt)
        if cue.text:
            cues.append(cue)
    if not cues:
        raise CaptionError("no caption cues with timecodes found")
    return cues


def _times(a: str, b: str, number: int, line: int) -> tuple[float, float]:
    """A cue's start and end in seconds; an impossible time is refused with the cue's number."""
    where = f"caption cue {number} (line {line:,})"
    try:
        start, end = parse_timecode(a), parse_timecode(b)
    except ValueError as exc:
        raise CaptionError(f"{where}: {exc}") from None
    for value, text in ((start, a), (end, b)):
        parts = re.split(r"[:.,]", text.strip())[:-1]  # [hours,] minutes, seconds
        if int(parts[-1]) >= 60 or (len(parts) == 3 and int(parts[-2]) >= 60):
            raise CaptionError(f"{where}: '{text}' has minutes or seconds of 60 or more")
        if value > MAX_SECONDS:
            raise CaptionError(f"{where}: the time '{text[:30]}' is beyond 1,000 hours; not a "
                               "recording's time")
    if end < start:
        raise CaptionError(f"{where}: it ends ({b}) before it starts ({a})")
    return start, end


def _make_cue(start: float, end: float, raw: str, fmt: str) -> Cue:
    speaker = None
    voice = _VOICE.search(raw)
    if voice:
        speaker = normalise(html.unescape(voice.group(1)) if fmt == "vtt" else voice.group(1))
        speaker = " ".join(speaker.split())[:255] or None
    words = _TAG.sub("", raw)
    if fmt == "vtt":
        words = html.unescape(words)
    words = normalise(re.sub(r"\s+", " ", words))
    if speaker is None:
        prefix = _PREFIX.match(words)
        if prefix:
            speaker = prefix.group("name").strip()
            words = words[prefix.end() :]
    return Cue(start, end, speaker, words)


def cues_to_text(cues: list[Cue]) -> tuple[str, list[TurnSpan]]:
    """Merge same-speaker runs into turns; return the canonical text and its turns.
    Linear: each run's words are collected in a list and joined once."""
    parts: list[str] = []
    turns: list[TurnSpan] = []
    offset = 0
    i = 0
    while i < len(cues):
        first = cues[i]
        words = [first.text]
        size = len(first.text)
        j = i + 1
        while j < len(cues) and cues[j].speaker == first.speaker:
            # Captions without speakers: a pause of 2 s or ~1,000 characters ends a turn, so
            # a quote is located by its own turn and time, not "turn 1" of one endless line.
            if first.speaker is None and (cues[j].start - cues[j - 1].end >= PAUSE
                                          or size >= MAX_UNVOICED):
                break
            words.append(cues[j].text)
            size += len(cues[j].text) + 1
            j += 1
        body = " ".join(words)
        label = f"{first.speaker}: " if first.speaker else ""
        start = offset + len(label)
        parts.append(label + body)
        turns.append(TurnSpan(first.speaker, start, start + len(body), first.start, cues[j - 1].end))
        offset += len(label) + len(body) + 1
        i = j
    return "\n".join(parts), turns
