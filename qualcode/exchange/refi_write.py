"""Export a qualcode project as a REFI-QDA project (.qdpx, Project-mrt2019.xsd of REFI-QDA 1.5).

Export writes UTF-8 sources with code-point positions, GUIDs stored on transcripts, codes,
codings and memos (given on first export, then kept), coders as users, memos as notes,
attributes as variables (on the source, and per participant as cases), ``sets`` as sets;
relations between codes, their grounding quotes, memo links and sets of codes as ``<Links>``
and ``<Sets>`` (refi_links.py); network views as ``<Graphs>``, and what the schema has no place
for (relation types and authors, memo types, the core category, the views' settings) in the
note "qualcode: project data" (refi_extras.py).
``positions="utf16"`` writes what NVivo for Windows reads instead.
"""

from __future__ import annotations

import io
import math
import zipfile
from collections import defaultdict
from datetime import datetime, timezone
from decimal import Decimal
from itertools import accumulate

from lxml import etree
from sqlalchemy import select

from ..coding.quotes import participant_of
from ..errors import ValidationError
from ..store.clean import clean
from ..store.models import Code, Coding, Memo, Transcript, new_guid
from ..store.project import Project
from .bundle import stable_guid
from .refi_common import NS, UTF16_ORIGIN, quote_name


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


def _speaking_cases(project: Project, tids: set[int]) -> list[dict]:
    """The cases who speak in these transcripts: guid, name, attributes (role first) and the
    transcript ids they speak in (qualcode.corpus.cases)."""
    from ..store.models import Case, Turn

    with project.reading() as s:
        cases = {c.id: c for c in s.scalars(select(Case).order_by(Case.name))}
        pairs = s.execute(select(Turn.case_id, Turn.transcript_id).distinct()
                          .where(Turn.case_id.is_not(None))).all()
    where: dict[int, list[int]] = {}
    for case_id, tid in pairs:
        if tid in tids:
            where.setdefault(case_id, []).append(tid)
    out = []
    for case_id, case in cases.items():
        if case_id not in where:
            continue
        attrs = {"role": case.role} if case.role else {}
        attrs.update({k: v for k, v in (case.attributes or {}).items()
                      if v is not None and v != "" and k != "sets"})
        out.append({"guid": stable_guid("case", case.name), "name": case.name,  # as before
                    "attributes": attrs, "transcripts": sorted(where[case_id])})
    return out


def export_qdpx(project: Project, name: str = "qualcode project", *,
                positions: str = "codepoint", recordings: bool = True,
                out=None) -> bytes | None:
    """The whole project as a REFI-QDA .qdpx archive (bytes). Positions are code points, as
    the standard says; ``positions="utf16"`` writes what NVivo for Windows reads: the texts
    with CR LF line ends and positions in UTF-16 code units over them.

    A transcript with a recording becomes an ``AudioSource``/``VideoSource`` (the file inside
    the archive) holding it as a ``Transcript``: a ``SyncPoint`` at each stamped turn's start
    (and end, where the transcript gives an end time) and at each coded passage's ends (their time where known), and a
    ``TranscriptSelection`` per coded passage (times from unstamped turns' interpolation
    are left out: they are not the transcript's); ``recordings=False`` writes every transcript
    as a TextSource and leaves the files out. With ``out`` (a path or a binary file) the
    archive is written there, the recordings streamed from the media folder, and None is
    returned."""
    if positions not in ("codepoint", "utf16"):
        raise ValidationError("positions must be codepoint or utf16")
    from ..coding.codes import code_tree

    assign_guids(project)
    from ..corpus.media import all_media
    from ..corpus.timing import time_at, turn_times
    from ..store.models import Turn

    media = all_media(project) if recordings else {}
    E = lambda parent, tag, **attrs: etree.SubElement(  # noqa: E731
        parent, f"{{{NS}}}{tag}", {k: v for k, v in attrs.items() if v is not None})
    nodes = code_tree(project)
    with project.reading() as s:
        transcripts = list(s.scalars(select(Transcript).order_by(
            Transcript.interview_order.is_(None), Transcript.interview_order, Transcript.name)))
        codings = list(s.scalars(select(Coding).order_by(Coding.transcript_id, Coding.start,
                                                         Coding.end, Coding.id)))
        memos = list(s.scalars(select(Memo).order_by(Memo.created_at, Memo.id)))
        turns_of = defaultdict(list)
        if media:
            for row in s.execute(select(Turn.transcript_id, Turn.index, Turn.start, Turn.end,
                                        Turn.time_start, Turn.time_end)
                                 .where(Turn.transcript_id.in_(list(media)))
                                 .order_by(Turn.transcript_id, Turn.index)):
                turns_of[row.transcript_id].append(row)

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

    from .refi_links import relation_notes

    rel_notes = relation_notes(project)
    coders = sorted({c.coder for c in codings if c.coder} | {m.author for m in memos if m.author}
                    | {author for *_rest, author in rel_notes if author})
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

    # attributes -> variables (on the source) and cases (the people who speak, with their role
    # and attributes; a transcript nobody in particular speaks in: its participant)
    people = _speaking_cases(project, {t.id for t in transcripts})
    values_by_key = defaultdict(list)
    for person in people:
        for k, v in person["attributes"].items():
            values_by_key[k].append(v)
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

    def source_guid(t: Transcript) -> str:
        """The guid of the source element a transcript is exported as."""
        return media[t.id].guid if t.id in media else t.guid

    spoken = {tid for person in people for tid in person["transcripts"]}
    cases = defaultdict(list)
    for t in transcripts:
        if t.id not in spoken:
            cases[participant_of(t)].append(t)
    by_id = {t.id: t for t in transcripts}
    if transcripts:
        cases_el = E(root, "Cases")
        for person in people:  # a speaker: credited with the sources they speak in
            case_el = E(cases_el, "Case", guid=person["guid"], name=_xml_safe(person["name"]))
            add_values(case_el, person["attributes"])
            for tid in person["transcripts"]:
                E(case_el, "SourceRef", targetGUID=source_guid(by_id[tid]))
        for case_name, members in cases.items():
            case_el = E(cases_el, "Case", guid=stable_guid("case", case_name),
                        name=_xml_safe(case_name))
            shared = {k: v for k, v in attrs_of(members[0]).items()
                      if k != "interview_order"
                      and all(attrs_of(m).get(k) == v for m in members[1:])}
            add_values(case_el, shared)
            for m in members:
                E(case_el, "SourceRef", targetGUID=source_guid(m))

    files = {}
    media_files = {}  # archive path -> file in the media folder

    def add_selection(parent, tag: str, t, span, group, **where):
        """One selection (``PlainTextSelection`` of a text, ``TranscriptSelection`` of a
        recording's transcript) for a span, coder and memo, with a Coding per code."""
        start, end, coder, memo = span
        sel = E(parent, tag,
                guid=stable_guid("selection", t.guid, str(start), str(end),
                                 *((coder, memo) if coder or memo else ())),
                name=_xml_safe(quote_name(t.text[start:end])), **where,
                creatingUser=user_guid.get(coder),
                creationDateTime=_iso(min(c.created_at for c in group)))
        if memo:
            E(sel, "Description").text = _xml_safe(memo)
        for c in group:
            coding_el = E(sel, "Coding", guid=c.guid, creatingUser=user_guid.get(c.coder),
                          creationDateTime=_iso(c.created_at))
            E(coding_el, "CodeRef", targetGUID=code_guid[c.code_id])

    def add_recording(sources_el, t: Transcript, fname: str) -> None:
        """An AudioSource/VideoSource with the recording, its transcript, sync points and
        transcript selections (see the docstring)."""
        info = media[t.id]
        suffix = info.relative_path.rsplit(".", 1)[-1]
        media_files[f"sources/{info.guid}.{suffix}"] = info.path
        kind = "VideoSource" if info.kind == "video" else "AudioSource"
        # named as the transcript (tools list sources by name); the file keeps its type
        src = E(sources_el, kind, guid=info.guid, name=_xml_safe(t.name),
                path=f"internal://{info.guid}.{suffix}", creationDateTime=_iso(t.created_at))
        tr = E(src, "Transcript", guid=t.guid, name=_xml_safe(t.name),
               plainTextPath=f"internal://{fname}", creationDateTime=_iso(t.created_at))
        turns = turns_of.get(t.id, [])
        times = turn_times(turns, len(t.text), info.duration)
        starts = [x.start for x in times]
        points: dict[int, float | None] = {}
        for turn in turns:  # the stamps (and the transcript's own end times): exact
            if turn.time_start is not None:
                points[turn.start] = turn.time_start
            if turn.time_end is not None and turn.end > turn.start:
                points.setdefault(turn.end, turn.time_end)
        spans = defaultdict(list)
        for c in by_doc.get(t.id, []):
            spans[(c.start, c.end, c.coder or "", c.memo or "")].append(c)
        for start, end, _coder, _memo in spans:
            for pos in (start, end):
                if pos not in points:  # a time only where it follows from a stamped turn
                    seconds, guessed = time_at(times, pos, starts) if times else (None, False)
                    points[pos] = None if guessed else seconds
        point_guid = {pos: stable_guid("syncpoint", t.guid, str(pos)) for pos in points}
        for pos in sorted(points):
            seconds = points[pos]
            E(tr, "SyncPoint", guid=point_guid[pos], position=str(unit(t, pos)),
              timeStamp=None if seconds is None else str(round(seconds * 1000)))
        for (start, end, coder, memo), group in spans.items():
            add_selection(tr, "TranscriptSelection", t, (start, end, coder, memo), group,
                          fromSyncPoint=point_guid[start], toSyncPoint=point_guid[end])
        for m in memo_by_doc.get(t.id, []):
            E(tr, "NoteRef", targetGUID=m.guid)
        add_values(src, attrs_of(t))

    by_doc = defaultdict(list)
    for c in codings:
        by_doc[c.transcript_id].append(c)
    if transcripts:
        sources_el = E(root, "Sources")
        for t in transcripts:
            fname = f"{t.guid}.txt"
            files[f"sources/{fname}"] = (t.text.replace("\n", "\r\n") if nvivo
                                         else t.text).encode("utf-8")
            if t.id in media:
                add_recording(sources_el, t, fname)
                continue
            src = E(sources_el, "TextSource", guid=t.guid, name=_xml_safe(t.name),
                    plainTextPath=f"internal://{fname}", creationDateTime=_iso(t.created_at))
            # one PlainTextSelection per span and coder (and memo): QualCoder, ATLAS.ti and
            # MAXQDA read the coder from the selection's creatingUser and a coding's memo
            # from the selection's Description (QualCoder writes one selection per coding)
            spans = defaultdict(list)
            for c in by_doc.get(t.id, []):
                spans[(c.start, c.end, c.coder or "", c.memo or "")].append(c)
            for (start, end, coder, memo), group in spans.items():
                add_selection(src, "PlainTextSelection", t, (start, end, coder, memo), group,
                              startPosition=str(unit(t, start)), endPosition=str(unit(t, end)))
            for m in memo_by_doc.get(t.id, []):
                E(src, "NoteRef", targetGUID=m.guid)
            add_values(src, attrs_of(t))

    from .refi_extras import project_data, write_graphs, write_note
    from .refi_links import write_code_sets, write_links

    extras = project_data(project)
    if memos or rel_notes or extras:
        # the text of a note in a file (plainTextPath), as NVivo and QualCoder write them:
        # QualCoder reads a note's text only from there (the schema allows one or the other)
        notes_el = E(root, "Notes")
        for m in memos:
            files[f"sources/{m.guid}.txt"] = (m.body or "").encode("utf-8")
            E(notes_el, "Note", guid=m.guid, name=_xml_safe(m.title),
              plainTextPath=f"internal://{m.guid}.txt", creatingUser=user_guid.get(m.author),
              creationDateTime=_iso(m.created_at), modifiedDateTime=_iso(m.updated_at))
        for guid, title, text, author in rel_notes:  # the memos of relations (refi_links.py)
            files[f"sources/{guid}.txt"] = text.encode("utf-8")
            E(notes_el, "Note", guid=guid, name=_xml_safe(title)[:255],
              plainTextPath=f"internal://{guid}.txt", creatingUser=user_guid.get(author))
        if extras:
            write_note(E, notes_el, extras)
    write_links(E, root, project)

    sets = defaultdict(list)
    for t in transcripts:
        for set_name in str((t.attributes or {}).get("sets") or "").split(";"):
            if set_name.strip():
                sets[set_name.strip()].append(t)
    sets_holder: list = []

    def sets_element():
        if not sets_holder:
            sets_holder.append(E(root, "Sets"))
        return sets_holder[0]

    if sets:
        sets_el = sets_element()
        for set_name, members in sets.items():
            set_el = E(sets_el, "Set", guid=stable_guid("set", set_name), name=_xml_safe(set_name))
            for m in members:
                E(set_el, "MemberSource", targetGUID=source_guid(m))
    write_code_sets(E, sets_element, project)
    write_graphs(E, root, project)
    for m in free:
        E(root, "NoteRef", targetGUID=m.guid)

    xml = etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)
    target = io.BytesIO() if out is None else out
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("project.qde", xml)
        for path, data in files.items():
            z.writestr(path, data)
        for path, file in media_files.items():  # streamed; audio/video are compressed already
            if not file.is_file():
                raise ValidationError(f"the recording {file.name} is missing from the media "
                                      f"folder ({file}); attach it again or export without "
                                      "recordings")
            z.write(file, path, compress_type=zipfile.ZIP_STORED)
    return target.getvalue() if out is None else None
