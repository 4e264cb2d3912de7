"""Named sets of codes (REFI-QDA ``<Set>`` with ``MemberCode``s): a tension's codes, the codes
of a model. A set follows its codes by id; a deleted code leaves its sets; merging codes puts
the target in the source's sets. Sets of transcripts stay the ``sets`` attribute."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from ..errors import DuplicateError, NotFound, ValidationError
from ..store.clean import clean
from ..store.models import Code, CodeSet, CodeSetMember
from ..store.project import Project, get_row


@dataclass(frozen=True)
class CodeSetView:
    id: int
    guid: str
    name: str
    description: str
    code_ids: tuple[int, ...]


def _name(name: str) -> str:
    name = " ".join(clean(name or "").split())
    if not name:
        raise ValidationError("a set of codes needs a name")
    return name[:255]


def create_code_set(project: Project, name: str, code_ids=(), *, description: str = "",
                    guid: str | None = None) -> CodeSet:
    name = _name(name)
    with project.transaction() as s:
        if s.scalar(select(CodeSet.id).where(CodeSet.name == name)) is not None:
            raise DuplicateError(f"a set of codes called '{name}' already exists")
        row = CodeSet(name=name, description=(description or "").strip(),
                      **({"guid": guid} if guid else {}))
        s.add(row)
        s.flush()
        _add(s, row.id, code_ids)
        return row


def _add(s, set_id: int, code_ids) -> int:
    have = set(s.scalars(select(CodeSetMember.code_id).where(CodeSetMember.set_id == set_id)))
    added = 0
    for cid in dict.fromkeys(code_ids or ()):
        get_row(s, Code, cid, "code")
        if cid not in have:
            s.add(CodeSetMember(set_id=set_id, code_id=cid))
            have.add(cid)
            added += 1
    s.flush()
    return added


def add_to_code_set(project: Project, set_id: int, code_ids) -> int:
    with project.transaction() as s:
        get_row(s, CodeSet, set_id, "set of codes")
        return _add(s, set_id, code_ids)


def delete_code_set(project: Project, set_id: int) -> None:
    with project.transaction() as s:
        s.delete(get_row(s, CodeSet, set_id, "set of codes"))


def code_sets(project: Project) -> list[CodeSetView]:
    with project.reading() as s:
        sets = list(s.scalars(select(CodeSet).order_by(CodeSet.name)))
        members: dict[int, list[int]] = {}
        for sid, cid in s.execute(select(CodeSetMember.set_id, CodeSetMember.code_id)
                                  .order_by(CodeSetMember.id)):
            members.setdefault(sid, []).append(cid)
    return [CodeSetView(c.id, c.guid, c.name, c.description or "", tuple(members.get(c.id, ())))
            for c in sets]


def get_code_set(project: Project, name: str) -> CodeSetView:
    for view in code_sets(project):
        if view.name == name:
            return view
    raise NotFound(f"no set of codes '{name}'")
