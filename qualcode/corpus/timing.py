"""Times of turns and of any character of a transcript, for playing the recording in sync.

Where the times come from:

* **stamped**: a turn's ``time_start`` as read at ingest (.vtt/.srt/Otter/Teams/``[00:01:02]``
  stamps), imported from a REFI-QDA SyncPoint, or set by the coder from the player's current
  time (``stamp_turn``);
* **interpolated**: a turn without a stamp gets a time by straight-line interpolation on the
  character offset between the nearest stamped turns before and after it. Before the first
  stamp the line runs from (offset 0, 0 s) — recordings start where transcripts start; after
  the last stamp it runs to (end of the text, the recording's duration) where the duration is
  known, else those turns stay without a time. Interpolated times are computed when read,
  never stored, and marked ``interpolated``.

The time of a character inside a turn (``time_at``) is interpolated by character position
between the turn's start time and the next turn's start time (or the turn's own end time where
the transcript gives one): speech is taken to run at an even pace within a turn. For a quote
this is "exact" to the turn (the turn's own stamp when the quote starts the turn) and an
estimate within it; it is never earlier than its turn's start.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from sqlalchemy import func, select

from ..errors import NotFound, ValidationError
from ..ingest.timecodes import format_timecode
from ..store.models import Media, Transcript, Turn
from ..store.project import Project, get_row


@dataclass(frozen=True)
class TurnTime:
    index: int
    start: int  # character offset of the turn
    end: int
    time: float | None  # seconds from the start of the recording
    time_end: float | None  # the transcript's own end time of the turn, if it gave one
    interpolated: bool  # True: computed from the neighbouring stamps, not stamped


def turn_times(turns, text_length: int | None = None,
               duration: float | None = None) -> list[TurnTime]:
    """The time of every turn (objects with index, start, end, time_start, time_end; in order):
    stamped, or interpolated as described in the module's doc."""
    turns = list(turns)
    anchors = [(t.start, float(t.time_start)) for t in turns if t.time_start is not None]
    if not anchors:
        return [TurnTime(t.index, t.start, t.end, None, t.time_end, False) for t in turns]
    if anchors[0][0] > 0:
        anchors.insert(0, (0, 0.0))
    if duration is not None and text_length is not None and text_length > anchors[-1][0] \
            and duration > anchors[-1][1]:
        anchors.append((text_length, float(duration)))
    offsets = [a[0] for a in anchors]
    out = []
    for t in turns:
        if t.time_start is not None:
            out.append(TurnTime(t.index, t.start, t.end, float(t.time_start), t.time_end, False))
            continue
        i = bisect_right(offsets, t.start)
        if i == 0 or i == len(anchors):
            out.append(TurnTime(t.index, t.start, t.end, None, t.time_end, False))
            continue
        (o0, s0), (o1, s1) = anchors[i - 1], anchors[i]
        time = s0 + (s1 - s0) * (t.start - o0) / (o1 - o0) if o1 > o0 else s0
        out.append(TurnTime(t.index, t.start, t.end, round(time, 3), t.time_end, True))
    return out


def time_at(times: list[TurnTime], offset: int,
            starts: list[int] | None = None) -> tuple[float | None, bool]:
    """``(seconds, interpolated)`` of the character at ``offset``: its turn's time, plus the
    share of the way through the turn (by characters) towards the next turn's time or the
    turn's end time. ``(None, False)`` where the turn has no time."""
    if not times:
        return None, False
    starts = starts if starts is not None else [t.start for t in times]
    i = bisect_right(starts, offset) - 1
    if i < 0:
        return None, False
    turn = times[i]
    if turn.time is None:
        return None, False
    if offset <= turn.start:
        return turn.time, turn.interpolated
    # where the turn's speech ends: its own end time, else the next timed turn's start
    end_offset, end_time = turn.end, turn.time_end
    if end_time is None:
        nxt = next((t for t in times[i + 1:i + 64] if t.time is not None), None)
        if nxt is not None:
            end_offset, end_time = nxt.start, nxt.time
    if end_time is None or end_offset <= turn.start or end_time < turn.time:
        return turn.time, turn.interpolated
    share = min(1.0, (offset - turn.start) / (end_offset - turn.start))
    return round(turn.time + share * (end_time - turn.time), 3), turn.interpolated


def transcript_times(project: Project, transcript_id: int) -> list[TurnTime]:
    """The turn times of one transcript, interpolated where needed (uses the recording's
    duration, where known, after the last stamp)."""
    with project.reading() as s:
        length = s.scalar(select(func.length(Transcript.text))
                          .where(Transcript.id == transcript_id))
        if length is None:
            raise NotFound(f"no transcript {transcript_id!r}")
        duration = s.scalar(select(Media.duration).where(Media.transcript_id == transcript_id))
        turns = list(s.execute(select(Turn.index, Turn.start, Turn.end, Turn.time_start,
                                      Turn.time_end)
                               .where(Turn.transcript_id == transcript_id)
                               .order_by(Turn.index)))
    return turn_times(turns, length, duration)


def stamp_turn(project: Project, transcript_id: int, offset: int, seconds: float) -> Turn:
    """Set the start time of the turn at character ``offset`` (the caret) to ``seconds`` (the
    player's current time). Refused with a clear message when it would put the turn before an
    earlier stamped turn or after a later one. The text is not changed."""
    try:
        seconds = round(float(seconds), 3)
    except (TypeError, ValueError):
        raise ValidationError(f"a time stamp must be a number of seconds, not {seconds!r}") \
            from None
    if not seconds >= 0 or seconds == float("inf"):
        raise ValidationError(f"a time stamp must be 0 seconds or later, not {seconds!r}")
    with project.transaction() as s:
        turns = list(s.scalars(select(Turn).where(Turn.transcript_id == transcript_id)
                               .order_by(Turn.index)))
        if not turns:
            raise NotFound(f"transcript {transcript_id} has no turns to stamp")
        i = max(0, bisect_right([t.start for t in turns], offset) - 1)
        turn = get_row(s, Turn, turns[i].id, "turn")
        before = next((t for t in reversed(turns[:i]) if t.time_start is not None), None)
        after = next((t for t in turns[i + 1:] if t.time_start is not None), None)
        if before is not None and seconds < before.time_start:
            raise ValidationError(
                f"turn {turn.index + 1} cannot start at {format_timecode(seconds)}: the earlier "
                f"turn {before.index + 1} starts at {format_timecode(before.time_start)}")
        if after is not None and seconds > after.time_start:
            raise ValidationError(
                f"turn {turn.index + 1} cannot start at {format_timecode(seconds)}: the later "
                f"turn {after.index + 1} starts at {format_timecode(after.time_start)}")
        turn.time_start = seconds
        if turn.time_end is not None and turn.time_end < seconds:
            turn.time_end = None
    return turn


def clear_stamp(project: Project, transcript_id: int, offset: int) -> None:
    """Remove the start time of the turn at ``offset`` (it is then interpolated again)."""
    with project.transaction() as s:
        turns = list(s.scalars(select(Turn).where(Turn.transcript_id == transcript_id)
                               .order_by(Turn.index)))
        if not turns:
            raise NotFound(f"transcript {transcript_id} has no turns")
        i = max(0, bisect_right([t.start for t in turns], offset) - 1)
        turns[i].time_start = None
        turns[i].time_end = None


def offset_at_time(points: list[tuple[int, float]], seconds: float, length: int) -> int:
    """The character offset spoken at ``seconds``, from ``(offset, seconds)`` sync points (in
    text order, times rising): straight-line between the two points around it, from (0, 0 s)
    before the first, at the last segment's pace after the last; within ``0..length``. Places
    a time range of a recording (a REFI-QDA AudioSelection) on its transcript, approximately."""
    pts = sorted({(int(o), float(t)) for o, t in points if t is not None})
    if not pts:
        raise ValidationError("no sync points: a time cannot be placed in the text")
    if pts[0][0] > 0 and pts[0][1] > 0:
        pts.insert(0, (0, 0.0))
    times = [t for _, t in pts]
    i = bisect_right(times, seconds)
    if i == 0:
        (o0, t0), (o1, t1) = pts[0], pts[1] if len(pts) > 1 else (pts[0][0], pts[0][1])
    elif i == len(pts):
        (o0, t0), (o1, t1) = pts[-2] if len(pts) > 1 else (0, 0.0), pts[-1]
    else:
        (o0, t0), (o1, t1) = pts[i - 1], pts[i]
    if t1 <= t0:
        offset = o0 if seconds <= t0 else o1
    else:
        offset = o0 + (o1 - o0) * (seconds - t0) / (t1 - t0)
    return max(0, min(length, round(offset)))
