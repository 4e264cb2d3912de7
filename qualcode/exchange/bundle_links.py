"""What an import brings beyond codes, documents, codings and memos: relations between codes
with their grounding codings, memo links, sets of codes, network views, the list of relation
types and the core category; stored by ``bundle.store_bundle`` in the same transaction, after
the rest (they refer to it by the file's GUIDs and keys).

Importing the same file again adds nothing: relations, memo links and sets are matched by GUID
(then by what they join), a network view by its name, the core category is kept when the
project has one."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from ..store.models import (CodeRelation, CodeSet, CodeSetMember, Coding, CoreCategory, Memo,
                            MemoLink, NetworkView, RelationEvidence, RelationType)


@dataclass
class BRelation:
    guid: str | None
    source: str  # code keys of the bundle
    target: str
    type: str
    directed: bool = True
    memo: str = ""
    what: str = ""
    author: str = ""
    created_at: datetime | None = None


@dataclass
class BEvidence:
    relation: str  # the relation's GUID in the file
    coding: str  # the coding's GUID in the file


@dataclass
class BMemoLink:
    memo: str  # the memo's GUID in the file
    kind: str  # coding | code | transcript | memo
    target: str  # coding GUID, code key, document key or memo GUID


@dataclass
class BCodeSet:
    name: str
    guid: str | None = None
    description: str = ""
    codes: list[str] = field(default_factory=list)  # code keys


@dataclass
class BNetworkView:
    name: str
    center: str | None = None  # a code key
    depth: int = 1
    options: dict = field(default_factory=dict)  # "code_set": the set's GUID in the file
    # (kind, key, x, y): kind code | memo | case; key: a code key, a memo's GUID in the file or
    # a document key; x, y in the view's 0–1000 box
    positions: list = field(default_factory=list)


def store_links(s, bundle, report, code_ids: dict, doc_ids: dict, norm_guid) -> None:
    """``norm_guid``: bundle.norm_guid (passed in: bundle imports this module)."""
    from ..coding.relations import find_type, relation_key

    s.flush()
    coding_guids = {norm_guid(b.guid) for b in bundle.codings if b.guid} | {
        norm_guid(e.coding) for e in bundle.evidence} | {
        norm_guid(link.target) for link in bundle.memo_links if link.kind == "coding"}
    coding_guids.discard(None)
    coding_ids = {}
    if coding_guids:
        for cid, guid in s.execute(select(Coding.id, Coding.guid)
                                   .where(Coding.guid.is_not(None))):
            if guid.lower() in coding_guids:
                coding_ids[guid.lower()] = cid
    memo_ids = {m.guid.lower(): m.id for m in s.scalars(select(Memo).where(Memo.guid.is_not(None)))}

    if bundle.relation_types:
        _store_types(s, bundle.relation_types, report)

    # relations
    existing = {r.guid.lower(): r for r in s.scalars(select(CodeRelation))}
    by_key = {relation_key(r.source_id, r.target_id, r.type_id, r.directed): r
              for r in existing.values()}
    rel_ids: dict[str, int] = {}
    for br in bundle.relations:
        a, b = code_ids.get(br.source), code_ids.get(br.target)
        what = br.what or f"relation '{br.type}'"
        if a is None or b is None:
            report.skipped.append(f"{what}: one of its codes was not imported")
            continue
        if a == b:
            report.skipped.append(f"{what}: relates a code to itself")
            continue
        rtype = find_type(s, br.type or "is associated with", create=True)
        guid = norm_guid(br.guid)
        rel = existing.get(guid) if guid else None
        rel = rel or by_key.get(relation_key(a, b, rtype.id, br.directed))
        if rel is None:
            rel = CodeRelation(source_id=a, target_id=b, type_id=rtype.id,
                               directed=br.directed, memo=br.memo or "",
                               author=(br.author or "")[:255],
                               **({"guid": guid} if guid else {}),
                               **({"created_at": br.created_at} if br.created_at else {}))
            s.add(rel)
            s.flush()
            report.add("relations")
        else:
            if br.memo and br.memo not in (rel.memo or ""):
                rel.memo = "\n\n".join(m for m in (rel.memo, br.memo) if m)
            if br.author and not rel.author:
                rel.author = br.author[:255]
            report.add("relations_already_there")
        key = relation_key(rel.source_id, rel.target_id, rel.type_id, rel.directed)
        by_key[key] = rel
        existing[rel.guid.lower()] = rel
        if guid:
            rel_ids[guid] = rel.id
    cited = {(r, c) for r, c in s.execute(select(RelationEvidence.relation_id,
                                                  RelationEvidence.coding_id))}
    for ev in bundle.evidence:
        rid, cid = rel_ids.get(norm_guid(ev.relation)), coding_ids.get(norm_guid(ev.coding))
        if rid is None or cid is None:
            report.skipped.append("a grounding quote of a relation: its relation or coding was "
                                  "not imported")
            continue
        if (rid, cid) not in cited:
            s.add(RelationEvidence(relation_id=rid, coding_id=cid))
            cited.add((rid, cid))
            report.add("relation_evidence")

    # memo links
    targets = {"coding": lambda t: coding_ids.get(norm_guid(t)),
               "code": code_ids.get, "transcript": doc_ids.get,
               "memo": lambda t: memo_ids.get(norm_guid(t) or "")}
    column = {"coding": "coding_id", "code": "code_id", "transcript": "transcript_id",
              "memo": "target_memo_id"}
    have = {(ml.memo_id, ml.coding_id, ml.code_id, ml.transcript_id, ml.target_memo_id)
            for ml in s.scalars(select(MemoLink))}
    for bl in bundle.memo_links:
        mid = memo_ids.get(norm_guid(bl.memo) or "")
        tid = targets[bl.kind](bl.target)
        if mid is None or tid is None or (bl.kind == "memo" and tid == mid):
            report.skipped.append(f"a memo link to a {bl.kind}: its memo or {bl.kind} was not "
                                  "imported")
            continue
        values = {"memo_id": mid, column[bl.kind]: tid}
        key = (mid, values.get("coding_id"), values.get("code_id"),
               values.get("transcript_id"), values.get("target_memo_id"))
        if key in have:
            continue
        have.add(key)
        s.add(MemoLink(**values))
        report.add("memo_links")

    # sets of codes
    sets = {c.name: c for c in s.scalars(select(CodeSet))}
    set_guids = {c.guid.lower(): c for c in sets.values()}
    set_ids = {g: c.id for g, c in set_guids.items()}  # the file's set GUID -> set id
    for bs in bundle.code_sets:
        guid = norm_guid(bs.guid)
        row = (set_guids.get(guid) if guid else None) or sets.get(bs.name)
        if row is None:
            row = CodeSet(name=bs.name[:255], description=bs.description or "",
                          **({"guid": guid} if guid and guid not in set_guids else {}))
            s.add(row)
            s.flush()
            sets[row.name] = row
            report.add("code_sets")
        if guid:
            set_ids[guid] = row.id
        members = set(s.scalars(select(CodeSetMember.code_id)
                                .where(CodeSetMember.set_id == row.id)))
        for key in bs.codes:
            cid = code_ids.get(key)
            if cid is not None and cid not in members:
                s.add(CodeSetMember(set_id=row.id, code_id=cid))
                members.add(cid)
    s.flush()

    if bundle.core:
        _store_core(s, bundle.core, report, code_ids, memo_ids, norm_guid)
    if bundle.network_views:
        ids = {"code": code_ids.get, "memo": lambda k: memo_ids.get(norm_guid(k) or ""),
               "case": doc_ids.get}
        _store_views(s, bundle.network_views, report, ids, set_ids, norm_guid)
    s.flush()


def _store_types(s, names: list[str], report) -> None:
    """The file's list of relation types. A project whose list is still the untouched default
    (or empty) and that has no relation yet takes the file's list as it is (names, order,
    unused types); any other project keeps its list and gains the types it lacks, at the end."""
    from ..coding.relations import DEFAULT_TYPES
    from ..store.clean import clean

    wanted: dict[str, str] = {}
    for name in names:
        name = " ".join(clean(str(name or "")).split())[:255]
        if name and name.lower() not in wanted:
            wanted[name.lower()] = name
    if not wanted:
        return
    rows = list(s.scalars(select(RelationType).order_by(RelationType.position, RelationType.id)))
    by_lower = {r.name.lower(): r for r in rows}
    used = s.scalar(select(CodeRelation.id).limit(1)) is not None
    if not used and [r.name for r in rows] in ([], list(DEFAULT_TYPES)):
        keep = set()
        for k, (low, name) in enumerate(wanted.items()):
            row = by_lower.get(low)
            if row is None:
                row = RelationType(name=name, position=k)
                s.add(row)
            row.name, row.position = name, k
            keep.add(low)
        for row in rows:
            if row.name.lower() not in keep:
                s.delete(row)
        s.flush()
        report.came_in.append(f"the file's list of {len(wanted)} relation type(s), in its "
                              "order")
        if len(keep - set(by_lower)):
            report.add("relation_types", len(keep - set(by_lower)))
        return
    position = max((r.position for r in rows), default=-1)
    added = 0
    for low, name in wanted.items():
        if low not in by_lower:
            position += 1
            s.add(RelationType(name=name, position=position))
            added += 1
    if added:
        s.flush()
        report.add("relation_types", added)
        report.came_in.append(f"{added} relation type(s) added to the end of the project's "
                              "list")


def _store_core(s, core: dict, report, code_ids: dict, memo_ids: dict, norm_guid) -> None:
    """The core category and its storyline memo, unless the project has its own."""
    cid = code_ids.get(core.get("code")) if core.get("code") else None
    mid = memo_ids.get(norm_guid(core.get("storyline")) or "")
    if cid is None and mid is None:
        report.skipped.append("the core category: its code was not imported")
        return
    row = s.scalar(select(CoreCategory).order_by(CoreCategory.id).limit(1))
    if row is not None and (row.code_id, row.memo_id) == (cid, mid):
        return
    if row is not None and (row.code_id is not None or row.memo_id is not None):
        report.warnings.append("the project has its own core category (or storyline); the "
                               "file's was not taken")
        return
    if row is None:
        row = CoreCategory()
        s.add(row)
    row.code_id, row.memo_id = cid, mid
    if mid is not None and cid is not None:  # the storyline memo hangs on the core category
        memo = s.get(Memo, mid)
        if memo.code_id is None:
            memo.code_id = cid
    report.add("core_category")


def _store_views(s, views: list, report, ids: dict, set_ids: dict, norm_guid) -> None:
    """Network views by name: a view the project has already (same name) is left as it is."""
    from ..coding.network_views import OPTION_KEYS, clean_positions

    names = set(s.scalars(select(NetworkView.name)))
    for bv in views:
        name = " ".join((bv.name or "").split())[:255] or "Network view"
        if name in names:
            report.add("network_views_already_there")
            continue
        options = {k: v for k, v in (bv.options or {}).items() if k in OPTION_KEYS}
        if "code_set" in options:
            set_id = set_ids.get(norm_guid(str(options["code_set"])) or "")
            if set_id is None:
                options.pop("code_set")
                report.warnings.append(f"network view '{name}': its set of codes was not "
                                       "imported; the view shows all codes")
            else:
                options["code_set"] = set_id
        positions, lost = {}, 0
        for kind, key, x, y in bv.positions:
            target = ids[kind](key) if kind in ids else None
            if target is None:
                lost += 1
            else:
                positions[f"{kind}:{target}"] = [x, y]
        if lost:
            report.skipped.append(f"network view '{name}': {lost} position(s) of nodes that were "
                                  "not imported")
        try:
            depth = min(max(int(bv.depth), 0), 10)
        except (TypeError, ValueError):
            depth = 1
        s.add(NetworkView(name=name, center_id=ids["code"](bv.center) if bv.center else None,
                          depth=depth, options=options, positions=clean_positions(positions)))
        names.add(name)
        report.add("network_views")
