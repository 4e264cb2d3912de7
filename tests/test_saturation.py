from __future__ import annotations

import pytest

from qualcode.errors import ValidationError
from qualcode.analysis.saturation import (compute_saturation, project_saturation, saturation_log,
                                 saturation_table)


def seq(*sets):
    return [(f"I{i}", "participant", set(s)) for i, s in enumerate(sets, 1)]


def test_new_concepts_cumulative_and_log():
    result = compute_saturation(seq("abc", "bd", "a", "e", "", ""), base=2, run=2)
    assert [s.new for s in result.steps] == [["a", "b", "c"], ["d"], [], ["e"], [], []]
    assert [s.cumulative for s in result.steps] == [3, 4, 4, 5, 5, 5]
    assert result.base_count == 4
    # runs after 2: {I3,I4} adds e (25%); after 3: {I4,I5} adds e; after 4: {I5,I6} adds none
    assert [(r.after, r.new) for r in result.runs] == [(2, ["e"]), (3, ["e"]), (4, [])]
    assert result.point == 4 and result.label == "4+2"
    assert saturation_log(result)[0] == {"position": 1, "interview": "I1", "role": "participant",
                                         "new_concept": "a", "cumulative": 3}
    assert saturation_table(result)[3]["new_concepts"] == "e"


def test_threshold_five_percent_versus_zero():
    base = [set(f"c{i}" for i in range(20))]  # 20 concepts in a base of one interview
    sequence = [("I1", "", base[0]), ("I2", "", {"new1"}), ("I3", "", set()), ("I4", "", set())]
    assert compute_saturation(sequence, base=1, run=1, threshold=0.05).label == "1+1"  # 1/20 = 5%
    assert compute_saturation(sequence, base=1, run=1, threshold=0.0).label == "2+1"


def test_not_reached_and_bad_parameters():
    result = compute_saturation(seq("a", "b", "c"), base=1, run=1)
    assert result.point is None and "not reached" in result.summary()
    assert compute_saturation([], base=4).summary() == "No coded interviews yet."
    with pytest.raises(ValidationError):
        compute_saturation(seq("a"), base=0)
    with pytest.raises(ValidationError):
        compute_saturation(seq("a"), threshold=5)


def test_demo_reaches_saturation_after_the_fourth_participant(demo_project):
    result = project_saturation(demo_project, roles={"participant"})
    assert result.label == "4+2"
    assert [s.label for s in result.steps][:4] == ["Interview 01 – P1", "Interview 02 – P2",
                                                   "Interview 04 – P3", "Interview 06 – P4"]
    assert all(not s.new for s in result.steps[4:])
    by_participant = project_saturation(demo_project, by="participant", roles={"participant"})
    assert by_participant.label == "4+2" and by_participant.steps[0].label == "P1"
    everyone = project_saturation(demo_project)
    assert everyone.label == "6+2"  # managers' interviews included: interview 6 adds a concept
