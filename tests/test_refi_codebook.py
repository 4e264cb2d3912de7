from __future__ import annotations

import pytest
from lxml import etree

from qualcode.codebook import export_codebook, import_codebook, load_codebook
from qualcode.errors import ValidationError
from qualcode.exchange.refi_codebook import export_qdc, parse_qdc
from tests.conftest import ROOT

XSD = ROOT.parent / "shared" / "refi-qda" / "Codebook.xsd"
SHIPPED = ROOT / "codebooks" / "three-tensions.yaml"


@pytest.mark.skipif(not XSD.exists(), reason="REFI-QDA schemas in ../shared/refi-qda are not here")
def test_qdc_export_is_valid_against_the_refi_schema(sqlite_project):
    import_codebook(sqlite_project, SHIPPED)
    schema = etree.XMLSchema(etree.parse(str(XSD)))
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
