"""The code hierarchy: create, edit, rename, move, merge and delete codes (codings are kept)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func, select

from ..errors import DuplicateError, NotFound, ValidationError
from ..store.models import Code, CodeRelation, Coding, Memo, MemoLink
from .relation_merge import merge_relations, merge_set_members, repoint_evidence
from ..store.concurrency import check_version
from ..store.clean import clean
from ..store.project import Project, get_row

_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
PALETTE = ["#ffd54f", "#81c784", "#64b5f6", "#e57373", "#ba68c8", "#4db6ac", "#ff8a65",
           "#a1887f", "#90a4ae", "#f06292", "#aed581", "#7986cb"]


@dataclass(frozen=True)
class CodeNode:
    code: Code
    depth: int
    path: str  # "Parent / Child"


def _check_name(name: str) -> str:
    name = clean(name or "").strip()
    if not name:
        raise ValidationError("a code needs a name")
    if "/" in name:
        raise ValidationError("a code name cannot contain '/' (it separates levels in code paths)")
    if len(name) > 255:
        raise ValidationError("a code name can be at most 255 characters")
    return name


def _check_color(color: str) -> str:
    if not _COLOR.match(color or ""):
        raise ValidationError(f"colour must look like #a1b2c3, not {color!r}")
    return color.lower()


def _sibling_clash(s, parent_id: int | None, name: str, exclude: int | None = None) -> None:
    q = select(Code.id).where(Code.parent_key == (parent_id or 0), Code.name == name)
    if exclude is not None:
        q = q.where(Code.id != exclude)
    if s.scalar(q) is not None:
        where = "at the top level" if parent_id is None else "under that parent"
        raise DuplicateError(f"a code called '{name}' already exists {where}")


def _get(s, code_id: int) -> Code:
    return get_row(s, Code, code_id, "code")


def create_code(project: Project, name: str, parent_id: int | None = None, *,
                description: str = "", inclusion: str = "", exclusion: str = "",
                examples: list[str] | None = None, labels: dict | None = None,
                color: str | None = None) -> Code:
    name = _check_name(name)
    with project.transaction() as s:
        if parent_id is not None:
            _get(s, parent_id)
        _sibling_clash(s, parent_id, name)
        count = s.scalar(select(func.count()).select_from(Code)) or 0
        siblings = s.scalar(select(func.count()).select_from(Code)
                            .where(Code.parent_key == (parent_id or 0))) or 0
        if not color:  # a palette colour no sibling (nor the parent) has, so they stand apart
            near = set(s.scalars(select(Code.color).where(
                (Code.parent_key == (parent_id or 0)) | (Code.id == (parent_id or 0)))))
            free = [c for c in PALETTE if c not in near]
            color = (free or PALETTE)[count % len(free or PALETTE)]
        code = Code(name=name, parent_id=parent_id, parent_key=parent_id or 0,
                    description=description, inclusion=inclusion, exclusion=exclusion,
                    examples=list(examples or []), labels=dict(labels or {}),
                    color=_check_color(color) if color else PALETTE[count % len(PALETTE)],
                    position=siblings)
        s.add(code)
    return code


def update_code(project: Project, code_id: int, *, expected_version: int | None = None,
                **fields) -> Code:
    """Change description, inclusion, exclusion, examples, labels or color. With
    ``expected_version`` (the ``version`` the editor showed) a save over someone else's newer
    change is refused (ConflictError "changed by NAME at TIME")."""
    allowed = {"description", "inclusion", "exclusion", "examples", "labels", "color"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError(f"cannot set {', '.join(sorted(unknown))} on a code")
    with project.transaction() as s:
        code = _get(s, code_id)
        check_version(s, code, expected_version, f"code '{code.name}'")
        for key, value in fields.items():
            if key == "color":
                value = _check_color(value)
            elif key == "examples":
                value = [str(v) for v in value]
            elif key == "labels":
                value = {str(k): str(v) for k, v in value.items() if v}
            else:
                value = value or ""
            setattr(code, key, value)
    return code


def add_code_example(project: Project, code_id: int, example: str) -> Code:
    """Append an example quote to a code, atomically (concurrent additions are all kept)."""
    example = str(example or "").strip()
    if not example:
        raise ValidationError("an example needs some text")
    with project.transaction() as s:
        code = _get(s, code_id)
        if example not in (code.examples or []):
            code.examples = list(code.examples or []) + [example]
    return code


def rename_code(project: Project, code_id: int, new_name: str, *,
                expected_version: int | None = None) -> Code:
    new_name = _check_name(new_name)
    with project.transaction() as s:
        code = _get(s, code_id)
        check_version(s, code, expected_version, f"code '{code.name}'")
        _sibling_clash(s, code.parent_id, new_name, exclude=code_id)
        code.name = new_name
    return code


def move_code(project: Project, code_id: int, new_parent_id: int | None) -> Code:
    """Put a code (with its sub-codes) under another parent, or at the top level (None)."""
    with project.transaction() as s:
        code = _get(s, code_id)
        if new_parent_id is not None:
            ancestor = _get(s, new_parent_id)
            while ancestor is not None:
                if ancestor.id == code_id:
                    raise ValidationError("a code cannot be moved under itself or its own sub-code")
                ancestor = s.get(Code, ancestor.parent_id) if ancestor.parent_id else None
        _sibling_clash(s, new_parent_id, code.name, exclude=code_id)
        code.parent_id = new_parent_id
        code.parent_key = new_parent_id or 0
        code.position = s.scalar(select(func.count()).select_from(Code)
                                 .where(Code.parent_key == (new_parent_id or 0))) or 0
    return code


@dataclass(frozen=True)
class MergePlan:
    """What merging ``source`` into ``target`` will do; shown before the merge is confirmed."""
    source: str
    target: str
    codings_moved: int
    codings_joined: int  # same span and coder already in the target: one coding, memos joined
    memos_joined: int
    subcodes_moved: int
    memos_moved: int
    fields_appended: tuple[str, ...]  # definition, inclusion, exclusion, examples, labels
    relations_moved: int = 0  # relations of the source that become the target's
    relations_combined: int = 0  # the target had the same relation: one, evidence of both
    relations_dropped: int = 0  # relations between the two codes (would relate it to itself)

    def describe(self) -> str:
        lines = [f"'{self.source}' will be merged into '{self.target}' and then removed.",
                 f"{self.codings_moved} coding(s) move to '{self.target}'."]
        if self.codings_joined:
            lines.append(f"{self.codings_joined} coding(s) cover a span the target already has "
                         f"from the same coder: they become one coding, and {self.memos_joined} "
                         "memo(s) are added to the target coding's memo (nothing is lost).")
        if self.subcodes_moved:
            lines.append(f"{self.subcodes_moved} sub-code(s) move under '{self.target}'.")
        if self.memos_moved:
            lines.append(f"{self.memos_moved} code memo(s) move to '{self.target}'.")
        if self.fields_appended:
            lines.append("Appended to the target's " + ", ".join(self.fields_appended) + ".")
        if self.relations_moved:
            lines.append(f"{self.relations_moved} relation(s) move to '{self.target}'.")
        if self.relations_combined:
            lines.append(f"{self.relations_combined} relation(s) are ones '{self.target}' "
                         "already has: each becomes one relation with the evidence of both and "
                         "both memos.")
        if self.relations_dropped:
            lines.append(f"{self.relations_dropped} relation(s) between '{self.source}' and "
                         f"'{self.target}' are removed (undo brings them back).")
        return "\n".join(lines)


_MERGED_FIELDS = (("description", "definition"), ("inclusion", "inclusion criteria"),
                  ("exclusion", "exclusion criteria"))


def _join_text(target: str, source: str, source_name: str) -> str:
    target, source = (target or "").strip(), (source or "").strip()
    if not source or source in target:
        return target
    if not target:
        return source
    return f"{target}\n\n(from merged code '{source_name}') {source}"


def _join_memo(target: str, source: str) -> str:
    target, source = (target or "").strip(), (source or "").strip()
    if not source or source == target or source in target.split("\n\n"):
        return target
    return f"{target}\n\n{source}" if target else source


def _merge(s, source_id: int, target_id: int, apply: bool) -> tuple[MergePlan, int]:
    if source_id == target_id:
        raise ValidationError("cannot merge a code into itself")
    source, target = _get(s, source_id), _get(s, target_id)
    ancestor = target
    while ancestor is not None:
        if ancestor.id == source_id:
            raise ValidationError("cannot merge a code into one of its own sub-codes")
        ancestor = s.get(Code, ancestor.parent_id) if ancestor.parent_id else None
    have = {(c.transcript_id, c.start, c.end, c.coder): c
            for c in s.scalars(select(Coding).where(Coding.code_id == target_id))}
    moved = joined = memos_joined = 0
    for coding in s.scalars(select(Coding).where(Coding.code_id == source_id)).all():
        key = (coding.transcript_id, coding.start, coding.end, coding.coder)
        kept = have.get(key)
        if kept is not None:
            joined += 1
            memo = _join_memo(kept.memo, coding.memo)
            if memo != (kept.memo or "").strip():
                memos_joined += 1
            if apply:
                kept.memo = memo
                repoint_evidence(s, coding.id, kept.id)
                s.delete(coding)
        else:
            if apply:
                coding.code_id = target_id
            have[key] = coding
            moved += 1
    children = s.scalars(select(Code).where(Code.parent_id == source_id)).all()
    for child in children:
        _sibling_clash(s, target_id, child.name)
        if apply:
            child.parent_id = target_id
            child.parent_key = target_id
    memos = s.scalars(select(Memo).where(Memo.code_id == source_id)).all()
    appended = []
    for key, label in _MERGED_FIELDS:
        new = _join_text(getattr(target, key), getattr(source, key), source.name)
        if new != (getattr(target, key) or "").strip():
            appended.append(label)
            if apply:
                setattr(target, key, new)
    examples = list(target.examples or []) + [
        e for e in (source.examples or []) if e not in (target.examples or [])]
    if len(examples) != len(target.examples or []):
        appended.append("examples")
    labels = {**(source.labels or {}), **(target.labels or {})}
    if labels != (target.labels or {}):
        appended.append("labels")
    rels = merge_relations(s, source_id, target_id, apply)
    merge_set_members(s, source_id, target_id, apply)
    if apply:
        for memo in memos:
            memo.code_id = target_id
        linked = set(s.scalars(select(MemoLink.memo_id).where(MemoLink.code_id == target_id)))
        for link in s.scalars(select(MemoLink).where(MemoLink.code_id == source_id)).all():
            if link.memo_id in linked:
                s.delete(link)
            else:
                link.code_id = target_id
                linked.add(link.memo_id)
        target.examples = examples
        target.labels = labels
        s.flush()
        s.delete(source)
    plan = MergePlan(source.name, target.name, moved, joined, memos_joined, len(children),
                     len(memos), tuple(appended), rels.moved, rels.combined, rels.dropped)
    return plan, moved


def merge_plan(project: Project, source_id: int, target_id: int) -> MergePlan:
    """What :func:`merge_codes` would do, without changing anything."""
    with project.reading() as s:
        return _merge(s, source_id, target_id, apply=False)[0]


def merge_codes(project: Project, source_id: int, target_id: int) -> int:
    """Merge ``source`` into ``target``: its codings, sub-codes and memos move to the target and
    the source is deleted. Nothing is lost: a coding the target already has (same span and
    coder) is not doubled but its memo is joined to the target coding's memo, and the source's
    definition, criteria, examples and labels are appended to the target's.
    Returns the number of codings moved."""
    with project.transaction() as s:
        return _merge(s, source_id, target_id, apply=True)[1]


def delete_code(project: Project, code_id: int, *, force: bool = False) -> None:
    """Delete a code. A code with codings or sub-codes is kept unless ``force`` is given."""
    with project.transaction() as s:
        code = _get(s, code_id)
        ids = _subtree_ids(s, code_id)
        n = s.scalar(select(func.count()).select_from(Coding).where(Coding.code_id.in_(ids)))
        if (n or len(ids) > 1) and not force:
            raise ValidationError(
                f"'{code.name}' has {n} coding(s) and {len(ids) - 1} sub-code(s); merge it into "
                "another code to keep them, or delete with force")
        s.query(Coding).filter(Coding.code_id.in_(ids)).delete(synchronize_session=False)
        s.query(Memo).filter(Memo.code_id.in_(ids)).delete(synchronize_session=False)
        s.query(CodeRelation).filter(CodeRelation.source_id.in_(ids) |
                                     CodeRelation.target_id.in_(ids)
                                     ).delete(synchronize_session=False)
        for cid in reversed(ids):
            s.delete(s.get(Code, cid))
            s.flush()


def _subtree_ids(s, code_id: int) -> list[int]:
    ids, frontier = [code_id], [code_id]
    while frontier:
        frontier = list(s.scalars(select(Code.id).where(Code.parent_id.in_(frontier))))
        ids.extend(frontier)
    return ids


def all_codes(project: Project) -> list[Code]:
    with project.reading() as s:
        return list(s.scalars(select(Code)))


def get_code(project: Project, code_id: int) -> Code:
    with project.reading() as s:
        return _get(s, code_id)


def code_tree(project: Project) -> list[CodeNode]:
    """All codes depth-first, siblings by position then name, with depth and path."""
    codes = all_codes(project)
    children: dict[int | None, list[Code]] = {}
    for code in codes:
        children.setdefault(code.parent_id, []).append(code)
    out: list[CodeNode] = []

    def visit(parent: int | None, depth: int, prefix: str) -> None:
        for code in sorted(children.get(parent, []), key=lambda c: (c.position, c.name.lower())):
            path = f"{prefix}{code.name}"
            out.append(CodeNode(code, depth, path))
            visit(code.id, depth + 1, path + " / ")

    visit(None, 0, "")
    return out


def in_subtree(node: CodeNode, roots: list[CodeNode]) -> bool:
    """Whether ``node`` is one of ``roots`` or lies below one of them."""
    return any(node.path == r.path or node.path.startswith(r.path + " / ") for r in roots)


def find_code(project: Project, path: str) -> Code:
    """A code by its path, e.g. ``"Authenticity / Push: organisation"`` (or a unique bare name)."""
    wanted = [p.strip() for p in path.split("/")]
    nodes = code_tree(project)
    exact = [n.code for n in nodes if [p.strip() for p in n.path.split("/")] == wanted]
    if exact:
        return exact[0]
    by_name = [n.code for n in nodes if n.code.name == path.strip()]
    if len(by_name) == 1:
        return by_name[0]
    if by_name:
        raise ValidationError(f"'{path}' names several codes; give the full path")
    raise NotFound(f"no code '{path}'")
