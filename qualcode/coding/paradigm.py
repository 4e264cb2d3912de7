"""The paradigm model of a category (Corbin & Strauss) and selective coding's core category
with its storyline memo.

Paradigm: the phenomenon (a code) in the middle; around it, from its relations,

* **conditions**: ``X condition of P``, ``X is cause of P``; also ``P consequence of X``;
* **actions/interactions**: ``X action/strategy for P``;
* **consequences**: ``X consequence of P``, ``P is cause of X``, ``P condition of X``;
* **other**: every other relation of P (associated, part, property, contradicts, undirected,
  and the project's own types),

each with its number of grounding quotes. Corbin, J. & Strauss, A. (2015). *Basics of
Qualitative Research* (4th ed.), ch. 7 ("the paradigm"); Strauss & Corbin (1990), ch. 7–8.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from ..errors import ValidationError
from ..store.models import Code, CoreCategory, Memo
from ..store.project import Project, get_row
from .relations import ACTION_FOR, CAUSE_OF, CONDITION_OF, CONSEQUENCE_OF, list_relations

STORYLINE_TITLE = "Storyline"


@dataclass(frozen=True)
class ParadigmItem:
    code_id: int
    path: str
    type: str
    evidence: int
    relation_id: int
    memo: str = ""


@dataclass
class Paradigm:
    phenomenon_id: int
    phenomenon: str
    conditions: list[ParadigmItem] = field(default_factory=list)
    actions: list[ParadigmItem] = field(default_factory=list)
    consequences: list[ParadigmItem] = field(default_factory=list)
    other: list[ParadigmItem] = field(default_factory=list)

    def groups(self) -> list[tuple[str, list[ParadigmItem]]]:
        return [("Conditions", self.conditions), ("Actions/interactions", self.actions),
                ("Consequences", self.consequences), ("Other relations", self.other)]


def _role(rel, phenomenon_id: int) -> tuple[str, int]:
    """(conditions|actions|consequences|other, the other code's id) of a relation of P."""
    incoming = rel.target_id == phenomenon_id  # X -> P
    other = rel.source_id if incoming else rel.target_id
    if not rel.directed:
        return "other", other
    if incoming:
        role = {CONDITION_OF: "conditions", CAUSE_OF: "conditions", ACTION_FOR: "actions",
                CONSEQUENCE_OF: "consequences"}.get(rel.type, "other")
    else:  # P -> X
        role = {CONSEQUENCE_OF: "conditions", CAUSE_OF: "consequences",
                CONDITION_OF: "consequences"}.get(rel.type, "other")
    return role, other


def paradigm(project: Project, code_id: int, *, viewer: str | None = None) -> Paradigm:
    """The paradigm of the category ``code_id``, filled from its relations (strongest first;
    under blind coding ``viewer`` counts only their own grounding quotes)."""
    from .relations import for_viewer

    rels = for_viewer(project, list_relations(project, code_ids=[code_id]), viewer)
    with project.reading() as s:
        get_row(s, Code, code_id, "code")
    from .codes import code_tree

    path = next(n.path for n in code_tree(project) if n.code.id == code_id)
    out = Paradigm(code_id, path)
    for rel in rels:
        role, other = _role(rel, code_id)
        other_path = rel.source if other == rel.source_id else rel.target
        getattr(out, role).append(ParadigmItem(other, other_path, rel.type, rel.weight, rel.id,
                                               rel.memo))
    for _name, items in out.groups():
        items.sort(key=lambda i: (-i.evidence, i.path))
    return out


# ---------------------------------------------------------------- selective coding

def _row(s) -> CoreCategory:
    row = s.scalar(select(CoreCategory).order_by(CoreCategory.id).limit(1))
    if row is None:
        row = CoreCategory()
        s.add(row)
        s.flush()
    return row


def set_core_category(project: Project, code_id: int | None) -> None:
    """Name the core category (None: none yet)."""
    with project.transaction() as s:
        if code_id is not None:
            get_row(s, Code, code_id, "code")
        row = _row(s)
        row.code_id = code_id
        if row.memo_id is not None:  # the storyline memo hangs on the core category
            memo = s.get(Memo, row.memo_id)
            if memo is not None:
                memo.code_id = code_id


def core_category(project: Project) -> Code | None:
    with project.reading() as s:
        row = s.scalar(select(CoreCategory).order_by(CoreCategory.id).limit(1))
        return s.get(Code, row.code_id) if row is not None and row.code_id else None


def storyline(project: Project) -> Memo | None:
    """The storyline memo (a theoretical memo on the core category), if written."""
    with project.reading() as s:
        row = s.scalar(select(CoreCategory).order_by(CoreCategory.id).limit(1))
        return s.get(Memo, row.memo_id) if row is not None and row.memo_id else None


def set_storyline(project: Project, text: str, *, author: str = "") -> Memo:
    """Write (or rewrite) the storyline memo."""
    if not (text or "").strip():
        raise ValidationError("a storyline needs some text")
    with project.transaction() as s:
        row = _row(s)
        memo = s.get(Memo, row.memo_id) if row.memo_id else None
        if memo is None:
            memo = Memo(title=STORYLINE_TITLE, body="", author=(author or "").strip(),
                        memo_type="theoretical", code_id=row.code_id)
            s.add(memo)
            s.flush()
            row.memo_id = memo.id
        memo.body = text.strip()
        return memo
