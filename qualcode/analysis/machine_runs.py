"""The latest run of the machine coder, kept in the project for the Code page's review queue.

Running the machine coder (qualcode.analysis.machine_coder) means five cross-validation fits:
minutes on a large project. The Agreement page runs it when asked; its latest result's per-code
agreement is kept in the project (a long setting in the key/value table, so every server
process sees it, with no schema change), with the unit, the minimum score, the time and the
project version it was computed on. The review queue hides codes below a chosen AC1 from that
stored run only: it never runs the machine coder itself, and says which run it uses.

Per code (by id, so a renamed code keeps its figure) the stored figure is its lowest AC1 over
the human coders (None where AC1 was undefined for one of them): a code is trusted only when
the machine agrees with every human (qualcode.analysis.machine_coder.trusted_codes).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select

from ..errors import ConflictError
from ..store.models import Coding, utcnow
from ..store.project import Project
from ..store.settings import get_long_setting, set_long_setting

SETTING = "machine_coder_run"
FORMAT = 1


@dataclass(frozen=True)
class MachineRun:
    unit: str
    min_score: float
    at: datetime  # UTC
    version: str  # qualcode.coding.view.project_version when it was computed
    transcripts: int  # how many transcripts were compared
    codings: int  # the project's codings then, and the highest coding id then: to tell how
    max_coding_id: int  # many were added or removed since
    ac1: dict[int, float | None]  # code id -> the lowest AC1 over the human coders

    def hidden(self, threshold: float) -> set[int]:
        """The codes whose machine agreement is below ``threshold`` (or undefined); codes the
        run did not see (made since) are not among them."""
        return {cid for cid, v in self.ac1.items() if v is None or v < threshold}

    def describe(self) -> str:
        """"the machine coder's run of 2025-03-01 14:05 UTC (unit turn, score ≥ 0.50)"."""
        return (f"the machine coder's run of {self.at:%Y-%m-%d %H:%M} UTC (unit {self.unit}, "
                f"score ≥ {self.min_score:.2f})")


def lowest_ac1(result, paths_to_ids: dict[str, int]) -> dict[int, float | None]:
    """Per code id, the lowest AC1 of the machine over the human coders in ``result`` (an
    AgreementResult with ``machine_vs``)."""
    out: dict[int, float | None] = {}
    for entry in result.per_code:
        cid = paths_to_ids.get(entry["code"])
        values = [v.get("ac1") for v in entry.get("machine_vs", [])]
        if cid is None or not values:
            continue
        out[cid] = None if any(v is None for v in values) else round(float(min(values)), 4)
    return out


def _coding_counts(project: Project) -> tuple[int, int]:
    with project.reading() as s:
        n, top = s.execute(select(func.count(Coding.id), func.max(Coding.id))).one()
    return int(n or 0), int(top or 0)


def remember_run(project: Project, result, unit: str, min_score: float, *,
                 version: str | None = None) -> MachineRun | None:
    """Keep ``result`` (machine_agreement's) as the project's latest machine-coder run, unless
    the stored run is already this one (same version, unit and score: nothing is written).
    Not kept when the acting user sees only their own codings (blind coding): that run did not
    see the project's coding. Returns the run stored (None when none was)."""
    from ..coding.codes import code_tree
    from ..coding.view import project_version
    from ..store.visibility import visible_scope

    if visible_scope(project) is not None:
        return None
    nodes = code_tree(project)
    version = version or project_version(project, nodes)
    stored = stored_run(project)
    if stored is not None and (stored.version, stored.unit, stored.min_score) == (
            version, unit, float(min_score)):
        return stored
    n, top = _coding_counts(project)
    run = MachineRun(unit, float(min_score), utcnow().replace(microsecond=0), version,
                     len(result.transcripts), n, top,
                     lowest_ac1(result, {node.path: node.code.id for node in nodes}))
    document = {"format": FORMAT, "unit": run.unit, "min_score": run.min_score,
                "at": run.at.isoformat(), "version": run.version,
                "transcripts": run.transcripts, "codings": run.codings,
                "max_coding_id": run.max_coding_id,
                "ac1": {str(k): v for k, v in sorted(run.ac1.items())}}
    try:
        set_long_setting(project, SETTING, json.dumps(document, separators=(",", ":")))
    except ConflictError:  # another server process stored its run at the same moment
        return stored_run(project)
    return run


def stored_run(project: Project) -> MachineRun | None:
    """The latest machine-coder run kept in the project, or None (never run, or unreadable)."""
    text = get_long_setting(project, SETTING)
    if not text:
        return None
    try:
        d = json.loads(text)
        if d.get("format") != FORMAT:
            return None
        return MachineRun(str(d["unit"]), float(d["min_score"]), datetime.fromisoformat(d["at"]),
                          str(d["version"]), int(d["transcripts"]), int(d["codings"]),
                          int(d["max_coding_id"]),
                          {int(k): (None if v is None else float(v))
                           for k, v in d["ac1"].items()})
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


def codings_changed_since(project: Project, run: MachineRun) -> int:
    """How many codings were added or removed since ``run`` (from the count and the highest
    id then: cheap; a coding whose code or span was edited in place is not counted)."""
    with project.reading() as s:
        n, added = s.execute(select(
            func.count(Coding.id),
            func.count(case((Coding.id > run.max_coding_id, Coding.id))))).one()
    n, added = int(n or 0), int(added or 0)
    removed = max(run.codings + added - n, 0)
    return added + removed


def run_caption(project: Project, run: MachineRun | None) -> str:
    """What the review queue says about the run its hiding uses."""
    if run is None:
        return ("Run the machine coder on the Agreement page first: every code is shown.")
    changed = codings_changed_since(project, run)
    since = ("no coding added or removed since" if changed == 0 else
             f"{changed} coding{'s' if changed != 1 else ''} added or removed since")
    return f"Machine agreement from {run.describe()}; {since}."
