"""How relations follow their codes when codes are merged (used by ``codes.merge_codes``).

Kept apart from ``relations`` so that ``codes`` can use it without an import circle. Merging
``source`` into ``target``:

* a relation of the source becomes a relation of the target;
* if the target already has the same relation (same other code, type and direction), the two
  become one: the evidence of both, the memos joined;
* a relation between the source and the target themselves would relate the target to itself:
  it is removed (the merge preview says so; undo brings it back);
* a grounding quote that the merge joins into the target's coding of the same span is cited
  through that coding from then on.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, select

from ..store.models import CodeRelation, RelationEvidence


@dataclass(frozen=True)
class RelationMerge:
    moved: int = 0
    combined: int = 0
    dropped: int = 0


def relation_key(source_id: int, target_id: int, type_id: int, directed: bool) -> tuple:
    """Two relations with the same key are the same relation (undirected: either order)."""
    if not directed and source_id > target_id:
        source_id, target_id = target_id, source_id
    return (source_id, target_id, type_id, bool(directed))


def join_memo(target: str, source: str) -> str:
    target, source = (target or "").strip(), (source or "").strip()
    if not source or source == target or source in target.split("\n\n"):
        return target
    return f"{target}\n\n{source}" if target else source


def repoint_evidence(s, old_coding_id: int, kept_coding_id: int) -> None:
    """Evidence citing a coding that is about to be joined into ``kept_coding_id`` cites that
    one instead (call before the old coding is deleted)."""
    rows = s.scalars(select(RelationEvidence).where(
        RelationEvidence.coding_id.in_((old_coding_id, kept_coding_id)))).all()
    have = {r.relation_id for r in rows if r.coding_id == kept_coding_id}
    for row in rows:
        if row.coding_id != old_coding_id:
            continue
        if row.relation_id in have:
            s.delete(row)
        else:
            row.coding_id = kept_coding_id
            have.add(row.relation_id)
    s.flush()


def merge_relations(s, source_id: int, target_id: int, apply: bool) -> RelationMerge:
    """Move the relations of code ``source_id`` to ``target_id`` (see the module text)."""
    rels = s.scalars(select(CodeRelation).where(or_(
        CodeRelation.source_id.in_((source_id, target_id)),
        CodeRelation.target_id.in_((source_id, target_id))))).all()
    kept = {relation_key(r.source_id, r.target_id, r.type_id, r.directed): r
            for r in rels if source_id not in (r.source_id, r.target_id)}
    moved = combined = dropped = 0
    for rel in rels:
        if source_id not in (rel.source_id, rel.target_id):
            continue
        a = target_id if rel.source_id == source_id else rel.source_id
        b = target_id if rel.target_id == source_id else rel.target_id
        if a == b:
            dropped += 1
            if apply:
                s.delete(rel)
            continue
        key = relation_key(a, b, rel.type_id, rel.directed)
        other = kept.get(key)
        if other is None:
            moved += 1
            if apply:
                rel.source_id, rel.target_id = a, b
            kept[key] = rel
            continue
        combined += 1
        if apply:
            absorb_relation(s, other, rel)
    if apply:
        s.flush()
    return RelationMerge(moved, combined, dropped)


def absorb_relation(s, keep: CodeRelation, gone: CodeRelation) -> None:
    """``gone`` folds into ``keep``: its grounding quotes (each coding cited once) and its
    memo move over, then it is deleted."""
    cited = set(s.scalars(select(RelationEvidence.coding_id)
                          .where(RelationEvidence.relation_id == keep.id)))
    for ev in s.scalars(select(RelationEvidence)
                        .where(RelationEvidence.relation_id == gone.id)).all():
        if ev.coding_id in cited:
            s.delete(ev)
        else:
            ev.relation_id = keep.id
            cited.add(ev.coding_id)
    keep.memo = join_memo(keep.memo, gone.memo)
    s.flush()
    s.delete(gone)


def merge_set_members(s, source_id: int, target_id: int, apply: bool) -> int:
    """The target joins every set of codes the source was in; returns how many sets."""
    from ..store.models import CodeSetMember

    rows = s.scalars(select(CodeSetMember).where(
        CodeSetMember.code_id.in_((source_id, target_id)))).all()
    target_sets = {r.set_id for r in rows if r.code_id == target_id}
    joined = 0
    for row in rows:
        if row.code_id != source_id:
            continue
        if row.set_id in target_sets:
            if apply:
                s.delete(row)
        else:
            joined += 1
            if apply:
                row.code_id = target_id
            target_sets.add(row.set_id)
    if apply:
        s.flush()
    return joined
