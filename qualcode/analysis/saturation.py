"""Saturation tracking: which concepts (codes) were new in which interview, in interview order.

The stopping rule follows Guest, Namey & Chen (2020, PLoS ONE 15(5): e0232076):

* **base size** b: the first b interviews; the unique concepts found there are the denominator;
* **run length** r: a window of r consecutive interviews that slides one interview at a time,
  starting right after the base;
* **new-information threshold** (≤5% or 0%): the share, relative to the base count, of concepts
  that first appear inside the run.

Saturation is reached at interview X when the run of r interviews after X adds no more than the
threshold; it is reported as ``"X+r"`` (X interviews analysed, confirmed by r more).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from ..codes import code_tree
from ..errors import ValidationError
from ..store.models import Coding, Transcript
from ..store.project import Project
from ..quotes import participant_of, role_of


@dataclass
class Step:
    position: int  # 1-based place in the sequence
    label: str  # interview (or participant) name
    role: str
    concepts: set[str]
    new: list[str] = field(default_factory=list)
    cumulative: int = 0


@dataclass
class Run:
    after: int  # X: interviews before the run
    new: list[str]
    ratio: float


@dataclass
class SaturationResult:
    steps: list[Step]
    base: int
    run_length: int
    threshold: float
    base_count: int
    runs: list[Run]
    point: int | None  # X, or None when not reached

    @property
    def label(self) -> str | None:
        return None if self.point is None else f"{self.point}+{self.run_length}"

    def summary(self) -> str:
        pct = f"≤{self.threshold:.0%}"
        if not self.steps:
            return "No coded interviews yet."
        if self.base_count == 0:
            return f"The base of {self.base} interview(s) holds no coded concepts yet."
        if self.point is None:
            return (f"Saturation not reached within {len(self.steps)} interview(s) "
                    f"(base {self.base}, run {self.run_length}, new information {pct}).")
        return (f"Saturation reached at interview {self.point}: {self.label} "
                f"(base {self.base} with {self.base_count} concepts, run {self.run_length}, "
                f"new information {pct}).")


def compute_saturation(sequence: list[tuple[str, str, set[str]]], base: int = 4, run: int = 2,
                       threshold: float = 0.05) -> SaturationResult:
    """``sequence``: (label, role, concepts) in interview order."""
    if base < 1 or run < 1:
        raise ValidationError("base size and run length must be at least 1")
    if not 0 <= threshold < 1:
        raise ValidationError("the new-information threshold must be between 0 and 1 (e.g. 0.05)")
    seen: set[str] = set()
    steps, first_seen = [], {}
    for i, (label, role, concepts) in enumerate(sequence, 1):
        new = sorted(concepts - seen)
        seen |= concepts
        for c in new:
            first_seen[c] = i
        steps.append(Step(i, label, role, set(concepts), new, len(seen)))
    base_count = len({c for c, i in first_seen.items() if i <= base})
    runs: list[Run] = []
    point = None
    if base_count:
        for after in range(base, len(steps) - run + 1):
            new = sorted(c for c, i in first_seen.items() if after < i <= after + run)
            ratio = len(new) / base_count
            runs.append(Run(after, new, ratio))
            if point is None and ratio <= threshold + 1e-12:
                point = after
    return SaturationResult(steps, base, run, threshold, base_count, runs, point)


def project_sequence(project: Project, *, by: str = "interview", roles: set[str] | None = None,
                     coder: str | None = None) -> list[tuple[str, str, set[str]]]:
    """Concepts (code paths) per interview, or per participant (first interview decides order)."""
    if by not in ("interview", "participant"):
        raise ValidationError("saturation is counted by 'interview' or by 'participant'")
    paths = {n.code.id: n.path for n in code_tree(project)}
    with project.reading() as s:
        transcripts = list(s.scalars(select(Transcript).order_by(
            Transcript.interview_order.is_(None), Transcript.interview_order, Transcript.name)))
        q = select(Coding.transcript_id, Coding.code_id)
        if coder is not None:
            q = q.where(Coding.coder == coder)
        pairs = list(s.execute(q))
    concepts: dict[int, set[str]] = {}
    for tid, cid in pairs:
        concepts.setdefault(tid, set()).add(paths[cid])
    sequence: list[tuple[str, str, set[str]]] = []
    index: dict[str, int] = {}
    for t in transcripts:
        if roles and role_of(t) not in roles:
            continue
        found = concepts.get(t.id, set())
        if by == "interview":
            sequence.append((t.name, role_of(t), found))
            continue
        who = participant_of(t)
        if who in index:
            sequence[index[who]][2].update(found)
        else:
            index[who] = len(sequence)
            sequence.append((who, role_of(t), set(found)))
    return sequence


def project_saturation(project: Project, *, base: int = 4, run: int = 2, threshold: float = 0.05,
                       by: str = "interview", roles: set[str] | None = None,
                       coder: str | None = None) -> SaturationResult:
    return compute_saturation(project_sequence(project, by=by, roles=roles, coder=coder),
                              base, run, threshold)


def saturation_log(result: SaturationResult) -> list[dict]:
    """One row per (interview, new concept): the log of what was new where."""
    return [{"position": s.position, "interview": s.label, "role": s.role, "new_concept": c,
             "cumulative": s.cumulative} for s in result.steps for c in s.new]


def saturation_table(result: SaturationResult) -> list[dict]:
    return [{"position": s.position, "interview": s.label, "role": s.role,
             "concepts": len(s.concepts), "new": len(s.new), "cumulative": s.cumulative,
             "new_concepts": "; ".join(s.new)} for s in result.steps]
