"""Codings joined with their text and context: the rows behind the code browser and every export."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import asdict, dataclass
from typing import NamedTuple

from sqlalchemy import select

from .codes import code_tree
from .suggest_queue import provenances
from ..ingest.timecodes import format_timecode
from ..corpus.timing import time_at, turn_times
from ..store.models import Coding, Media, Transcript, Turn
from ..store.project import Project


@dataclass(frozen=True)
class QuoteRow:
    coding_id: int
    code_id: int
    code: str  # full path, "Tension / Sub-code"
    theme: str  # top-level code
    transcript_id: int
    transcript: str
    interview_order: int | None
    participant: str  # the case of the speaker (several joined by " + "), else the transcript's
    role: str  # the role of the speaker's case, else the transcript's "role" attribute
    speaker: str  # the speaker label(s) of the coded words, as the file says
    quote: str
    start: int
    end: int
    location: str
    coder: str
    memo: str
    # Start and end time (seconds into the recording) of the coded words, where the turns have
    # times: see qualcode.corpus.timing.time_at; interpolated: from unstamped turns' estimates.
    time: float | None = None
    time_end: float | None = None
    time_interpolated: bool = False
    # the case(s) of the speaker(s) of the coded words ("A + B" across two); "" where nobody
    # speaks (last, so the columns of earlier exports keep their places)
    case: str = ""
    # each speaker's case and its role, when the coded words span several speakers
    cases: tuple = ()
    case_roles: tuple = ()
    # "suggested by qualcode linear model v… (score 0.82)" for a coding accepted from the
    # review queue (qualcode.coding.suggest_queue), "" for a coding made by hand (last, so the
    # columns of earlier exports keep their places)
    provenance: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


class Credit(NamedTuple):
    """Who said the words of one span: every speaker whose turn it touches."""
    speakers: tuple  # labels as the file says
    cases: tuple  # case names ("" for none)
    roles: tuple  # the roles of those cases
    ids: tuple = ()  # the case ids (None where a turn has no case)

    def joined(self, attr: str) -> str:
        return " + ".join(v for v in dict.fromkeys(getattr(self, attr)) if v)


class Speakers:
    """The speaker turns of some transcripts with their cases, to credit spans to people."""

    def __init__(self, session, tids):
        from ..store.models import Case

        self.cases = {cid: (name, role or "") for cid, name, role in
                      session.execute(select(Case.id, Case.name, Case.role))}
        self.turns: dict[int, list] = {tid: [] for tid in tids}
        query = select(Turn.transcript_id, Turn.index, Turn.speaker, Turn.start, Turn.end,
                       Turn.time_start, Turn.time_end, Turn.case_id
                       ).order_by(Turn.transcript_id, Turn.index)
        if len(self.turns) < 500:
            query = query.where(Turn.transcript_id.in_(list(self.turns)))
        for turn in session.execute(query):
            if turn.transcript_id in self.turns:
                self.turns[turn.transcript_id].append(turn)
        self.starts = {tid: [t.start for t in ts] for tid, ts in self.turns.items()}

    def turn_at(self, tid: int, offset: int):
        i = bisect_right(self.starts.get(tid, []), offset)
        return self.turns[tid][i - 1] if i else None

    def credit(self, tid: int, start: int, end: int) -> Credit:
        """The speakers of ``[start, end)``: the turn it starts in and every later turn it
        reaches into (a coding across a question and its answer is credited to both)."""
        turns, starts = self.turns.get(tid, []), self.starts.get(tid, [])
        first = bisect_right(starts, start) - 1
        seen = [turns[first]] if first >= 0 else []
        i = first + 1
        while i < len(turns) and turns[i].start < end:
            if turns[i].end > turns[i].start:  # a turn with words, not an empty label line
                seen.append(turns[i])
            i += 1
        if len(seen) > 1 and seen[0].end <= start:  # begins after the first turn's words
            seen = seen[1:]
        seen = [t for t in seen if t.case_id is not None or t.speaker]
        speakers, cases, roles, ids = [], [], [], []
        for t in seen:
            name, role = self.cases.get(t.case_id, ("", ""))
            if (t.speaker or "", name) not in zip(speakers, cases):
                speakers.append(t.speaker or "")
                cases.append(name)
                roles.append(role)
                ids.append(t.case_id)
        return Credit(tuple(speakers), tuple(cases), tuple(roles), tuple(ids))

    def spoken(self, tid: int) -> dict:
        """Characters spoken per case id in one transcript."""
        out: dict = {}
        for t in self.turns.get(tid, []):
            if t.case_id is not None:
                out[t.case_id] = out.get(t.case_id, 0) + t.end - t.start
        return out


def participant_of(transcript: Transcript) -> str:
    """The "participant" attribute, else the name (of a Transcript or a corpus Doc)."""
    attrs = transcript.attributes or {}
    return str(attrs.get("participant") or transcript.name)


def role_of(transcript: Transcript) -> str:
    return str((transcript.attributes or {}).get("role") or "")


def location(transcript: Transcript, turn: Turn | None, start: int, end: int,
             time: float | None = None, interpolated: bool = False) -> str:
    """"Interview 01 – P1, turn 2, 00:01:05, chars 94–221": the time of the coded words where
    known (``time``, else the turn's stamp), "~00:01:05" when interpolated."""
    parts = [transcript.name]
    if turn is not None:
        parts.append(f"turn {turn.index + 1}")
        if time is None and turn.time_start is not None:
            time, interpolated = turn.time_start, False
        if time is not None:
            parts.append(("~" if interpolated else "") + format_timecode(time))
    parts.append(f"chars {start}–{end}")
    return ", ".join(parts)


class QuoteRef(NamedTuple):
    """The light form of a quote row: enough to filter, count and order quotes."""
    coding_id: int
    code_id: int
    transcript_id: int
    role: str
    start: int
    end: int
    coder: str
    case: str = ""  # the case(s) of the speaker(s), joined by " + "


def quote_refs(project: Project) -> list[QuoteRef]:
    """Every coding as a QuoteRef, in the order of ``quote_rows`` (without the texts: cheap)."""
    nodes = code_tree(project)
    order = {n.code.id: i for i, n in enumerate(nodes)}
    with project.reading() as s:
        codings = s.execute(select(Coding.id, Coding.code_id, Coding.transcript_id, Coding.start,
                                   Coding.end, Coding.coder)).all()
        transcripts = {r.id: r for r in s.execute(
            select(Transcript.id, Transcript.name, Transcript.interview_order,
                   Transcript.attributes))}
        speakers = Speakers(s, {c[2] for c in codings})
    late = 1 << 30
    # per transcript once (not per coding): its place in interview order and its role
    place = {tid: (t.interview_order if t.interview_order is not None else late, t.name)
             for tid, t in transcripts.items()}
    roles = {tid: role_of(t) for tid, t in transcripts.items()}
    keyed = []
    for coding_id, code_id, tid, start, end, coder in codings:
        credit = speakers.credit(tid, start, end)
        role = credit.joined("roles") or roles[tid]
        keyed.append(((order.get(code_id, late), *place[tid], start, coding_id),
                      QuoteRef(coding_id, code_id, tid, role, start, end, coder,
                               credit.joined("cases"))))
    keyed.sort(key=lambda x: x[0])
    return [ref for _, ref in keyed]


def transcript_texts(project: Project) -> dict[int, str]:
    with project.reading() as s:
        return dict(s.execute(select(Transcript.id, Transcript.text)).all())


def quote_rows(project: Project, code_ids: set[int] | None = None,
               transcript_ids: set[int] | None = None,
               coding_ids: set[int] | None = None, *, viewer: str | None = None,
               coder: str | None = None) -> list[QuoteRow]:
    """Quote rows in code-tree order, then interview order, then position in the text.
    ``coder``: only this coder's codings (e.g. ``"consensus"``); ``viewer``: who is looking,
    who sees only their own codings while blind coding is on (None: all codings)."""
    from .codings import coder_filter

    nodes = code_tree(project)
    order = {n.code.id: i for i, n in enumerate(nodes)}
    paths = {n.code.id: n.path for n in nodes}
    # plain column tuples, not ORM objects: building 20,000 objects cost seconds
    with project.reading() as s:
        q = select(Coding.id, Coding.code_id, Coding.transcript_id, Coding.start, Coding.end,
                   Coding.coder, Coding.memo)
        if code_ids is not None:
            q = q.where(Coding.code_id.in_(code_ids))
        if transcript_ids is not None:
            q = q.where(Coding.transcript_id.in_(transcript_ids))
        q = coder_filter(project, q, viewer=viewer, coder=coder)
        if coding_ids is not None:
            q = q.where(Coding.id.in_(coding_ids))
        codings = s.execute(q).all()
        tids = {c[2] for c in codings}
        transcripts = {r.id: r for r in s.execute(
            select(Transcript.id, Transcript.name, Transcript.text, Transcript.interview_order,
                   Transcript.attributes).where(Transcript.id.in_(tids)))}
        durations = dict(s.execute(select(Media.transcript_id, Media.duration)
                                   .where(Media.transcript_id.in_(tids))).all())
        speakers = Speakers(s, tids)  # the turns, read once for who spoke and when
        origins = provenances(s, coding_ids)  # accepted from the review queue
    starts = speakers.starts
    times = {tid: turn_times(ts, len(transcripts[tid].text), durations.get(tid))
             for tid, ts in speakers.turns.items() if any(x.time_start is not None for x in ts)}
    people = {tid: (participant_of(t), role_of(t)) for tid, t in transcripts.items()}
    rows = []
    for coding_id, code_id, tid, start, end, coder, memo in codings:
        t = transcripts[tid]
        turn = speakers.turn_at(tid, start)
        credit = speakers.credit(tid, start, end)
        path = paths.get(code_id, "?")
        participant, role = people[tid]
        time, time_end, interpolated = None, None, False
        if tid in times:
            time, interpolated = time_at(times[tid], start, starts[tid])
            time_end, end_interpolated = time_at(times[tid], end, starts[tid])
            interpolated = interpolated or end_interpolated
        place = location(t, turn, start, end, time, interpolated)
        if len(credit.cases) > 1:
            place += f", spans {len(credit.cases)} speakers"
        rows.append(QuoteRow(
            coding_id=coding_id, code_id=code_id, code=path, theme=path.split(" / ")[0],
            transcript_id=tid, transcript=t.name, interview_order=t.interview_order,
            participant=credit.joined("cases") or participant,
            role=credit.joined("roles") or role,
            speaker=credit.joined("speakers"), case=credit.joined("cases"),
            quote=t.text[start:end], start=start, end=end,
            location=place, coder=coder, memo=memo,
            time=time, time_end=time_end, time_interpolated=interpolated,
            cases=credit.cases, case_roles=credit.roles,
            provenance=origins.get(coding_id, "")))
    rows.sort(key=lambda r: (order.get(r.code_id, 1 << 30),
                             r.interview_order if r.interview_order is not None else 1 << 30,
                             r.transcript, r.start, r.coding_id))
    return rows
