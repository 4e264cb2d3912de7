"""Charts at scale (150 codes, 200 interviews) and search edge cases."""

from __future__ import annotations

import random

import pytest
from sqlalchemy import insert

from qualcode.analysis import search as search_module
from qualcode.analysis.charts import ROW as LABEL_STEP
from qualcode.analysis.charts import (LABEL_LIMIT, chart_spec, cooccurrence_heatmap,
                                      density_chart, density_frame, density_spec,
                                      frequency_chart, frequency_spec)
from qualcode.analysis.cooccurrence import cooccurrence
from qualcode.analysis.matrix import framework_matrix
from qualcode.analysis.search import search
from qualcode.coding.codes import create_code
from qualcode.coding.view import project_version
from qualcode.coding.codings import add_coding
from qualcode.errors import ValidationError
from qualcode.corpus import ingest_file
from qualcode.store.models import Coding, Transcript, Turn


@pytest.fixture
def big(sqlite_project):
    """200 interviews, 150 codes (10 themes), 3,000 codings, written straight to the store."""
    rng = random.Random(3)
    project = sqlite_project
    roles = ["participant", "former manager", "current manager"]
    text = "P: " + " ".join(["woord"] * 400)
    with project.transaction() as s:
        s.execute(insert(Transcript), [{
            "id": i, "name": f"Interview {i:03d} with a rather long name for the axis",
            "text": text, "content_hash": f"{i:064d}", "source_format": "txt",
            "interview_order": i, "attributes": {"role": roles[i % 3]}} for i in range(1, 201)])
        s.execute(insert(Turn), [{"transcript_id": i, "index": 0, "speaker": "P", "start": 3,
                                  "end": len(text)} for i in range(1, 201)])
    tops = [create_code(project, f"Theme {t}") for t in range(10)]
    codes = [c.id for c in tops] + [create_code(
        project, f"A fairly long sub-code name number {k}", parent_id=tops[k % 10].id).id
        for k in range(140)]
    with project.transaction() as s:
        s.execute(insert(Coding), [{
            "transcript_id": rng.randrange(1, 201), "code_id": rng.choice(codes),
            "start": (st := rng.randrange(3, 1500)), "end": st + rng.randrange(10, 300),
            "coder": str(n)} for n in range(3000)])
    return project


def test_charts_stay_readable_at_150_codes_and_200_interviews(big):
    result = cooccurrence(big, "turn")
    assert len(result.codes) == 150
    spec = cooccurrence_heatmap(result).to_dict()
    labels = [result.paths[c] for c in result.codes]
    assert spec["encoding"]["y"]["sort"] == labels  # code-tree order, not alphabetical
    assert spec["encoding"]["y"]["axis"]["labelLimit"] == LABEL_LIMIT
    assert spec["height"] == spec["width"] == {"step": LABEL_STEP}  # a square per pair
    matrix = framework_matrix(big, "role")
    freq = frequency_chart(matrix).to_dict()
    assert freq["mark"]["type"] == "rect"  # 150 codes: a heat map rather than 450 bars
    assert freq["height"] == {"step": LABEL_STEP} and freq["encoding"]["y"]["sort"][0] == "Theme 0"
    few = framework_matrix(big, "role", level=0)
    bars = frequency_chart(few).to_dict()
    assert bars["mark"]["type"] == "bar" and "yOffset" in bars["encoding"]
    assert bars["height"]["step"] >= LABEL_STEP
    frame = density_frame(big)
    assert set(frame["theme"]) <= {f"Theme {t}" for t in range(10)}
    density = density_chart(frame).to_dict()
    assert len(density["encoding"]["y"]["sort"]) == 200
    assert density["height"] == {"step": LABEL_STEP}  # 200 interviews: 3,600 px, scrolls
    assert density["encoding"]["y"]["axis"]["labelLimit"] == LABEL_LIMIT


def test_chart_specs_as_altair_makes_them_and_cached_per_version(big):
    def validated(chart) -> dict:  # Altair's own spec, its data set inline again
        spec = chart.to_dict()
        spec.pop("config", None)
        spec["data"] = {"values": spec.pop("datasets")[spec["data"]["name"]]}
        return spec

    version = project_version(big)
    matrix = framework_matrix(big, "role", version=version)
    assert frequency_spec(matrix) == validated(frequency_chart(matrix))
    assert frequency_spec(matrix, "coverage") == validated(frequency_chart(matrix, "coverage"))
    assert frequency_spec(framework_matrix(big, "role", version=version)) is frequency_spec(matrix)
    where = {"role": {"participant"}}
    density = density_spec(big, where, version=version)
    assert density == validated(density_chart(density_frame(big, where)))
    assert density_spec(big, where, version=version) is density
    assert chart_spec(density_chart(density_frame(big))) == density_spec(big)
    # a coding more: a new version, new specs
    rows = {r["interview"]: r["codings"] for r in density["data"]["values"]
            if r["theme"] == "Theme 0"}
    add_coding(big, 3, 1, 1500, 1600, coder="new")  # Interview 003 (a participant), Theme 0
    newer = project_version(big)
    assert newer != version
    fresh = density_spec(big, where, version=newer)
    name = "Interview 003 with a rather long name for the axis"
    assert {r["interview"]: r["codings"] for r in fresh["data"]["values"]
            if r["theme"] == "Theme 0"}[name] == rows.get(name, 0) + 1
    recount = framework_matrix(big, "role", version=newer)
    assert frequency_spec(recount) is not frequency_spec(matrix)


def test_search_when_lower_casing_changes_length(sqlite_project, tmp_path):
    # "İ".lower() is two code points: the search falls back to matching ignoring case
    path = tmp_path / "i.txt"
    path.write_text("P1: İstanbul was WERK. Daarna werk in Gent.\n", encoding="utf-8")
    t = ingest_file(sqlite_project, path)
    hits = search(sqlite_project, "werk", "word")
    assert [t.text[h.start:h.end] for h in hits] == ["WERK", "werk"]
    assert [h.text for h in search(sqlite_project, "in gent")] == ["in Gent"]


def test_runaway_regex_is_stopped(sqlite_project, tmp_path, monkeypatch):
    path = tmp_path / "x.txt"
    path.write_text("P1: " + "x" * 5000 + "\n", encoding="utf-8")
    ingest_file(sqlite_project, path)
    monkeypatch.setattr(search_module, "REGEX_TIMEOUT", 0.3)
    with pytest.raises(ValidationError, match="took longer than"):
        search(sqlite_project, r"(x+x+)+y", "regex")


def test_stemming_language_for_transcripts_without_one(sqlite_project, tmp_path):
    path = tmp_path / "u.txt"
    path.write_text("P1: 12345 67890 werkte werken\n", encoding="utf-8")  # no language guessed
    t = ingest_file(sqlite_project, path)
    assert t.language is None
    assert [h.text for h in search(sqlite_project, "werk", "stem", language="nl")] == ["werken"]
    assert search(sqlite_project, "werk", "stem") == []  # English: "werken" stays "werken"
