from __future__ import annotations

import pytest
from lxml import etree

from qualcode.coding.codebook import export_codebook, import_codebook

from qualcode.exchange.codebook_files import load_codebook
from qualcode.errors import ValidationError
from qualcode.exchange.refi_codebook import export_qdc, parse_qdc
from tests.conftest import ROOT
from tests.refi_schemas import schema as refi_schema

SHIPPED = ROOT / "qualcode" / "demo_data" / "codebooks" / "three-tensions.yaml"


def test_qdc_export_is_valid_against_the_refi_schema(sqlite_project):
    import_codebook(sqlite_project, SHIPPED)
    schema = refi_schema("Codebook.xsd")
    document = etree.fromstring(export_qdc(sqlite_project))
    assert schema.validate(document), schema.error_log


def test_qdc_round_trip_keeps_tree_definitions_and_criteria(sqlite_project, tmp_path):
    import_codebook(sqlite_project, SHIPPED)
    path = tmp_path / "book.qdc"
    path.write_bytes(export_qdc(sqlite_project))
    book = load_codebook(path)
    original = load_codebook(SHIPPED)
    assert [p for p, _ in book.walk()] == [p for p, _ in original.walk()]
    pairs = zip((s for _, s in book.walk()), (s for _, s in original.walk()))
    for got, want in pairs:
        assert (got.description, got.inclusion, got.exclusion, got.color) == (
            want.description, want.inclusion, want.exclusion, want.color)


def test_qdc_from_another_tool(project):
    xml = b"""<?xml version="1.0" encoding="utf-8"?>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="NVivo 14">
  <Codes>
    <Code guid="{6A1E3AB7-0D35-4F3E-8E5C-2F2C0D52B6A1}" name="Career" isCodable="false" color="#0A0">
      <Code guid="8b0c3c4d-1e2f-4a5b-9c6d-7e8f9a0b1c2d" name="Job crafting" isCodable="true">
        <Description>Shaping one's own job.</Description>
      </Code>
    </Code>
  </Codes>
</CodeBook>"""
    counts = import_codebook(project, parse_qdc(xml))
    assert counts == {"created": 2, "updated": 0}
    text = export_codebook(project)
    assert "Job crafting" in text and "color: '#00aa00'" in text


@pytest.mark.parametrize("xml,message", [
    (b"<CodeBook", "well-formed"),
    (b"<Project xmlns='urn:QDA-XML:project:1.0'/>", "not a REFI-QDA codebook"),
    (b"<CodeBook xmlns='urn:QDA-XML:codebook:1.0'/>", "no <Codes>"),
])
def test_bad_qdc_is_refused(xml, message):
    with pytest.raises(ValidationError, match=message):
        parse_qdc(xml)


NVIVO_QDC = """<?xml version="1.0" encoding="utf-8"?>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="NVivo 14">
  <Codes>
    <Code guid="{GUID_A}" name="Career" isCodable="true" color="#0A0">
      <Code guid="{GUID_B}" name="Job crafting" isCodable="true">
        <Description>Shaping one's own job.</Description>
      </Code>
    </Code>
  </Codes>
  <Sets/>
</CodeBook>"""
GUID_A = "6A1E3AB7-0D35-4F3E-8E5C-2F2C0D52B6A1"
GUID_B = "8b0c3c4d-1e2f-4a5b-9c6d-7e8f9a0b1c2d"


def qdc(**names) -> bytes:
    text = NVIVO_QDC.replace("{GUID_A}", "{" + GUID_A + "}").replace("{GUID_B}", GUID_B)
    for old, new in names.items():
        text = text.replace(f'name="{old.replace("_", " ")}"', f'name="{new}"')
    return text.encode("utf-8")


def test_qdc_keeps_guids_and_reimport_updates_by_guid(project):
    from qualcode.coding.codes import code_tree
    from qualcode.exchange.refi_codebook import import_qdc

    report = import_qdc(project, qdc(), "nvivo.qdc")
    assert any("empty <Sets/>" in w for w in report.warnings)
    guids = {n.path: n.code.guid for n in code_tree(project)}
    assert guids == {"Career": GUID_A.lower(), "Career / Job crafting": GUID_B}
    # exported, the GUIDs are the ones that came in
    out = export_qdc(project)
    assert GUID_A.lower().encode() in out and GUID_B.encode() in out
    # renamed in the other tool: updated by GUID, never duplicated
    report = import_qdc(project, qdc(Job_crafting="Crafting", Career="Loopbaan"), "again.qdc")
    assert report.counts == {"codes_created": 0, "codes_updated": 2}
    assert {n.path: n.code.guid for n in code_tree(project)} == {
        "Loopbaan": GUID_A.lower(), "Loopbaan / Crafting": GUID_B}
    # and the exported file, re-imported, still changes nothing
    assert import_codebook(project, parse_qdc(out))["created"] == 0
    assert len(code_tree(project)) == 2


def test_qdc_deviations_are_tolerated_with_warnings():
    xml = b"""<CodeBook origin="Taguette 1.4">
  <Codes>
    <Code guid="not-a-guid" name="a" color="blue"/>
    <Code guid="8b0c3c4d-1e2f-4a5b-9c6d-7e8f9a0b1c2d" name="a" isCodable="true"/>
    <Code guid="8b0c3c4d-1e2f-4a5b-9c6d-7e8f9a0b1c2d" name="Theme::Sub" isCodable="true"/>
  </Codes>
  <Sets/>
  <Extra/>
</CodeBook>"""
    book = parse_qdc(xml, split_codes="::")
    text = "\n".join(book.warnings)
    for expected in ("namespace", "no valid GUID", "colour 'blue'", "no isCodable",
                     "appears twice", "used twice", "empty <Sets/>", "<Extra>"):
        assert expected in text
    assert [p for p, _ in book.walk()] == ["a", "a (2)", "Theme", "Theme / Sub"]


def test_qdpx_given_as_codebook_points_to_import():
    with pytest.raises(ValidationError, match="qualcode import"):
        parse_qdc(b"<Project xmlns='urn:QDA-XML:project:1.0' name='x'/>")
