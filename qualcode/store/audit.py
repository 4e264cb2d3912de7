"""The audit trail and the permission check, in one place: session hooks on every project.

Every write that goes through a project's sessions passes here, whoever wrote the library
function that makes it:

* ``before_flush``: each new, changed or deleted ORM object's table is mapped to a permission
  (store/permissions.py ``TABLE_PERMISSIONS``) and checked against the acting user
  (``project.user``); a refused write raises PermissionDenied and nothing is stored.
* ``after_flush``: one AuditEntry row per inserted, updated or deleted row (who, when, table, row
  id, before and after as JSON of the changed columns); deleted transcripts (with their turns
  and codings) and codings also go to the trash (store/trash.py), restorable by an admin.
* ``do_orm_execute``: bulk ``insert()/update()/delete()`` statements run through the session
  (``session.execute(delete(Coding).where(...))``, ``query.delete()``) are checked and recorded
  the same way; the rows they touch are read first.

Audit and trash rows are written with Core inserts on the session's own connection, inside the
same transaction: a rolled-back change leaves no audit row, a committed one always has one.
"""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime
from typing import Any, Iterable

from sqlalchemy import Text, cast, event, insert, inspect, or_, select
from sqlalchemy.orm import Session

from ..errors import PermissionDenied
from .models import (AuditEntry, Coding, Media, Memo, RelationEvidence, Transcript, TrashItem,
                     Turn, utcnow)
from .permissions import ADMIN, MANAGE_DOCUMENTS, allowed, deny_message, table_permission

SKIP_TABLES = {"audit_log", "alembic_version"}
MAX_AUDIT_TEXT = 1000  # long strings (a transcript's text) are shortened in the audit log
REDACT = {("users", "password_hash")}


# --- JSON snapshots ---------------------------------------------------------------------------

def to_json(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): to_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_json(v) for v in value]
    if isinstance(value, (bytes, bytearray)):
        return f"<{len(value)} bytes>"
    return value


# Only a transcript's text is shortened: it is kept whole in the trash. Everything else (a
# memo's body, a coding's memo, a code's definition) is kept whole, so the trail can restore it.
SHORTENED = {("transcripts", "text")}


def _short(value: Any) -> Any:
    if isinstance(value, str) and len(value) > MAX_AUDIT_TEXT:
        return value[:MAX_AUDIT_TEXT] + f"… [{len(value)} characters]"
    return value


def _audit_values(table: str, values: dict | None) -> dict | None:
    if values is None:
        return None
    out = {}
    for key, value in values.items():
        if (table, key) in REDACT or (table == "qualcode_meta" and key == "value"
                                      and "secret" in str(values.get("key", ""))):
            value = "***"
        value = to_json(value)
        out[key] = _short(value) if (table, key) in SHORTENED else value
    return out


def row_snapshot(obj) -> dict:
    """All column values of an ORM object, keyed by column name (JSON-safe)."""
    mapper = inspect(obj).mapper
    out = {}
    for prop in mapper.column_attrs:
        for col in prop.columns:
            if getattr(col, "table", None) is mapper.local_table:
                out[col.name] = to_json(getattr(obj, prop.key))
    return out


def _pk(obj) -> str:
    ident = inspect(obj).identity or inspect(obj).mapper.primary_key_from_instance(obj)
    return ",".join(str(v) for v in ident)


def _row_pk(table, row: dict) -> str:
    return ",".join(str(row.get(c.name)) for c in table.primary_key.columns)


def _changes(obj) -> tuple[dict, dict]:
    state = inspect(obj)
    before, after = {}, {}
    for prop in state.mapper.column_attrs:
        hist = state.attrs[prop.key].history
        if not hist.has_changes():
            continue
        old = hist.deleted[0] if hist.deleted else None
        new = hist.added[0] if hist.added else None
        if old == new and hist.deleted:
            continue
        name = prop.columns[0].name
        before[name], after[name] = old, new
    return before, after


# --- the hooks --------------------------------------------------------------------------------

def install(project, sessionmaker) -> None:
    event.listen(sessionmaker, "before_flush", lambda s, ctx, inst: _before_flush(project, s))
    event.listen(sessionmaker, "after_flush", lambda s, ctx: _after_flush(project, s))
    event.listen(sessionmaker, "do_orm_execute", lambda st: _do_orm_execute(project, st))


def _actor(project):
    return project.user


def _batch(session: Session) -> str:
    return session.info.setdefault("qc_batch", str(uuid.uuid4()))


def _check(actor, table: str, action: str, row: dict | None,
           columns: set[str] | None = None) -> None:
    if table in SKIP_TABLES:
        return
    permission = table_permission(table, columns if action == "update" else None)
    if not allowed(actor, permission):
        raise PermissionDenied(deny_message(actor, permission, f"{action} in {table}"))
    if (table == "codings" and actor is not None and not actor.local
            and not actor.can(MANAGE_DOCUMENTS)
            and row is not None and (row.get("coder") or "") != actor.name):
        raise PermissionDenied(
            f"{actor.name} may change only their own codings (this one is by "
            f"{row.get('coder') or 'nobody'}); admins and document managers may change anyone's")
    if (table == "memos" and actor is not None and not actor.local
            and not actor.can(MANAGE_DOCUMENTS)
            and row is not None and (row.get("author") or "") != actor.name):
        raise PermissionDenied(
            f"{actor.name} may change only their own memos (this one is by "
            f"{row.get('author') or 'nobody'}); admins and document managers may change anyone's")


def _before_flush(project, session: Session) -> None:
    actor = _actor(project)
    for obj in session.new:
        _check(actor, obj.__table__.name, "insert", row_snapshot(obj))
    for obj in session.dirty:
        if session.is_modified(obj, include_collections=False):
            before = row_snapshot(obj)
            changed = _changes(obj)[0]
            before.update(changed)
            _check(actor, obj.__table__.name, "update", before, set(changed))
            if obj.__table__.name == "codings":  # the new coder must be theirs too
                _check(actor, "codings", "update", row_snapshot(obj))
    deleted_transcripts = []
    for obj in session.deleted:
        _check(actor, obj.__table__.name, "delete", row_snapshot(obj))
        if isinstance(obj, Transcript):
            deleted_transcripts.append(obj)
    # Codings of a deleted transcript that the database will cascade away: snapshot them now.
    pending = session.info.setdefault("qc_cascaded_codings", {})
    for transcript in deleted_transcripts:
        if transcript.id is None:
            continue
        with session.no_autoflush:
            rows = session.connection().execute(
                select(Coding.__table__).where(Coding.__table__.c.transcript_id == transcript.id)
            ).mappings().all()
        for row in rows:
            _check(actor, "codings", "delete", dict(row))
        pending[transcript.id] = [to_json(dict(r)) for r in rows]
        _remember_media(session, actor, transcript.id)
    # the grounding quotes of relations citing codings about to go (ON DELETE CASCADE): kept
    # in the trash with the codings, so a restore brings them back
    going = [o.id for o in session.deleted if isinstance(o, Coding) and o.id is not None]
    going += [r["id"] for t in deleted_transcripts for r in pending.get(t.id, [])]
    _keep_evidence(session, going)


def _keep_evidence(session: Session, coding_ids: list) -> None:
    """Snapshot the relation evidence of codings about to be deleted (the database cascades
    it away), for their trash items (``_evidence``)."""
    if not coding_ids:
        return
    ev = RelationEvidence.__table__
    with session.no_autoflush:
        rows = session.connection().execute(
            select(ev).where(ev.c.coding_id.in_(coding_ids))).mappings().all()
    evidence = session.info.setdefault("qc_cascaded_evidence", {})
    for row in rows:
        evidence.setdefault(row["coding_id"], []).append(to_json(dict(row)))


def _after_flush(project, session: Session) -> None:
    actor = _actor(project)
    entries: list[dict] = []
    for obj in session.new:
        table = obj.__table__.name
        if table not in SKIP_TABLES:
            entries.append(_entry(actor, table, _pk(obj), "insert", None, row_snapshot(obj)))
    for obj in session.dirty:
        if not session.is_modified(obj, include_collections=False):
            continue
        table = obj.__table__.name
        before, after = _changes(obj)
        if before or after:
            entries.append(_entry(actor, table, _pk(obj), "update", before, after))
    conn = session.connection()
    cascaded = session.info.get("qc_cascaded_codings", {})
    folded = session.info.get("qc_folded_codings", set())  # joined into another coding
    for obj in session.deleted:
        table = obj.__table__.name
        snap = row_snapshot(obj)
        entries.append(_entry(actor, table, _pk(obj), "delete", snap, None))
        if isinstance(obj, Coding) and obj.id not in folded:
            _trash_codings(session, actor, [snap])
        elif isinstance(obj, Memo):
            links = session.info.get("qc_memo_links", {}).pop(obj.id, [])
            conn.execute(insert(TrashItem.__table__), [{
                "kind": "memo", "object_id": obj.id, "transcript_id": snap.get("transcript_id"),
                "label": str(snap.get("title") or "")[:255], "batch": _batch(session),
                "deleted_by": actor.name if actor else "", "deleted_at": utcnow(),
                "snapshot": {"memo": snap, "links": links}}])
        elif isinstance(obj, Transcript):
            codings = cascaded.pop(obj.id, [])
            for row in codings:
                entries.append(_entry(actor, "codings", str(row["id"]), "delete", row, None))
            _trash_transcript(session, actor, snap, codings)
    if entries:
        conn.execute(insert(AuditEntry.__table__), entries)


def _entry(actor, table: str, row_id: str, action: str, before, after) -> dict:
    return {"at": utcnow(), "user_name": actor.name if actor else "",
            "user_id": actor.user_id if actor else None, "table_name": table,
            "row_id": str(row_id)[:64], "action": action,
            "before": _audit_values(table, before), "after": _audit_values(table, after)}


def write_entries(session: Session, project, rows: Iterable[tuple]) -> None:
    """Record (table, row_id, action, before, after) tuples for writes made outside the ORM."""
    actor = _actor(project)
    entries = [_entry(actor, *row) for row in rows]
    if entries:
        session.connection().execute(insert(AuditEntry.__table__), entries)


# --- trash ------------------------------------------------------------------------------------

def _excerpt(text: str, start: int, end: int) -> str:
    quote = " ".join(text[start:end].split())
    return quote if len(quote) <= 120 else quote[:117] + "…"


def _trash_codings(session: Session, actor, rows: list[dict]) -> None:
    if not rows:
        return
    conn = session.connection()
    t = Transcript.__table__
    texts = {}
    ids = {r["transcript_id"] for r in rows}
    for tid, text in conn.execute(select(t.c.id, t.c.text).where(t.c.id.in_(ids))):
        texts[tid] = text
    items = [{
        "kind": "coding", "object_id": r["id"], "transcript_id": r["transcript_id"],
        "label": _excerpt(texts.get(r["transcript_id"], ""), r["start_offset"], r["end_offset"]),
        "batch": _batch(session), "deleted_by": actor.name if actor else "",
        "deleted_at": utcnow(), "snapshot": {"coding": to_json(r), "evidence": _evidence(
            session, [r["id"]])}} for r in rows]
    conn.execute(insert(TrashItem.__table__), items)


def _remember_media(session: Session, actor, transcript_id: int) -> None:
    """The recording row of a transcript about to go (ON DELETE CASCADE), for its trash item:
    restoring the transcript brings the recording back (the file stays in the media folder)."""
    table = Media.__table__
    with session.no_autoflush:
        rows = [to_json(dict(r)) for r in session.connection().execute(
            select(table).where(table.c.transcript_id == transcript_id)).mappings()]
    for row in rows:
        _check(actor, "media", "delete", row)
    session.info.setdefault("qc_deleted_media", {})[transcript_id] = rows


def _trash_transcript(session: Session, actor, snap: dict, cascaded: list[dict]) -> None:
    conn = session.connection()
    tr = TrashItem.__table__
    # codings of this transcript trashed earlier in this transaction fold into its item
    earlier = conn.execute(select(tr.c.id, tr.c.snapshot).where(
        tr.c.batch == _batch(session), tr.c.kind == "coding",
        tr.c.transcript_id == snap["id"])).all()
    codings = [s["coding"] for _, s in earlier] + list(cascaded)
    if earlier:
        conn.execute(tr.delete().where(tr.c.id.in_([i for i, _ in earlier])))
    turns = session.info.get("qc_deleted_turns", {}).pop(snap["id"], None)
    if turns is None:  # deleted by the ORM cascade in this flush
        turns = [row_snapshot(o) for o in session.deleted
                 if isinstance(o, Turn) and o.transcript_id == snap["id"]]
    conn.execute(insert(tr), [{
        "kind": "transcript", "object_id": snap["id"], "transcript_id": snap["id"],
        "label": str(snap.get("name", ""))[:255], "batch": _batch(session),
        "deleted_by": actor.name if actor else "", "deleted_at": utcnow(),
        "snapshot": {"transcript": snap, "turns": sorted(turns, key=lambda r: r["index"]),
                     "codings": codings,
                     "media": session.info.get("qc_deleted_media", {}).pop(snap["id"], []),
                     "evidence": [e for _, s in earlier for e in s.get("evidence") or []]
                     + _evidence(session, [c["id"] for c in codings])}}])


def _evidence(session: Session, coding_ids: list) -> list[dict]:
    """The relation evidence rows of these codings snapshotted before the delete."""
    kept = session.info.get("qc_cascaded_evidence", {})
    return [row for cid in coding_ids for row in kept.pop(cid, [])]


# --- bulk statements --------------------------------------------------------------------------

def _do_orm_execute(project, state) -> Any:
    if not (state.is_insert or state.is_update or state.is_delete):
        return None
    stmt = state.statement
    table = getattr(stmt, "table", None)
    name = getattr(table, "name", None)
    if name is None or name in SKIP_TABLES or name == "trash":
        return None
    actor = _actor(project)
    session = state.session
    if state.is_insert:
        params = state.parameters
        rows = params if isinstance(params, list) else [params or {}]
        for row in rows:
            _check(actor, name, "insert", dict(row))
        result = state.invoke_statement()
        write_entries(session, project, [(name, "", "insert", None, dict(r)) for r in rows])
        return result
    conn = session.connection()
    query = select(table)
    if stmt.whereclause is not None:
        query = query.where(stmt.whereclause)
    before = [dict(r) for r in conn.execute(query).mappings()]
    for row in before:
        _check(actor, name, "update" if state.is_update else "delete", row)
    if state.is_delete and name == "transcripts":
        for row in before:  # turns and codings go with them (ON DELETE CASCADE)
            codings = [to_json(dict(r)) for r in conn.execute(select(Coding.__table__).where(
                Coding.__table__.c.transcript_id == row["id"])).mappings()]
            for c in codings:
                _check(actor, "codings", "delete", c)
            session.info.setdefault("qc_cascaded_codings", {})[row["id"]] = codings
            session.info.setdefault("qc_deleted_turns", {})[row["id"]] = [
                to_json(dict(r)) for r in conn.execute(select(Turn.__table__).where(
                    Turn.__table__.c.transcript_id == row["id"])).mappings()]
            _remember_media(session, actor, row["id"])
    if state.is_delete and name == "codings":
        _keep_evidence(session, [r["id"] for r in before])
    elif state.is_delete and name == "transcripts":
        kept = session.info.get("qc_cascaded_codings", {})
        _keep_evidence(session, [c["id"] for r in before for c in kept.get(r["id"], [])])
    result = state.invoke_statement()
    if state.is_delete:
        rows = [(name, _row_pk(table, r), "delete", to_json(r), None) for r in before]
        if name == "codings":
            _trash_codings(session, actor, [to_json(r) for r in before])
        if name == "transcripts":
            cascaded = session.info.get("qc_cascaded_codings", {})
            for r in before:
                codings = cascaded.pop(r["id"], [])
                rows += [("codings", str(c["id"]), "delete", c, None) for c in codings]
                _trash_transcript(session, actor, to_json(r), codings)
        write_entries(session, project, rows)
        return result
    pk = list(table.primary_key.columns)
    rows = []
    if before and len(pk) == 1:
        ids = [r[pk[0].name] for r in before]
        after = {r[pk[0].name]: dict(r) for r in conn.execute(
            select(table).where(pk[0].in_(ids))).mappings()}
        for old in before:
            new = after.get(old[pk[0].name], {})
            changed = [k for k in new if to_json(new[k]) != to_json(old.get(k))]
            if changed:
                rows.append((name, _row_pk(table, old), "update",
                             {k: to_json(old[k]) for k in changed},
                             {k: to_json(new[k]) for k in changed}))
    write_entries(session, project, rows)
    return result


# --- reading the trail ------------------------------------------------------------------------

def list_audit(project, *, user: str | None = None, table: str | None = None,
               action: str | None = None, row_id: str | int | None = None,
               since: datetime | None = None, until: datetime | None = None,
               text: str | None = None, limit: int | None = 1000) -> list[AuditEntry]:
    """Audit entries, newest first, filtered by user name, table, action, row, time window.
    Admins only (the trail shows every coder's work, which blind coding must hide)."""
    from .permissions import require

    require(project, ADMIN)
    with project.reading() as s:
        q = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        if user is not None:
            q = q.where(AuditEntry.user_name == user)
        if table:
            q = q.where(AuditEntry.table_name == table)
        if action:
            q = q.where(AuditEntry.action == action)
        if row_id is not None:
            q = q.where(AuditEntry.row_id == str(row_id))
        if since is not None:
            q = q.where(AuditEntry.at >= since)
        if until is not None:
            q = q.where(AuditEntry.at <= until)
        if not text:
            return list(s.scalars(q.limit(limit) if limit else q))
        # text inside the JSON values: the database narrows (JSON is stored unescaped, see
        # project.py), Python decides (case-insensitive beyond ASCII), rows are streamed
        escaped = json.dumps(text, ensure_ascii=False)[1:-1]  # as it appears inside JSON
        needle, entries = escaped.lower(), []
        pattern = "%" + escaped.replace(
            "\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        if pattern.isascii():
            q = q.where(or_(cast(AuditEntry.before, Text).ilike(pattern, escape="\\"),
                            cast(AuditEntry.after, Text).ilike(pattern, escape="\\")))
        for entry in s.scalars(q.execution_options(yield_per=500)):
            values = json.dumps([entry.before, entry.after], ensure_ascii=False, default=str)
            if needle in values.lower():
                entries.append(entry)
                if limit and len(entries) >= limit:
                    break
        return entries


def last_change(session: Session, table: str, row_id) -> AuditEntry | None:
    """The newest audit entry for one row (who changed it last, and when)."""
    return session.scalar(select(AuditEntry).where(
        AuditEntry.table_name == table, AuditEntry.row_id == str(row_id))
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(1))
