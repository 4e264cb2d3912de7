"""REFI-QDA codebooks (.qdc, the Codebook.xsd of the REFI-QDA 1.5 standard): export the
project's code tree for NVivo, ATLAS.ti, MAXQDA, QualCoder and others, and import theirs.

REFI-QDA has one Description per code; qualcode writes its definition there, followed by
"Include when:" / "Exclude when:" lines, and reads them back the same way.
"""

from __future__ import annotations

import re

from lxml import etree

from ..codebook import Codebook, CodeSpec
from ..codes import code_tree
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


def parse_qdc(data: bytes, origin: str = "codebook.qdc") -> Codebook:
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
    if root.tag != f"{{{NS}}}CodeBook":
        raise ValidationError(f"{origin}: not a REFI-QDA codebook (root must be CodeBook in {NS})")
    codes_el = root.find(f"{{{NS}}}Codes")
    if codes_el is None:
        raise ValidationError(f"{origin}: no <Codes> element")

    def rec(parent, prefix: str) -> list[CodeSpec]:
        specs, seen = [], set()
        for el in parent.findall(f"{{{NS}}}Code"):
            name = (el.get("name") or "").strip().replace("/", "-")
            if not name:
                raise ValidationError(f"{origin}: a Code without a name under '{prefix or 'top'}'")
            if name in seen:
                raise ValidationError(f"{origin}: code '{prefix}{name}' appears twice")
            seen.add(name)
            color = (el.get("color") or "").strip()
            if re.fullmatch(r"#[0-9a-fA-F]{3}", color):
                color = "#" + "".join(ch * 2 for ch in color[1:])
            desc_el = el.find(f"{{{NS}}}Description")
            text = desc_el.text or "" if desc_el is not None else ""
            criteria = dict(_CRITERIA.findall(text))
            definition = _CRITERIA.sub("", text).strip()
            specs.append(CodeSpec(
                name=name, color=color.lower() if re.fullmatch(r"#[0-9a-fA-F]{6}", color) else None,
                description=definition, inclusion=criteria.get("Include when", ""),
                exclusion=criteria.get("Exclude when", ""),
                children=rec(el, f"{prefix}{name} / ")))
        return specs

    return Codebook(title=root.get("origin") or "REFI-QDA codebook", languages=[],
                    codes=rec(codes_el, ""))

