"""The whole saturation analysis in one call: the rule on the assessed interviews, the interviews
after the point, the sensitivity grid, the order bootstrap, the unseen-concept estimate and the
per-category results; behind the Saturation page, the Word report and ``qualcode saturation``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from sqlalchemy import BigInteger, cast, func, select

from ..coding.codes import code_tree
from ..coding.status import coding_counts, status_of
from ..coding.quotes import role_of
from ..store.models import Code, Coding, Transcript
from ..store.project import Project
from . import rules
from .bootstrap import DEFAULT_ORDERS, DEFAULT_SEED, BootstrapResult, order_bootstrap
from .categories import CategoryResult, per_category
from .extrapolation import DEFAULT_BOOT
from .outlook import Outlook, look_ahead
from ..corpus.order import order_transcripts, order_warnings
from .saturation import SaturationResult, compute_saturation, project_sequence
from .sensitivity import sensitivity_grid
from .unseen import UnseenEstimate, estimate_unseen


@dataclass
class SaturationReport:
    result: SaturationResult
    grid: list[dict]
    bootstrap: BootstrapResult | None
    unseen: UnseenEstimate
    categories: list[CategoryResult]
    warnings: list[str] = field(default_factory=list)  # interviews sharing a position
    outlook: Outlook | None = None  # looking ahead: expected curve, estimators, extrapolation
    by_role: list[tuple[str, int, Outlook]] = field(default_factory=list)  # role, interviews


    def as_json(self) -> dict:
        """The ``qualcode saturation --json`` object (a public contract: keep the names)."""
        r = self.result
        return {
            "sequence": [{"position": s.position, "name": s.label, "status": s.status,
                          "concepts": len(s.concepts), "new": len(s.new),
                          "cumulative": s.cumulative} for s in r.steps],
            "assessed": r.assessed,
            "assessable": r.assessable,
            "reason": r.reason,
            "point": r.point,
            "label": r.label,
            "after_point": [{"position": a.position, "name": a.label, "new": len(a.new)}
                            for a in r.after_point],
            "grid": [dict(row) for row in self.grid],
            "bootstrap": None if self.bootstrap is None else self.bootstrap.as_dict(),
            "unseen": self.unseen.as_dict(),
            "categories": [c.as_dict() for c in self.categories],
            **(self.outlook.as_json() if self.outlook is not None else {}),
            "roles": [{"role": role, "interviews": n, "observed": o.estimators.observed,
                       **o.as_json()} for role, n, o in self.by_role],
        }


def analyse(sequence: list[tuple], *, categories: list[str] | None = None,
            base: int | None = None, run: int | None = None, threshold: float = 0.05,
            rule: str = rules.GUEST, step: str = rules.SLIDE, include_in_progress: bool = False,
            bootstrap: int = DEFAULT_ORDERS, seed: int = DEFAULT_SEED,
            extrapolation_boot: int = DEFAULT_BOOT) -> SaturationReport:
    """The analysis of a (label, role, concepts, status) sequence in interview order
    (``extrapolation_boot``: iNEXT bootstrap samples for the extrapolation band)."""
    options = dict(base=base, run=run, threshold=threshold, rule=rule, step=step,
                   include_in_progress=include_in_progress)
    result = compute_saturation(sequence, **options)
    assessed = [s.concepts for s in result.steps[:result.assessed]]
    new_counts = [len(s.new) for s in result.steps[:result.assessed]]
    boot = None
    if bootstrap:
        boot = order_bootstrap(assessed, orders=bootstrap, seed=seed, rule=rule,
                               base=result.base, run=result.run_length, threshold=threshold,
                               step=step)
    ahead = dict(boot=extrapolation_boot, seed=seed)
    cats = per_category(sequence, categories, **options)
    for c in cats:
        c.outlook = look_ahead([s.concepts for s in c.result.steps[:c.result.assessed]], **ahead)
    roles = sorted({s.role for s in result.steps[:result.assessed]})
    by_role = []
    if len(roles) > 1:
        for role in roles:
            sets = [s.concepts for s in result.steps[:result.assessed] if s.role == role]
            by_role.append((role, len(sets), look_ahead(sets, **ahead)))
    return SaturationReport(
        result=result,
        grid=sensitivity_grid(new_counts, step=step),
        bootstrap=boot,
        unseen=estimate_unseen(assessed),
        categories=cats,
        outlook=look_ahead(assessed, **ahead),
        by_role=by_role)


def saturation_report(project: Project, *, by: str = "interview", roles: set[str] | None = None,
                      coder: str | None = None, level: int | None = None,
                      **options) -> SaturationReport:
    """``analyse`` over the project's interviews (``options``: base, run, threshold, rule, step,
    include_in_progress, bootstrap, seed)."""
    sequence = project_sequence(project, by=by, roles=roles, coder=coder, level=level)
    tops = [n.code.name for n in code_tree(project) if n.depth == 0]
    report = analyse(sequence, categories=tops, **options)
    report.warnings = order_warnings(_placed(project, roles))
    return report


def saturation_version(project: Project) -> str:
    """A fingerprint of everything the saturation analysis reads, without loading a text or a
    coding: which codes each coder put in which transcript (aggregates per coder), the code
    tree (names, parents, positions) and each transcript's name, order, coding status and
    attributes (role, interview date). Changes whenever any of these change, in this process
    or another one writing to the same database."""
    with project.reading() as s:
        codings = s.execute(
            select(Coding.coder, func.count(), func.max(Coding.id), func.sum(Coding.id),
                   func.sum(Coding.code_id), func.sum(Coding.transcript_id),
                   func.sum(cast(Coding.code_id, BigInteger) * Coding.transcript_id))
            .group_by(Coding.coder).order_by(Coding.coder)).all()
        codes = s.execute(select(Code.id, Code.parent_id, Code.name, Code.position)
                          .order_by(Code.id)).all()
        transcripts = s.execute(select(Transcript.id, Transcript.name,
                                       Transcript.interview_order, Transcript.coding_status,
                                       Transcript.attributes).order_by(Transcript.id)).all()
    h = hashlib.sha1()
    for part in (codings, codes, transcripts):
        h.update(repr([tuple(r) for r in part]).encode())
        h.update(b"\x1e")
    h.update(repr(speakers_fingerprint(project)).encode())
    return h.hexdigest()


def speakers_fingerprint(project: Project) -> list:
    """What decides who said what: the cases, which turn is whose, the interviewer choice."""
    from ..coding.view import speakers_fingerprint as fingerprint

    return fingerprint(project)


def _cached(project: Project, version: str | None, key: tuple, compute):
    """``compute()`` once per saturation version and ``key`` in this process (see
    analysis.version_cache), shared read-only between sessions and pages (the Saturation page
    and the Word section)."""
    from .version_cache import per_version

    return per_version(project, "saturation", key, compute,
                       version=version or saturation_version(project))


def cached_saturation_report(project: Project, *, version: str | None = None,
                             **settings) -> SaturationReport:
    """``saturation_report(project, **settings)``, computed once per project version (see
    ``saturation_version``) and settings. The report is shared: do not change it."""
    key = ("report", *sorted((k, tuple(sorted(v)) if isinstance(v, (set, frozenset)) else v)
                             for k, v in settings.items()))
    return _cached(project, version, key, lambda: saturation_report(project, **settings))


def cached_order_table(project: Project, roles: set[str] | None = None, *,
                       version: str | None = None) -> list[dict]:
    """``order_table(project, roles)`` once per project version (shared: do not change it)."""
    key = ("order", tuple(sorted(roles)) if roles else None)
    return _cached(project, version, key, lambda: order_table(project, roles))


def cached_roles(project: Project, *, version: str | None = None) -> list[str]:
    """The interviewees' roles (the page's role filter), once per project version."""
    from ..coding.view import transcript_roles

    return _cached(project, version, ("roles",), lambda: transcript_roles(project))


def coder_names(project: Project) -> list[str]:
    """The coders who made codings (the page's coder filter), without loading the codings."""
    from ..store.models import Coding

    with project.reading() as s:
        return sorted(s.scalars(select(Coding.coder).distinct()))


def _placed(project: Project, roles: set[str] | None):
    """The interviews in order, those in which someone of ``roles`` speaks."""
    from ..corpus.cases import speaker_roles

    with project.reading() as s:
        transcripts = list(s.scalars(select(Transcript)))
    who = speaker_roles(project)
    return [p for p in order_transcripts(transcripts)
            if not roles or set(who.get(p.transcript.id, ())) & set(roles)]


def order_table(project: Project, roles: set[str] | None = None) -> list[dict]:
    """The interviews in saturation order with where the order comes from and their coding
    status: the table on the Saturation page."""
    from ..corpus.cases import speaker_roles

    counts = coding_counts(project)
    who = speaker_roles(project)
    rows = []
    for p in _placed(project, roles):
        t = p.transcript
        rows.append({"position": p.position, "interview": t.name,
                     "role": " + ".join(who.get(t.id, ())) or role_of(t),
                     "order from": p.source,
                     "interview order": t.interview_order,
                     "date": p.date.isoformat() if p.date else "",
                     "status": status_of(t.coding_status, counts.get(t.id, 0)),
                     "codings": counts.get(t.id, 0),
                     "shares position with": ", ".join(p.shared_with)})
    for i, row in enumerate(rows, 1):
        row["position"] = i  # place within the selection (roles)
    return rows
