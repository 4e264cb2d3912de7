"""Saturation tracking: which concepts (codes) were new in which interview, in interview order,
and whether a stopping rule is met — counted only over interviews that are actually coded.

* **Order**: the explicit interview order, else an interview date, else a natural sort of the
  names (``interview_order.py``).
* **Coding status**: only interviews marked coded are assessed, from the first in order up to
  the first that is not (``include_in_progress`` also counts those in progress). An interview
  that is not yet (fully) coded would otherwise pass for one that brought no new information.
* **Rules** (``rules.py``): Guest, Namey & Chen (2020), base b, run r, threshold ≤5% or 0%, the
  window sliding by one interview or stepping by r; or Francis et al. (2010), n+k.

Saturation is reported as ``"X+r"``: X interviews analysed, confirmed by r more. Interviews
after X+r that still added concepts are listed: a stopping point is a claim about the future.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from sqlalchemy import select

from ..coding.codes import code_tree
from ..coding.status import CODED, IN_PROGRESS, NOT_CODED, statuses
from ..errors import ValidationError
from ..coding.quotes import participant_of, role_of
from ..store.models import Coding, Transcript
from ..store.project import Project
from . import rules
from ..corpus.order import order_transcripts

SEP = " / "


@dataclass
class Step:
    position: int  # 1-based place in the sequence
    label: str  # interview (or participant) name
    role: str
    concepts: set[str]
    new: list[str] = field(default_factory=list)
    cumulative: int = 0
    status: str = CODED
    assessed: bool = True


@dataclass
class Run:
    after: int  # X: interviews before the run
    new: list[str]
    ratio: float
    passed: bool = False


@dataclass
class AfterPoint:
    position: int
    label: str
    new: list[str]
    share: float  # len(new) relative to the base count


@dataclass
class SaturationResult:
    steps: list[Step]
    base: int
    run_length: int
    threshold: float
    base_count: int
    runs: list[Run]
    point: int | None  # X, or None when not reached
    rule: str = rules.GUEST
    step: str = rules.SLIDE
    assessed: int = -1  # interviews counted (coded, in order, up to the first that is not)
    include_in_progress: bool = False
    after_point: list[AfterPoint] = field(default_factory=list)

    def __post_init__(self):
        if self.assessed < 0:
            self.assessed = len(self.steps)

    @property
    def label(self) -> str | None:
        return rules.label(self.point, self.run_length)

    @property
    def needed(self) -> int:
        """Interviews the rule needs at the least: base + run."""
        return self.base + self.run_length

    @property
    def assessable(self) -> bool:
        return self.assessed >= self.needed and self.base_count > 0

    @property
    def next_to_code(self) -> Step | None:
        """The first interview in order that stopped the assessment (not coded yet)."""
        return self.steps[self.assessed] if self.assessed < len(self.steps) else None

    @property
    def threshold_text(self) -> str:
        if self.rule == rules.FRANCIS:
            return "no new concept"
        return f"new information ≤{self.threshold:.0%}".replace("≤0%", "0%")

    def rule_text(self) -> str:
        if self.rule == rules.FRANCIS:
            return (f"{rules.RULE_NAMES[self.rule]}: initial sample {self.base}, then "
                    f"{self.run_length} consecutive interviews with no new concept")
        window = "sliding by one" if self.step == rules.SLIDE else "stepping by the run"
        return (f"{rules.RULE_NAMES[self.rule]}: base {self.base}, run {self.run_length}, "
                f"{self.threshold_text}, window {window}")

    def _scope(self, with_next: bool = True) -> str:
        counted = "coded or in progress" if self.include_in_progress else "marked coded"
        text = (f"{self.assessed} of {len(self.steps)} interview(s) assessed ({counted}, "
                f"in interview order)")
        nxt = self.next_to_code
        if nxt is not None and with_next:
            text += f"; next to code: {nxt.label} ({nxt.status})"
        return text + "."

    @property
    def reason(self) -> str:
        """Why the result is what it is, in one sentence."""
        if not self.steps:
            return "No interviews in the selection."
        nxt = self.next_to_code
        if self.assessed == 0:
            return (f"No interview is assessed yet: the first in interview order, {nxt.label}, "
                    f"is {nxt.status}. Mark interviews coded once their coding is complete.")
        if self.assessed < self.needed:
            what = ("assessed" if nxt is not None
                    else "in the selection, all assessed")
            text = (f"Only {self.assessed} interview(s) are {what}; the rule needs "
                    f"{self.base} + {self.run_length} = {self.needed}")
            return text + (f"; next to code: {nxt.label} ({nxt.status})." if nxt else ".")
        if self.base_count == 0:
            return f"The first {self.base} interview(s) hold no coded concepts."
        if self.point is None:
            text = (f"No run of {self.run_length} interview(s) met the rule within the "
                    f"{self.assessed} assessed interview(s)")
            if nxt is not None:
                return text + (f"; the assessment stops at {nxt.label} ({nxt.status}), "
                               "the next to code.")
            return text + "."
        return (f"The {self.run_length} interview(s) after interview {self.point} met the rule "
                f"({self.rule_text()}).")

    def after_text(self, limit: int = 5) -> str:
        """Interviews after X+r that still added concepts: all of them up to ``limit``, else
        the count, the total and the ``limit`` that added most."""
        if self.point is None:
            return ""
        if not self.after_point:
            later = self.assessed - self.point - self.run_length
            return (f"No assessed interview after {self.label} added a concept"
                    + (f" ({later} checked)." if later else " (none assessed after it yet)."))

        def item(a: AfterPoint) -> str:
            return f"{a.label} +{len(a.new)} ({a.share:.0%} of the base)"

        if len(self.after_point) <= limit:
            return (f"After {self.label}, interviews still added concepts: "
                    + "; ".join(item(a) for a in self.after_point) + ".")
        total = sum(len(a.new) for a in self.after_point)
        top = sorted(self.after_point, key=lambda a: (-len(a.new), a.position))[:limit]
        return (f"After {self.label}, {len(self.after_point)} interviews still added concepts, "
                f"{total} in all ({total / self.base_count:.0%} of the base); most: "
                + "; ".join(item(a) for a in top) + f"; and {len(self.after_point) - limit} more.")

    def statement(self) -> str:
        """The result and what it rests on, without the interviews after the point."""
        if not self.steps:
            return "No coded interviews yet."
        if not self.assessable or self.point is None:
            head = ("Saturation not assessable. " if not self.assessable
                    else "Saturation not reached. ")
            reason = self.reason
            return head + reason + " " + self._scope("next to code" not in reason.lower())
        return (f"Saturation reached at interview {self.point}: {self.label} "
                f"({self.rule_text()}; base {self.base_count} concepts). {self._scope()}")

    def summary(self) -> str:
        """The statement, followed by the interviews after the point that added concepts."""
        after = self.after_text()
        return self.statement() + (" " + after if after else "")


def _assessed_count(statuses_: list[str], include_in_progress: bool) -> int:
    ok = {CODED, IN_PROGRESS} if include_in_progress else {CODED}
    n = 0
    for status in statuses_:
        if status not in ok:
            break
        n += 1
    return n


def _unpack(item) -> tuple[str, str, set[str], str]:
    if len(item) == 3:
        label, role, concepts = item
        return label, role, set(concepts), CODED
    label, role, concepts, status = item
    return label, role, set(concepts), status


def compute_saturation(sequence: list[tuple], base: int | None = None, run: int | None = None,
                       threshold: float = 0.05, *, rule: str = rules.GUEST,
                       step: str = rules.SLIDE,
                       include_in_progress: bool = False) -> SaturationResult:
    """``sequence``: (label, role, concepts[, status]) in interview order; without a status an
    interview counts as coded. ``base``/``run`` default to 4+2 (Guest) or 10+3 (Francis)."""
    if rule not in rules.RULES:
        raise ValidationError(f"unknown stopping rule {rule!r}: use guest or francis")
    default_base, default_run = rules.DEFAULTS[rule]
    base = default_base if base is None else int(base)
    run = default_run if run is None else int(run)
    rules.check(rule, base, run, step)
    frac = rules.exact_threshold(threshold)
    items = [_unpack(x) for x in sequence]
    assessed = _assessed_count([x[3] for x in items], include_in_progress)
    seen: set[str] = set()
    steps, first_seen = [], {}
    for i, (label, role, concepts, status) in enumerate(items, 1):
        new = sorted(concepts - seen)
        seen |= concepts
        for c in new:
            first_seen[c] = i
        steps.append(Step(i, label, role, set(concepts), new, len(seen), status, i <= assessed))
    cum = np.array([0] + [s.cumulative for s in steps[:assessed]], dtype=np.int64)
    base_count = int(cum[base]) if assessed >= base else len(
        {c for c, i in first_seen.items() if i <= min(base, assessed)})
    runs: list[Run] = []
    point = None
    xs = rules.candidates(assessed, base, run, rule, step)
    if len(xs) and (base_count or rule == rules.FRANCIS):
        ok = rules.passes(cum[None, :], xs, rule=rule, base=base, run=run, threshold=frac)[0]
        for after, passed in zip(xs, ok):
            new = sorted(c for st in steps[after:after + run] for c in st.new)
            runs.append(Run(after, new, len(new) / base_count if base_count else 0.0,
                            bool(passed)))
            if point is None and passed:
                point = after
    after_point = []
    if point is not None:
        for s in steps[point + run:assessed]:
            if s.new:
                after_point.append(AfterPoint(s.position, s.label, s.new,
                                              len(s.new) / base_count if base_count else 0.0))
    return SaturationResult(steps, base, run, float(threshold), base_count, runs, point, rule,
                            step, assessed, include_in_progress, after_point)


def concept_paths(project: Project, level: int | None = None) -> dict[int, str]:
    """Code id -> concept: the code's path, or with ``level`` d its ancestor at depth d
    (``level=1``: the top-level codes, the tensions; ``level=2``: down to their sub-codes)."""
    if level is not None and level < 1:
        raise ValidationError("the concept level must be 1 (top-level codes) or more")
    paths = {n.code.id: n.path for n in code_tree(project)}
    if level is None:
        return paths
    return {cid: SEP.join(path.split(SEP)[:level]) for cid, path in paths.items()}


def _merge_status(a: str, b: str) -> str:
    if a == b:
        return a
    return IN_PROGRESS  # some coded (or in progress) and some not: not complete


def project_sequence(project: Project, *, by: str = "interview", roles: set[str] | None = None,
                     coder: str | None = None, level: int | None = None,
                     include_interviewers: bool | None = None
                     ) -> list[tuple[str, str, set[str], str]]:
    """(name, role, concepts, status) per interview in interview order, or per participant:
    each case (person who speaks; the first interview they speak in decides the order; coded
    only when all their interviews are). A concept counts for the people who said its coded
    words; ``roles`` keeps the people (and interviews with people) of those roles; what only
    interviewers said is left out unless included (None: the project's choice,
    ``qualcode.corpus.cases.include_interviewer``)."""
    from ..coding.quotes import Speakers
    from ..corpus.cases import include_interviewer
    from ..store.case_rules import INTERVIEWER

    if by not in ("interview", "participant"):
        raise ValidationError("saturation is counted by 'interview' or by 'participant'")
    include = include_interviewer(project) if include_interviewers is None \
        else include_interviewers
    paths = concept_paths(project, level)
    status = statuses(project)
    with project.reading() as s:
        transcripts = list(s.scalars(select(Transcript)))
        q = select(Coding.transcript_id, Coding.code_id, Coding.start, Coding.end)
        if coder is not None:
            q = q.where(Coding.coder == coder)
        codings = list(s.execute(q))
        speakers = Speakers(s, {t.id for t in transcripts})
    by_tid = {t.id: t for t in transcripts}

    def people(tid, case_ids):
        """(name, role) of each person counted, after the interviewer and role choices."""
        out = []
        for cid in case_ids:
            name, role = speakers.cases.get(cid, ("", ""))
            if not name or (role == INTERVIEWER and not include):
                continue
            out.append((name, role))
        return out

    def fallback(tid):
        t = by_tid[tid]
        return [(participant_of(t), role_of(t))]

    # per transcript: who speaks in it (counted), and the concepts per person
    speaking: dict[int, list] = {}
    for tid in by_tid:
        ids = list(speakers.spoken(tid))
        speaking[tid] = people(tid, ids) if ids else fallback(tid)
    concepts: dict[tuple[int, str], set[str]] = {}
    for tid, cid, start, end in codings:
        if cid not in paths or tid not in by_tid:
            continue
        credit = speakers.credit(tid, start, end)
        ids = [i for i in credit.ids if i is not None]
        who = people(tid, ids) if ids else fallback(tid)
        for name, role in who:
            if not roles or role in roles:
                concepts.setdefault((tid, name), set()).add(paths[cid])
    sequence: list[list] = []
    index: dict[str, int] = {}
    for placed in order_transcripts(transcripts):
        t = placed.transcript
        who = [(n, r) for n, r in speaking[t.id] if not roles or r in roles]
        if not who:
            continue
        if by == "interview":
            found = set().union(*(concepts.get((t.id, n), set()) for n, _r in who))
            role = " + ".join(dict.fromkeys(r for _n, r in who if r))
            sequence.append([t.name, role, found, status.get(t.id, NOT_CODED)])
            continue
        for name, role in who:
            found = concepts.get((t.id, name), set())
            if name in index:
                entry = sequence[index[name]]
                entry[2].update(found)
                entry[3] = _merge_status(entry[3], status.get(t.id, NOT_CODED))
            else:
                index[name] = len(sequence)
                sequence.append([name, role, set(found), status.get(t.id, NOT_CODED)])
    return [tuple(x) for x in sequence]


def project_saturation(project: Project, *, base: int | None = None, run: int | None = None,
                       threshold: float = 0.05, by: str = "interview",
                       roles: set[str] | None = None, coder: str | None = None,
                       rule: str = rules.GUEST, step: str = rules.SLIDE,
                       level: int | None = None,
                       include_in_progress: bool = False) -> SaturationResult:
    return compute_saturation(project_sequence(project, by=by, roles=roles, coder=coder,
                                               level=level),
                              base, run, threshold, rule=rule, step=step,
                              include_in_progress=include_in_progress)


def saturation_log(result: SaturationResult) -> list[dict]:
    """One row per (interview, new concept) over the assessed interviews: what was new where."""
    return [{"position": s.position, "interview": s.label, "role": s.role, "new_concept": c,
             "cumulative": s.cumulative} for s in result.steps if s.assessed for c in s.new]


def saturation_table(result: SaturationResult) -> list[dict]:
    return [{"position": s.position, "interview": s.label, "role": s.role, "status": s.status,
             "assessed": s.assessed, "concepts": len(s.concepts), "new": len(s.new),
             "cumulative": s.cumulative, "new_concepts": "; ".join(s.new)} for s in result.steps]
