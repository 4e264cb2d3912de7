"""What an import brings, tool-neutral, and storing it in one transaction.

Readers (REFI-QDA projects, Taguette databases) turn a foreign file into an ``ImportBundle``:
documents with canonical text, codes with their paths and GUIDs, codings already mapped onto
code-point offsets of the canonical text, memos and attributes. ``store_bundle`` writes it all
in one transaction (a failed import leaves the project as it was) and fills the
``ImportReport``: what came in, what was skipped and why.
"""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_left
import uuid
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone

from sqlalchemy import func, insert, select

from ..coding.codes import PALETTE
from ..errors import ValidationError
from ..ingest.language import guess_language
from ..corpus.cases import CaseIndex, case_ids_for
from ..ingest.limits import LimitError
from ..ingest.speakers import find_turns
from ..store.models import (MEMO_TYPES, Code, Coding, Memo, Transcript, Turn, new_guid,
                             utcnow)
from ..store.project import Project
from ..coding.spans import trim_span

_GUID = re.compile(r"^\{?([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-"
                   r"[0-9a-fA-F]{12})\}?$")
_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")


def norm_guid(value: str | None) -> str | None:
    """A GUID in qualcode's form (lower case, no braces), or None if it is not one."""
    m = _GUID.match((value or "").strip())
    return m.group(1).lower() if m else None


def norm_color(value: str | None) -> str | None:
    color = (value or "").strip()
    if re.fullmatch(r"#[0-9a-fA-F]{3}", color):
        color = "#" + "".join(ch * 2 for ch in color[1:])
    return color.lower() if _COLOR.match(color) else None


def parse_when(value) -> datetime | None:
    """A timestamp written by another tool (ISO 8601, "Z" for UTC) as naive UTC, as qualcode
    stores times; None when missing or unreadable."""
    if not value:
        return None
    try:
        dt = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if dt.tzinfo is not None:
        dt = dt.astimezone(timezone.utc).replace(tzinfo=None)
    return dt


def clean_name(name: str | None, fallback: str = "(unnamed)") -> str:
    """A code name qualcode accepts: no '/', at most 255 characters, not empty."""
    name = re.sub(r"\s+", " ", (name or "").replace("/", "-")).strip()
    return (name or fallback)[:255]


@dataclass
class ImportReport:
    source: str
    format: str = ""
    positions: str | None = None  # the position convention used, for formats that have one
    counts: dict = field(default_factory=dict)
    came_in: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    dry_run: bool = False

    def add(self, key: str, n: int = 1) -> None:
        self.counts[key] = self.counts.get(key, 0) + n

    def as_dict(self) -> dict:
        return asdict(self)

    def summary(self) -> str:
        order = ["transcripts", "transcripts_reused", "codes_created", "codes_updated",
                 "codings", "memos", "attributes"]
        keys = [k for k in order if k in self.counts] + sorted(set(self.counts) - set(order))
        parts = [f"{self.counts[k]} {k.replace('_', ' ')}" for k in keys]
        head = "dry run, nothing stored: " if self.dry_run else ""
        return (f"{head}{self.source} ({self.format}): " + (", ".join(parts) or "nothing")
                + f"; {len(self.skipped)} skipped, {len(self.warnings)} warning(s)")


@dataclass
class BCode:
    key: str  # the reader's own id for it (e.g. its GUID in the file)
    path: list[str]  # names from the top level down
    guid: str | None = None
    color: str | None = None
    description: str = ""
    inclusion: str = ""
    exclusion: str = ""


@dataclass
class BDocument:
    key: str
    name: str
    text: str  # canonical
    guid: str | None = None
    attributes: dict = field(default_factory=dict)
    interview_order: int | None = None
    source_filename: str | None = None
    source_format: str = "txt"
    created_at: datetime | None = None
    # sync points (canonical offset, seconds): a turn whose start has one gets its time
    times: list = field(default_factory=list)
    # the recording to attach after storing: {"name", "open": () -> binary file, "guid"}
    recording: dict | None = None
    transcript_id: int | None = None  # set by store_bundle: where the document went


@dataclass
class BCoding:
    doc: str
    code: str
    start: int  # code points into the document's canonical text
    end: int
    coder: str = ""
    memo: str = ""
    guid: str | None = None
    created_at: datetime | None = None
    what: str = ""  # how to name it in the report


@dataclass
class BMemo:
    title: str
    body: str
    author: str = ""
    doc: str | None = None
    code: str | None = None
    guid: str | None = None
    created_at: datetime | None = None
    memo_type: str | None = None  # theoretical / methodological / sampling (MEMO_TYPES)


@dataclass
class ImportBundle:
    codes: list[BCode] = field(default_factory=list)  # parents before children
    documents: list[BDocument] = field(default_factory=list)
    codings: list[BCoding] = field(default_factory=list)
    memos: list[BMemo] = field(default_factory=list)
    # relations between codes, their grounding codings, memo links, sets of codes, network
    # views, the list of relation types and the core category (bundle_links.py)
    relations: list = field(default_factory=list)
    evidence: list = field(default_factory=list)
    memo_links: list = field(default_factory=list)
    code_sets: list = field(default_factory=list)
    network_views: list = field(default_factory=list)
    relation_types: list[str] | None = None  # the project's own list, in its order
    core: dict | None = None  # {"code": code key, "storyline": the storyline memo's GUID}

    def has_links(self) -> bool:
        return bool(self.relations or self.evidence or self.memo_links or self.code_sets
                    or self.network_views or self.relation_types or self.core)


class _DryRun(Exception):
    pass


def _turns(doc):
    try:
        return find_turns(doc.text)
    except LimitError as exc:
        raise LimitError(f"source '{doc.name}': {exc}") from None


def store_bundle(project: Project, bundle: ImportBundle, report: ImportReport, *,
                 dry_run: bool = False) -> ImportReport:
    """Write the bundle in one transaction; with ``dry_run`` roll it back (the report stays).
    A project brings its codebook: the manage-codebook permission is needed."""
    from ..store.permissions import MANAGE_CODEBOOK, require

    if bundle.codes:
        require(project, MANAGE_CODEBOOK)
    report.dry_run = dry_run
    _sanitise(bundle)
    try:
        with project.transaction() as s:
            _store(s, bundle, report)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    except LimitError as exc:
        raise ValidationError(f"{report.source}: {exc}; nothing was imported") from None
    return report


def store_codebook(project: Project, book, report: ImportReport, *,
                   dry_run: bool = False) -> ImportReport:
    """Import a parsed codebook (qualcode.coding.codebook.Codebook) through the codebook importer
    (codes matched by GUID, then by path) and count what it did in ``report``; with
    ``dry_run`` only count its codes."""
    from ..coding.codebook import import_codebook

    report.dry_run = dry_run
    if dry_run:
        report.counts["codes"] = sum(1 for _ in book.walk())
        return report
    counts = import_codebook(project, book)
    report.counts = {"codes_created": counts["created"], "codes_updated": counts["updated"]}
    report.came_in.append(f"{counts['created']} code(s) created, {counts['updated']} updated")
    return report


def _strip_nul(value):
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, dict):
        return {_strip_nul(k): _strip_nul(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_strip_nul(v) for v in value]
    return value


def _sanitise(bundle: ImportBundle) -> None:
    """No NUL characters anywhere (PostgreSQL cannot store them in text)."""
    for item in (*bundle.codes, *bundle.documents, *bundle.codings, *bundle.memos,
                 *bundle.relations, *bundle.code_sets, *bundle.network_views):
        for name, value in vars(item).items():
            if isinstance(value, (str, dict, list)):
                setattr(item, name, _strip_nul(value))


def _store(s, bundle: ImportBundle, report: ImportReport) -> None:
    codes = list(s.scalars(select(Code)))
    by_guid = {c.guid.lower(): c for c in codes if c.guid}
    by_place = {(c.parent_key, c.name): c for c in codes}
    count = len(codes)
    code_ids: dict[str, int] = {}
    touched: set[int] = set()
    made_here: set[int] = set()

    def place(parent_id, name):
        return by_place.get((parent_id or 0, name))

    def create(name, parent_id, guid=None) -> Code:
        nonlocal count
        siblings = sum(1 for (pk, _n) in by_place if pk == (parent_id or 0))
        code = Code(name=name, parent_id=parent_id, parent_key=parent_id or 0,
                    color=PALETTE[count % len(PALETTE)], position=siblings,
                    **({"guid": guid} if guid else {}))
        s.add(code)
        s.flush()
        count += 1
        by_place[(code.parent_key, name)] = code
        if code.guid:
            by_guid[code.guid.lower()] = code
        made_here.add(code.id)
        report.add("codes_created")
        return code

    def ensure_path(names: list[str]) -> int | None:
        parent_id = None
        for name in names:
            code = place(parent_id, name) or create(name, parent_id)
            parent_id = code.id
        return parent_id

    def is_below(code_id: int, ancestor_id: int | None) -> bool:
        while ancestor_id is not None:
            if ancestor_id == code_id:
                return True
            ancestor_id = s.get(Code, ancestor_id).parent_id
        return False

    for bc in bundle.codes:
        names = [clean_name(n) for n in bc.path]
        parent_id = ensure_path(names[:-1])
        name = names[-1]
        guid = norm_guid(bc.guid)
        code = by_guid.get(guid) if guid else None
        if code is not None:
            if (code.parent_key, code.name) != (parent_id or 0, name):
                clash = place(parent_id, name)
                if clash is None and not is_below(code.id, parent_id):
                    by_place.pop((code.parent_key, code.name), None)
                    report.warnings.append(
                        f"code {' / '.join(names)}: same GUID as an existing code, which was "
                        f"renamed or moved to match")
                    code.name, code.parent_id, code.parent_key = name, parent_id, parent_id or 0
                    by_place[(code.parent_key, name)] = code
                else:
                    report.warnings.append(
                        f"code {' / '.join(names)}: its GUID belongs to an existing code "
                        f"'{code.name}' that could not be moved there; kept in place")
            if code.id not in touched:
                report.add("codes_updated")
        else:
            code = place(parent_id, name)
            if code is None:
                code = create(name, parent_id, guid)
            elif guid and code.id in made_here and code.id not in touched:
                # a level made for a split name ("A::B") before code A itself came: A's GUID
                by_guid.pop((code.guid or "").lower(), None)
                code.guid = guid
                by_guid[guid] = code
            elif code.id not in touched:
                report.add("codes_updated")
        touched.add(code.id)
        color = norm_color(bc.color)
        if color:
            code.color = color
        for attr in ("description", "inclusion", "exclusion"):
            value = getattr(bc, attr)
            if value:
                setattr(code, attr, value)
        code_ids[bc.key] = code.id
    s.flush()

    # documents
    transcripts = list(s.scalars(select(Transcript)))
    t_by_guid = {t.guid.lower(): t for t in transcripts if t.guid}
    t_by_hash = {t.content_hash: t for t in transcripts}
    names = {t.name for t in transcripts}
    order = s.scalar(select(func.max(Transcript.interview_order))) or 0
    doc_ids: dict[str, int] = {}
    texts: dict[int, str] = {}
    turn_rows: list[dict] = []
    case_index = None  # the project's cases, read when the first transcript comes in
    for doc in bundle.documents:
        if not doc.text.strip():
            report.skipped.append(f"source '{doc.name}': no text")
            continue
        digest = hashlib.sha256(doc.text.encode("utf-8")).hexdigest()
        guid = norm_guid(doc.guid)
        existing = t_by_guid.get(guid) if guid else None
        if existing is not None and existing.content_hash != digest:
            report.warnings.append(
                f"source '{doc.name}': an existing transcript '{existing.name}' has its GUID "
                "but another text; imported as a new transcript with a new GUID")
            existing, guid = None, None
        existing = existing or t_by_hash.get(digest)
        if existing is not None:
            report.add("transcripts_reused")
            report.came_in.append(f"source '{doc.name}': same text as transcript "
                                  f"'{existing.name}', already in the project; codings added "
                                  "to it")
            _merge_attributes(existing, doc, report)
            doc_ids[doc.key] = existing.id
            doc.transcript_id = existing.id
            texts[existing.id] = existing.text
            continue
        name = clean_name(doc.name, "Imported source")[:240]
        candidate, n = name, 2
        while candidate in names:
            candidate, n = f"{name} ({n})", n + 1
        names.add(candidate)
        if doc.interview_order is None:
            order += 1
        t = Transcript(name=candidate, text=doc.text, content_hash=digest,
                       source_filename=(doc.source_filename or None) and doc.source_filename[:1024],
                       source_format=doc.source_format[:16],
                       encoding="utf-8", language=guess_language(doc.text),
                       interview_order=doc.interview_order if doc.interview_order is not None
                       else order,
                       attributes=dict(doc.attributes),
                       **({"guid": guid} if guid and guid not in t_by_guid else {}),
                       **({"created_at": doc.created_at} if doc.created_at else {}))
        s.add(t)
        s.flush()
        turns = _turns(doc)
        stamps = turn_stamps(doc.text, turns, doc.times) if doc.times else {}
        if stamps:
            report.add("timed_turns", len(stamps))
        if case_index is None:
            case_index = CaseIndex(s)
        turn_rows.extend(
            {"transcript_id": t.id, "index": i, "speaker": tu.speaker, "start": tu.start,
             "end": tu.end, "case_id": case_id,
             **({"time_start": tu.time_start, "time_end": tu.time_end}
                if tu.time_start is not None or i not in stamps
                else {"time_start": stamps[i][0], "time_end": stamps[i][1]})}
            for i, (tu, case_id) in enumerate(zip(turns, case_ids_for(
                case_index, t.name, t.attributes or {}, turns))))
        doc.transcript_id = t.id
        t_by_hash[digest] = t
        if t.guid:
            t_by_guid[t.guid.lower()] = t
        doc_ids[doc.key] = t.id
        texts[t.id] = t.text
        report.add("transcripts")
        if doc.attributes:
            report.add("attributes", len(doc.attributes))
        report.came_in.append(f"transcript '{candidate}' ({len(doc.text)} characters)")

    if turn_rows:
        s.execute(insert(Turn), turn_rows)

    # codings
    have = {}
    coding_guids = set()
    if doc_ids:
        for c in s.scalars(select(Coding).where(Coding.transcript_id.in_(set(doc_ids.values())))):
            have[(c.transcript_id, c.code_id, c.start, c.end, c.coder)] = c
            if c.guid:
                coding_guids.add(c.guid.lower())
    all_guids = {g.lower() for g in s.scalars(select(Coding.guid).where(Coding.guid.is_not(None)))}
    new_rows: list[dict] = []
    for bc in bundle.codings:
        what = bc.what or "a coding"
        tid = doc_ids.get(bc.doc)
        cid = code_ids.get(bc.code)
        if tid is None:
            report.skipped.append(f"{what}: its source was not imported")
            continue
        if cid is None:
            report.skipped.append(f"{what}: its code is not in the codebook")
            continue
        text = texts[tid]
        start, end = bc.start, bc.end
        if not 0 <= start <= end <= len(text):
            report.skipped.append(f"{what}: position {start}–{end} is outside the text "
                                  f"(0–{len(text)})")
            continue
        start, end = trim_span(text, start, end)
        if start == end:
            report.skipped.append(f"{what}: selects no text (only white space or nothing)")
            continue
        coder = (bc.coder or "").strip()[:255]
        guid = norm_guid(bc.guid)
        if guid and guid in coding_guids:
            report.add("codings_already_there")
            continue
        key = (tid, cid, start, end, coder)
        if key in have:
            existing = have[key]
            old = existing["memo"] if isinstance(existing, dict) else existing.memo
            if bc.memo and bc.memo not in (old or ""):
                memo = "\n\n".join(m for m in (old, bc.memo) if m)
                if isinstance(existing, dict):
                    existing["memo"] = memo
                else:
                    existing.memo = memo
            report.add("codings_merged")
            continue
        row = {"transcript_id": tid, "code_id": cid, "start": start, "end": end,
               "coder": coder, "memo": bc.memo or "",
               "guid": guid if guid and guid not in all_guids else new_guid(),
               "created_at": bc.created_at or utcnow()}
        new_rows.append(row)
        have[key] = row
        if guid:
            coding_guids.add(guid)
            all_guids.add(guid)
        report.add("codings")
    if new_rows:
        s.execute(insert(Coding), new_rows)
    if report.counts.get("codings_merged"):
        report.came_in.append(f"{report.counts['codings_merged']} coding(s) that were already "
                              "in the project or in the file twice (same code, span and coder) "
                              "were merged")
    s.flush()

    # memos
    memo_guids = {g.lower(): m for m in s.scalars(select(Memo)) if (g := m.guid)}
    for bm in bundle.memos:
        guid = norm_guid(bm.guid)
        tid = doc_ids.get(bm.doc) if bm.doc else None
        cid = code_ids.get(bm.code) if bm.code else None
        memo_type = bm.memo_type if bm.memo_type in MEMO_TYPES else None
        if bm.doc and tid is None:
            report.warnings.append(f"memo '{bm.title}': its source was not imported; kept as a "
                                   "free memo")
        if guid and guid in memo_guids:
            memo = memo_guids[guid]
            memo.title, memo.body = (bm.title or memo.title)[:255], bm.body
            if memo_type:
                memo.memo_type = memo_type
            report.add("memos_updated")
            continue
        memo = Memo(title=(bm.title.strip() or "Memo")[:255], body=bm.body or "",
                    author=(bm.author or "")[:255], transcript_id=tid, code_id=cid,
                    memo_type=memo_type,
                    **({"guid": guid} if guid else {}),
                    **({"created_at": bm.created_at, "updated_at": bm.created_at}
                       if bm.created_at else {}))
        s.add(memo)
        if guid:
            memo_guids[guid] = memo
        report.add("memos")
    if bundle.has_links():
        from .bundle_links import store_links

        store_links(s, bundle, report, code_ids, doc_ids, norm_guid)


def turn_stamps(text: str, turns, times: list[tuple[int, float]]
                ) -> dict[int, tuple[float | None, float | None]]:
    """Turn index -> (start time, end time) from sync points ``(offset, seconds)``: a start
    where one stands at the turn's start (on its line before its words, the speaker label, or
    within 2 characters of them), an end where one stands at its last character (within 2).
    Sync points inside a turn's words are not turn times (those turns are interpolated)."""
    points = sorted((int(o), float(t)) for o, t in times if t is not None and t >= 0)
    offsets = [o for o, _ in points]
    out = {}
    for i, tu in enumerate(turns):
        line = text.rfind("\n", 0, tu.start) + 1
        k = bisect_left(offsets, line)
        start = points[k][1] if k < len(points) and points[k][0] <= tu.start + 2 else None
        k = bisect_left(offsets, max(tu.start + 3, tu.end - 2))
        end = points[k][1] if k < len(points) and points[k][0] <= tu.end else None
        if start is not None:
            out[i] = (start, end if end is not None and end >= start else None)
    return out


def _merge_attributes(t: Transcript, doc: BDocument, report: ImportReport) -> None:
    attrs = dict(t.attributes or {})
    new = {k: v for k, v in doc.attributes.items() if attrs.get(k) != v}
    if new:
        attrs.update(new)
        t.attributes = attrs
        report.add("attributes", len(new))


def stable_guid(*parts: str) -> str:
    """A GUID derived from names, the same on every export (users, variables, cases, sets)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "qualcode:" + ":".join(parts)))


def check_not_empty(bundle: ImportBundle, origin: str) -> None:
    if not (bundle.codes or bundle.documents or bundle.memos):
        raise ValidationError(f"{origin}: nothing to import (no sources, codes or notes)")
