"""The team-safety probe's hostile files (issue 16, items 2 and 3), generated here, each
ingested in a fresh process under an address-space limit (RLIMIT_AS): refused with a clear
message naming the file and the limit, never a MemoryError, RecursionError or "unexpected
error", with a peak memory far below 1 GB. Their times are in bench/bench_hostile.py."""

from __future__ import annotations

import pytest

from qualcode.errors import IngestError, ValidationError
from qualcode.ingest import read_document
from tests import hostile

GB = 2**30
LIMIT = 2 * GB  # address space of the child (the interpreter and its libraries included)

CASES = [
    # (file name, builder, how it is read, what the message must say)
    ("spaces.odt", hostile.odt_spaces, "ingest", "at most 1,000"),
    ("nested.odt", hostile.odt_nested_spans, "ingest", "nested too deeply"),
    ("turns.txt", hostile.txt_turns, "ingest", "more than 200,000 speaker turns"),
    ("utf16.txt", hostile.txt_bad_utf16, "ingest", "not valid UTF-16"),
    ("columns.csv", hostile.csv_columns, "ingest", "at most 500"),
    ("entity.docx", hostile.docx_entity, "ingest", "entities"),
    ("big.qdpx", hostile.qdpx_big_sources, "import", "at most 10,000,000"),
    ("deep.yaml", hostile.yaml_deep, "codebook", "nested more than 50 levels"),
    ("deep.json", hostile.json_deep, "codebook", "nested more than 50 levels"),
    ("brackets.yaml", hostile.brackets, "codebook", "nested more than 50 levels"),
]


@pytest.mark.parametrize("name,build,kind,says", CASES, ids=[c[0] for c in CASES])
def test_hostile_file_is_refused_clearly_in_bounded_memory(tmp_path, name, build, kind, says):
    path = tmp_path / name
    path.write_bytes(build())
    result = hostile.run_limited(kind, path, memory=LIMIT)
    assert result["outcome"] == "refused", result
    assert says in result["message"], result["message"]
    assert name in result["message"]  # the file is named
    assert "unexpected error" not in result["message"]
    assert result["peak"] < GB, result


def test_total_decoded_size_of_one_import_is_bounded(tmp_path):
    """Six sources of 8 MiB, each under the per-transcript limit, together over the budget."""
    path = tmp_path / "budget.qdpx"
    path.write_bytes(hostile.qdpx_big_sources(6, 8, "R: " + "words " * 16 + "\n"))
    result = hostile.run_limited("import", path, memory=LIMIT)
    assert result["outcome"] == "refused", result
    assert "more than 40,000,000 characters" in result["message"]
    assert result["peak"] < GB


def test_a_large_project_under_the_limits_is_imported_in_bounded_memory(tmp_path):
    """Two sources of 8 MiB each (16 M characters): imported, well under 1 GB; the offset
    map costs memory per edit, not per character."""
    path = tmp_path / "under.qdpx"
    path.write_bytes(hostile.qdpx_big_sources(2, 8, "R: " + "words " * 16 + "\n"))
    result = hostile.run_limited("import", path, memory=LIMIT)
    assert result["outcome"] == "stored", result
    assert result["peak"] < GB


def test_unresolved_entity_in_a_qdpx_keeps_the_text_and_warns():
    from qualcode.exchange.refi_read import read_qdpx

    bundle, report = read_qdpx(hostile.qdpx_entity("and the words after it"), "x.qdpx")
    [doc] = bundle.documents
    assert doc.text.endswith("&xxe; and the words after it")
    assert any("&xxe;" in w for w in report.warnings)


def test_malformed_utf16_is_a_clear_refusal():
    with pytest.raises(IngestError, match=r"bad\.txt: .*byte-order mark but is not valid UTF-16"):
        read_document("bad.txt", hostile.txt_bad_utf16())


def test_codebook_recursion_is_a_clear_error():
    from qualcode.exchange.codebook_files import codebook_from_bytes

    for data, name in ((hostile.yaml_deep(), "deep.yaml"), (hostile.json_deep(), "deep.json")):
        with pytest.raises(ValidationError, match=f"{name}: .*nested more than"):
            codebook_from_bytes(data, name)


def test_a_reasonable_nesting_still_loads():
    from qualcode.exchange.codebook_files import codebook_from_bytes

    data = '{"codes": ' + '[{"name": "c", "codes": ' * 12 + "[]" + "}]" * 12 + "}"
    book = codebook_from_bytes(data.encode(), "ok.json")
    assert len(list(book.walk())) == 12


def test_odt_space_runs_and_limits_of_a_normal_file_still_read():
    doc = read_document("ok.odt", hostile.odt('<text:p>P1: a<text:s text:c="3"/>b</text:p>'))
    assert "a   b" in doc.text or "a b" in doc.text
