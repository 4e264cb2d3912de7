"""Axial coding: typed relations between codes, directed or not, with a memo and the codings
(quotes) that ground them; the project's own list of relation types.

A relation refers to its codes by id, so it survives renaming and moving them; merging two
codes merges their relations (``relation_merge``), deleting a code deletes its relations, and
the undo history (``history``) brings them back with the codes. The weight of a relation is its
number of grounding codings.

The relation types are the project's own list, seeded the first time it is used with the
common ones (after ATLAS.ti's default code–code links) and the roles of Corbin & Strauss's
paradigm model (conditions, actions/interactions, consequences).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select

from ..errors import DuplicateError, NotFound, ValidationError
from ..store.clean import clean
from ..store.models import Code, CodeRelation, Coding, RelationEvidence, RelationType
from ..store.project import Project, get_row
from .codes import code_tree
from .relation_merge import absorb_relation, relation_key

ASSOCIATED = "is associated with"
PART_OF = "is part of"
CAUSE_OF = "is cause of"
CONTRADICTS = "contradicts"
PROPERTY_OF = "is property of"
CONDITION_OF = "condition of"
ACTION_FOR = "action/strategy for"
CONSEQUENCE_OF = "consequence of"
DEFAULT_TYPES = (ASSOCIATED, PART_OF, CAUSE_OF, CONTRADICTS, PROPERTY_OF, CONDITION_OF,
                 ACTION_FOR, CONSEQUENCE_OF)


@dataclass(frozen=True)
class RelationView:
    """A relation as read for lists, the network and exports."""

    id: int
    source_id: int
    target_id: int
    source: str  # code path
    target: str
    type: str
    directed: bool
    memo: str
    evidence: tuple[int, ...]  # grounding coding ids
    guid: str = ""
    author: str = ""

    @property
    def weight(self) -> int:
        return len(self.evidence)

    def sentence(self) -> str:
        """"Loss of fit — condition of → Push" as plain text (no markup)."""
        arrow = "→" if self.directed else "↔"
        return f"{self.source} — {self.type} {arrow} {self.target}"

    def as_dict(self) -> dict:
        """The public JSON shape (``qualcode relations --json``)."""
        return {"source": self.source, "target": self.target, "type": self.type,
                "directed": self.directed, "memo": self.memo, "evidence": self.weight}


# ---------------------------------------------------------------- relation types

def _type_name(name: str) -> str:
    name = " ".join(clean(name or "").split())
    if not name:
        raise ValidationError("a relation type needs a name")
    if len(name) > 255:
        raise ValidationError("a relation type name can be at most 255 characters")
    return name


def _seed(s) -> None:
    if s.scalar(select(func.count()).select_from(RelationType)):
        return
    for k, name in enumerate(DEFAULT_TYPES):
        s.add(RelationType(name=name, position=k))
    s.flush()


def seed_relation_types(project: Project) -> None:
    """Put the default relation types in a project whose list is empty."""
    with project.transaction() as s:
        _seed(s)


def relation_types(project: Project) -> list[RelationType]:
    """The project's relation types in their order (the defaults until the list is first
    written to)."""
    with project.reading() as s:
        rows = list(s.scalars(select(RelationType).order_by(RelationType.position,
                                                            RelationType.id)))
    if rows:
        return rows
    seed_relation_types(project)
    return relation_types(project)


def find_type(s, name_or_id, *, create: bool = False) -> RelationType:
    _seed(s)
    if isinstance(name_or_id, int):
        return get_row(s, RelationType, name_or_id, "relation type")
    name = _type_name(name_or_id)
    row = s.scalar(select(RelationType).where(func.lower(RelationType.name) == name.lower()))
    if row is not None:
        return row
    if create:
        count = s.scalar(select(func.count()).select_from(RelationType)) or 0
        row = RelationType(name=name, position=count)
        s.add(row)
        s.flush()
        return row
    known = ", ".join(s.scalars(select(RelationType.name).order_by(RelationType.position)))
    raise NotFound(f"no relation type '{name}' (the project's types: {known}); add it first")


def add_relation_type(project: Project, name: str) -> RelationType:
    name = _type_name(name)
    with project.transaction() as s:
        _seed(s)
        if s.scalar(select(RelationType.id).where(
                func.lower(RelationType.name) == name.lower())) is not None:
            raise DuplicateError(f"a relation type '{name}' already exists")
        return find_type(s, name, create=True)


def rename_relation_type(project: Project, old: str | int, new: str) -> RelationType:
    new = _type_name(new)
    with project.transaction() as s:
        row = find_type(s, old)
        clash = s.scalar(select(RelationType.id).where(
            func.lower(RelationType.name) == new.lower(), RelationType.id != row.id))
        if clash is not None:
            raise DuplicateError(f"a relation type '{new}' already exists; merge the two "
                                 "instead")
        row.name = new
        return row


def merge_relation_types(project: Project, source: str | int, target: str | int) -> int:
    """Every relation of type ``source`` becomes of type ``target`` (a relation the same two
    codes already have with ``target`` absorbs it: evidence of both, memos joined) and
    ``source`` leaves the list. Returns the number of relations retyped or joined."""
    with project.transaction() as s:
        src, dst = find_type(s, source), find_type(s, target)
        if src.id == dst.id:
            raise ValidationError("cannot merge a relation type into itself")
        existing = {relation_key(r.source_id, r.target_id, r.type_id, r.directed): r
                    for r in s.scalars(select(CodeRelation)
                                       .where(CodeRelation.type_id == dst.id))}
        changed = 0
        for rel in s.scalars(select(CodeRelation).where(CodeRelation.type_id == src.id)).all():
            changed += 1
            other = existing.get(relation_key(rel.source_id, rel.target_id, dst.id,
                                              rel.directed))
            if other is None:
                rel.type_id = dst.id
                existing[relation_key(rel.source_id, rel.target_id, dst.id, rel.directed)] = rel
                continue
            absorb_relation(s, other, rel)
        s.flush()
        s.delete(src)
        return changed


# ---------------------------------------------------------------- relations

def _same(s, source_id: int, target_id: int, type_id: int, directed: bool,
          exclude: int | None = None) -> CodeRelation | None:
    key = relation_key(source_id, target_id, type_id, directed)
    q = select(CodeRelation).where(
        CodeRelation.type_id == type_id, CodeRelation.directed == bool(directed),
        or_((CodeRelation.source_id == source_id) & (CodeRelation.target_id == target_id),
            (CodeRelation.source_id == target_id) & (CodeRelation.target_id == source_id)))
    for rel in s.scalars(q):
        if rel.id != exclude and relation_key(rel.source_id, rel.target_id, rel.type_id,
                                              rel.directed) == key:
            return rel
    return None


def _cite(s, relation_id: int, coding_ids) -> int:
    ids = []
    for cid in coding_ids or ():
        try:
            ids.append(int(cid))
        except (TypeError, ValueError):
            raise ValidationError(f"a coding id is a number, not {cid!r}") from None
    if not ids:
        return 0
    found = set(s.scalars(select(Coding.id).where(Coding.id.in_(ids))))
    missing = [i for i in ids if i not in found]
    if missing:
        raise NotFound(f"no coding with id {', '.join(map(str, missing))}")
    cited = set(s.scalars(select(RelationEvidence.coding_id)
                          .where(RelationEvidence.relation_id == relation_id)))
    added = 0
    for cid in dict.fromkeys(ids):
        if cid not in cited:
            s.add(RelationEvidence(relation_id=relation_id, coding_id=cid))
            added += 1
    s.flush()
    return added


def add_relation(project: Project, source_id: int, target_id: int, rel_type: str | int, *,
                 directed: bool = True, memo: str = "", evidence=(), author: str = "",
                 guid: str | None = None, create_type: bool = False) -> CodeRelation:
    """Relate two codes. ``rel_type`` is a type of the project's list (by name or id; with
    ``create_type`` an unknown name is added to the list). The same relation twice (same
    codes, type and direction; undirected in either order) is refused."""
    if source_id == target_id:
        raise ValidationError("a relation needs two different codes")
    with project.transaction() as s:
        get_row(s, Code, source_id, "code")
        get_row(s, Code, target_id, "code")
        rtype = find_type(s, rel_type, create=create_type)
        if _same(s, source_id, target_id, rtype.id, directed) is not None:
            raise DuplicateError("these codes already have this relation")
        rel = CodeRelation(source_id=source_id, target_id=target_id, type_id=rtype.id,
                           directed=bool(directed), memo=(memo or "").strip(),
                           author=(author or "").strip())
        if guid:
            rel.guid = guid
        s.add(rel)
        s.flush()
        _cite(s, rel.id, evidence)
        return rel


def update_relation(project: Project, relation_id: int, *, rel_type: str | int | None = None,
                    directed: bool | None = None, memo: str | None = None,
                    reverse: bool = False) -> CodeRelation:
    with project.transaction() as s:
        rel = get_row(s, CodeRelation, relation_id, "relation")
        if rel_type is not None:
            rel.type_id = find_type(s, rel_type).id
        if directed is not None:
            rel.directed = bool(directed)
        if reverse:
            rel.source_id, rel.target_id = rel.target_id, rel.source_id
        if memo is not None:
            rel.memo = memo.strip()
        if _same(s, rel.source_id, rel.target_id, rel.type_id, rel.directed,
                 exclude=rel.id) is not None:
            raise DuplicateError("these codes already have this relation")
        return rel


def delete_relation(project: Project, relation_id: int) -> None:
    with project.transaction() as s:
        s.delete(get_row(s, CodeRelation, relation_id, "relation"))


def add_evidence(project: Project, relation_id: int, coding_ids) -> int:
    """Cite codings as grounding for a relation; returns how many were new."""
    with project.transaction() as s:
        get_row(s, CodeRelation, relation_id, "relation")
        return _cite(s, relation_id, coding_ids)


def remove_evidence(project: Project, relation_id: int, coding_id: int) -> None:
    with project.transaction() as s:
        row = s.scalar(select(RelationEvidence).where(
            RelationEvidence.relation_id == relation_id, RelationEvidence.coding_id == coding_id))
        if row is None:
            raise NotFound(f"coding {coding_id} is not evidence of relation {relation_id}")
        s.delete(row)


def list_relations(project: Project, *, code_ids=None) -> list[RelationView]:
    """Every relation (or those touching ``code_ids``), with code paths and evidence, in
    code-tree order. Two queries and one pass: fast for large projects."""
    paths = {n.code.id: n.path for n in code_tree(project)}
    order = {cid: k for k, cid in enumerate(paths)}
    with project.reading() as s:
        q = select(CodeRelation.id, CodeRelation.source_id, CodeRelation.target_id,
                   RelationType.name, CodeRelation.directed, CodeRelation.memo,
                   CodeRelation.guid, CodeRelation.author).join(
            RelationType, RelationType.id == CodeRelation.type_id)
        if code_ids is not None:
            ids = list(code_ids)
            q = q.where(CodeRelation.source_id.in_(ids) | CodeRelation.target_id.in_(ids))
        rows = s.execute(q).all()
        evidence: dict[int, list[int]] = {}
        ev_q = select(RelationEvidence.relation_id, RelationEvidence.coding_id).order_by(
            RelationEvidence.id)
        if code_ids is not None:
            ev_q = ev_q.where(RelationEvidence.relation_id.in_([r[0] for r in rows]))
        for rid, cid in s.execute(ev_q):
            evidence.setdefault(rid, []).append(cid)
    out = [RelationView(rid, a, b, paths.get(a, f"code {a}"), paths.get(b, f"code {b}"), name,
                        bool(directed), memo or "", tuple(evidence.get(rid, ())), guid or "",
                        author or "")
           for rid, a, b, name, directed, memo, guid, author in rows]
    out.sort(key=lambda r: (order.get(r.source_id, 1 << 30), order.get(r.target_id, 1 << 30),
                            r.type, r.id))
    return out


def for_viewer(project: Project, relations: list[RelationView],
               viewer: str | None) -> list[RelationView]:
    """The relations as ``viewer`` may see them: under blind coding, with only their own
    codings as grounding quotes (so the weights count only those); else unchanged."""
    from dataclasses import replace

    from ..store.settings import visible_coder

    own = visible_coder(project, viewer)
    if own is None:
        return relations
    with project.reading() as s:
        mine = set(s.scalars(select(Coding.id).where(Coding.coder == own)))
    return [replace(r, evidence=tuple(c for c in r.evidence if c in mine)) for r in relations]


def get_relation(project: Project, relation_id: int) -> RelationView:
    for rel in list_relations(project):
        if rel.id == relation_id:
            return rel
    raise NotFound(f"no relation with id {relation_id}")
