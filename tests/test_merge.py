"""Merging codes loses nothing: memos of collapsing codings are joined, the source's
definition, criteria, examples and labels are appended to the target's, and the plan is shown
before the merge."""

from __future__ import annotations

import pytest

from qualcode.coding import codes as ops
from qualcode.coding.codings import add_coding, all_codings
from qualcode.errors import ValidationError
from qualcode.ingest import read_document
from qualcode.corpus.transcripts import add_transcript


def test_merge_keeps_every_memo_and_appends_the_definition(project):
    t = add_transcript(project, read_document("x.txt", b"R: een twee drie vier vijf\n"), "x")
    source = ops.create_code(project, "Ambassadorship", description="Speaking for the firm.",
                             inclusion="Praise of the employer", examples=["trots"],
                             labels={"nl": "Ambassadeurschap"})
    target = ops.create_code(project, "Loyalty", description="Staying.",
                             exclusion="Pay only", examples=["blijven"])
    add_coding(project, t.id, target.id, 3, 11, coder="A", memo="target memo")
    add_coding(project, t.id, source.id, 3, 11, coder="A", memo="source memo")  # same span+coder
    add_coding(project, t.id, source.id, 3, 11, coder="B", memo="other coder")  # moves
    add_coding(project, t.id, source.id, 12, 16, coder="C", memo="")  # moves ("A" would extend)

    plan = ops.merge_plan(project, source.id, target.id)
    assert (plan.codings_moved, plan.codings_joined, plan.memos_joined) == (2, 1, 1)
    assert plan.fields_appended == ("definition", "inclusion criteria", "examples", "labels")
    text = plan.describe()
    assert "'Ambassadorship' will be merged into 'Loyalty'" in text and "memo(s) are added" in text
    assert len(all_codings(project)) == 4  # the plan changed nothing

    assert ops.merge_codes(project, source.id, target.id) == 2
    codings = all_codings(project)
    assert len(codings) == 3 and {c.code_id for c in codings} == {target.id}
    memos = {(c.start, c.coder): c.memo for c in codings}
    assert memos[(3, "A")] == "target memo\n\nsource memo"
    assert memos[(3, "B")] == "other coder"
    merged = ops.get_code(project, target.id)
    assert merged.description == ("Staying.\n\n(from merged code 'Ambassadorship') "
                                  "Speaking for the firm.")
    assert merged.inclusion == "Praise of the employer" and merged.exclusion == "Pay only"
    assert merged.examples == ["blijven", "trots"]
    assert merged.labels == {"nl": "Ambassadeurschap"}
    with pytest.raises(Exception):
        ops.get_code(project, source.id)


def test_merge_plan_refuses_what_merge_refuses(project):
    a = ops.create_code(project, "A")
    b = ops.create_code(project, "B", a.id)
    with pytest.raises(ValidationError, match="own sub-codes"):
        ops.merge_plan(project, a.id, b.id)
    with pytest.raises(ValidationError, match="itself"):
        ops.merge_plan(project, a.id, a.id)
