"""Saturation on stored projects (SQLite and PostgreSQL): interview order, coding status, the
17-interview study from issue 5, and the CLI contract (transcripts --json, mark,
saturation --json)."""

from __future__ import annotations

import json
from datetime import date

import pytest

from qualcode.corpus.order import order_transcripts, order_warnings, parse_date
from qualcode.analysis.saturation import project_saturation
from qualcode.analysis.saturation_report import order_table, saturation_report
from qualcode.cli import main
from qualcode.coding.codes import create_code
from qualcode.coding.status import (CODED, IN_PROGRESS, NOT_CODED, coding_counts, mark_all,
                                    mark_by_name, set_status, statuses)
from qualcode.coding.codings import add_coding
from qualcode.errors import NotFound, ValidationError
from qualcode.store.project import Project
from qualcode.corpus import ingest_folder
from qualcode.corpus.transcripts import (get_transcript, list_transcripts, set_interview_order,
                                  transcript_overview, update_transcript)

# new concepts per interview in the true (natural) order P1..P17: "11+2" once all are coded
COUNTS = [4, 3, 2, 2, 2, 1, 2, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0]


def build_study(project, folder):
    """17 interview files P1..P17 (no order, no date), two themes, codings for COUNTS."""
    folder.mkdir()
    concepts: list[list[str]] = []
    n = 0
    for i, count in enumerate(COUNTS, 1):
        mine = [f"c{n + j}" for j in range(count)]
        n += count
        if i > 1:
            mine.append("c0")  # an old concept comes up again
        concepts.append(mine)
        lines = [f"Interviewer: Vraag {i}?"] + [f"P{i}: Ik vertel over {c}." for c in mine]
        (folder / f"P{i}.txt").write_text("\n\n".join(lines) + "\n", encoding="utf-8")
    report = ingest_folder(project, folder)
    assert len(report.added) == 17 and not report.errors
    themes = {name: create_code(project, name).id for name in ("Theme A", "Theme B")}
    codes = {}
    for k in range(n):
        parent = themes["Theme A" if k % 2 == 0 else "Theme B"]
        codes[f"c{k}"] = create_code(project, f"c{k}", parent).id
    for i, mine in enumerate(concepts, 1):
        t = get_transcript(project, f"P{i}")
        for c in mine:
            start = t.text.index(f"over {c}.") + 5
            add_coding(project, t.id, codes[c], start, start + len(c), coder="ab")
    return project


@pytest.fixture
def study(project, tmp_path):
    return build_study(project, tmp_path / "study")


def test_natural_order_and_the_uncoded_gap(study):
    names = [t.name for t in list_transcripts(study)]
    assert names == [f"P{i}" for i in range(1, 18)]  # P2 before P10
    assert all(p.source == "name" for p in order_transcripts(list_transcripts(study)))
    # everything has codings, nothing is marked: all in progress, nothing assessed
    assert set(statuses(study).values()) == {IN_PROGRESS}
    assert project_saturation(study).assessed == 0
    # interviews 1–4 coded; 5–17 ingested, not coded yet (their codings removed)
    mark_by_name(study, ["P1", "P2", "P3", "P4"], CODED)
    with study.transaction() as s:
        from qualcode.store.models import Coding, Transcript

        late = [t.id for t in s.query(Transcript).filter(Transcript.name.notin_(
            ["P1", "P2", "P3", "P4"]))]
        s.query(Coding).filter(Coding.transcript_id.in_(late)).delete()
    result = project_saturation(study, threshold=0)
    assert result.point is None and result.assessed == 4 and not result.assessable
    assert "next to code: P5 (not coded)" in result.summary()
    assert "reached" not in result.summary().split(".")[0].replace("not reached", "")


def test_all_coded_gives_the_true_result(study):
    mark_all(study, CODED)
    assert project_saturation(study).label == "11+2"
    assert project_saturation(study, threshold=0).label == "11+2"
    report = saturation_report(study, bootstrap=200, seed=7)
    assert [c.category for c in report.categories] == ["Theme A", "Theme B"]
    assert sum(c.observed for c in report.categories) == report.unseen.observed == sum(COUNTS)
    assert report.as_json()["label"] == "11+2"
    # top-level codes only: two concepts, both in the first interview
    assert project_saturation(study, level=1).label == "4+2"
    with pytest.raises(ValidationError):
        project_saturation(study, level=0)


def test_a_coded_interview_after_a_gap_is_not_assessed(study):
    mark_all(study, CODED)
    set_status(study, [get_transcript(study, "P9").id], NOT_CODED)  # has codings: in progress
    assert statuses(study)[get_transcript(study, "P9").id] == IN_PROGRESS
    result = project_saturation(study)
    assert result.assessed == 8 and result.point is None and "P9" in result.reason
    assert project_saturation(study, include_in_progress=True).label == "11+2"


def test_order_from_explicit_order_then_date_then_name(project, tmp_path):
    folder = tmp_path / "dated"
    folder.mkdir()
    (folder / "b.txt").write_text("---\ninterview_date: 14-03-2021\n---\nR: twee\n", "utf-8")
    (folder / "a.txt").write_text("---\ndate: 2021-03-20\n---\nR: drie\n", "utf-8")
    (folder / "c.txt").write_text("---\ndatum: 2 maart 2021\n---\nR: een\n", "utf-8")
    (folder / "z.txt").write_text("---\ninterview_order: 1\n---\nR: eerst\n", "utf-8")
    (folder / "P10.txt").write_text("R: zonder datum\n", "utf-8")
    (folder / "P9.txt").write_text("R: ook zonder datum\n", "utf-8")
    ingest_folder(project, folder)
    placed = order_transcripts(list_transcripts(project))
    assert [(p.name, p.source) for p in placed] == [
        ("z", "explicit"), ("c", "date"), ("b", "date"), ("a", "date"), ("P9", "name"),
        ("P10", "name")]
    rows = transcript_overview(project)
    assert [(r["name"], r["order"], r["order_source"]) for r in rows][:2] == [
        ("z", 1, "explicit"), ("c", 2, "date")]
    # two interviews on one position: warned; clearing an explicit order falls back
    c = get_transcript(project, "c")
    update_transcript(project, c.id, interview_order=1)
    warnings = order_warnings(order_transcripts(list_transcripts(project)))
    assert len(warnings) == 1 and "c, z share interview order 1" in warnings[0]
    assert [r["shares position with"] for r in order_table(project)][:2] == ["z", "c"]
    set_interview_order(project, c.id, None)
    assert get_transcript(project, "c").interview_order is None
    assert order_warnings(order_transcripts(list_transcripts(project))) == []


def test_parse_date_forms():
    want = date(2017, 4, 11)
    for text in ("2017-04-11", "11-04-2017", "11/04/2017", "11.04.2017", "11 April 2017",
                 "April 11, 2017", "11 april 2017", "2017/04/11", "2017-04-11T10:30:00",
                 "11th April 2017"):
        assert parse_date(text) == want, text
    assert parse_date("3 mei 2020") == date(2020, 5, 3)
    assert parse_date(want) == want
    for bad in ("soon", "", "13-13-2020", None, 12):
        assert parse_date(bad) is None


def test_marking_statuses(project, tmp_path):
    folder = tmp_path / "f"
    folder.mkdir()
    for name in ("P1", "P2"):
        (folder / f"{name}.txt").write_text(f"R: woorden van {name}\n", "utf-8")
    ingest_folder(project, folder)
    p1, p2 = (get_transcript(project, n) for n in ("P1", "P2"))
    assert statuses(project) == {p1.id: NOT_CODED, p2.id: NOT_CODED}
    add_coding(project, p1.id, create_code(project, "A").id, 3, 10)
    assert statuses(project)[p1.id] == IN_PROGRESS
    # the Code page counts one transcript's codings, not the whole project's
    assert coding_counts(project) == {p1.id: 1}
    assert coding_counts(project, [p1.id]) == {p1.id: 1}
    assert coding_counts(project, [p2.id]) == {}
    mark_by_name(project, ["P1"], "coded")
    set_status(project, [p2.id], "in-progress")  # explicit, even without codings
    assert statuses(project) == {p1.id: CODED, p2.id: IN_PROGRESS}
    assert mark_all(project, "not-coded") == 2
    assert statuses(project) == {p1.id: IN_PROGRESS, p2.id: NOT_CODED}
    with pytest.raises(NotFound):
        mark_by_name(project, ["P1", "nobody"], CODED)
    assert statuses(project)[p1.id] == IN_PROGRESS  # all or nothing
    with pytest.raises(ValidationError):
        mark_all(project, "finished-ish")


# -- the CLI contract -------------------------------------------------------------------------

def cli(capsys, *args):
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


TRANSCRIPT_FIELDS = {"name", "order", "order_source", "status", "format", "characters", "turns",
                     "speakers", "timestamps", "codings", "media", "timed_turns"}


def test_cli_transcripts_json_and_mark(capsys, tmp_path):
    db = str(tmp_path / "cli.sqlite")
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "P10.txt").write_text("Interviewer: Vraag?\n\nP10: Antwoord.\n\nInterviewer: En?\n",
                                    "utf-8")
    (folder / "P2.vtt").write_text(
        "WEBVTT\n\n00:00:01.000 --> 00:00:03.000\n<v Anna>Hallo daar.</v>\n\n"
        "00:00:04.000 --> 00:00:06.000\n<v Bert>Dag Anna.</v>\n", "utf-8")
    assert cli(capsys, "--db", db, "ingest", str(folder), "--quiet")[0] == 0
    code, out, _ = cli(capsys, "--db", db, "transcripts", "--json")
    rows = json.loads(out)
    assert code == 0 and [r["name"] for r in rows] == ["P2", "P10"]
    assert all(set(r) == TRANSCRIPT_FIELDS for r in rows)
    p2, p10 = rows
    assert p2 == {"name": "P2", "order": 1, "order_source": "name", "status": "not coded",
                  "format": "vtt", "characters": p2["characters"], "turns": 2,
                  "speakers": {"Anna": 1, "Bert": 1}, "timestamps": 2, "codings": 0,
                  "media": None, "timed_turns": 2}
    assert p10["speakers"] == {"Interviewer": 2, "P10": 1} and p10["timestamps"] == 0
    assert p10["turns"] == 3 and isinstance(p10["characters"], int)

    code, out, _ = cli(capsys, "--db", db, "mark", "P10", "--status", "coded")
    assert code == 0 and "marked 1 transcript(s) coded" in out
    code, out, _ = cli(capsys, "--db", db, "mark", "--all", "--status", "in-progress")
    assert code == 0 and "marked 2" in out
    rows = json.loads(cli(capsys, "--db", db, "transcripts", "--json")[1])
    assert [r["status"] for r in rows] == ["in progress", "in progress"]
    assert cli(capsys, "--db", db, "mark", "P2", "--status", "not-coded")[0] == 0
    assert json.loads(cli(capsys, "--db", db, "transcripts", "--json")[1])[0]["status"] == \
        "not coded"
    code, _, err = cli(capsys, "--db", db, "mark", "P99", "--status", "coded")
    assert code == 2 and "P99" in err
    code, _, err = cli(capsys, "--db", db, "mark", "--status", "coded")
    assert code == 2 and "--all" in err


SATURATION_FIELDS = {"sequence", "assessed", "assessable", "reason", "point", "label",
                     "after_point", "grid", "bootstrap", "unseen", "categories",
                     # issue 19: looking ahead
                     "accumulation", "estimators", "coverage", "extrapolation",
                     "more_interviews", "roles"}


def test_cli_saturation_json(capsys, tmp_path):
    db = str(tmp_path / "sat.sqlite")
    project = Project(db)
    build_study(project, tmp_path / "study")
    project.close()
    code, out, _ = cli(capsys, "--db", db, "saturation", "--json", "--bootstrap", "100")
    data = json.loads(out)
    assert code == 0 and set(data) == SATURATION_FIELDS
    assert data["assessed"] == 0 and data["point"] is None and data["label"] is None
    assert data["assessable"] is False and "P1" in data["reason"]

    assert cli(capsys, "--db", db, "mark", "--all", "--status", "coded")[0] == 0
    code, out, _ = cli(capsys, "--db", db, "saturation", "--json", "--base", "4", "--run", "2",
                       "--threshold", "0.05", "--step", "slide", "--rule", "guest", "--by",
                       "interview", "--bootstrap", "200", "--seed", "3")
    data = json.loads(out)
    assert data["point"] == 11 and data["label"] == "11+2" and data["assessed"] == 17
    assert data["assessable"] is True and isinstance(data["reason"], str)
    seq = data["sequence"]
    assert [s["name"] for s in seq] == [f"P{i}" for i in range(1, 18)]
    assert all(set(s) == {"position", "name", "status", "concepts", "new", "cumulative"}
               for s in seq)
    assert [s["new"] for s in seq] == COUNTS and seq[0]["status"] == "coded"
    assert seq[-1]["cumulative"] == sum(COUNTS) and seq[1]["concepts"] == 4
    assert data["after_point"] == []
    assert len(data["grid"]) == 12 and set(data["grid"][0]) == {"base", "run", "threshold",
                                                                 "label"}
    assert set(data["bootstrap"]) == {"orders", "share_reached", "median_point", "p05_point",
                                      "p95_point", "curve_mean", "curve_low", "curve_high"}
    assert data["bootstrap"]["orders"] == 200 and len(data["bootstrap"]["curve_mean"]) == 17
    assert set(data["unseen"]) == {"observed", "chao2", "ci_low", "ci_high", "coverage",
                                   "completeness"}
    assert data["unseen"]["observed"] == sum(COUNTS)
    assert [set(c) for c in data["categories"]] == [{"category", "label", "point",
                                                     "observed", "accumulation", "estimators",
                                                     "coverage", "extrapolation",
                                                     "more_interviews"}] * 2
    # the same call again gives the same bootstrap (seeded)
    again = json.loads(cli(capsys, "--db", db, "saturation", "--json", "--bootstrap", "200",
                           "--seed", "3")[1])
    assert again["bootstrap"] == data["bootstrap"]

    code, out, _ = cli(capsys, "--db", db, "saturation", "--json", "--rule", "francis",
                       "--bootstrap", "0")
    data = json.loads(out)
    assert data["label"] == "11+3" and data["bootstrap"] is None
    code, out, _ = cli(capsys, "--db", db, "saturation", "--json", "--level", "1",
                       "--bootstrap", "0", "--step", "run")
    assert json.loads(out)["label"] == "4+2"
    cli(capsys, "--db", db, "mark", "P5", "--status", "in-progress")
    assert json.loads(cli(capsys, "--db", db, "saturation", "--json", "--bootstrap", "0")[1])[
        "assessed"] == 4
    assert json.loads(cli(capsys, "--db", db, "saturation", "--json", "--bootstrap", "0",
                          "--include-in-progress")[1])["assessed"] == 17
    code, out, _ = cli(capsys, "--db", db, "saturation")
    assert code == 0 and "next to code: P5 (in progress)" in out and "Chao2" in out


LOOK_AHEAD = {"accumulation": {"interviews", "expected", "sd"},
              "extrapolation": {"interviews", "expected", "ci_low", "ci_high", "coverage"}}


def test_cli_saturation_look_ahead_contract(capsys, tmp_path):
    """Issue 19: accumulation, estimators, coverage, extrapolation and more_interviews."""
    from qualcode.analysis.outlook import look_ahead
    from qualcode.analysis.saturation import project_sequence

    db = str(tmp_path / "ahead.sqlite")
    project = Project(db)
    build_study(project, tmp_path / "study")
    sets = [s[2] for s in project_sequence(project)]
    project.close()
    assert cli(capsys, "--db", db, "mark", "--all", "--status", "coded")[0] == 0
    code, out, _ = cli(capsys, "--db", db, "saturation", "--json", "--bootstrap", "0",
                       "--seed", "4")
    data = json.loads(out)
    assert code == 0
    acc = data["accumulation"]
    assert [r["interviews"] for r in acc] == list(range(1, 18))
    assert all(set(r) == LOOK_AHEAD["accumulation"] for r in acc)
    assert acc[-1] == {"interviews": 17, "expected": sum(COUNTS), "sd": 0.0}
    assert acc[0]["expected"] == pytest.approx(sum(len(s) for s in sets) / 17, abs=1e-4)
    # c0 is in every interview, every other concept in one: Q1 = S − 1, Q2 = 0
    s_obs, t = sum(COUNTS), 17
    q1, u = s_obs - 1, s_obs - 1 + 17
    q0 = (t - 1) / t * q1 * (q1 - 1) / 2
    a = t * q0 / (t * q0 + q1)
    assert set(data["estimators"]) == {"chao2", "jack1", "jack2"}
    assert data["estimators"]["jack1"] == pytest.approx(s_obs + q1 * 16 / 17, abs=1e-4)
    assert data["estimators"]["jack2"] == pytest.approx(s_obs + q1 * 31 / 17, abs=1e-4)
    assert data["estimators"]["chao2"] == data["unseen"]["chao2"]
    assert data["coverage"] == pytest.approx(1 - q1 / u * a, abs=1e-4)
    ext = data["extrapolation"]
    assert [r["interviews"] for r in ext] == list(range(18, 35))
    assert all(set(r) == LOOK_AHEAD["extrapolation"] for r in ext)
    assert ext[0]["expected"] == pytest.approx(s_obs + q0 * (1 - a), abs=1e-4)
    assert all(r["ci_low"] <= r["expected"] <= r["ci_high"] for r in ext)
    assert ext[-1]["coverage"] == pytest.approx(1 - q1 / u * a ** 18, abs=1e-4)
    more = data["more_interviews"]
    assert set(more) == {"concepts_90", "concepts_95", "coverage_95"}
    assert all(isinstance(v, int) and v > 0 for v in more.values())
    # the library's numbers, and the same band again (seeded)
    ahead = look_ahead(sets, seed=4).as_json()
    assert {k: data[k] for k in ahead} == ahead
    again = json.loads(cli(capsys, "--db", db, "saturation", "--json", "--bootstrap", "0",
                           "--seed", "4")[1])
    assert again["extrapolation"] == ext
    # per tension: the same fields, curves included, over the same assessed interviews
    themes = {c["category"]: c for c in data["categories"]}
    assert list(themes) == ["Theme A", "Theme B"]
    for name, c in themes.items():
        mine = [{x for x in s if x.split(" / ")[0] == name} for s in sets]
        assert {k: c[k] for k in ahead} == look_ahead(mine, seed=4).as_json()
        assert [r["interviews"] for r in c["accumulation"]] == list(range(1, 18))
        assert all(set(r) == LOOK_AHEAD["accumulation"] for r in c["accumulation"])
        assert c["accumulation"][-1]["expected"] == c["observed"]
        assert [r["interviews"] for r in c["extrapolation"]] == list(range(18, 35))
        assert all(set(r) == LOOK_AHEAD["extrapolation"] for r in c["extrapolation"])
        assert all(c["observed"] <= r["expected"] for r in c["extrapolation"])
    assert themes["Theme A"]["observed"] + themes["Theme B"]["observed"] == s_obs
    # one interview: nothing to extrapolate from, said with nulls
    cli(capsys, "--db", db, "mark", "P2", "--status", "not-coded")
    one = json.loads(cli(capsys, "--db", db, "saturation", "--json", "--bootstrap", "0")[1])
    assert one["assessed"] == 1 and len(one["accumulation"]) == 1
    assert one["more_interviews"] == {"concepts_90": None, "concepts_95": None,
                                      "coverage_95": None}
    code, out, _ = cli(capsys, "--db", db, "saturation")
    assert code == 0 and "jackknife" in out
