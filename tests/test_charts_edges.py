"""Charts at scale (150 codes, 200 interviews) and search edge cases."""

from __future__ import annotations

import random

import pytest
from sqlalchemy import insert

from qualcode.analysis import search as search_module
from qualcode.analysis.charts import ROW as LABEL_STEP
from qualcode.analysis.charts import (LABEL_LIMIT, cooccurrence_heatmap, density_chart,
                                      density_frame, frequency_chart)
from qualcode.analysis.cooccurrence import cooccurrence
from qualcode.analysis.matrix import framework_matrix
from qualcode.analysis.search import search
from qualcode.codes import create_code
from qualcode.errors import ValidationError
from qualcode.ingest import ingest_file
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
