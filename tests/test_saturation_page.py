"""The Saturation page's readability (issue 19), from its chart specs and texts: integer count
axes, one y-axis per chart, the settings grid saying what could not be assessed, one sentence
each for the rule and the random orders, completeness and coverage named apart."""

from __future__ import annotations

import json

from qualcode.analysis.saturation_report import analyse
from qualcode.analysis.sensitivity import result_text
from qualcode.ui.page_saturation import (bootstrap_sentence, category_chart, curve_chart,
                                         look_ahead_table, new_chart, rule_sentence)
from qualcode.ui.saturation_methods import METHODS


def seq(*sets):
    return [(f"I{i}", "participant" if i % 3 else "manager", set(s), "coded")
            for i, s in enumerate(sets, 1)]


SIX = seq("abcd", "ace", "bf", "ag", "b", "ch")


def y_axes(spec: dict) -> list[dict]:
    out = []
    for layer in spec.get("layer", [spec]):
        if "layer" in layer:
            out += y_axes(layer)
        elif "y" in layer.get("encoding", {}):
            out.append(layer["encoding"]["y"])
    return out


def test_one_integer_y_axis_per_chart():
    tensions = [["A / a"], ["A / b", "B / c"], ["B / d"], ["A / a", "B / e"], ["A / f"],
                ["B / c"]]
    report = analyse(seq(*tensions), categories=["A", "B"], bootstrap=100)
    assert len(report.categories) == 2 and all(c.result.assessed for c in report.categories)
    for data, spec in (new_chart(report), curve_chart(report), category_chart(report)):
        if "facet" in spec:  # small multiples: each panel its own y scale, one axis each
            assert spec["resolve"] == {"scale": {"y": "independent"}}
            spec = spec["spec"]
        assert "resolve" not in spec  # no second, independent y scale
        axes = y_axes(spec)
        assert axes and len({a["title"] for a in axes}) == 1
        assert all(a["axis"] == {"format": "d", "tickMinStep": 1} for a in axes)
        x = next(layer for layer in spec.get("layer", [spec]))["encoding"]["x"]
        assert x["axis"]["format"] == "d" and x["axis"]["tickMinStep"] == 1
        json.dumps(data.to_dict("records"), default=str)  # plain data
    report = analyse(SIX, bootstrap=100)
    data, spec = curve_chart(report)
    assert list(data["position"]) == list(range(1, 13))  # to twice the six interviews
    assert data["observed"].notna().sum() == 6 and data["extrapolated"].notna().sum() == 7
    assert data.loc[5, "extrapolated"] == data.loc[5, "expected"] == 8  # joined at t = T
    assert (data["low"] <= data["high"]).all()


def test_settings_grid_says_not_assessable():
    report = analyse(SIX, bootstrap=0)
    texts = {(g["base"], g["run"], g["threshold"]): result_text(g, 6) for g in report.grid}
    assert texts[(4, 2, 0.05)] in ("4+2", "not reached")
    assert texts[(4, 3, 0.05)] == "not assessable (needs 7 interviews)"
    assert texts[(6, 3, 0.0)] == "not assessable (needs 9 interviews)"
    assert sum(t.startswith("not assessable") for t in texts.values()) == 10


def test_one_sentence_each_and_the_words():
    report = analyse(SIX, bootstrap=200, base=2, run=2)
    assert rule_sentence(report.result).startswith("In the order the interviews were held")
    assert bootstrap_sentence(report).startswith("Of 200 random orders of the same interviews")
    assert analyse(SIX, bootstrap=0).bootstrap is None
    assert "switched off" in bootstrap_sentence(analyse(SIX, bootstrap=0))
    assert "not assessable" not in rule_sentence(report.result).lower()
    assert "Not assessable" in rule_sentence(analyse(SIX[:3], bootstrap=0).result)
    text = " ".join(report.outlook.sentences())
    assert "Completeness" in text and "Sample coverage" in text
    assert "coverage" not in report.outlook.estimators.completeness_text().lower()
    for needle in ("specaccum", "specpool", "Chao & Jost 2012", "Chao et al. 2014",
                   "iNEXT", "Guest, Namey & Chen (2020)", "Completeness"):
        assert needle in METHODS
    rows = look_ahead_table(report)
    assert [r["interviews"] for r in rows] == list(range(1, 13))
    assert rows[5]["kind"] == "assessed" and rows[6]["kind"] == "extrapolated"
    assert rows[6]["SD over orders"] is None


def test_per_role_outlook():
    report = analyse(SIX, bootstrap=0)
    assert [(role, n) for role, n, _ in report.by_role] == [("manager", 2), ("participant", 4)]
    assert [r["role"] for r in report.as_json()["roles"]] == ["manager", "participant"]
    assert analyse(seq("ab", "b"), bootstrap=0).by_role == []  # one role: no breakdown
