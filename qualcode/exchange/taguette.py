"""Taguette projects: its SQLite database file (documents, tags, highlights) and its codebook
CSV (``tag,description,...``).

Taguette keeps each document as sanitised HTML and each highlight as ``start_offset`` /
``end_offset`` counted in UTF-8 bytes of the HTML's text nodes (tags not counted). Here the
HTML becomes plain text (a blank line between blocks) and every highlight is mapped through
bytes -> plain text -> canonical text; each one is checked against the snippet Taguette
stored with it. Tag paths become a code hierarchy at a separator ("." by default, only where
no space touches it, so "Mr. Smith" stays one name). The highlight's coder is the user who
added it (from Taguette's command log).
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import sqlite3
import tempfile
import uuid

from ..coding.codebook import Codebook, CodeSpec
from ..errors import ValidationError
from ..ingest.csv_text import decode_csv
from ..store.project import Project
from .bundle import (BCode, BCoding, BDocument, BMemo, ImportBundle, ImportReport, parse_when,
                     store_bundle, store_codebook)
from ..ingest.limits import MAX_TEXT_CHARS, ImportBudget, LimitError, check_text
from .positions import canonical_with_map, html_text

_TABLES = {"projects", "documents", "tags", "highlights", "highlight_tags"}


# Taguette's codebook export (taguette/export.py, codebook_xml) gives each tag the GUID
# uuid5(TAGUETTE_NAMESPACE, path); tags imported from the database get the same one, so a
# Taguette .qdc of the same project later updates them instead of adding them again.
TAGUETTE_NAMESPACE = uuid.UUID("51B2B2B7-27EB-4ECB-9D56-E75B0A0496C2")


def tag_guid(path: str) -> str:
    return str(uuid.uuid5(TAGUETTE_NAMESPACE, path))


def split_tag(path: str, separator: str | None) -> list[str]:
    path = path.strip()
    if not separator:
        return [path]
    pattern = rf"(?<!\s){re.escape(separator)}(?!\s)"
    parts = [p.strip() for p in re.split(pattern, path)]
    return parts if all(parts) else [path]


def read_taguette(data: bytes, origin: str = "taguette.sqlite3", *,
                  project_ref: str | None = None,
                  separator: str | None = ".") -> tuple[ImportBundle, ImportReport]:
    report = ImportReport(source=origin, format="Taguette project",
                          positions="UTF-8 bytes of the HTML text nodes (Taguette)")
    with tempfile.TemporaryDirectory(prefix="qualcode-taguette-") as tmp:
        path = os.path.join(tmp, "taguette.sqlite3")
        with open(path, "wb") as fh:
            fh.write(data)
        try:
            db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            try:
                return _read(db, origin, project_ref, separator, report)
            finally:
                db.close()
        except sqlite3.DatabaseError as exc:
            raise ValidationError(f"{origin}: cannot read the Taguette database: {exc}") from exc


def _read(db, origin, project_ref, separator, report):
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if not _TABLES <= tables:
        raise ValidationError(f"{origin}: not a Taguette database (missing tables "
                              f"{', '.join(sorted(_TABLES - tables))})")
    projects = db.execute("SELECT id, name, description FROM projects ORDER BY id").fetchall()
    if not projects:
        raise ValidationError(f"{origin}: the Taguette database holds no project")
    if project_ref is not None:
        chosen = [p for p in projects if str(p[0]) == str(project_ref) or p[1] == project_ref]
        if not chosen:
            raise ValidationError(f"{origin}: no Taguette project {project_ref!r}; it holds "
                                  + "; ".join(f"{p[0]}: {p[1]}" for p in projects))
    elif len(projects) > 1:
        raise ValidationError(f"{origin}: the database holds {len(projects)} Taguette projects "
                              "(" + "; ".join(f"{p[0]}: {p[1]}" for p in projects)
                              + "); choose one (--taguette-project NAME_OR_ID)")
    else:
        chosen = projects
    pid, pname, pdesc = chosen[0]
    report.format = f"Taguette project '{pname}'"
    bundle = ImportBundle()

    coder_of: dict[int, str] = {}
    if "commands" in {r[0] for r in db.execute("SELECT name FROM sqlite_master")}:
        for login, payload in db.execute(
                "SELECT user_login, payload FROM commands WHERE project_id = ? ORDER BY id",
                (pid,)):
            try:
                p = json.loads(payload) if isinstance(payload, str) else {}
            except ValueError:
                continue
            if p.get("type") == "highlight_add" and isinstance(p.get("highlight_id"), int):
                coder_of[p["highlight_id"]] = login or ""

    tags = db.execute("SELECT id, path, description FROM tags WHERE project_id = ? ORDER BY id",
                      (pid,)).fetchall()
    seen_paths = set()
    for tid, tpath, tdesc in sorted(tags, key=lambda t: split_tag(t[1], separator)):
        parts = split_tag(tpath or "", separator)
        key = tuple(parts)
        if key in seen_paths:
            report.warnings.append(f"tag '{tpath}' has the same path as another; merged")
        seen_paths.add(key)
        bundle.codes.append(BCode(key=f"tag:{tid}", path=parts, description=tdesc or "",
                                  guid=tag_guid(tpath or "")))

    docs = db.execute("SELECT id, name, description, filename, created, contents FROM documents "
                      "WHERE project_id = ? ORDER BY id", (pid,)).fetchall()
    tags_of: dict[int, list[int]] = {}
    for hid, tid in db.execute(
            "SELECT ht.highlight_id, ht.tag_id FROM highlight_tags ht JOIN highlights h ON "
            "h.id = ht.highlight_id JOIN documents d ON d.id = h.document_id WHERE "
            "d.project_id = ?", (pid,)):
        tags_of.setdefault(hid, []).append(tid)
    mismatched = []
    budget = ImportBudget(f"the Taguette project {origin}")
    for order, (did, dname, ddesc, filename, created, contents) in enumerate(docs, 1):
        try:
            check_text(contents or "", f"document '{dname}'", 4 * MAX_TEXT_CHARS)  # HTML
            budget.take(len(contents or ""), dname or "")
            ht = html_text(contents or "")
            check_text(ht.text, f"document '{dname}'")
        except LimitError as exc:
            raise ValidationError(f"{origin}: {exc}; nothing was imported") from None
        text, mapping, _aligned = canonical_with_map(ht.text)
        key = f"doc:{did}"
        bundle.documents.append(BDocument(
            key=key, name=dname or filename or f"Document {did}", text=text,
            source_filename=filename, source_format="taguette", interview_order=None,
            created_at=parse_when(created)))
        if (ddesc or "").strip():
            bundle.memos.append(BMemo(title=f"Description of {dname}", body=ddesc.strip(),
                                      doc=key))
        for hid, start_b, end_b, snippet in db.execute(
                "SELECT id, start_offset, end_offset, snippet FROM highlights WHERE "
                "document_id = ? ORDER BY start_offset, id", (did,)):
            s, e = ht.span(int(start_b), int(end_b))
            start, end = mapping[s], mapping[e]
            got = " ".join(text[start:end].split())
            want = " ".join(html_text(snippet or "").text.split())
            if want and got != want:
                mismatched.append(f"highlight {hid} in '{dname}': stored snippet {want[:40]!r}, "
                                  f"mapped text {got[:40]!r}")
            tag_ids = tags_of.get(hid, [])
            if not tag_ids:
                report.skipped.append(f"highlight {hid} in '{dname}': no tag")
            for tid in tag_ids:
                bundle.codings.append(BCoding(
                    doc=key, code=f"tag:{tid}", start=start, end=end,
                    coder=coder_of.get(hid, ""), what=f"highlight {hid} in '{dname}'"))
    if mismatched:
        report.warnings.append(f"{len(mismatched)} highlight(s) do not match the snippet "
                               "Taguette stored with them (check these)")
        report.warnings.extend(mismatched[:20])
    if (pdesc or "").strip():
        bundle.memos.append(BMemo(title=f"Project description: {pname}", body=pdesc.strip()))
    return bundle, report


def import_taguette(project: Project, data: bytes, origin: str = "taguette.sqlite3", *,
                    project_ref: str | None = None, separator: str | None = ".",
                    dry_run: bool = False) -> ImportReport:
    bundle, report = read_taguette(data, origin, project_ref=project_ref, separator=separator)
    return store_bundle(project, bundle, report, dry_run=dry_run)


def parse_taguette_codebook(data: bytes, origin: str = "codebook.csv", *,
                            separator: str | None = ".") -> Codebook:
    """Taguette's codebook CSV: a 'tag' (or 'name' or 'path') column, optional 'description'."""
    rows = list(csv.reader(io.StringIO(decode_csv(data))))
    if not rows:
        raise ValidationError(f"{origin}: the codebook CSV is empty")
    header = [h.strip().lower() for h in rows[0]]
    cols = [h for h in ("tag", "name", "path") if h in header]
    if len(cols) != 1:
        raise ValidationError(f"{origin}: needs exactly one 'tag' (or 'name' or 'path') column "
                              "naming the tags")
    col = header.index(cols[0])
    dcol = header.index("description") if "description" in header else None
    top: list[CodeSpec] = []
    for n, row in enumerate(rows[1:], 2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) <= col or not row[col].strip():
            raise ValidationError(f"{origin}: row {n} has no tag name")
        level = top
        parts = [p.replace("/", "-") for p in split_tag(row[col], separator)]
        for i, part in enumerate(parts):
            spec = next((s for s in level if s.name == part), None)
            if spec is None:
                spec = CodeSpec(name=part[:255])
                level.append(spec)
            if i == len(parts) - 1 and dcol is not None and len(row) > dcol:
                spec.description = row[dcol].strip()
            level = spec.children
    return Codebook(title="Taguette codebook", languages=[], codes=top)


def import_taguette_codebook(project: Project, data: bytes, origin: str = "codebook.csv", *,
                             separator: str | None = ".", dry_run: bool = False) -> ImportReport:
    book = parse_taguette_codebook(data, origin, separator=separator)
    report = ImportReport(source=origin, format="Taguette codebook (CSV)")
    return store_codebook(project, book, report, dry_run=dry_run)
