"""REFI-QDA codebooks (.qdc, the Codebook.xsd of the REFI-QDA 1.5 standard): export the
project's code tree for NVivo, ATLAS.ti, MAXQDA, QualCoder and others, and import theirs.

REFI-QDA has one Description per code; qualcode writes its definition there, followed by
"Include when:" / "Exclude when:" lines, and reads them back the same way.
"""

from __future__ import annotations

import re

from lxml import etree

from ..coding.codebook import Codebook, CodeSpec
from ..coding.codes import code_tree
from ..errors import ValidationError
from ..store.clean import clean
from ..store.project import Project

NS = "urn:QDA-XML:codebook:1.0"
_CRITERIA = re.compile(r"^(Include when|Exclude when):\s*(.*)$", re.M)


def _description(code) -> str:
    parts = [code.description or ""]
    if code.inclusion:
        parts.append(f"Include when: {code.inclusion}")
    if code.exclusion:
        parts.append(f"Exclude when: {code.exclusion}")
    return "\n".join(p for p in parts if p)


def export_qdc(project: Project) -> bytes:
    root = etree.Element(f"{{{NS}}}CodeBook", nsmap={None: NS}, origin="qualcode")
    codes_el = etree.SubElement(root, f"{{{NS}}}Codes")
    elements = {}
    for node in code_tree(project):
        code = node.code
        parent = elements.get(code.parent_id, codes_el)
        el = etree.SubElement(parent, f"{{{NS}}}Code", guid=code.guid, name=clean(code.name),
                              isCodable="true", color=code.color.upper())
        description = clean(_description(code))
        if description:
            etree.SubElement(el, f"{{{NS}}}Description").text = description
        elements[code.id] = el
    if not elements:
        raise ValidationError("the codebook is empty: REFI-QDA needs at least one code")
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)


MAX_QDC_BYTES = 20 * 2**20


def parse_qdc(data: bytes, origin: str = "codebook.qdc", *,
              split_codes: str | None = None) -> Codebook:
    """Read a REFI-QDA codebook, keeping each code's GUID. Common deviations from
    Codebook.xsd (an empty ``<Sets/>``, a missing namespace, missing or malformed GUIDs,
    ``isCodable`` or colours, the same name twice under one parent) are tolerated and listed
    in ``Codebook.warnings``; ``split_codes`` ("::" for ATLAS.ti) splits names into a
    hierarchy. A zipped file and its size are checked before anything is read."""
    from .bundle import norm_color, norm_guid

    if data[:2] == b"PK":  # a zipped project (.qdpx) or a zipped codebook: check before reading
        from ..ingest.limits import LimitError, check_zip, read_member

        try:
            archive = check_zip(data, "REFI-QDA file")
            names = [n for n in archive.namelist() if n.lower().endswith(".qdc")]
            if not names:
                raise ValidationError(f"{origin}: a zip without a .qdc codebook in it")
            data = read_member(archive, names[0], "REFI-QDA file") or b""
        except LimitError as exc:
            raise ValidationError(f"{origin}: {exc}") from None
    if len(data) > MAX_QDC_BYTES:
        raise ValidationError(f"{origin}: larger than {MAX_QDC_BYTES // 2**20} MiB; not a codebook")
    try:
        root = etree.fromstring(data, parser=etree.XMLParser(resolve_entities=False,
                                                             no_network=True, huge_tree=False))
    except etree.XMLSyntaxError as exc:
        raise ValidationError(f"{origin}: not well-formed XML: {exc}") from exc
    warnings: list[str] = []
    q = etree.QName(root)
    if q.localname == "Project":
        raise ValidationError(f"{origin}: not a REFI-QDA codebook but a whole project; bring it "
                              "in with `qualcode import` (or on the Import page)")
    if q.localname != "CodeBook":
        raise ValidationError(f"{origin}: not a REFI-QDA codebook (root must be CodeBook in {NS})")
    if q.namespace != NS:
        warnings.append(f"the CodeBook element is in namespace {q.namespace or '(none)'!r}, "
                        f"not {NS}; read anyway")

    def kids(el, name):
        return [c for c in el if isinstance(c.tag, str) and etree.QName(c).localname == name]

    codes_el = next(iter(kids(root, "Codes")), None)
    if codes_el is None:
        raise ValidationError(f"{origin}: no <Codes> element")
    for sets in kids(root, "Sets"):
        if not kids(sets, "Set"):
            warnings.append("an empty <Sets/> element (the schema wants at least one Set); "
                            "ignored")
        else:
            warnings.append("code sets are not kept: qualcode has no code sets")
    known = {"Codes", "Sets"}
    for el in root:
        if isinstance(el.tag, str) and etree.QName(el).localname not in known:
            warnings.append(f"unknown element <{etree.QName(el).localname}> ignored")
    seen_guids: set[str] = set()
    # Taguette writes its tags flat, each named by its path ("feelings.positive")
    taguette = (root.get("origin") or "").lower().startswith("taguette")
    if taguette:
        from .taguette import split_tag

    def spec_for(el, name: str, prefix: str) -> CodeSpec:
        given = (el.get("color") or "").strip()
        color = norm_color(given)
        if given and color is None:
            warnings.append(f"code '{prefix}{name}': colour {given!r} is not #RRGGBB; ignored")
        if el.get("isCodable") is None:
            warnings.append(f"code '{prefix}{name}': no isCodable attribute")
        guid = norm_guid(el.get("guid"))
        if guid is None:
            warnings.append(f"code '{prefix}{name}': no valid GUID ({el.get('guid')!r}); a new "
                            "one is given")
        elif guid in seen_guids:
            warnings.append(f"code '{prefix}{name}': GUID {guid} used twice; a new one is given")
            guid = None
        if guid:
            seen_guids.add(guid)
        desc = next(iter(kids(el, "Description")), None)
        text = (desc.text or "") if desc is not None else ""
        criteria = dict(_CRITERIA.findall(text))
        return CodeSpec(
            name=name, color=color,
            description=_CRITERIA.sub("", text).strip(),
            inclusion=criteria.get("Include when", ""),
            exclusion=criteria.get("Exclude when", ""), guid=guid)

    def place(specs: list[CodeSpec], name: str, prefix: str) -> str:
        taken = {s.name for s in specs}
        if name not in taken:
            return name
        n = 2
        while f"{name} ({n})" in taken:
            n += 1
        warnings.append(f"code '{prefix}{name}' appears twice; the second is called "
                        f"'{name} ({n})'")
        return f"{name} ({n})"

    def rec(parent, prefix: str) -> list[CodeSpec]:
        specs: list[CodeSpec] = []
        for el in kids(parent, "Code"):
            raw = (el.get("name") or "").strip()
            if not raw:
                raise ValidationError(f"{origin}: a Code without a name under '{prefix or 'top'}'")
            parts = [raw]
            if split_codes and split_codes in raw:
                parts = [p.strip() for p in raw.split(split_codes) if p.strip()] or [raw]
            elif split_codes is None and taguette:
                parts = split_tag(raw, ".")  # tag paths, split as a Taguette database is
            parts = [p.replace("/", "-") for p in parts]
            level, level_prefix = specs, prefix
            for part in parts[:-1]:  # intermediate levels of a split name
                found = next((s for s in level if s.name == part), None)
                if found is None:
                    found = CodeSpec(name=part)
                    level.append(found)
                level, level_prefix = found.children, f"{level_prefix}{part} / "
            name = parts[-1]
            existing = next((s for s in level if s.name == name and s.guid is None
                             and not s.description), None) if len(parts) > 1 else None
            spec = spec_for(el, name, level_prefix)
            if existing is not None:  # an intermediate level met again as a code of its own
                spec.children = existing.children
                level[level.index(existing)] = spec
            else:
                spec.name = place(level, name, level_prefix)
                level.append(spec)
            spec.children.extend(rec(el, f"{level_prefix}{spec.name} / "))
        return specs

    return Codebook(title=root.get("origin") or "REFI-QDA codebook", languages=[],
                    codes=rec(codes_el, ""), warnings=warnings)


def import_qdc(project: Project, data: bytes, origin: str = "codebook.qdc", *,
               split_codes: str | None = None, dry_run: bool = False):
    """Import a .qdc through the codebook importer (codes matched by GUID, then by path);
    returns an ImportReport."""
    from .bundle import ImportReport, store_codebook

    book = parse_qdc(data, origin, split_codes=split_codes)
    report = ImportReport(source=origin, format=f"REFI-QDA codebook from {book.title}",
                          warnings=list(book.warnings))
    return store_codebook(project, book, report, dry_run=dry_run)
