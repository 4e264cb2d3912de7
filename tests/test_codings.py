from __future__ import annotations

import pytest

from qualcode.coding.codes import create_code
from qualcode.coding.codings import (add_coding, add_memo, codings_for_transcript, list_memos,
                              remove_coding, set_coding_memo, update_memo)
from qualcode.errors import DuplicateError, NotFound, ValidationError
from qualcode.corpus import ingest_file
from qualcode.coding.quotes import quote_rows

TEXT = "Interviewer: En nu?\nP1: Ik 😀 leer enorm veel bij, 𝒜 echt waar."


@pytest.fixture
def coded(project):
    t = ingest_file(project, "p1.txt", data=TEXT.encode(), attributes={"role": "participant",
                                                                       "participant": "P1"})
    code = create_code(project, "Trial")
    return project, t, code


def test_offsets_are_code_points_beyond_the_bmp(coded):
    project, t, code = coded
    start = TEXT.index("leer")
    end = TEXT.index(", 𝒜")
    c = add_coding(project, t.id, code.id, start, end, coder="ad")
    assert t.text[c.start:c.end] == "leer enorm veel bij"
    # an astral character is one offset step
    i = TEXT.index("𝒜")
    c2 = add_coding(project, t.id, code.id, i, i + 1)
    [row] = [r for r in quote_rows(project) if r.coding_id == c2.id]
    assert row.quote == "𝒜"
    assert row.location.startswith("p1, turn 2")
    assert (row.participant, row.role, row.speaker) == ("P1", "participant", "P1")


def test_whitespace_is_trimmed_and_duplicates_refused(coded):
    project, t, code = coded
    start = TEXT.index(" leer")
    c = add_coding(project, t.id, code.id, start, start + 6, coder="ad")
    assert t.text[c.start:c.end] == "leer "[:-1]
    with pytest.raises(DuplicateError):
        add_coding(project, t.id, code.id, c.start, c.end, coder="ad")
    add_coding(project, t.id, code.id, c.start, c.end, coder="other coder")  # a second coder may


@pytest.mark.parametrize("start,end", [(-1, 3), (5, 5), (9, 3), (0, len(TEXT) + 1), (0.5, 3),
                                       (True, 3)])
def test_bad_spans_are_refused_and_nothing_is_lost(coded, start, end):
    project, t, code = coded
    keep = add_coding(project, t.id, code.id, 0, 11)
    with pytest.raises(ValidationError):
        add_coding(project, t.id, code.id, start, end)
    assert [c.id for c in codings_for_transcript(project, t.id)] == [keep.id]


def test_unknown_things_are_not_found(coded):
    project, t, code = coded
    with pytest.raises(NotFound):
        add_coding(project, 999, code.id, 0, 3)
    with pytest.raises(NotFound):
        add_coding(project, t.id, 999, 0, 3)
    with pytest.raises(NotFound):
        remove_coding(project, 999)
    with pytest.raises(ValidationError):
        add_coding(project, t.id, code.id, 12, 13)  # a lone newline/space


def test_remove_and_memo(coded):
    project, t, code = coded
    c = add_coding(project, t.id, code.id, 0, 11, memo="first thought")
    set_coding_memo(project, c.id, "second thought")
    assert codings_for_transcript(project, t.id)[0].memo == "second thought"
    remove_coding(project, c.id)
    assert codings_for_transcript(project, t.id) == []
    m = add_memo(project, "Theoretical memo", "Mastery and trial co-occur", author="ad",
                 code_id=code.id)
    update_memo(project, m.id, body="revised")
    assert [(x.title, x.body) for x in list_memos(project)] == [("Theoretical memo", "revised")]
    with pytest.raises(ValidationError):
        add_memo(project, " ")
