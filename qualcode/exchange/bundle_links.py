"""What an import brings beyond codes, documents, codings and memos: relations between codes
with their grounding codings, memo links, sets of codes; stored by ``bundle.store_bundle`` in
the same transaction, after the rest (they refer to it by the file's GUIDs and keys)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from ..store.models import (CodeRelation, CodeSet, CodeSetMember, Coding, Memo, MemoLink,
                            RelationEvidence)


@dataclass
class BRelation:
    guid: str | None
    source: str  # code keys of the bundle
    target: str
    type: str
    directed: bool = True
    memo: str = ""
    what: str = ""


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
                               directed=br.directed, memo=br.memo or "", author="",
                               **({"guid": guid} if guid else {}))
            s.add(rel)
            s.flush()
            report.add("relations")
        else:
            if br.memo and br.memo not in (rel.memo or ""):
                rel.memo = "\n\n".join(m for m in (rel.memo, br.memo) if m)
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
        members = set(s.scalars(select(CodeSetMember.code_id)
                                .where(CodeSetMember.set_id == row.id)))
        for key in bs.codes:
            cid = code_ids.get(key)
            if cid is not None and cid not in members:
                s.add(CodeSetMember(set_id=row.id, code_id=cid))
                members.add(cid)
    s.flush()
