"""The trash: deleted transcripts (with their turns and codings) and codings, restorable by an
admin. Items are written by the audit hooks (store/audit.py) when the rows are deleted."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, insert, select

from ..errors import ConflictError, NotFound
from .audit import write_entries
from .models import Case, Code, Coding, Media, Memo, MemoLink, Transcript, TrashItem, Turn, utcnow
from .permissions import ADMIN, require


def list_trash(project, *, include_restored: bool = False) -> list[TrashItem]:
    """Trash items, newest first (admins only)."""
    require(project, ADMIN)
    with project.reading() as s:
        q = select(TrashItem).order_by(TrashItem.deleted_at.desc(), TrashItem.id.desc())
        if not include_restored:
            q = q.where(TrashItem.restored_at.is_(None))
        return list(s.scalars(q))


def _row(table, data: dict) -> dict:
    out = {}
    for col in table.columns:
        if col.name not in data:
            continue
        value = data[col.name]
        if isinstance(col.type, DateTime) and isinstance(value, str):
            value = datetime.fromisoformat(value)
        out[col.name] = value
    return out


def _restore_codings(s, codings: list[dict]) -> tuple[list[tuple], list[str]]:
    """Insert codings back; skip (and report) those whose code is gone or that exist again."""
    table = Coding.__table__
    codes = set(s.scalars(select(Code.id)))
    transcripts = {c.get("transcript_id") for c in codings}
    taken_ids = set(s.scalars(select(Coding.id).where(Coding.id.in_([c.get("id") for c in codings]))))
    taken_keys = {tuple(r) for r in s.execute(select(
        Coding.transcript_id, Coding.code_id, Coding.start, Coding.end, Coding.coder)
        .where(Coding.transcript_id.in_(transcripts)))}
    audit, skipped, rows = [], [], []
    for data in codings:
        row = _row(table, data)
        key = (row.get("transcript_id"), row.get("code_id"), row.get("start_offset"),
               row.get("end_offset"), row.get("coder"))
        if row.get("code_id") not in codes:
            skipped.append(f"coding {data.get('id')}: its code was deleted")
        elif row.get("id") in taken_ids or key in taken_keys:
            skipped.append(f"coding {data.get('id')}: already there again")
        else:
            taken_keys.add(key)
            rows.append(row)
            audit.append(("codings", str(row["id"]), "restore", None, data))
    if rows:
        s.connection().execute(insert(table), rows)
    return audit, skipped


def _restore_memo(s, snap: dict, audit: list) -> list[str]:
    """Put a trashed memo back with its old id, and those of its links whose target exists."""
    data = snap["memo"]
    if s.get(Memo, data["id"]) is not None:
        raise ConflictError(f"cannot restore memo '{data.get('title')}': its id is taken again")
    row = _row(Memo.__table__, data)
    for column in ("transcript_id", "code_id"):  # the memo's own single links
        target = {"transcript_id": Transcript, "code_id": Code}[column]
        if row.get(column) is not None and s.get(target, row[column]) is None:
            row[column] = None
    s.connection().execute(insert(Memo.__table__), [row])
    audit.append(("memos", str(data["id"]), "restore", None, data))
    skipped, rows = [], []
    targets = {"coding_id": Coding, "code_id": Code, "transcript_id": Transcript,
               "target_memo_id": Memo, "memo_id": Memo}
    for link in snap.get("links") or []:
        gone = [k for k, model in targets.items() if link.get(k) is not None
                and link[k] != data["id"] and s.get(model, link[k]) is None]
        if gone:
            skipped.append(f"link {link.get('id')}: its target was deleted")
        else:
            rows.append(_row(MemoLink.__table__, link))
            audit.append(("memo_links", str(link.get("id")), "restore", None, link))
    if rows:
        s.connection().execute(insert(MemoLink.__table__), rows)
    return skipped


def _restore_evidence(s, rows: list[dict]) -> list[tuple]:
    """Grounding quotes of relations (qualcode.coding.relations) whose coding came back and
    whose relation is still there."""
    from .models import CodeRelation, RelationEvidence

    table = RelationEvidence.__table__
    out, audit = [], []
    for data in rows:
        row = _row(table, data)
        if s.get(CodeRelation, row.get("relation_id")) is None or \
                s.get(Coding, row.get("coding_id")) is None:
            continue
        if s.scalar(select(table.c.id).where(
                (table.c.id == row.get("id")) | ((table.c.relation_id == row["relation_id"])
                                                 & (table.c.coding_id == row["coding_id"])))):
            continue
        out.append(row)
        audit.append(("relation_evidence", str(row["id"]), "restore", None, data))
    if out:
        s.connection().execute(insert(table), out)
    return audit


def restore(project, item_id: int) -> dict:
    """Put a trashed transcript (with its turns and codings) or coding back, with its old ids.
    Returns ``{"kind", "label", "codings", "skipped"}``; refuses when the name or text of a
    transcript is taken again, or a coding's transcript is gone."""
    require(project, ADMIN)
    with project.transaction() as s:
        item = s.get(TrashItem, item_id)
        if item is None:
            raise NotFound(f"no trash item {item_id}")
        if item.restored_at is not None:
            by = f" ({item.restored_by})" if item.restored_by else ""
            raise ConflictError(f"'{item.label}' was already restored{by}")
        snap = item.snapshot
        audit: list[tuple] = []
        if item.kind == "transcript":
            data = snap["transcript"]
            clash = s.scalar(select(Transcript.name).where(
                (Transcript.id == data["id"]) | (Transcript.name == data["name"])
                | (Transcript.content_hash == data["content_hash"])))
            if clash is not None:
                raise ConflictError(f"cannot restore '{data['name']}': transcript '{clash}' has "
                                    "the same id, name or text; rename or delete it first")
            s.connection().execute(insert(Transcript.__table__), [_row(Transcript.__table__,
                                                                       data)])
            if snap.get("turns"):
                rows = [_row(Turn.__table__, t) for t in snap["turns"]]
                # a turn's case may have been merged away meanwhile: the turn comes back
                # without one (to be re-assigned) rather than not at all
                cases = set(s.scalars(select(Case.id)))
                for row in rows:
                    if row.get("case_id") not in cases:
                        row["case_id"] = None
                s.connection().execute(insert(Turn.__table__), rows)
            if snap.get("media"):  # the recording's row; its file stayed in the media folder
                s.connection().execute(insert(Media.__table__),
                                       [_row(Media.__table__, m) for m in snap["media"]])
            audit.append(("transcripts", str(data["id"]), "restore", None, data))
            coding_audit, skipped = _restore_codings(s, snap.get("codings") or [])
            n = len(coding_audit)
        elif item.kind == "memo":
            n = 0
            skipped = _restore_memo(s, snap, audit)
            coding_audit = []
        else:
            data = snap["coding"]
            if s.get(Transcript, data["transcript_id"]) is None:
                raise ConflictError("cannot restore this coding: its transcript is deleted; "
                                    "restore the transcript first")
            coding_audit, skipped = _restore_codings(s, [data])
            if skipped:
                raise ConflictError(f"cannot restore this coding: {skipped[0].split(': ', 1)[1]}")
            n = 1
        audit += _restore_evidence(s, snap.get("evidence") or [])
        write_entries(s, project, audit + coding_audit)
        item.restored_at = utcnow()
        item.restored_by = project.user.name if project.user else ""
        return {"kind": item.kind, "label": item.label, "codings": n, "skipped": skipped}
