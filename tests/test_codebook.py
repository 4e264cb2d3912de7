from __future__ import annotations

import hashlib
import json
import re

import pytest

from qualcode.coding import codes as ops
from qualcode.coding.codebook import export_codebook, import_codebook, parse_codebook
from qualcode.exchange.codebook_files import load_codebook
from qualcode.coding.codings import add_coding, all_codings
from qualcode.errors import DuplicateError, NotFound, ValidationError
from qualcode.corpus import ingest_file
from tests.conftest import ROOT, SEED

SHIPPED = ROOT / "qualcode" / "demo_data" / "codebooks" / "three-tensions.yaml"


def test_shipped_codebook_has_the_three_tensions_in_dutch_and_english():
    book = load_codebook(SHIPPED)
    tops = {c.name: c for c in book.codes}
    assert {"Authenticity", "Mastery & trial", "Old & new context"} <= set(tops)
    assert tops["Authenticity"].labels["nl"] == "Authenticiteit"
    assert tops["Old & new context"].labels["nl"] == "Oude en nieuwe context"
    paths = [p for p, _ in book.walk()]
    for needed in ("Authenticity / Push: change in the organisation",
                   "Authenticity / Push: change in the individual",
                   "Conditions for success / Role of the manager",
                   "Conditions for success / Social integration",
                   "Conditions for success / Retention of pay",
                   "Conditions for success / Ownership of the career step"):
        assert needed in paths
    for _path, spec in book.walk():
        assert spec.description, f"{spec.name} has no definition"
        assert "nl" in spec.labels


def _squash(text: str) -> str:
    return re.sub(r"[\s…\.\"“”']+", " ", text).strip().lower()


EXAMPLE_SOURCES = ROOT / "tests" / "data" / "codebook-example-sources.json"


def _example_fragments() -> list[tuple[str, str]]:
    """(code path, squashed fragment) of every example quote of the shipped codebook, each
    ellipsis-separated fragment longer than 12 characters on its own."""
    out = []
    for path, spec in load_codebook(SHIPPED).walk():
        for example in spec.examples:
            for fragment in re.split(r"…|\.\.\.", example):
                if len(fragment.strip()) > 12:
                    out.append((path, _squash(fragment)))
    return out


def test_example_quotes_come_from_the_report():
    """Every example quote stands in the seed report. The report is not ours to ship, so where
    each fragment stands is recorded beside the tests: a fresh clone checks that the codebook's
    examples are exactly the recorded ones; where ../shared/seed is (CI), the record itself is
    checked against the report, place by place."""
    recorded = json.loads(EXAMPLE_SOURCES.read_text(encoding="utf-8"))
    assert [(f["code"], f["fragment"]) for f in recorded["fragments"]] == _example_fragments(), (
        "the codebook's examples changed: record where each one stands in the report in "
        f"{EXAMPLE_SOURCES.name}")
    if not SEED.is_dir():
        return
    raw = (SEED / "000_26485003aaa96a97.txt").read_bytes()
    assert hashlib.sha256(raw).hexdigest() == recorded["sha256"]
    report = _squash(raw.decode("utf-8"))
    for f in recorded["fragments"]:
        assert report[f["at"]:f["at"] + len(f["fragment"])] == f["fragment"], f


def test_import_is_idempotent_and_export_round_trips(project):
    assert import_codebook(project, SHIPPED) == {"created": 16, "updated": 0}
    assert import_codebook(project, SHIPPED) == {"created": 0, "updated": 16}
    text = export_codebook(project, title="Round trip")
    again = parse_codebook(text)
    original = load_codebook(SHIPPED)
    assert [p for p, _ in again.walk()] == [p for p, _ in original.walk()]
    assert [s.examples for _, s in again.walk()] == [s.examples for _, s in original.walk()]


@pytest.mark.parametrize("text,message", [
    ("codes: [", "not valid YAML"),
    ("name: x", "'codes:' list"),
    ("codes:\n  - name: A\n  - name: A\n", "appears twice"),
    ("codes:\n  - name: A/B\n", "without '/'"),
    ("codes:\n  - name: A\n    color: red\n", "colour"),
    ("codes:\n  - name: A\n    colour: '#ffffff'\n", "unknown field"),
])
def test_bad_codebooks_are_refused_whole(project, text, message):
    import_codebook(project, SHIPPED)
    before = export_codebook(project)
    with pytest.raises(ValidationError, match=re.escape(message)):
        import_codebook(project, parse_codebook(text))
    assert export_codebook(project) == before


def test_create_rename_move_merge_delete_keep_codings(project):
    t = ingest_file(project, "i.txt", data="R: Ik leer enorm veel bij 😀 en dat is fijn.".encode())
    a = ops.create_code(project, "Learning", description="learning anew")
    b = ops.create_code(project, "Growth")
    child = ops.create_code(project, "Formal training", a.id)
    with pytest.raises(DuplicateError):
        ops.create_code(project, "Learning")
    with pytest.raises(NotFound):
        ops.create_code(project, "X", parent_id=999)
    c1 = add_coding(project, t.id, a.id, 3, 10, coder="ad")
    add_coding(project, t.id, b.id, 3, 10, coder="ad")  # same span, both codes
    add_coding(project, t.id, b.id, 11, 25, coder="bo")  # "ad" would extend (3, 10): issue 17
    add_coding(project, t.id, child.id, 3, 25, coder="ad")

    ops.rename_code(project, a.id, "Learning anew")
    assert ops.get_code(project, a.id).name == "Learning anew"
    with pytest.raises(ValidationError, match="under itself"):
        ops.move_code(project, a.id, child.id)
    ops.move_code(project, child.id, None)
    assert ops.find_code(project, "Formal training").parent_id is None
    ops.move_code(project, child.id, a.id)
    assert ops.find_code(project, "Learning anew / Formal training").id == child.id

    moved = ops.merge_codes(project, b.id, a.id)
    assert moved == 1  # the (3, 10) coding already existed on the target
    spans = sorted((c.code_id, c.start, c.end) for c in all_codings(project))
    assert spans == sorted([(a.id, 3, 10), (a.id, 11, 25), (child.id, 3, 25)])
    assert c1.id in {c.id for c in all_codings(project)}
    with pytest.raises(NotFound):
        ops.get_code(project, b.id)

    with pytest.raises(ValidationError, match="merge it"):
        ops.delete_code(project, a.id)
    assert len(all_codings(project)) == 3  # refused delete lost nothing
    ops.delete_code(project, a.id, force=True)
    assert all_codings(project) == [] and ops.code_tree(project) == []


def test_code_edits_validate(project):
    code = ops.create_code(project, "A")
    with pytest.raises(ValidationError):
        ops.update_code(project, code.id, color="blue")
    with pytest.raises(ValidationError):
        ops.rename_code(project, code.id, "  ")
    ops.update_code(project, code.id, labels={"nl": "Aa"}, examples=["x"], inclusion="when")
    again = ops.get_code(project, code.id)
    assert (again.labels, again.examples, again.inclusion, again.name) == ({"nl": "Aa"}, ["x"],
                                                                           "when", "A")
