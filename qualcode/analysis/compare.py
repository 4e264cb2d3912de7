"""Constant comparison: every incident (coded quote) of a category side by side, grouped by
interview or by an attribute (e.g. role), in interview order, each with its coding memo; and
the comparison memo the analyst writes about the category."""

from __future__ import annotations

from dataclasses import dataclass

from ..coding.codes import code_tree, in_subtree
from ..errors import NotFound
from ..coding.quotes import QuoteRow, quote_rows
from ..store.models import Memo
from ..store.project import Project
from .corpus import load_corpus
from .matrix import NONE_VALUE

INTERVIEW = "interview"


@dataclass
class IncidentGroup:
    value: str  # the interview's name, or the attribute value
    rows: list[QuoteRow]

    @property
    def interviews(self) -> int:
        return len({r.transcript_id for r in self.rows})


def incidents(project: Project, code_id: int, *, with_subcodes: bool = True,
              group_by: str = INTERVIEW, where: dict | None = None,
              viewer: str | None = None) -> list[IncidentGroup]:
    """The incidents of ``code_id`` (and its sub-codes) in the transcripts passing ``where``,
    grouped by interview (interview order), by who said them ("case", "role" or a case
    attribute: an incident across two speakers is in both groups) or by the value of a
    transcript attribute (sorted, groups
    in the order of their first interview when grouping by interview); ``viewer``: who is
    looking (under blind coding, only their own codings)."""
    nodes = code_tree(project)
    wanted = _wanted(nodes, code_id, with_subcodes)
    docs = load_corpus(project).select(where)
    rows = quote_rows(project, code_ids=wanted, transcript_ids={d.id for d in docs},
                      viewer=viewer)
    return [IncidentGroup(value, group) for value, group in _grouped(rows, docs, group_by)]


@dataclass(frozen=True)
class IncidentRefs:
    """A group of incidents in light form (``QuoteRef``s, same order as ``incidents``): the
    page shows a slice of them and builds full rows for that slice only."""
    value: str
    refs: tuple
    interviews: int


def incident_refs(project: Project, code_id: int, *, with_subcodes: bool = True,
                  group_by: str = INTERVIEW, where: dict | None = None,
                  version: str | None = None, viewer: str | None = None) -> list[IncidentRefs]:
    """The groups of ``incidents`` as light refs, from the cached quote refs
    (``coding_view.cached_quote_refs``); computed once per project version and arguments and
    shared read-only between sessions (``viewer``: under blind coding one result per coder)."""
    from ..coding.view import cached_quote_refs, project_version
    from ..store.settings import visible_coder
    from .version_cache import frozen, per_version

    nodes = code_tree(project)
    version = version or project_version(project, nodes)
    own = visible_coder(project, viewer)

    def build() -> list[IncidentRefs]:
        wanted = _wanted(nodes, code_id, with_subcodes)
        docs = load_corpus(project).select(where)
        kept = {d.id for d in docs}
        refs = [r for r in cached_quote_refs(project, version)
                if r.code_id in wanted and r.transcript_id in kept
                and (own is None or r.coder == own)]
        return [IncidentRefs(value, tuple(group), len({r.transcript_id for r in group}))
                for value, group in _grouped(refs, docs, group_by)]

    key = (code_id, with_subcodes, group_by, frozen(where), own)
    return per_version(project, "incidents", key, build, version=version)


def _wanted(nodes, code_id: int, with_subcodes: bool) -> set[int]:
    """``code_id`` and, with ``with_subcodes``, the codes below it."""
    node = next((n for n in nodes if n.code.id == code_id), None)
    if node is None:
        raise NotFound(f"no code with id {code_id}")
    return {n.code.id for n in nodes if in_subtree(n, [node])} if with_subcodes else {code_id}


def _grouped(items, docs, group_by: str) -> list[tuple[str, list]]:
    """Quote rows or refs (``transcript_id``, ``start``, ``end``, ``coding_id``) of the
    interviews ``docs`` in interview and text order, grouped by interview or by an attribute's
    value (values sorted, "(none)" last)."""
    position = {d.id: k for k, d in enumerate(docs)}
    value_of = {d.id: (d.name if group_by == INTERVIEW else
                       str(d.attributes.get(group_by) or NONE_VALUE)) for d in docs}
    by_speaker = group_by in ("case", "role")
    if not by_speaker and docs and group_by != INTERVIEW:
        by_speaker = any(group_by in attrs for _n, _r, attrs in docs[0].cases.values())
    groups: dict[str, list] = {}
    for r in sorted(items, key=lambda r: (position[r.transcript_id], r.start, r.end,
                                          r.coding_id)):
        if by_speaker:  # by who said it: an incident across two speakers is in both groups
            for value in _speaker_values(r, group_by, docs[position[r.transcript_id]]):
                groups.setdefault(value, []).append(r)
        else:
            groups.setdefault(value_of[r.transcript_id], []).append(r)
    keys = list(groups)
    if group_by != INTERVIEW:
        keys.sort(key=lambda v: (v == NONE_VALUE, v))
    return [(k, groups[k]) for k in keys]


def _speaker_values(r, group_by: str, doc) -> list[str]:
    """The case, role or case attribute of each speaker of an incident (a quote row or ref)."""
    names = [n for n in (r.case or "").split(" + ") if n]
    if not names:
        value = doc.participant if group_by == "case" else doc.attributes.get(group_by)
        return [str(value or NONE_VALUE)]
    if group_by == "case":
        return names
    by_name = {name: (role, attrs) for name, role, attrs in doc.cases.values()}
    out = []
    for name in names:
        role, attrs = by_name.get(name, ("", {}))
        value = role if group_by == "role" else attrs.get(group_by)
        out.append(str(value or NONE_VALUE))
    return list(dict.fromkeys(out))


def comparison_title(project: Project, code_id: int) -> str:
    path = next((n.path for n in code_tree(project) if n.code.id == code_id), None)
    if path is None:
        raise NotFound(f"no code with id {code_id}")
    return f"Comparison: {path}"


def comparison_memo(project: Project, code_id: int) -> Memo | None:
    """The category's comparison memo: the theoretical memo about the code titled
    "Comparison: <path>" (the newest, if there are several)."""
    from ..coding.memos import memo_views

    title = comparison_title(project, code_id)
    for view in memo_views(project, kind="code", target_id=code_id):
        if view.memo.title == title:
            return view.memo
    return None


def save_comparison_memo(project: Project, code_id: int, body: str, author: str = "") -> Memo:
    from ..coding.memos import create_memo, update_memo

    memo = comparison_memo(project, code_id)
    if memo is None:
        return create_memo(project, comparison_title(project, code_id), body, author=author,
                           memo_type="theoretical", links=[("code", code_id)])
    return update_memo(project, memo.id, body=body)
