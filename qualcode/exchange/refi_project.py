"""REFI-QDA projects (.qdpx, Project-mrt2019.xsd of the REFI-QDA 1.5 standard): import the
projects of NVivo, ATLAS.ti, MAXQDA, QualCoder and others, export qualcode's.

A .qdpx is a zip with ``project.qde`` (the XML) and the sources (``sources/<guid>.txt``).

Import maps every selection onto qualcode's canonical text from the *raw* source text: REFI
means code points, NVivo writes UTF-16 code units (BOM and CRLF counted, astral characters
twice); the convention is detected from the file (origin, positions past the text, split
surrogate pairs, selections cutting words) unless given. Vendor quirks handled: ``Sources/``
vs ``sources/``, ``project.qde`` in any case, ``plainTextPath`` with or without
``internal://``, text in ``PlainTextContent`` or missing, ATLAS.ti ``A::B`` code names
(optionally split into a hierarchy), GUIDs as source names, non-text sources skipped.

Mapping to qualcode:
* users -> coders (``Coding.coder`` is the user's name; the coder may sit on the Coding or on
  its Selection);
* notes -> memos linked to the transcript or code they annotate; a note on a Coding or a
  Selection becomes that coding's memo; a note on a Selection without codings becomes a memo
  on the transcript quoting the passage;
* variables (on sources and cases) -> transcript attributes; a case name -> the
  ``participant`` attribute (unless it is the transcript's own name); a variable called
  ``interview_order`` -> the interview order;
* sets of sources -> the ``sets`` attribute ("A; B"); sets of codes or notes are reported as
  skipped (qualcode has no place for them); links and graphs are reported as skipped.

Export writes UTF-8 sources with code-point positions, GUIDs stored on transcripts, codes,
codings and memos (given on first export, then kept), coders as users, memos as notes,
attributes as variables (on the source, and per participant as cases), ``sets`` as sets.
"""

from __future__ import annotations

import io
import math
import posixpath
import re
import unicodedata
import zipfile
from collections import defaultdict
from datetime import datetime, timezone
from decimal import Decimal
from itertools import accumulate
from pathlib import Path

from lxml import etree
from sqlalchemy import select

from ..errors import ValidationError
from ..ingest.xml_entities import inline_entities
from ..ingest.limits import MAX_BYTES, ImportBudget, LimitError, check_text
from ..coding.quotes import participant_of
from ..store.clean import clean
from ..store.models import Code, Coding, Memo, Transcript, new_guid
from ..store.project import Project
from .bundle import (
    BCode,
    BCoding,
    BDocument,
    BMemo,
    ImportBundle,
    ImportReport,
    check_not_empty,
    norm_guid,
    parse_when,
    stable_guid,
    store_bundle,
)
from .positions import (
    CODEPOINTS,
    NVIVO_UTF16,
    Convention,
    UnitMap,
    canonical_with_map,
)

NS = "urn:QDA-XML:project:1.0"
MAX_ENTRIES = 50_000  # entries in the zip
MAX_XML_BYTES = 512 * 2**20  # project.qde, uncompressed
MAX_SOURCE_BYTES = MAX_BYTES  # one text source, uncompressed: as for ingest (50 MiB)
MAX_READ_BYTES = 2 * 2**30  # everything we read from one archive, uncompressed
POSITIONS = {"auto": None, "codepoint": CODEPOINTS, "utf16": NVIVO_UTF16}
_CRITERIA = re.compile(r"^(Include when|Exclude when):\s*(.*)$", re.M)


# ---------------------------------------------------------------------------------------------
# reading the archive


class _Archive:
    """Bounded access to the members of a .qdpx zip, found case-insensitively."""

    def __init__(self, data: bytes, origin: str):
        self.origin = origin
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
        except zipfile.BadZipFile as exc:
            raise ValidationError(f"{origin}: not a .qdpx (zip) file: {exc}") from exc
        infos = self.zip.infolist()
        if len(infos) > MAX_ENTRIES:
            raise ValidationError(f"{origin}: the archive has {len(infos)} entries, more than "
                                  f"the {MAX_ENTRIES} allowed")
        self.by_lower = {}
        for info in infos:
            if not info.is_dir():
                self.by_lower.setdefault(info.filename.replace("\\", "/").lower(), info)
        self.read_total = 0
        self.base = ""  # the folder of project.qde, where some tools put everything

    def find(self, path: str):
        return self.by_lower.get(path.replace("\\", "/").lstrip("/").lower())

    def project_qde(self):
        info = self.find("project.qde")
        if info is None:
            found = sorted((n for n in self.by_lower if n.endswith(".qde")), key=len)
            info = self.by_lower[found[0]] if found else None
        if info is None:
            raise ValidationError(f"{self.origin}: no project.qde inside; is this a REFI-QDA "
                                  "project export (.qdpx)?")
        self.base = posixpath.dirname(info.filename.replace("\\", "/"))
        return info

    def read(self, info, limit: int) -> bytes:
        """Read one member after checking its declared size; never more than the limit."""
        if info.file_size > limit:
            raise ValidationError(f"{self.origin}: '{info.filename}' is {info.file_size} bytes "
                                  f"uncompressed, more than the {limit} allowed")
        if self.read_total + info.file_size > MAX_READ_BYTES:
            raise ValidationError(f"{self.origin}: the archive holds more than "
                                  f"{MAX_READ_BYTES // 2**20} MiB of text")
        try:
            with self.zip.open(info) as fh:
                data = fh.read(limit + 1)
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as exc:
            raise ValidationError(f"{self.origin}: cannot read '{info.filename}': {exc}") from exc
        if len(data) > limit:
            raise ValidationError(f"{self.origin}: '{info.filename}' is larger than declared")
        self.read_total += len(data)
        return data

    def source(self, path: str):
        """The member a plainTextPath names: internal://x.txt, sources/x.txt, x.txt, ..."""
        p = (path or "").strip().replace("\\", "/")
        p = re.sub(r"^(internal|relative|file|absolute)://+", "", p, flags=re.I)
        base = posixpath.basename(p)
        candidates = [p, f"sources/{p}", base, f"sources/{base}"]
        if self.base:
            candidates += [f"{self.base}/{c}" for c in candidates]
        for candidate in candidates:
            if candidate and (info := self.find(candidate)) is not None:
                return info
        return None


_BARE_AMP = re.compile(rb"&(?!#[0-9]+;|#x[0-9a-fA-F]+;|[A-Za-z_][\w.-]*;)")
_BARE_LT = re.compile(rb"<(?=[\s0-9=<>&\"'(),.;-])")


def _parse_xml(data: bytes, origin: str, warnings: list[str] | None = None):
    """Parse project.qde. Some exporters write text unescaped (QualCoder puts annotation
    text into PlainTextContent as it is, so "R&D" or "a < b" breaks the XML): a bare '&' or a
    '<' that cannot start a tag is escaped and the file read again (reported). Anything else
    (a truncated file, a broken tag) is refused: a half-read project is not imported."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True,
                             remove_comments=True, remove_pis=True)
    try:
        root = etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError as exc:
        repaired = _BARE_LT.sub(b"&lt;", _BARE_AMP.sub(b"&amp;", data))
        if warnings is None or repaired == data:
            raise ValidationError(f"{origin}: project.qde is not well-formed XML: {exc}") from exc
        try:
            root = etree.fromstring(repaired, parser=parser)
        except etree.XMLSyntaxError:
            raise ValidationError(f"{origin}: project.qde is not well-formed XML: {exc}") from exc
        warnings.append(f"project.qde is not well-formed XML ({exc}); bare '&' or '<' in its "
                        "text were escaped and it was read again")
    entities = inline_entities(root)
    if entities:
        shown = ", ".join(f"&{n};" for n in entities[:5])
        message = (f"project.qde declares and uses its own XML entities ({shown}); they were "
                   "not resolved (never read from files or the network) and are kept as "
                   "written in the text")
        if warnings is None:
            raise ValidationError(f"{origin}: {message}")
        warnings.append(message)
    namespaces = set()
    for el in root.iter():
        if isinstance(el.tag, str):
            q = etree.QName(el)
            namespaces.add(q.namespace)
            el.tag = q.localname  # tolerate missing or other namespaces
    return root, namespaces


def _kids(el, name: str):
    return [c for c in el if c.tag == name] if el is not None else []


def _kid(el, name: str):
    return next((c for c in el if c.tag == name), None) if el is not None else None


def _text(el) -> str:
    return (el.text or "") if el is not None else ""


def _decode(data: bytes) -> str:
    """Raw source text, keeping a leading BOM as U+FEFF (some tools count it)."""
    from ..ingest.decode import decode_bytes

    for bom, codec in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"),
                       (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom) and not data.startswith(b"\xff\xfe\x00\x00"):
            try:
                return "\ufeff" + data[len(bom):].decode(codec)
            except UnicodeDecodeError:
                break
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return decode_bytes(data)[0]


# ---------------------------------------------------------------------------------------------
# import


class _Selection:
    __slots__ = ("source", "guid", "start", "end", "user", "codings", "notes", "created", "name",
                 "description")

    def __init__(self, source, guid, start, end, user, codings, notes, created, name,
                 description=""):
        self.source, self.guid, self.start, self.end = source, guid, start, end
        self.user, self.codings, self.notes, self.created = user, codings, notes, created
        self.name, self.description = name, description


def read_qdpx(data: bytes, origin: str = "project.qdpx", *, positions: str = "auto",
              split_codes: str | None = None) -> tuple[ImportBundle, ImportReport]:
    """Parse a .qdpx (or a bare project.qde) into a bundle and a report, storing nothing."""
    if positions not in POSITIONS:
        raise ValidationError(f"positions must be one of {', '.join(POSITIONS)}")
    report = ImportReport(source=origin, format="REFI-QDA project")
    archive = None
    if data[:2] == b"PK":
        archive = _Archive(data, origin)
        xml = archive.read(archive.project_qde(), MAX_XML_BYTES)
    else:
        xml = data
    root, namespaces = _parse_xml(xml, origin, report.warnings)
    if root.tag != "Project":
        raise ValidationError(f"{origin}: not a REFI-QDA project (the root element is "
                              f"<{root.tag}>, not <Project>)")
    other = sorted(n or "(none)" for n in namespaces - {NS})
    if other:
        report.warnings.append(f"unexpected XML namespace(s) {other}; read as {NS}")
    tool = root.get("origin") or ""
    report.format = f"REFI-QDA project from {tool}" if tool else "REFI-QDA project"

    users = {}
    for u in _kids(_kid(root, "Users"), "User"):
        g = norm_guid(u.get("guid"))
        if g:
            users[g] = (u.get("name") or u.get("id") or f"user {g[:8]}").strip()

    def user(guid_value) -> str:
        g = norm_guid(guid_value)
        return users.get(g, "") if g else ""

    bundle = ImportBundle()
    notes = {}  # guid -> Note element
    for n in _kids(_kid(root, "Notes"), "Note"):
        g = norm_guid(n.get("guid"))
        if g:
            notes[g] = n
    note_used: set[str] = set()

    note_cache: dict[str, str] = {}

    def note_text(g: str) -> str:
        if g not in note_cache:
            note_cache[g] = _note_text(g)
        return note_cache[g]

    def _note_text(g: str) -> str:
        n = notes.get(g)
        if n is None:
            return ""
        content = _kid(n, "PlainTextContent")
        if content is not None:
            return _text(content)
        if archive is not None and n.get("plainTextPath"):
            info = archive.source(n.get("plainTextPath"))
            if info is not None:
                return _decode(archive.read(info, MAX_SOURCE_BYTES)).lstrip("\ufeff")
        return ""

    def note_title(g: str, fallback: str) -> str:
        n = notes.get(g)
        name = (n.get("name") if n is not None else "") or ""
        if name and not norm_guid(name):
            return name
        first = next((line.strip() for line in note_text(g).splitlines() if line.strip()), "")
        return (first[:80] or fallback)

    def refs(el) -> list[str]:
        out = []
        for r in _kids(el, "NoteRef"):
            g = norm_guid(r.get("targetGUID"))
            if g and g in notes:
                out.append(g)
            elif g:
                report.warnings.append(f"a NoteRef points to a note that is not in the file ({g})")
        return out

    passages = []  # (memo, source guid, start, end): notes that quote a passage of a source

    def add_memo(g: str, *, doc=None, code=None, fallback="Note"):
        n = notes[g]
        memo = BMemo(title=note_title(g, fallback), body=note_text(g),
                     author=user(n.get("creatingUser") or n.get("modifyingUser")), doc=doc,
                     code=code, guid=g,
                     created_at=parse_when(n.get("creationDateTime") or n.get("modifiedDateTime")))
        bundle.memos.append(memo)
        note_used.add(g)
        inner = _kid(n, "PlainTextSelection")
        if doc is not None and inner is not None:
            try:
                passages.append((memo, doc, int(inner.get("startPosition")),
                                 int(inner.get("endPosition"))))
            except (TypeError, ValueError):
                pass

    # ---- codes
    code_keys: dict[str, str] = {}  # file guid -> bundle key

    # NVivo's cases are nodes: each Case may also stand in the codebook as a Code with the
    # same GUID, and coding a passage at it means "this source belongs to the case"
    case_guids = {g for case in _kids(_kid(root, "Cases"), "Case")
                  if (g := norm_guid(case.get("guid")))}
    case_codes: list[str] = []

    def walk(el, parent_path: list[str]):
        for c in _kids(el, "Code"):
            raw_name = (c.get("name") or "").strip()
            g = norm_guid(c.get("guid"))
            if g and g in case_guids:
                case_codes.append(raw_name)
                walk(c, parent_path)
                continue
            if not g:
                report.warnings.append(f"code '{raw_name}': no valid GUID; a new one was given")
            parts = [raw_name]
            if split_codes and split_codes in raw_name:
                parts = [p.strip() for p in raw_name.split(split_codes) if p.strip()] or [raw_name]
            path = parent_path + parts
            key = g or new_guid()
            desc = _text(_kid(c, "Description"))
            criteria = dict(_CRITERIA.findall(desc))
            bundle.codes.append(BCode(
                key=key, path=path, guid=g, color=c.get("color"),
                description=_CRITERIA.sub("", desc).strip(),
                inclusion=criteria.get("Include when", ""),
                exclusion=criteria.get("Exclude when", "")))
            if g:
                code_keys[g] = key
            for ng in refs(c):
                add_memo(ng, code=key, fallback=f"Memo on {raw_name}")
            walk(c, path)

    book = _kid(root, "CodeBook")
    walk(_kid(book, "Codes"), [])

    # ---- variables, cases, sets (attributes)
    variables = {}
    for v in _kids(_kid(root, "Variables"), "Variable"):
        g = norm_guid(v.get("guid"))
        if g:
            variables[g] = (v.get("name") or "").strip()

    def values(el) -> dict:
        out = {}
        for vv in _kids(el, "VariableValue"):
            ref = _kid(vv, "VariableRef")
            name = variables.get(norm_guid(ref.get("targetGUID")) if ref is not None else None)
            if not name:
                report.warnings.append("a variable value refers to an unknown variable; skipped")
                continue
            for child in vv:
                if child.tag == "VariableRef":
                    continue
                out[name] = _value(child)
        return out

    case_attrs: dict[str, dict] = defaultdict(dict)
    for case in _kids(_kid(root, "Cases"), "Case"):
        vals = values(case)
        targets = [norm_guid(r.get("targetGUID")) for r in _kids(case, "SourceRef")]
        if _kids(case, "SelectionRef") and not targets:
            report.skipped.append(f"case '{case.get('name') or ''}': refers to selections only; "
                                  "qualcode keeps cases per transcript")
        for g in filter(None, targets):
            case_attrs[g].update(vals)
            if case.get("name"):
                case_attrs[g].setdefault("\0case", case.get("name").strip())
    case_codings = 0
    if case_codes:
        case_of = {norm_guid(c.get("guid")): c for c in _kids(_kid(root, "Cases"), "Case")}
        for coding in root.iter("Coding"):
            ref = _kid(coding, "CodeRef")
            cg = norm_guid(ref.get("targetGUID")) if ref is not None else None
            if cg not in case_guids:
                continue
            case_codings += 1
            holder = coding.getparent()
            while holder is not None and holder.tag not in ("TextSource", "Transcript",
                                                            "Representation"):
                holder = holder.getparent()
            sg = norm_guid(holder.get("guid")) if holder is not None else None
            if sg:
                case_attrs[sg].update(values(case_of[cg]))
                if case_of[cg].get("name"):
                    case_attrs[sg].setdefault("\0case", case_of[cg].get("name").strip())
        report.came_in.append(
            f"{len(case_codes)} node(s) of the codebook are cases (same GUID as a Case: "
            f"{', '.join(case_codes[:5])}{'…' if len(case_codes) > 5 else ''}); their "
            f"{case_codings} coding(s) made their sources members of the case, not codings")
    sets_of: dict[str, list[str]] = defaultdict(list)
    for st in _kids(_kid(root, "Sets"), "Set"):
        name = (st.get("name") or "").strip() or "set"
        for r in _kids(st, "MemberSource"):
            g = norm_guid(r.get("targetGUID"))
            if g:
                sets_of[g].append(name)
        skipped = len(_kids(st, "MemberCode")) + len(_kids(st, "MemberNote"))
        if skipped:
            report.skipped.append(f"set '{name}': {skipped} member code(s)/note(s) — qualcode "
                                  "keeps sets of transcripts only (as the 'sets' attribute)")
    # NVivo links a note to the selection it annotates
    linked: dict[str, list[str]] = defaultdict(list)
    other_links = 0
    for link in _kids(_kid(root, "Links"), "Link"):
        o, t = norm_guid(link.get("originGUID")), norm_guid(link.get("targetGUID"))
        if o in notes and t and t not in notes:
            linked[t].append(o)
        elif t in notes and o and o not in notes:
            linked[o].append(t)
        else:
            other_links += 1
    if other_links:
        report.skipped.append(f"{other_links} link(s) between objects: qualcode has no links")
    graphs = _kid(root, "Graphs")
    if graphs is not None and len(graphs):
        report.skipped.append(f"{len(graphs)} graph(s): qualcode has no graphs")

    # ---- sources
    budget = ImportBudget(f"the project {origin}")
    raws: dict[str, str] = {}
    selections: list[_Selection] = []
    docs: dict[str, BDocument] = {}

    def text_source(el, kind: str, name: str | None = None, outer=None):
        """A text source (or the text inside a PDF, audio or video source ``outer``)."""
        g = norm_guid(el.get("guid")) or new_guid()
        og = norm_guid(outer.get("guid")) if outer is not None else None
        label = name or el.get("name") or g
        raw = None
        content = _kid(el, "PlainTextContent")
        if content is not None and (content.text or "").strip():
            raw = content.text
        elif el.get("plainTextPath"):
            if archive is not None:
                info = archive.source(el.get("plainTextPath"))
                if info is not None:
                    raw = _decode(archive.read(info, MAX_SOURCE_BYTES))
        if raw is None:
            where = el.get("plainTextPath") or el.get("richTextPath")
            why = (f"its text ({where}) is not in the archive" if where
                   else "it has no text (no PlainTextContent, no plainTextPath)")
            if el.get("richTextPath") and not el.get("plainTextPath"):
                why = ("only rich text (.docx) is given; positions refer to the plain text, "
                       "which is missing")
            n = len(_kids(el, "PlainTextSelection")) + len(_kids(el, "Coding"))
            report.skipped.append(f"{kind} '{label}': {why}" + (f"; {n} selection(s) and "
                                                                 "coding(s) skipped" if n else ""))
            return
        try:
            check_text(raw, f"source '{label}'")
            budget.take(len(raw), label)
        except LimitError as exc:
            raise ValidationError(f"{origin}: {exc}; nothing was imported") from None
        raws[g] = raw
        nice = label
        if not name and (not el.get("name") or norm_guid(Path(el.get("name")).stem)):
            first = next((ln.strip() for ln in raw.lstrip("\ufeff").splitlines() if ln.strip()), "")
            nice = (first[:60] or "Imported source")
            report.warnings.append(f"source '{label}' has a GUID for a name; named "
                                   f"'{nice}' after its first line")
        attrs = {}
        attrs.update(case_attrs.get(og, {}) if og else {})
        attrs.update(case_attrs.get(g, {}))
        if outer is not None:
            attrs.update(values(outer))
        attrs.update(values(el))
        case_name = attrs.pop("\0case", None)
        order = attrs.pop("interview_order", None)
        if case_name and case_name != nice and "participant" not in attrs:
            attrs["participant"] = case_name
        in_sets = sets_of.get(g, []) + (sets_of.get(og, []) if og else [])
        if in_sets:
            attrs["sets"] = "; ".join(dict.fromkeys(in_sets))
        try:
            order = int(order) if order is not None and str(order).strip() != "" else None
        except (TypeError, ValueError):
            attrs["interview_order"] = order
            order = None
        path = el.get("plainTextPath") or ""
        docs[g] = BDocument(key=g, name=nice, text="", guid=g, attributes=attrs,
                            interview_order=order,
                            source_filename=posixpath.basename(path.replace("\\", "/")) or None,
                            source_format="qdpx",
                            created_at=parse_when(el.get("creationDateTime")))
        for ng in refs(el) + (refs(outer) if outer is not None else []):
            add_memo(ng, doc=g, fallback=f"Memo on {nice}")
        desc = _text(_kid(el, "Description")).strip()
        if desc:
            bundle.memos.append(BMemo(title=f"Description of {nice}", body=desc, doc=g))
        for sel in _kids(el, "PlainTextSelection"):
            try:
                start, end = int(sel.get("startPosition")), int(sel.get("endPosition"))
            except (TypeError, ValueError):
                report.skipped.append(f"a selection in '{nice}' without valid positions")
                continue
            selections.append(_Selection(
                g, norm_guid(sel.get("guid")), start, end, sel.get("creatingUser"),
                _kids(sel, "Coding"), refs(sel), sel.get("creationDateTime"),
                sel.get("name"), _text(_kid(sel, "Description")).strip()))
        whole = _kids(el, "Coding")
        if whole:
            selections.append(_Selection(g, None, None, None, el.get("creatingUser"), whole, [],
                                         el.get("creationDateTime"), "whole source"))

    sources_el = _kid(root, "Sources")
    for el in (list(sources_el) if sources_el is not None else []):
        if not isinstance(el.tag, str):
            continue
        kind = el.tag
        # ATLAS.ti may leave an audio or video source's name empty; its transcript has one
        label = (el.get("name") or next((t.get("name") for t in _kids(el, "Transcript")
                                         if t.get("name")), None) or el.get("guid") or "?")
        if kind == "TextSource":
            text_source(el, "source")
        elif kind == "PDFSource" and _kid(el, "Representation") is not None:
            rep = _kid(el, "Representation")
            text_source(rep, "PDF source", name=label, outer=el)
            # ATLAS.ti writes a text quotation of a PDF twice: a region (PDFSelection) and a
            # PlainTextSelection of the Representation with the same GUID; only regions
            # without a text twin are lost
            twins = {norm_guid(t.get("guid")) for t in _kids(rep, "PlainTextSelection")} - {None}
            n = sum(1 for r in _kids(el, "PDFSelection") if norm_guid(r.get("guid")) not in twins)
            if n:
                report.skipped.append(f"PDF source '{label}': {n} region selection(s) — qualcode "
                                      "codes text only; its text representation came in")
        elif kind in ("AudioSource", "VideoSource") and _kids(el, "Transcript"):
            what = "audio" if kind == "AudioSource" else "video"
            transcripts = _kids(el, "Transcript")
            for i, tr in enumerate(transcripts, 1):
                own = (tr.get("name") or "").strip()  # ATLAS.ti names each transcript
                name = (label if len(transcripts) == 1 else own
                        if own and not norm_guid(Path(own).stem) else f"{label} – transcript {i}")
                text_source(tr, f"{what} transcript", name=name, outer=el)
                tg = norm_guid(tr.get("guid"))
                if tg not in docs:
                    continue
                sync = {norm_guid(sp.get("guid")): sp.get("position")
                        for sp in _kids(tr, "SyncPoint")}
                for ts in _kids(tr, "TranscriptSelection"):
                    try:
                        a = int(sync[norm_guid(ts.get("fromSyncPoint"))])
                        b = int(sync[norm_guid(ts.get("toSyncPoint"))])
                    except (KeyError, TypeError, ValueError):
                        report.skipped.append(f"a transcript selection in '{name}' without "
                                              "sync points that give its position")
                        continue
                    selections.append(_Selection(
                        tg, norm_guid(ts.get("guid")), a, b, ts.get("creatingUser"),
                        _kids(ts, "Coding"), refs(ts), ts.get("creationDateTime"),
                        ts.get("name"), _text(_kid(ts, "Description")).strip()))
            n = sum(len(_kids(el, t)) for t in ("AudioSelection", "VideoSelection", "Coding"))
            if n:
                report.skipped.append(f"{what} source '{label}': {n} time selection(s) or "
                                      "coding(s) of the recording — its transcript came in")
        elif kind in ("PDFSource", "PictureSource", "AudioSource", "VideoSource"):
            what = {"PDFSource": "PDF", "PictureSource": "picture", "AudioSource": "audio",
                    "VideoSource": "video"}[kind]
            n = sum(len(_kids(el, t)) for t in ("PDFSelection", "PictureSelection",
                                                  "AudioSelection", "VideoSelection", "Coding"))
            report.skipped.append(f"{what} source '{label}': qualcode holds text sources only"
                                  + (f" ({n} selection(s) or coding(s) skipped)" if n else ""))
        else:
            report.skipped.append(f"unknown source type <{kind}> '{label}'")

    # ---- positions: which convention did the tool use?
    convention = POSITIONS[positions]
    if convention is None:
        convention = _detect_convention(raws, selections, tool)
        report.positions = f"{convention.label}, detected"
    else:
        report.positions = f"{convention.label}, as asked"

    maps = {}
    aligned = []
    for g, raw in raws.items():
        text, mapping, was_aligned = canonical_with_map(raw)
        docs[g].text = text
        maps[g] = (UnitMap(raw, convention), mapping)
        if was_aligned:
            aligned.append(docs[g].name)
    if aligned:
        report.warnings.append("positions mapped by alignment (canonical text rules changed) for "
                               + ", ".join(aligned))
    bundle.documents.extend(docs.values())

    quote_checks: list[tuple[bool, str]] = []
    pending_annotations = []
    for sel in selections:
        doc = docs.get(sel.source)
        units, mapping = maps[sel.source]
        if sel.start is None:
            start, end = 0, len(doc.text)
            where = "whole source"
        else:
            a, b = sorted((sel.start, sel.end))
            if a < 0 or b > units.total:
                report.skipped.append(f"selection {sel.start}–{sel.end} in '{doc.name}': beyond "
                                      f"the text ({units.total} positions)")
                continue
            start = mapping[units.index(a)[0]]
            end = mapping[units.index(b)[0]]
            where = f"selection {sel.start}–{sel.end}"
        if sel.start is not None:
            quoted = _quote_matches(sel.name, doc.text[start:end])
            if quoted is not None:
                quote_checks.append((quoted, (f"{where} in '{doc.name}': named "
                                              f"{_squash(sel.name)[:50]!r}, selects "
                                              f"{_squash(doc.text[start:end])[:50]!r}")))
        sel_notes = list(dict.fromkeys(sel.notes + linked.get(sel.guid or "", [])))
        memo_parts = _distinct(([sel.description] if sel.description else []) + [
            note_text(ng) for ng in sel_notes])
        note_used.update(sel_notes)
        if not sel.codings:
            if memo_parts and sel.start is not None:
                # f4analyse attaches a memo to a coded passage as a second selection of the
                # same span, without codings: it becomes the memo of those codings
                pending_annotations.append((sel, doc, start, end, memo_parts, sel_notes))
            elif memo_parts:
                quote = doc.text[start:end]
                bundle.memos.append(BMemo(
                    title=note_title(sel_notes[0], f"Note on {doc.name}") if sel_notes
                    else f"Annotation on {doc.name}",
                    body="\n\n".join(p for p in memo_parts if p) + f"\n\n[{doc.name}, chars "
                    f"{start}–{end}] {quote}", author=user(sel.user), doc=sel.source,
                    guid=sel_notes[0] if sel_notes else sel.guid, created_at=parse_when(sel.created)))
            else:
                report.skipped.append(f"{where} in '{doc.name}': no code and no note")
            continue
        for c in sel.codings:
            ref = _kid(c, "CodeRef")
            cg = norm_guid(ref.get("targetGUID")) if ref is not None else None
            if cg in case_guids and cg not in code_keys:
                continue  # coded at a case node: case membership (see above)
            cnotes = refs(c)
            note_used.update(cnotes)
            memo = "\n\n".join(_distinct(memo_parts + [note_text(ng) for ng in cnotes]))
            bundle.codings.append(BCoding(
                doc=sel.source, code=code_keys.get(cg, cg or "?"), start=start, end=end,
                coder=user(c.get("creatingUser")) or user(sel.user), memo=memo,
                guid=norm_guid(c.get("guid")),
                created_at=parse_when(c.get("creationDateTime") or sel.created),
                what=f"coding ({where}) in '{doc.name}'"))

    coded_spans = defaultdict(list)
    for bc in bundle.codings:
        coded_spans[(bc.doc, bc.start, bc.end)].append(bc)
    attached = 0
    for sel, doc, start, end, memo_parts, sel_notes in pending_annotations:
        text = "\n\n".join(memo_parts)
        same = coded_spans.get((sel.source, start, end))
        if same:
            for bc in same:
                bc.memo = "\n\n".join(_distinct([bc.memo, text]))
            attached += 1
            continue
        # an annotation (MAXQDA: a Description; NVivo: a linked note): a memo quoting it
        bundle.memos.append(BMemo(
            title=note_title(sel_notes[0], f"Note on {doc.name}") if sel_notes
            else f"Annotation on {doc.name}",
            body=text + f"\n\n[{doc.name}, chars {start}–{end}] {doc.text[start:end]}",
            author=user(sel.user), doc=sel.source,
            guid=sel_notes[0] if sel_notes else sel.guid, created_at=parse_when(sel.created)))
    if attached:
        report.came_in.append(f"{attached} memo(s) on a passage that is also coded (a selection "
                              "of its own, as f4analyse writes them) became the memo of its "
                              "codings")

    # ATLAS.ti and QualCoder name a selection by the text it quotes: when most names do, the
    # ones that do not are worth a look (a renamed quotation, or a position off)
    off = [what for ok, what in quote_checks if not ok]
    if quote_checks and off and len(off) <= len(quote_checks) / 2:
        report.warnings.append(f"{len(off)} of {len(quote_checks)} selection(s) do not select "
                               "the text their name quotes (renamed in the other tool, or "
                               "positions off): check these")
        report.warnings.extend(off[:10])

    for memo, g, a, b in passages:
        if g in maps:
            units, mapping = maps[g]
            a, b = sorted((a, b))
            if 0 <= a and b <= units.total:
                start, end = mapping[units.index(a)[0]], mapping[units.index(b)[0]]
                memo.body += (f"\n\n[{docs[g].name}, chars {start}–{end}] "
                              f"{docs[g].text[start:end]}")

    # ---- the rest of the notes: project notes and free notes
    project_notes = refs(root)
    for g in notes:
        if g not in note_used:
            add_memo(g, fallback="Project note" if g in project_notes else "Note")
    desc = _text(_kid(root, "Description")).strip()
    if desc:
        bundle.memos.append(BMemo(title=f"Project description: {root.get('name') or ''}".strip(),
                                  body=desc))
    check_not_empty(bundle, origin)
    return bundle, report


def _distinct(parts: list[str]) -> list[str]:
    """Non-empty texts, each once: a Description that repeats the linked note's text (f4analyse
    writes both) is not doubled."""
    out: list[str] = []
    for p in parts:
        key = (p or "").strip()
        if not key or any(key in q for q in out):
            continue
        out = [q for q in out if q.strip() not in p] + [p]
    return out


def _value(el):
    text = (el.text or "").strip()
    try:
        if el.tag == "BooleanValue":
            return text.lower() in ("true", "1")
        if el.tag == "IntegerValue":
            return int(text)
        if el.tag == "FloatValue":
            return float(text)
    except ValueError:
        pass
    return text


_BARE_LF = re.compile("(?<!\r)\n")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_ELLIPSIS = re.compile(r"(\u2026|\.\.\.)$")


def _squash(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def _quote_matches(name: str | None, selected: str) -> bool | None:
    """Whether a selection's name quotes the text it selects (ATLAS.ti and QualCoder name a
    quotation by its text, ATLAS.ti cut at about 100 characters with an ellipsis); None when
    the name says nothing (empty)."""
    want = _squash(name or "")
    if not want:
        return None
    got = _squash(selected)
    if _ELLIPSIS.search(want):
        prefix = _ELLIPSIS.sub("", want).rstrip()
        return bool(prefix) and got.startswith(prefix)
    # a long name cut without an ellipsis (qualcode before 2026-12 wrote the first 60)
    return got == want or (len(want) >= 20 and got.startswith(want))


def _quote_name(text: str, limit: int = 100) -> str:
    """A selection's name as ATLAS.ti writes it: its text, cut with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def _detect_convention(raws: dict[str, str], selections, tool: str) -> Convention:
    """The position convention that fits the selections best: none past the end of its text,
    none inside a surrogate pair, most selections on the text their name quotes (ATLAS.ti,
    QualCoder), fewest cutting a word; ties go to the file's origin (NVivo writes UTF-16 code
    units and counts CR LF as two, also when the plain text file has bare LF line ends;
    ATLAS.ti and MAXQDA count a CR LF of the file as one) and then to REFI's code points."""
    any_bom = any(r.startswith("\ufeff") for r in raws.values())
    any_crlf = any("\r\n" in r for r in raws.values())
    any_lf = any(_BARE_LF.search(r) for r in raws.values())
    any_astral = any(_ASTRAL.search(r) for r in raws.values())
    candidates = []
    for utf16 in ((False, True) if any_astral else (False,)):
        for bom in ((False, True) if any_bom else (False,)):
            for crlf_one in ((False, True) if any_crlf else (False,)):
                for lf_two in ((False, True) if any_lf else (False,)):
                    candidates.append(Convention(utf16=utf16, bom=bom, crlf_one=crlf_one,
                                                 lf_two=lf_two))
    low = tool.lower()
    nvivo = "nvivo" in low or "utf-16" in low
    if nvivo:
        # NVivo counts CR LF as two; for Windows its text has CR LF even where the file has LF
        preferred = Convention(utf16=True, bom=True, lf_two="windows" in low and any_lf)
    elif ("atlas" in low or "maxqda" in low) and any_crlf:
        preferred = Convention(crlf_one=True)
    else:
        preferred = CODEPOINTS

    def prior(c: Convention) -> tuple:
        return (c != preferred, c.utf16 != preferred.utf16, c.lf_two != preferred.lf_two,
                c.bom != preferred.bom, c.crlf_one != preferred.crlf_one)

    if len(candidates) == 1:
        return candidates[0]
    by_source = defaultdict(list)
    for sel in selections:
        if sel.start is not None and sel.source in raws:
            by_source[sel.source].append(sel)
    best, best_score = None, None
    for c in candidates:
        score = 0
        for g, sels in by_source.items():
            raw = raws[g]
            units = UnitMap(raw, c)
            for sel in sels:
                a, b = sorted((sel.start, sel.end))
                for p in (a, b):
                    i, exact = units.index(p)
                    if p > units.total or p < 0:
                        score += 1000
                    elif not exact:
                        score += 100
                    elif 0 < i < len(raw) and raw[i - 1].isalnum() and raw[i].isalnum():
                        score += 1
                if sel.name and 0 <= a and b <= units.total:
                    if _quote_matches(sel.name, raw[units.index(a)[0]:units.index(b)[0]]) is False:
                        score += 20
        key = (score, prior(c))
        if best_score is None or key < best_score:
            best, best_score = c, key
    return best or preferred


def import_qdpx(project: Project, data: bytes, origin: str = "project.qdpx", *,
                positions: str = "auto", split_codes: str | None = None,
                dry_run: bool = False) -> ImportReport:
    """Import a REFI-QDA project into ``project``, all or nothing. Returns the report."""
    bundle, report = read_qdpx(data, origin, positions=positions, split_codes=split_codes)
    return store_bundle(project, bundle, report, dry_run=dry_run)


# ---------------------------------------------------------------------------------------------
# export


def _iso(dt: datetime | None) -> str:
    dt = dt or datetime.now(timezone.utc).replace(tzinfo=None)
    return dt.replace(microsecond=0).isoformat() + "Z"


def _variable_type(values: list) -> str:
    if values and all(isinstance(v, bool) for v in values):
        return "Boolean"
    if values and all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return "Integer"
    if values and all(isinstance(v, (int, float)) and not isinstance(v, bool)
                      and math.isfinite(v) for v in values):
        return "Float"
    return "Text"


def _value_element(parent, vtype: str, value) -> None:
    tag = {"Boolean": "BooleanValue", "Integer": "IntegerValue", "Float": "FloatValue"}.get(
        vtype, "TextValue")
    el = etree.SubElement(parent, f"{{{NS}}}{tag}")
    if vtype == "Boolean":
        el.text = "true" if value else "false"
    elif vtype == "Float":
        el.text = format(Decimal(repr(float(value))), "f")
    else:
        el.text = str(value)


def _xml_safe(text: str | None) -> str:
    """XML 1.0 cannot hold most control characters; canonical text has none, but memos and
    attributes written by an older version might (store/clean.py, as every export)."""
    return clean(text or "")


def assign_guids(project: Project) -> None:
    """Give every transcript, coding and memo made before GUIDs existed a GUID (kept after)."""
    with project.transaction() as s:
        for model in (Transcript, Coding, Memo, Code):
            for row in s.scalars(select(model).where(model.guid.is_(None))):
                row.guid = new_guid()


UTF16_ORIGIN = "qualcode (positions in UTF-16 code units)"


def export_qdpx(project: Project, name: str = "qualcode project", *,
                positions: str = "codepoint") -> bytes:
    """The whole project as a REFI-QDA .qdpx archive (bytes). Positions are code points, as
    the standard says; ``positions="utf16"`` writes what NVivo for Windows reads: the texts
    with CR LF line ends and positions in UTF-16 code units over them."""
    if positions not in ("codepoint", "utf16"):
        raise ValidationError("positions must be codepoint or utf16")
    from ..coding.codes import code_tree

    assign_guids(project)
    E = lambda parent, tag, **attrs: etree.SubElement(  # noqa: E731
        parent, f"{{{NS}}}{tag}", {k: v for k, v in attrs.items() if v is not None})
    nodes = code_tree(project)
    with project.reading() as s:
        transcripts = list(s.scalars(select(Transcript).order_by(
            Transcript.interview_order.is_(None), Transcript.interview_order, Transcript.name)))
        codings = list(s.scalars(select(Coding).order_by(Coding.transcript_id, Coding.start,
                                                         Coding.end, Coding.id)))
        memos = list(s.scalars(select(Memo).order_by(Memo.created_at, Memo.id)))

    # For NVivo: NVivo for Windows counts UTF-16 code units over its own text, whose line ends
    # are CR LF (seen in real exports: its positions count CR LF as two even where its .txt
    # has LF), so the text files get CR LF and the positions count them.
    nvivo = positions == "utf16"
    unit_maps: dict[int, list[int]] = {}

    def unit(t: Transcript, pos: int) -> int:
        if not nvivo:
            return pos
        cum = unit_maps.get(t.id)
        if cum is None:
            widths = [2 if ch == "\n" or ord(ch) > 0xFFFF else 1 for ch in t.text]
            cum = unit_maps[t.id] = [0, *accumulate(widths)]
        return cum[pos]

    coders = sorted({c.coder for c in codings if c.coder} | {m.author for m in memos if m.author})
    user_guid = {u: stable_guid("user", u) for u in coders}
    root = etree.Element(f"{{{NS}}}Project", nsmap={None: NS}, name=_xml_safe(name) or "project",
                         origin=UTF16_ORIGIN if positions == "utf16" else "qualcode",
                         creationDateTime=_iso(None))
    if coders:
        users_el = E(root, "Users")
        for u in coders:
            E(users_el, "User", guid=user_guid[u], name=_xml_safe(u))

    memo_by_code = defaultdict(list)
    memo_by_doc = defaultdict(list)
    free = []
    for m in memos:
        if m.code_id is not None:
            memo_by_code[m.code_id].append(m)
        elif m.transcript_id is not None:
            memo_by_doc[m.transcript_id].append(m)
        else:
            free.append(m)

    code_guid = {n.code.id: n.code.guid for n in nodes}
    if nodes:
        codes_el = E(E(root, "CodeBook"), "Codes")
        elements = {}
        for node in nodes:
            code = node.code
            el = E(elements.get(code.parent_id, codes_el), "Code", guid=code.guid,
                   name=_xml_safe(code.name), isCodable="true", color=code.color.upper())
            parts = [code.description or ""]
            if code.inclusion:
                parts.append(f"Include when: {code.inclusion}")
            if code.exclusion:
                parts.append(f"Exclude when: {code.exclusion}")
            description = "\n".join(p for p in parts if p)
            if description:
                E(el, "Description").text = _xml_safe(description)
            for m in memo_by_code.get(code.id, []):
                E(el, "NoteRef", targetGUID=m.guid)
            elements[code.id] = el

    # attributes -> variables (on the source) and cases (per participant)
    values_by_key = defaultdict(list)
    for t in transcripts:
        for k, v in (t.attributes or {}).items():
            if k != "sets" and v is not None and v != "":
                values_by_key[k].append(v)
        if t.interview_order is not None:
            values_by_key["interview_order"].append(t.interview_order)
    var_types = {k: _variable_type(v) for k, v in values_by_key.items()}
    if var_types:
        variables_el = E(root, "Variables")
        for k in var_types:
            E(variables_el, "Variable", guid=stable_guid("variable", k), name=_xml_safe(k),
              typeOfVariable=var_types[k])

    def attrs_of(t: Transcript) -> dict:
        out = {k: v for k, v in (t.attributes or {}).items()
               if k != "sets" and v is not None and v != ""}
        if t.interview_order is not None:
            out["interview_order"] = t.interview_order
        return out

    def add_values(parent, attrs: dict) -> None:
        for k, v in attrs.items():
            vv = E(parent, "VariableValue")
            E(vv, "VariableRef", targetGUID=stable_guid("variable", k))
            vtype = var_types[k]
            if vtype == "Text":
                v = _xml_safe(str(v))
            _value_element(vv, vtype, v)

    cases = defaultdict(list)
    for t in transcripts:
        cases[participant_of(t)].append(t)
    if transcripts:
        cases_el = E(root, "Cases")
        for case_name, members in cases.items():
            case_el = E(cases_el, "Case", guid=stable_guid("case", case_name),
                        name=_xml_safe(case_name))
            shared = {k: v for k, v in attrs_of(members[0]).items()
                      if k != "interview_order"
                      and all(attrs_of(m).get(k) == v for m in members[1:])}
            add_values(case_el, shared)
            for m in members:
                E(case_el, "SourceRef", targetGUID=m.guid)

    files = {}
    by_doc = defaultdict(list)
    for c in codings:
        by_doc[c.transcript_id].append(c)
    if transcripts:
        sources_el = E(root, "Sources")
        for t in transcripts:
            fname = f"{t.guid}.txt"
            files[f"sources/{fname}"] = (t.text.replace("\n", "\r\n") if nvivo
                                         else t.text).encode("utf-8")
            src = E(sources_el, "TextSource", guid=t.guid, name=_xml_safe(t.name),
                    plainTextPath=f"internal://{fname}", creationDateTime=_iso(t.created_at))
            # one PlainTextSelection per span and coder (and memo): QualCoder, ATLAS.ti and
            # MAXQDA read the coder from the selection's creatingUser and a coding's memo
            # from the selection's Description (QualCoder writes one selection per coding)
            spans = defaultdict(list)
            for c in by_doc.get(t.id, []):
                spans[(c.start, c.end, c.coder or "", c.memo or "")].append(c)
            for (start, end, coder, memo), group in spans.items():
                sel = E(src, "PlainTextSelection",
                        guid=stable_guid("selection", t.guid, str(start), str(end),
                                         *((coder, memo) if coder or memo else ())),
                        name=_xml_safe(_quote_name(t.text[start:end])),
                        startPosition=str(unit(t, start)),
                        endPosition=str(unit(t, end)),
                        creatingUser=user_guid.get(coder),
                        creationDateTime=_iso(min(c.created_at for c in group)))
                if memo:
                    E(sel, "Description").text = _xml_safe(memo)
                for c in group:
                    coding_el = E(sel, "Coding", guid=c.guid, creatingUser=user_guid.get(c.coder),
                                  creationDateTime=_iso(c.created_at))
                    E(coding_el, "CodeRef", targetGUID=code_guid[c.code_id])
            for m in memo_by_doc.get(t.id, []):
                E(src, "NoteRef", targetGUID=m.guid)
            add_values(src, attrs_of(t))

    if memos:
        # the text of a note in a file (plainTextPath), as NVivo and QualCoder write them:
        # QualCoder reads a note's text only from there (the schema allows one or the other)
        notes_el = E(root, "Notes")
        for m in memos:
            files[f"sources/{m.guid}.txt"] = (m.body or "").encode("utf-8")
            E(notes_el, "Note", guid=m.guid, name=_xml_safe(m.title),
              plainTextPath=f"internal://{m.guid}.txt", creatingUser=user_guid.get(m.author),
              creationDateTime=_iso(m.created_at), modifiedDateTime=_iso(m.updated_at))

    sets = defaultdict(list)
    for t in transcripts:
        for set_name in str((t.attributes or {}).get("sets") or "").split(";"):
            if set_name.strip():
                sets[set_name.strip()].append(t)
    if sets:
        sets_el = E(root, "Sets")
        for set_name, members in sets.items():
            set_el = E(sets_el, "Set", guid=stable_guid("set", set_name), name=_xml_safe(set_name))
            for m in members:
                E(set_el, "MemberSource", targetGUID=m.guid)
    for m in free:
        E(root, "NoteRef", targetGUID=m.guid)

    xml = etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("project.qde", xml)
        for path, data in files.items():
            z.writestr(path, data)
    return out.getvalue()
