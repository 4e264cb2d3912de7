"""Cases: the people (or other units) who speak. Every speaker turn belongs to a case, so every
quote can be credited to the person who said it (qualcode.coding.quotes), across interviews,
focus groups and think-aloud sessions. The label rules are in qualcode.store.case_rules.

The researcher lists, renames and merges cases, sets their role and attributes (one at a time
or from a CSV sheet keyed by case), and can re-assign a turn to another case without touching
the text or any coding.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import func, select, update

from ..errors import NotFound, ValidationError
from ..store.case_rules import INTERVIEWER, case_key, plan
from ..store.clean import clean
from ..store.models import Case, Transcript, Turn
from ..store.project import Project
from ..store.settings import get_setting, set_setting

INCLUDE_INTERVIEWER = "include_interviewer"


@dataclass
class CaseInfo:
    id: int
    case: str
    role: str
    transcripts: list[str] = field(default_factory=list)
    turns: int = 0
    attributes: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        """The CLI's JSON object (public: ``qualcode cases --json``)."""
        return {"case": self.case, "role": self.role, "transcripts": self.transcripts,
                "turns": self.turns, "attributes": self.attributes}


# --- at ingest -------------------------------------------------------------------------------

class CaseIndex:
    """The project's cases by label key and alias, within one session (creates missing ones)."""

    def __init__(self, session):
        self.session = session
        self.by_key: dict[str, Case] = {}
        for case in session.scalars(select(Case)):
            self._index(case)

    def _index(self, case: Case) -> None:
        self.by_key[case.key] = case
        for alias in case.aliases or []:
            self.by_key.setdefault(alias, case)

    def get(self, name: str) -> Case | None:
        return self.by_key.get(case_key(name))

    def ensure(self, name: str, role: str | None) -> Case:
        case = self.get(name)
        if case is None:
            case = Case(name=clean(name)[:255], key=case_key(name), aliases=[], role=role or None,
                        attributes={})
            self.session.add(case)
            self.session.flush()
            self._index(case)
        return case


def case_ids_for(index: CaseIndex, transcript_name: str, attributes: dict,
                 turns: list) -> list[int | None]:
    """The case id of each turn (``TurnSpan``s of a reader) of a new transcript: its speaker's
    case; unlabelled respondent text (or every turn of a transcript without labels) the
    transcript's participant case; a heading or prompt nobody says: None."""
    labels = [t.speaker for t in turns if t.speaker]
    mapping = plan(transcript_name, attributes, labels)
    cases = {label: index.ensure(name, role).id for label, (name, role) in mapping.items()
             if label is not None}
    participant = None
    out: list[int | None] = []
    for t in turns:
        if t.speaker:
            out.append(cases[t.speaker])
        elif not labels or getattr(t, "respondent", False):
            if participant is None:
                participant = index.ensure(*mapping[None]).id
            out.append(participant)
        else:
            out.append(None)
    return out


# --- reading ---------------------------------------------------------------------------------

def list_cases(project: Project) -> list[CaseInfo]:
    """Every case with its role, transcripts (names, interview order) and number of turns."""
    from .order import order_transcripts

    with project.reading() as s:
        cases = list(s.scalars(select(Case).order_by(Case.name)))
        turns = dict(s.execute(select(Turn.case_id, func.count()).group_by(Turn.case_id)).all())
        pairs = s.execute(select(Turn.case_id, Turn.transcript_id).distinct()).all()
        transcripts = list(s.scalars(select(Transcript)))
    order = {p.transcript.id: i for i, p in enumerate(order_transcripts(transcripts))}
    names = {t.id: t.name for t in transcripts}
    where: dict[int, list[int]] = {}
    for case_id, tid in pairs:
        if case_id is not None:
            where.setdefault(case_id, []).append(tid)
    return [CaseInfo(c.id, c.name, c.role or "",
                     [names[t] for t in sorted(where.get(c.id, []), key=lambda t: order.get(t, 0))],
                     turns.get(c.id, 0), dict(c.attributes or {})) for c in cases]


def case_table(project: Project) -> dict[int, tuple[str, str, dict]]:
    """{case id: (name, role, attributes)}."""
    with project.reading() as s:
        return {c.id: (c.name, c.role or "", dict(c.attributes or {}))
                for c in s.scalars(select(Case))}


def speaker_roles(project: Project) -> dict[int, list[str]]:
    """Per transcript id, the roles of the people who speak in it (interviewers last), or its
    own ``role`` attribute where no one with a role speaks."""
    with project.reading() as s:
        pairs = s.execute(select(Turn.transcript_id, Case.role).join(Case, Turn.case_id == Case.id)
                          .distinct()).all()
        own = dict(s.execute(select(Transcript.id, Transcript.attributes)).all())
    out: dict[int, set] = {}
    for tid, role in pairs:
        if role:
            out.setdefault(tid, set()).add(role)
    result = {}
    for tid, attrs in own.items():
        roles = sorted(out.get(tid, ()), key=lambda r: (r == INTERVIEWER, r))
        if not roles and (attrs or {}).get("role"):
            roles = [str(attrs["role"])]
        result[tid] = roles
    return result


def proposed_interviewers(project: Project) -> list[str]:
    """Cases not marked interviewer who speak in most interviews (more than half, and at least
    three): in a project of one-to-one interviews that is the interviewer."""
    infos = list_cases(project)
    with project.reading() as s:
        total = s.scalar(select(func.count()).select_from(Transcript)) or 0
    return [c.case for c in infos if c.role != INTERVIEWER and len(c.transcripts) >= 3
            and len(c.transcripts) > total / 2]


def include_interviewer(project: Project) -> bool:
    """Whether interviewer text counts in participant-level analyses (default: no)."""
    return get_setting(project, INCLUDE_INTERVIEWER, "0") == "1"


def set_include_interviewer(project: Project, on: bool) -> None:
    set_setting(project, INCLUDE_INTERVIEWER, "1" if on else "0")


# --- editing ---------------------------------------------------------------------------------

def _find(s, name: str) -> Case:
    key = case_key(name or "")
    case = s.scalar(select(Case).where(Case.key == key))
    if case is None:
        for c in s.scalars(select(Case)):
            if key in (c.aliases or []):
                return c
        raise NotFound(f"no case called {name!r}")
    return case


def rename_case(project: Project, name: str, new_name: str) -> None:
    """Rename a case; its former name stays an alias, so later transcripts labelled with it
    still map to this case. Renaming onto another case's name is a merge: use ``merge_cases``."""
    new_name = " ".join(clean(new_name or "").split())[:255]
    if not new_name:
        raise ValidationError("a case needs a name")
    with project.transaction() as s:
        case = _find(s, name)
        key = case_key(new_name)
        other = s.scalar(select(Case).where(Case.key == key, Case.id != case.id))
        if other is not None:
            raise ValidationError(f"there is already a case {other.name!r}: merge the two instead")
        if key != case.key:
            case.aliases = sorted(set(case.aliases or []) | {case.key})
        case.name, case.key = new_name, key


def merge_cases(project: Project, name: str, into: str) -> int:
    """Merge case ``name`` into ``into``: its turns, its labels (as aliases) and the attributes
    ``into`` does not have. Returns the number of turns moved."""
    with project.transaction() as s:
        source, target = _find(s, name), _find(s, into)
        if source.id == target.id:
            raise ValidationError(f"{name!r} and {into!r} are the same case")
        moved = s.execute(update(Turn).where(Turn.case_id == source.id)
                          .values(case_id=target.id)).rowcount
        target.aliases = sorted(set(target.aliases or []) | set(source.aliases or [])
                                | {source.key})
        target.attributes = {**(source.attributes or {}), **(target.attributes or {})}
        if not target.role and source.role:
            target.role = source.role
        s.delete(source)
    return moved


def set_case_role(project: Project, name: str, role: str) -> None:
    """Set a case's role (``interviewer``, ``participant``, or any other word); "" clears it."""
    role = " ".join(clean(role or "").split())[:64]
    with project.transaction() as s:
        _find(s, name).role = role or None


def set_case_attributes(project: Project, name: str, attributes: dict) -> None:
    """Set (or, with an empty value, remove) attributes of a case."""
    with project.transaction() as s:
        case = _find(s, name)
        case.attributes = _merged(case.attributes, attributes)


def _merged(old: dict | None, new: dict) -> dict:
    out = dict(old or {})
    for key, value in new.items():
        key = clean(str(key)).strip()
        if not key:
            continue
        if value is None or str(value).strip() == "":
            out.pop(key, None)
        else:
            out[key] = clean(str(value)).strip()
    return out


def import_case_attributes(project: Project, data: bytes, origin: str = "cases.csv") -> int:
    """Case attributes from a CSV sheet: a ``case`` column (or ``name``) naming the case, an
    optional ``role`` column, one column per attribute; empty cells leave a value as it is.
    All rows or none are applied. Returns the number of cases updated."""
    from ..ingest.csv_text import decode_csv, sniff_dialect

    text = decode_csv(data)
    rows = list(csv.DictReader(io.StringIO(text), dialect=sniff_dialect(text, 4096)))
    header = [h.strip().casefold() for h in (rows[0].keys() if rows else []) if h]
    column = next((h for h in ("case", "name") if h in header), None)
    if column is None:
        raise ValidationError(f"{origin}: needs a header row with a 'case' column (the case "
                              "names) and one column per attribute")
    with project.transaction() as s:
        for number, row in enumerate(rows, 2):
            row = {(k or "").strip(): v for k, v in row.items() if k}
            key = next(k for k in row if k.casefold() == column)
            name = (row.pop(key) or "").strip()
            if not name:
                continue
            try:
                case = _find(s, name)
            except NotFound:
                raise NotFound(f"{origin}, row {number}: no case called {name!r}") from None
            role = next((k for k in row if k.casefold() == "role"), None)
            if role is not None:
                value = (row.pop(role) or "").strip()
                if value:
                    case.role = value[:64]
            case.attributes = _merged(case.attributes, {k: v for k, v in row.items()
                                                        if v is not None and v.strip()})
    return sum(1 for r in rows if any((v or "").strip() for v in r.values()))


def reassign_turn(project: Project, transcript_id: int, turn_index: int,
                  case: str | None) -> None:
    """Credit one turn to another case (a new name makes a new case; ``None``: nobody, e.g. a
    prompt). The text, the turn's span and every coding stay as they are."""
    with project.transaction() as s:
        turn = s.scalar(select(Turn).where(Turn.transcript_id == transcript_id,
                                           Turn.index == turn_index))
        if turn is None:
            raise NotFound(f"transcript {transcript_id} has no turn {turn_index + 1}")
        if case is None or not str(case).strip():
            turn.case_id = None
            return
        index = CaseIndex(s)
        target = index.get(case) or index.ensure(" ".join(str(case).split()), None)
        turn.case_id = target.id


def speaker_turns(project: Project, transcript_id: int) -> list[dict]:
    """The turns of a transcript with their label and case, for re-assigning speakers."""
    with project.reading() as s:
        names = dict(s.execute(select(Case.id, Case.name)).all())
        rows = s.execute(select(Turn.index, Turn.speaker, Turn.case_id, Turn.start, Turn.end)
                         .where(Turn.transcript_id == transcript_id).order_by(Turn.index)).all()
    return [{"index": i, "label": label or "", "case": names.get(cid, ""), "start": a, "end": b}
            for i, label, cid, a, b in rows]


def speaker_shares(project: Project, transcript_id: int) -> Counter:
    """Characters spoken per case name in one transcript ("" for text nobody says)."""
    shares: Counter = Counter()
    for t in speaker_turns(project, transcript_id):
        shares[t["case"]] += t["end"] - t["start"]
    return shares
