"""Undo for the last actions of a coder: codings added (or extended) or removed, codes renamed,
merged, moved or deleted.

Each undoable change goes through a function here that does the change with the library
(``codings``, ``codes``) and records an :class:`~qualcode.store.models.Action` with a snapshot of
the rows it touches (every column, so the rows come back with their ids, coder, memo and times).
``undo_last`` takes back the newest action of that coder that is not undone yet, in one
transaction; an undo that would clash with what happened since is refused with a message and
changes nothing.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, func, select, update

from . import codes as code_ops
from . import codings as coding_ops
from ..errors import NotFound, ValidationError
from ..store.models import (Action, Code, CodeRelation, CodeSet, CodeSetMember, Coding, Memo,
                            MemoLink, RelationEvidence, Transcript, TrashItem, utcnow)
from ..store.project import Project, get_row

KEEP = 50  # actions kept per coder


# ---------------------------------------------------------------- snapshots of rows

def _snap(row) -> dict:
    out = {}
    for column in row.__table__.columns:
        value = getattr(row, _attr(type(row), column.name))
        if isinstance(value, datetime):
            value = value.isoformat()
        out[column.name] = value
    return out


def _attr(model, column_name: str) -> str:
    """The mapped attribute of a column (``start`` for ``start_offset``)."""
    for prop in model.__mapper__.column_attrs:
        if prop.columns[0].name == column_name:
            return prop.key
    raise KeyError(column_name)


def _values(model, data: dict) -> dict:
    values = {}
    for column in model.__table__.columns:
        if column.name not in data:
            continue
        value = data[column.name]
        if isinstance(column.type, DateTime) and isinstance(value, str):
            value = datetime.fromisoformat(value)
        values[_attr(model, column.name)] = value
    return values


def _put(s, model, data: dict):
    """Bring a row back to its snapshot: update it where it exists, insert it where not."""
    values = _values(model, data)
    row = s.get(model, values["id"])
    if row is None:
        row = model(**values)
        s.add(row)
    else:
        for key, value in values.items():
            setattr(row, key, value)
    return row


# ---------------------------------------------------------------- recording

def _record(project: Project, coder: str, kind: str, summary: str, payload: dict) -> Action:
    coder = (coder or "").strip()
    with project.transaction() as s:
        action = Action(coder=coder, kind=kind, summary=summary, payload=payload)
        s.add(action)
        s.flush()
        old = list(s.scalars(select(Action.id).where(Action.coder == coder)
                             .order_by(Action.id.desc()).offset(KEEP)))
        if old:
            s.query(Action).filter(Action.id.in_(old)).delete(synchronize_session=False)
    return action


def _code_path(s, code_id: int) -> str:
    parts, code = [], s.get(Code, code_id)
    while code is not None:
        parts.append(code.name)
        code = s.get(Code, code.parent_id) if code.parent_id else None
    return " / ".join(reversed(parts)) or f"code {code_id}"


def _quote(s, coding: Coding, width: int = 40) -> str:
    text = s.get(Transcript, coding.transcript_id).text[coding.start:coding.end]
    text = " ".join(text.split())
    return f"“{text[:width]}{'…' if len(text) > width else ''}”"


def _relations_snapshot(s, code_ids, coding_ids) -> dict:
    """The relations touching ``code_ids`` and the evidence rows of those relations or citing
    ``coding_ids`` (what a merge or deletion of those codes may change)."""
    code_ids, coding_ids = list(code_ids), list(coding_ids)
    rels = list(s.scalars(select(CodeRelation).where(
        CodeRelation.source_id.in_(code_ids) | CodeRelation.target_id.in_(code_ids))))
    rel_ids = [r.id for r in rels]
    evidence = list(s.scalars(select(RelationEvidence).where(
        RelationEvidence.relation_id.in_(rel_ids) | RelationEvidence.coding_id.in_(coding_ids))))
    members = list(s.scalars(select(CodeSetMember).where(CodeSetMember.code_id.in_(code_ids))))
    return {"relations": [_snap(r) for r in rels], "evidence": [_snap(e) for e in evidence],
            "set_members": [_snap(m) for m in members]}


def _restore_relations(s, snapshot: dict) -> None:
    """Bring the relations and evidence of a snapshot back as they were (those whose codes
    and codings are there)."""
    rels, evidence = snapshot.get("relations") or [], snapshot.get("evidence") or []
    members = snapshot.get("set_members") or []
    if members:  # the sets of codes the codes were in
        s.query(CodeSetMember).filter(CodeSetMember.id.in_([m["id"] for m in members])).delete(
            synchronize_session=False)
        s.flush()
        for data in members:
            if s.get(Code, data["code_id"]) is None or s.get(CodeSet, data["set_id"]) is None:
                continue
            clash = s.scalar(select(CodeSetMember.id).where(
                CodeSetMember.set_id == data["set_id"], CodeSetMember.code_id == data["code_id"]))
            if clash is None:
                _put(s, CodeSetMember, data)
        s.flush()
    if not rels and not evidence:
        return
    rel_ids = [r["id"] for r in rels]
    s.query(RelationEvidence).filter(
        RelationEvidence.relation_id.in_(rel_ids) |
        RelationEvidence.id.in_([e["id"] for e in evidence])).delete(synchronize_session=False)
    s.flush()
    for data in rels:
        if s.get(Code, data["source_id"]) is None or s.get(Code, data["target_id"]) is None:
            continue
        _put(s, CodeRelation, data)
    s.flush()
    for data in evidence:
        if s.get(CodeRelation, data["relation_id"]) is None or \
                s.get(Coding, data["coding_id"]) is None:
            continue
        _put(s, RelationEvidence, data)
    s.flush()


# ---------------------------------------------------------------- undoable actions

def add_coding(project: Project, transcript_id: int, code_id: int, start: int, end: int,
               coder: str = "", memo: str = "") -> Coding:
    """Code a span (see qualcode.coding.codings.add_coding: an overlapping or touching coding
    of the same code and coder is extended); undo takes the coding away, or puts the extended
    codings back as they were."""
    before: list[dict] = []
    links: list[list[int]] = []

    def keep(s, rows) -> None:
        before.extend(_snap(r) for r in rows)
        links.extend([link_id, coding_id] for link_id, coding_id in s.execute(
            select(MemoLink.id, MemoLink.coding_id).where(
                MemoLink.coding_id.in_([r.id for r in rows]))))

    coding = coding_ops.add_coding(project, transcript_id, code_id, start, end, coder=coder,
                                   memo=memo, before_change=keep)
    with project.reading() as s:
        verb = "extension of" if before else "code"
        summary = f"{verb} {_code_path(s, code_id)} on {_quote(s, coding)}"
    payload = {"coding": _snap(coding)}
    if before:
        payload.update(before=before, links=links)
    _record(project, coder, "coding_added", summary, payload)
    return coding


def rename_code(project: Project, code_id: int, new_name: str, coder: str = "") -> Code:
    """Rename a code (qualcode.coding.codes.rename_code), undoably."""
    with project.reading() as s:
        old = get_row(s, Code, code_id, "code").name
        before = _code_path(s, code_id)
    renamed = code_ops.rename_code(project, code_id, new_name)
    _record(project, coder, "code_renamed", f"renaming of {before} to {renamed.name}",
            {"code": code_id, "name": old, "new_name": renamed.name})
    return renamed


def remove_coding(project: Project, coding_id: int, coder: str = "") -> None:
    with project.reading() as s:
        coding = get_row(s, Coding, coding_id, "coding")
        snapshot = _snap(coding)
        summary = f"removal of {_code_path(s, coding.code_id)} from {_quote(s, coding)}"
        evidence = [_snap(e) for e in s.scalars(select(RelationEvidence)
                                                 .where(RelationEvidence.coding_id == coding_id))]
    coding_ops.remove_coding(project, coding_id)
    _record(project, coder, "coding_removed", summary, {"coding": snapshot, "evidence": evidence})


def merge_codes(project: Project, source_id: int, target_id: int, coder: str = "") -> int:
    with project.reading() as s:
        get_row(s, Code, source_id, "code")
        get_row(s, Code, target_id, "code")
        ids = (source_id, target_id)
        before = {
            "codes": [_snap(c) for c in s.scalars(select(Code).where(
                (Code.id.in_(ids)) | (Code.parent_id == source_id)))],
            "codings": [_snap(c) for c in s.scalars(select(Coding).where(Coding.code_id.in_(ids)))],
            "memos": [_snap(m) for m in s.scalars(select(Memo).where(Memo.code_id.in_(ids)))],
        }
        before.update(_relations_snapshot(s, ids, [c["id"] for c in before["codings"]]))
        summary = f"merge of {_code_path(s, source_id)} into {_code_path(s, target_id)}"
    moved = code_ops.merge_codes(project, source_id, target_id)
    with project.reading() as s:
        after = list(s.scalars(select(Coding.id).where(Coding.code_id == target_id)))
    _record(project, coder, "code_merged", summary,
            {"source": source_id, "target": target_id, "before": before, "after": after})
    return moved


def move_code(project: Project, code_id: int, new_parent_id: int | None, coder: str = "") -> Code:
    with project.reading() as s:
        code = get_row(s, Code, code_id, "code")
        old = {"parent_id": code.parent_id, "position": code.position}
        before = _code_path(s, code_id)
    moved = code_ops.move_code(project, code_id, new_parent_id)
    with project.reading() as s:
        summary = f"move of {before} to {_code_path(s, code_id)}"
    _record(project, coder, "code_moved", summary, {"code": code_id, **old})
    return moved


def delete_code(project: Project, code_id: int, *, force: bool = False, coder: str = "") -> None:
    with project.reading() as s:
        get_row(s, Code, code_id, "code")
        ids = code_ops._subtree_ids(s, code_id)
        codes = {c.id: c for c in s.scalars(select(Code).where(Code.id.in_(ids)))}
        snapshot = {
            "codes": [_snap(codes[i]) for i in ids],  # parents before children
            "codings": [_snap(c) for c in s.scalars(select(Coding).where(Coding.code_id.in_(ids)))],
            "memos": [_snap(m) for m in s.scalars(select(Memo).where(Memo.code_id.in_(ids)))],
        }
        snapshot.update(_relations_snapshot(s, ids, [c["id"] for c in snapshot["codings"]]))
        summary = f"deletion of {_code_path(s, code_id)}"
        if len(ids) > 1 or snapshot["codings"]:
            summary += (f" ({len(snapshot['codings'])} coding(s), {len(ids) - 1} sub-code(s))")
    code_ops.delete_code(project, code_id, force=force)
    _record(project, coder, "code_deleted", summary, snapshot)


def delete_preview(project: Project, code_id: int) -> dict:
    """What deleting a code (with ``force``) takes with it: counts of sub-codes, codings, memos."""
    with project.reading() as s:
        get_row(s, Code, code_id, "code")
        ids = code_ops._subtree_ids(s, code_id)
        count = lambda q: s.scalar(q) or 0  # noqa: E731
        return {
            "path": _code_path(s, code_id),
            "subcodes": len(ids) - 1,
            "codings": count(select(func.count()).select_from(Coding)
                             .where(Coding.code_id.in_(ids))),
            "transcripts": count(select(func.count(func.distinct(Coding.transcript_id)))
                                 .where(Coding.code_id.in_(ids))),
            "memos": count(select(func.count()).select_from(Memo).where(Memo.code_id.in_(ids))),
        }


# ---------------------------------------------------------------- undo

def recent_actions(project: Project, coder: str = "", limit: int = 10,
                   include_undone: bool = False) -> list[Action]:
    """The newest actions of ``coder``, newest first."""
    with project.reading() as s:
        q = select(Action).where(Action.coder == (coder or "").strip())
        if not include_undone:
            q = q.where(Action.undone_at.is_(None))
        return list(s.scalars(q.order_by(Action.id.desc()).limit(limit)))


def undo_last(project: Project, coder: str = "") -> Action | None:
    """Take back the newest action of ``coder`` not undone yet; None when there is none.
    Raises ValidationError (and changes nothing) when what happened since makes it impossible."""
    with project.transaction() as s:
        action = s.scalar(select(Action).where(Action.coder == (coder or "").strip(),
                                               Action.undone_at.is_(None))
                          .order_by(Action.id.desc()).limit(1))
        if action is None:
            return None
        _UNDO[action.kind](s, action.payload)
        _out_of_trash(s, _coding_rows(action.kind, action.payload), coder)
        action.undone_at = utcnow()
    return action


def _coding_rows(kind: str, payload: dict) -> list[dict]:
    """The coding rows an undo of this action puts back."""
    if kind == "coding_removed":
        return [payload["coding"]]
    if kind == "code_deleted":
        return payload["codings"]
    if kind == "code_merged":
        return payload["before"]["codings"]
    return []


def _out_of_trash(s, rows: list[dict], coder: str) -> None:
    """Codings an undo put back are no longer in the trash: their trash items count as
    restored (by the undo), so the trash lists what is really gone and ``trash restore`` does
    not find them "already there again"."""
    ids = [r["id"] for r in rows]
    if not ids:
        return
    back = set(s.scalars(select(Coding.id).where(Coding.id.in_(ids))))
    if back:
        table = TrashItem.__table__
        # a Core statement: the coder's own undo, not an admin's restore (store/trash.py)
        s.connection().execute(update(table).where(
            table.c.kind == "coding", table.c.object_id.in_(back),
            table.c.restored_at.is_(None)).values(
            restored_at=utcnow(), restored_by=f"undo by {(coder or '').strip()}"[:255]))


def _undo_coding_added(s, payload: dict) -> None:
    coding = s.get(Coding, payload["coding"]["id"])
    before = payload.get("before")
    if not before:
        if coding is not None:
            s.delete(coding)
        return
    # an extension: the extended coding back to its old span and memo, the codings folded
    # into it back in their own rows, with their memo links
    if coding is None:
        raise ValidationError("cannot undo: that coding was removed since")
    if s.get(Transcript, coding.transcript_id) is None or s.get(Code, coding.code_id) is None:
        raise ValidationError("cannot undo: its transcript or code was deleted since")
    for data in sorted(before, key=lambda d: d["id"] != coding.id):
        _put(s, Coding, data)
        s.flush()
    for link_id, coding_id in payload.get("links") or []:
        s.execute(update(MemoLink).where(MemoLink.id == link_id).values(coding_id=coding_id))


def _undo_code_renamed(s, payload: dict) -> None:
    code = s.get(Code, payload["code"])
    if code is None:
        raise NotFound("cannot undo: that code was deleted since")
    if code.name != payload["new_name"]:
        raise ValidationError(f"cannot undo: the code was renamed again since ('{code.name}')")
    _check_free(s, {**_snap(code), "name": payload["name"]})
    code.name = payload["name"]


def _undo_coding_removed(s, payload: dict) -> None:
    data = payload["coding"]
    if s.get(Coding, data["id"]) is not None:
        return
    if s.get(Transcript, data["transcript_id"]) is None:
        raise ValidationError("cannot undo: the transcript of that coding was deleted since")
    if s.get(Code, data["code_id"]) is None:
        raise ValidationError("cannot undo: the code of that coding was deleted since")
    same = s.scalar(select(Coding.id).where(
        Coding.transcript_id == data["transcript_id"], Coding.code_id == data["code_id"],
        Coding.start == data["start_offset"], Coding.end == data["end_offset"],
        Coding.coder == data["coder"]))
    if same is None:
        _put(s, Coding, data)
        s.flush()
        _restore_relations(s, {"evidence": payload.get("evidence") or []})


def _check_free(s, data: dict) -> None:
    clash = s.scalar(select(Code.id).where(Code.parent_key == data["parent_key"],
                                           Code.name == data["name"], Code.id != data["id"]))
    if clash is not None:
        raise ValidationError(f"cannot undo: a code called '{data['name']}' exists there now")
    if data["parent_id"] is not None and s.get(Code, data["parent_id"]) is None:
        raise ValidationError(f"cannot undo: the parent of '{data['name']}' was deleted since")


def _restore_codes(s, codes: list[dict]) -> None:
    for data in codes:
        _check_free(s, data)
        _put(s, Code, data)
        s.flush()


def _restore_rows(s, model, rows: list[dict]) -> None:
    for data in rows:
        if model is Coding and (s.get(Transcript, data["transcript_id"]) is None):
            continue  # its transcript is gone: nothing to put it on
        if model is Memo and data.get("transcript_id") and \
                s.get(Transcript, data["transcript_id"]) is None:
            continue
        _put(s, model, data)
    s.flush()


def _undo_code_merged(s, payload: dict) -> None:
    before = payload["before"]
    known = {c["id"] for c in before["codings"]}
    made = set(payload["after"]) - known  # rows the merge itself created
    if made:
        s.query(Coding).filter(Coding.id.in_(made)).delete(synchronize_session=False)
    source = [c for c in before["codes"] if c["id"] == payload["source"]]
    others = [c for c in before["codes"] if c["id"] != payload["source"]]
    if s.get(Code, payload["target"]) is None:
        raise ValidationError("cannot undo: the code merged into was deleted since")
    _restore_codes(s, source)
    for data in others:  # the target and the source's sub-codes, as they were
        if s.get(Code, data["id"]) is not None:
            _check_free(s, data)
            _put(s, Code, data)
    s.flush()
    _restore_rows(s, Coding, before["codings"])
    _restore_rows(s, Memo, before["memos"])
    _restore_relations(s, before)


def _undo_code_moved(s, payload: dict) -> None:
    code = s.get(Code, payload["code"])
    if code is None:
        raise NotFound("cannot undo: that code was deleted since")
    data = {**_snap(code), "parent_id": payload["parent_id"],
            "parent_key": payload["parent_id"] or 0, "position": payload["position"]}
    _check_free(s, data)
    _put(s, Code, data)


def _undo_code_deleted(s, payload: dict) -> None:
    _restore_codes(s, payload["codes"])
    _restore_rows(s, Coding, payload["codings"])
    _restore_rows(s, Memo, payload["memos"])
    _restore_relations(s, payload)


_UNDO = {
    "coding_added": _undo_coding_added,
    "coding_removed": _undo_coding_removed,
    "code_merged": _undo_code_merged,
    "code_moved": _undo_code_moved,
    "code_deleted": _undo_code_deleted,
    "code_renamed": _undo_code_renamed,
}
