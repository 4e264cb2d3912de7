"""Import REFI-QDA projects (.qdpx, Project-mrt2019.xsd of the REFI-QDA 1.5 standard): the
projects of NVivo, ATLAS.ti, MAXQDA, QualCoder and others (``refi_write`` exports qualcode's).

A .qdpx is a zip with ``project.qde`` (the XML) and the sources (``sources/<guid>.txt``);
``refi_archive`` opens it within bounds, ``refi_positions`` detects the position convention.

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
* sets of sources -> the ``sets`` attribute ("A; B"); sets of codes -> sets of codes
  (``coding.code_sets``); members that are notes are reported as skipped;
* links (``_read_links``): code–code links -> relations (name = type, OneWay = directed, a
  NoteRef = the relation's memo); a "grounds" link from a coding to a relation -> grounding
  quote; note–coding, note–code, note–source, note–note -> memo links (a note linked to a
  coded passage: a memo linked to its codings; to a passage without codings: a memo quoting
  it); other links are reported as skipped;
* graphs -> network views, and the note "qualcode: project data" -> the list of relation
  types, relation authors and times, memo types, the core category and the views' settings,
  as qualcode wrote them (``refi_extras``; that note becomes no memo).
"""

from __future__ import annotations

import posixpath
import zipfile
from collections import defaultdict
from pathlib import Path

from ..corpus.media import attach_media, is_media_name
from ..corpus.timing import offset_at_time
from ..errors import QualcodeError, ValidationError
from ..ingest.limits import ImportBudget, LimitError, check_text
from ..store.models import new_guid
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
    store_bundle,
)
from .bundle_links import BCodeSet, BEvidence, BMemoLink, BRelation
from .positions import UnitMap, canonical_with_map
from .refi_archive import Archive, children, first_child, parse_xml, text_of
from .refi_common import CRITERIA, NS, quote_matches, squash
from .refi_extras import find_note, guid_in, read_graphs
from .refi_positions import POSITIONS, detect_convention


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
        archive = Archive(data, origin)
        xml = archive.project_xml()
    else:
        xml = data
    root, namespaces = parse_xml(xml, origin, report.warnings)
    if root.tag != "Project":
        raise ValidationError(f"{origin}: not a REFI-QDA project (the root element is "
                              f"<{root.tag}>, not <Project>)")
    other = sorted(n or "(none)" for n in namespaces - {NS})
    if other:
        report.warnings.append(f"unexpected XML namespace(s) {other}; read as {NS}")
    tool = root.get("origin") or ""
    report.format = f"REFI-QDA project from {tool}" if tool else "REFI-QDA project"

    users = {}
    for u in children(first_child(root, "Users"), "User"):
        g = norm_guid(u.get("guid"))
        if g:
            users[g] = (u.get("name") or u.get("id") or f"user {g[:8]}").strip()

    def user(guid_value) -> str:
        g = norm_guid(guid_value)
        return users.get(g, "") if g else ""

    bundle = ImportBundle()
    notes = {}  # guid -> Note element
    for n in children(first_child(root, "Notes"), "Note"):
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
        content = first_child(n, "PlainTextContent")
        if content is not None:
            return text_of(content)
        if archive is not None and n.get("plainTextPath"):
            info = archive.source(n.get("plainTextPath"))
            if info is not None:
                return archive.source_text(info).lstrip("\ufeff")
        return ""

    extras_note, extras = find_note(notes, note_text, report.warnings)
    if extras_note:
        note_used.add(extras_note)

    def note_title(g: str, fallback: str) -> str:
        n = notes.get(g)
        name = (n.get("name") if n is not None else "") or ""
        if name and not norm_guid(name):
            return name
        first = next((line.strip() for line in note_text(g).splitlines() if line.strip()), "")
        return (first[:80] or fallback)

    def refs(el) -> list[str]:
        out = []
        for r in children(el, "NoteRef"):
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
        inner = first_child(n, "PlainTextSelection")
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
    case_guids = {g for case in children(first_child(root, "Cases"), "Case")
                  if (g := norm_guid(case.get("guid")))}
    case_codes: list[str] = []

    def walk(el, parent_path: list[str]):
        for c in children(el, "Code"):
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
            desc = text_of(first_child(c, "Description"))
            criteria = dict(CRITERIA.findall(desc))
            bundle.codes.append(BCode(
                key=key, path=path, guid=g, color=c.get("color"),
                description=CRITERIA.sub("", desc).strip(),
                inclusion=criteria.get("Include when", ""),
                exclusion=criteria.get("Exclude when", "")))
            if g:
                code_keys[g] = key
            for ng in refs(c):
                add_memo(ng, code=key, fallback=f"Memo on {raw_name}")
            walk(c, path)

    book = first_child(root, "CodeBook")
    walk(first_child(book, "Codes"), [])

    # ---- variables, cases, sets (attributes)
    variables = {}
    for v in children(first_child(root, "Variables"), "Variable"):
        g = norm_guid(v.get("guid"))
        if g:
            variables[g] = (v.get("name") or "").strip()

    def values(el) -> dict:
        out = {}
        for vv in children(el, "VariableValue"):
            ref = first_child(vv, "VariableRef")
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
    for case in children(first_child(root, "Cases"), "Case"):
        vals = values(case)
        targets = [norm_guid(r.get("targetGUID")) for r in children(case, "SourceRef")]
        if children(case, "SelectionRef") and not targets:
            report.skipped.append(f"case '{case.get('name') or ''}': refers to selections only; "
                                  "qualcode keeps cases per transcript")
        for g in filter(None, targets):
            case_attrs[g].update(vals)
            if case.get("name"):
                case_attrs[g].setdefault("\0case", case.get("name").strip())
    case_codings = 0
    if case_codes:
        case_of = {norm_guid(c.get("guid")): c for c in children(first_child(root, "Cases"), "Case")}
        for coding in root.iter("Coding"):
            ref = first_child(coding, "CodeRef")
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
    for st in children(first_child(root, "Sets"), "Set"):
        name = (st.get("name") or "").strip() or "set"
        for r in children(st, "MemberSource"):
            g = norm_guid(r.get("targetGUID"))
            if g:
                sets_of[g].append(name)
        members = [code_keys[g] for r in children(st, "MemberCode")
                   if (g := norm_guid(r.get("targetGUID"))) in code_keys]
        if members or (children(st, "MemberCode") and not children(st, "MemberSource")):
            bundle.code_sets.append(BCodeSet(name=name, guid=norm_guid(st.get("guid")),
                                             description=text_of(first_child(st, "Description")),
                                             codes=members))
        lost = len(children(st, "MemberCode")) - len(members)
        if lost:
            report.skipped.append(f"set '{name}': {lost} member code(s) not in the codebook")
        skipped = len(children(st, "MemberNote"))
        if skipped:
            report.skipped.append(f"set '{name}': {skipped} member note(s) — qualcode keeps "
                                  "sets of codes and of transcripts")
    # links: read after the sources (they join notes, codes, sources, selections, codings and
    # other links); a note linked to a passage without codings annotates it (below)
    raw_links = [link for link in children(first_child(root, "Links"), "Link")]
    linked: dict[str, list[str]] = defaultdict(list)
    for link in raw_links:
        o, t = norm_guid(link.get("originGUID")), norm_guid(link.get("targetGUID"))
        if o in notes and t and t not in notes:
            linked[t].append(o)
        elif t in notes and o and o not in notes:
            linked[o].append(t)
    memo_link_pairs: list[tuple[str, str]] = []  # (note guid, coding guid): from coded passages

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
        content = first_child(el, "PlainTextContent")
        if content is not None and (content.text or "").strip():
            raw = content.text
        elif el.get("plainTextPath"):
            if archive is not None:
                info = archive.source(el.get("plainTextPath"))
                if info is not None:
                    raw = archive.source_text(info)
        if raw is None:
            where = el.get("plainTextPath") or el.get("richTextPath")
            why = (f"its text ({where}) is not in the archive" if where
                   else "it has no text (no PlainTextContent, no plainTextPath)")
            if el.get("richTextPath") and not el.get("plainTextPath"):
                why = ("only rich text (.docx) is given; positions refer to the plain text, "
                       "which is missing")
            n = len(children(el, "PlainTextSelection")) + len(children(el, "Coding"))
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
        desc = text_of(first_child(el, "Description")).strip()
        if desc:
            bundle.memos.append(BMemo(title=f"Description of {nice}", body=desc, doc=g))
        for sel in children(el, "PlainTextSelection"):
            try:
                start, end = int(sel.get("startPosition")), int(sel.get("endPosition"))
            except (TypeError, ValueError):
                report.skipped.append(f"a selection in '{nice}' without valid positions")
                continue
            selections.append(_Selection(
                g, norm_guid(sel.get("guid")), start, end, sel.get("creatingUser"),
                children(sel, "Coding"), refs(sel), sel.get("creationDateTime"),
                sel.get("name"), text_of(first_child(sel, "Description")).strip()))
        whole = children(el, "Coding")
        if whole:
            selections.append(_Selection(g, None, None, None, el.get("creatingUser"), whole, [],
                                         el.get("creationDateTime"), "whole source"))

    raw_sync: dict[str, list[tuple[int, float]]] = {}  # transcript guid -> (raw position, s)
    media_docs: dict = {}  # AudioSource/VideoSource element -> its transcripts' guids
    time_spans: list = []  # (transcript guid, AudioSelection/VideoSelection element)

    def recording_of(el, label: str, guids: list[str]) -> None:
        """The recording of an audio/video source, from inside the archive, to attach to its
        transcripts once they are stored (import_qdpx)."""
        path = el.get("path") or el.get("currentPath") or ""
        if not path or not guids:
            return
        info = archive.source(path) if archive is not None else None
        if info is None or not is_media_name(info.filename):
            report.skipped.append(f"recording of '{label}' ({path}): not inside the archive "
                                  "(or not mp3/m4a/wav/ogg/mp4/webm); attach it with: qualcode "
                                  "media attach TRANSCRIPT FILE")
            return
        name = (el.get("name") or "").strip()
        suffix = posixpath.splitext(info.filename)[1]
        if not name or norm_guid(posixpath.splitext(name)[0]):
            name = label if label and not norm_guid(label) else "recording"
        if not is_media_name(name):
            name += suffix
        for g in guids:
            docs[g].recording = {"name": posixpath.basename(name.replace("\\", "/")),
                                 "open": (lambda i=info: archive.zip.open(i)),
                                 "guid": norm_guid(el.get("guid"))}

    sources_el = first_child(root, "Sources")
    for el in (list(sources_el) if sources_el is not None else []):
        if not isinstance(el.tag, str):
            continue
        kind = el.tag
        # ATLAS.ti may leave an audio or video source's name empty; its transcript has one
        label = (el.get("name") or next((t.get("name") for t in children(el, "Transcript")
                                         if t.get("name")), None) or el.get("guid") or "?")
        if kind == "TextSource":
            text_source(el, "source")
        elif kind == "PDFSource" and first_child(el, "Representation") is not None:
            rep = first_child(el, "Representation")
            text_source(rep, "PDF source", name=label, outer=el)
            # ATLAS.ti writes a text quotation of a PDF twice: a region (PDFSelection) and a
            # PlainTextSelection of the Representation with the same GUID; only regions
            # without a text twin are lost
            twins = {norm_guid(t.get("guid")) for t in children(rep, "PlainTextSelection")} - {None}
            n = sum(1 for r in children(el, "PDFSelection") if norm_guid(r.get("guid")) not in twins)
            if n:
                report.skipped.append(f"PDF source '{label}': {n} region selection(s) — qualcode "
                                      "codes text only; its text representation came in")
        elif kind in ("AudioSource", "VideoSource") and children(el, "Transcript"):
            what = "audio" if kind == "AudioSource" else "video"
            transcripts = children(el, "Transcript")
            for i, tr in enumerate(transcripts, 1):
                own = (tr.get("name") or "").strip()  # ATLAS.ti names each transcript
                name = (label if len(transcripts) == 1 else own
                        if own and not norm_guid(Path(own).stem) else f"{label} – transcript {i}")
                text_source(tr, f"{what} transcript", name=name, outer=el)
                tg = norm_guid(tr.get("guid"))
                if tg not in docs:
                    continue
                sync = {norm_guid(sp.get("guid")): sp.get("position")
                        for sp in children(tr, "SyncPoint")}
                timed = []
                for sp in children(tr, "SyncPoint"):
                    try:
                        timed.append((int(sp.get("position")), int(sp.get("timeStamp")) / 1000))
                    except (TypeError, ValueError):
                        continue  # a sync point without a position or a time: no turn time
                raw_sync[tg] = timed
                media_docs.setdefault(el, []).append(tg)
                for ts in children(tr, "TranscriptSelection"):
                    try:
                        a = int(sync[norm_guid(ts.get("fromSyncPoint"))])
                        b = int(sync[norm_guid(ts.get("toSyncPoint"))])
                    except (KeyError, TypeError, ValueError):
                        report.skipped.append(f"a transcript selection in '{name}' without "
                                              "sync points that give its position")
                        continue
                    selections.append(_Selection(
                        tg, norm_guid(ts.get("guid")), a, b, ts.get("creatingUser"),
                        children(ts, "Coding"), refs(ts), ts.get("creationDateTime"),
                        ts.get("name"), text_of(first_child(ts, "Description")).strip()))
            # time selections are placed by sync points: two at different times at least
            first = next((g for g in media_docs.get(el, [])
                          if len({t for _, t in raw_sync.get(g, [])}) >= 2), None)
            spans = children(el, "AudioSelection") + children(el, "VideoSelection")
            if first is not None and spans:
                time_spans.extend((first, ts) for ts in spans)
                spans = []
            n = len(spans) + len(children(el, "Coding"))
            if n:
                report.skipped.append(f"{what} source '{label}': {n} time selection(s) or "
                                      "coding(s) of the recording without sync points to place "
                                      "them in its transcript — its transcript came in")
            recording_of(el, label, media_docs.get(el, []))
        elif kind in ("PDFSource", "PictureSource", "AudioSource", "VideoSource"):
            what = {"PDFSource": "PDF", "PictureSource": "picture", "AudioSource": "audio",
                    "VideoSource": "video"}[kind]
            n = sum(len(children(el, t)) for t in ("PDFSelection", "PictureSelection",
                                                  "AudioSelection", "VideoSelection", "Coding"))
            report.skipped.append(f"{what} source '{label}': qualcode holds text sources only"
                                  + (f" ({n} selection(s) or coding(s) skipped)" if n else ""))
        else:
            report.skipped.append(f"unknown source type <{kind}> '{label}'")

    # ---- positions: which convention did the tool use?
    convention = POSITIONS[positions]
    if convention is None:
        convention = detect_convention(raws, selections, tool)
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
    for g, points in raw_sync.items():  # sync points -> turn times (bundle.turn_stamps)
        if g in maps:
            units, mapping = maps[g]
            docs[g].times = [(mapping[units.index(p)[0]], sec) for p, sec in points
                             if 0 <= p <= units.total and sec >= 0]
    placed = 0
    for g, span in time_spans:  # a time range of the recording -> a passage of its transcript
        if g not in maps:
            continue
        total = maps[g][0].total
        try:
            begin, end = int(span.get("begin")) / 1000, int(span.get("end")) / 1000
        except (TypeError, ValueError):
            report.skipped.append(f"a time selection of '{docs[g].name}' without begin/end")
            continue
        a = offset_at_time(raw_sync[g], min(begin, end), total)
        b = offset_at_time(raw_sync[g], max(begin, end), total)
        if b <= a:
            report.skipped.append(f"time selection {begin:g}–{end:g} s of '{docs[g].name}': "
                                  "no text at that time")
            continue
        placed += 1
        selections.append(_Selection(
            g, norm_guid(span.get("guid")), a, b, span.get("creatingUser"),
            children(span, "Coding"), refs(span), span.get("creationDateTime"),
            None, text_of(first_child(span, "Description")).strip()))
    if placed:
        report.came_in.append(f"{placed} time selection(s) of recordings (AudioSelection/"
                              "VideoSelection) became passages of their transcripts, placed "
                              "between the sync points around them (approximate)")
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
            quoted = quote_matches(sel.name, doc.text[start:end])
            if quoted is not None:
                quote_checks.append((quoted, (f"{where} in '{doc.name}': named "
                                              f"{squash(sel.name)[:50]!r}, selects "
                                              f"{squash(doc.text[start:end])[:50]!r}")))
        by_link = linked.get(sel.guid or "", [])
        coding_guids = [norm_guid(c.get("guid")) for c in sel.codings]
        if by_link and sel.codings and all(coding_guids):
            # a note linked to a coded passage: a memo linked to each of its codings
            memo_link_pairs.extend((ng, cg) for ng in by_link for cg in coding_guids)
            by_link = []
        sel_notes = list(dict.fromkeys(sel.notes + by_link))
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
            ref = first_child(c, "CodeRef")
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

    authors = extras.get("relation_authors") or {}
    authors = {norm_guid(k): v for k, v in authors.items()
               if isinstance(v, str)} if isinstance(authors, dict) else {}

    def author_of(link_guid, memo_notes) -> str:
        """A relation's author: qualcode's note, else the creator of the link's note."""
        return authors.get(link_guid) or next(
            (a for n in memo_notes if (a := user(notes[n].get("creatingUser")))), "")

    _read_links(raw_links, notes, note_text, note_used, code_keys, docs, selections,
                memo_link_pairs, bundle, report, author_of)
    times = extras.get("relation_times")
    if isinstance(times, dict):
        times = {norm_guid(k): v for k, v in times.items() if isinstance(v, str)}
        for br in bundle.relations:
            br.created_at = parse_when(times.get(br.guid))
    bundle.network_views = read_graphs(root, extras, code_keys, notes, docs, report)
    types = extras.get("relation_types")
    if isinstance(types, list):
        bundle.relation_types = [str(t) for t in types if isinstance(t, str)]
    core = extras.get("core_category")
    if isinstance(core, dict):
        bundle.core = {"code": code_keys.get(guid_in(core.get("code"))),
                       "storyline": guid_in(core.get("storyline"))}

    # ---- the rest of the notes: project notes and free notes
    project_notes = refs(root)
    for g in notes:
        if g not in note_used:
            add_memo(g, fallback="Project note" if g in project_notes else "Note")
    desc = text_of(first_child(root, "Description")).strip()
    if desc:
        bundle.memos.append(BMemo(title=f"Project description: {root.get('name') or ''}".strip(),
                                  body=desc))
    memo_types = extras.get("memo_types")
    if isinstance(memo_types, dict):
        memo_types = {norm_guid(k): v for k, v in memo_types.items()}
        for bm in bundle.memos:
            if bm.guid and norm_guid(bm.guid) in memo_types:
                bm.memo_type = str(memo_types[norm_guid(bm.guid)])
    check_not_empty(bundle, origin)
    return bundle, report


def _read_links(raw_links, notes, note_text, note_used, code_keys, docs, selections,
                memo_link_pairs, bundle, report, author_of) -> None:
    """Links as what they are: code–code links are relations (their name the type, OneWay
    directed; a NoteRef on the link its memo), a "grounds" link from a coding to such a link is
    a grounding quote (qualcode writes these), a link between a note and a coding, code,
    source or note is a memo linked to it; a note linked to a coded passage is a memo linked to
    each of its codings. Anything else is reported as skipped."""
    codings = {norm_guid(c.get("guid")) for sel in selections for c in sel.codings} - {None}
    passages = {sel.guid for sel in selections if sel.guid}
    relation_guids = set()
    other = 0
    for link in raw_links:
        o, t = norm_guid(link.get("originGUID")), norm_guid(link.get("targetGUID"))
        g = norm_guid(link.get("guid"))
        if o in code_keys and t in code_keys:
            memo_notes = [n for r in children(link, "NoteRef")
                          if (n := norm_guid(r.get("targetGUID"))) in notes]
            note_used.update(memo_notes)
            kind = (link.get("name") or "").strip()
            bundle.relations.append(BRelation(
                guid=g, source=code_keys[o], target=code_keys[t],
                type=kind or "is associated with",
                directed=link.get("direction") == "OneWay",
                memo="\n\n".join(note_text(n) for n in memo_notes if note_text(n)),
                what=f"relation '{kind or 'is associated with'}'",
                author=author_of(g, memo_notes)))
            if g:
                relation_guids.add(g)
            if link.get("direction") == "Bidirectional":
                report.warnings.append(f"relation '{kind}': bidirectional, kept as undirected")
    for link in raw_links:
        o, t = norm_guid(link.get("originGUID")), norm_guid(link.get("targetGUID"))
        if o in code_keys and t in code_keys:
            continue
        if o in codings and t in relation_guids:
            bundle.evidence.append(BEvidence(relation=t, coding=o))
            continue
        if t in notes and o not in notes:
            o, t = t, o
        if o in notes and t is not None:
            if t in notes:
                bundle.memo_links.append(BMemoLink(o, "memo", t))
            elif t in codings:
                bundle.memo_links.append(BMemoLink(o, "coding", t))
            elif t in code_keys:
                bundle.memo_links.append(BMemoLink(o, "code", code_keys[t]))
            elif t in docs:
                bundle.memo_links.append(BMemoLink(o, "transcript", t))
            elif t not in passages:
                other += 1
            continue
        other += 1
    for ng, cg in memo_link_pairs:
        bundle.memo_links.append(BMemoLink(ng, "coding", cg))
    if bundle.relations or bundle.memo_links:
        report.came_in.append(f"{len(bundle.relations)} relation(s) between codes, "
                              f"{len(bundle.evidence)} grounding quote(s), "
                              f"{len(bundle.memo_links)} memo link(s)")
    if other:
        report.skipped.append(f"{other} link(s) between objects qualcode cannot link "
                              "(only code–code relations and memo links come in)")


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


def import_qdpx(project: Project, data: bytes, origin: str = "project.qdpx", *,
                positions: str = "auto", split_codes: str | None = None,
                dry_run: bool = False) -> ImportReport:
    """Import a REFI-QDA project into ``project``, all or nothing; then the recordings of its
    audio and video sources are attached to their transcripts (a bad one is reported, the
    rest stays). Returns the report."""
    bundle, report = read_qdpx(data, origin, positions=positions, split_codes=split_codes)
    store_bundle(project, bundle, report, dry_run=dry_run)
    for doc in bundle.documents:
        if doc.recording is None:
            continue
        name = doc.recording["name"]
        if dry_run or doc.transcript_id is None:
            report.came_in.append(f"recording '{name}' of '{doc.name}'"
                                  + (" (would be attached)" if dry_run else ": not attached, "
                                     "its transcript was not stored"))
            continue
        try:
            with doc.recording["open"]() as fh:
                attach_media(project, doc.transcript_id, fh, name=name)
        except QualcodeError as exc:
            report.warnings.append(f"recording of '{doc.name}': {exc}")
        except (OSError, zipfile.BadZipFile) as exc:
            report.warnings.append(f"recording of '{doc.name}': cannot read '{name}' from the "
                                   f"archive ({exc})")
        else:
            report.add("recordings")
            report.came_in.append(f"recording '{name}' attached to '{doc.name}'")
    return report
