"""Cases: every speaker label maps to a case, every quote is credited to the person who spoke
(issue 15). Real files, a real SQLite project, the CLI through qualcode.cli.main."""

from __future__ import annotations

import csv
import io
import json

import openpyxl
import pytest

from qualcode.cli import main
from qualcode.coding.codes import create_code
from qualcode.coding.codings import add_coding
from qualcode.coding.quotes import quote_rows
from qualcode.corpus import ingest_file
from qualcode.corpus.cases import (list_cases, merge_cases, proposed_interviewers,
                                   reassign_turn, rename_case, set_case_role, speaker_turns)
from qualcode.export import codings_csv, codings_xlsx
from qualcode.store.project import Project

INTERVIEW = ("Interviewer: Hoe verloopt het werk in de nieuwe organisatie?\n\n"
             "P1: Ik leer enorm veel bij, en dat geeft energie.\n\n"
             "Interviewer: Wat bedoel je met energie?\n\n"
             "P1: Dat ik zin heb om te beginnen.\n")

GROUP_VTT = """WEBVTT

00:00:01.000 --> 00:00:04.000
<v Moderator>Welcome all, please introduce yourselves.

00:00:05.000 --> 00:00:08.000
<v Anna de Vries>I am Anna and I work in care.

00:00:09.000 --> 00:00:12.000
<v Bram>Bram here, I teach.

00:00:13.000 --> 00:00:16.000
<v Chris>Chris, nurse for ten years.

00:00:17.000 --> 00:00:20.000
<v Dana>Dana, I manage a team.

00:00:21.000 --> 00:00:24.000
<v anna  de vries>And I also volunteer.
"""


def _coded(project, tmp_path):
    path = tmp_path / "p1.txt"
    path.write_text(INTERVIEW, encoding="utf-8")
    t = ingest_file(project, path)
    code = create_code(project, "Change")
    q = INTERVIEW.index("Hoe verloopt")
    a = INTERVIEW.index("Ik leer")
    add_coding(project, t.id, code.id, q, q + 20, coder="ab")  # the interviewer's question
    add_coding(project, t.id, code.id, a, a + 20, coder="ab")  # the participant's answer
    add_coding(project, t.id, code.id, q + 5, a + 10, coder="cd")  # across both
    return t, code


def test_the_interviewers_question_is_credited_to_the_interviewer(sqlite_project, tmp_path):
    t, _code = _coded(sqlite_project, tmp_path)
    cases = {c.case: c for c in list_cases(sqlite_project)}
    assert cases["Interviewer"].role == "interviewer" and cases["P1"].role == "participant"
    assert cases["P1"].transcripts == [t.name] and cases["P1"].turns == 2
    rows = sorted(quote_rows(sqlite_project), key=lambda r: (r.start, r.end))
    question, across, answer = rows
    assert (question.case, question.role, question.participant, question.speaker) == (
        "Interviewer", "interviewer", "Interviewer", "Interviewer")
    assert (answer.case, answer.role, answer.participant) == ("P1", "participant", "P1")
    assert across.cases == ("Interviewer", "P1") and across.case == "Interviewer + P1"
    assert across.role == "interviewer + participant" and "spans 2 speakers" in across.location


def test_codings_exports_carry_speaker_case_and_role(sqlite_project, tmp_path):
    _coded(sqlite_project, tmp_path)
    table = list(csv.DictReader(io.StringIO(codings_csv(sqlite_project).decode("utf-8-sig"))))
    assert {"speaker", "case", "role"} <= set(table[0])
    assert sorted((r["case"], r["role"]) for r in table) == [
        ("Interviewer", "interviewer"), ("Interviewer + P1", "interviewer + participant"),
        ("P1", "participant")]
    sheet = openpyxl.load_workbook(io.BytesIO(codings_xlsx(sqlite_project))).active
    header = [c.value for c in sheet[1]]
    assert {"speaker", "case", "role"} <= set(header)
    cases = {row[header.index("case")] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert cases == {"Interviewer", "P1", "Interviewer + P1"}


def test_a_five_speaker_group_vtt_is_five_cases(sqlite_project, tmp_path):
    path = tmp_path / "group.vtt"
    path.write_text(GROUP_VTT, encoding="utf-8")
    t = ingest_file(sqlite_project, path)
    cases = {c.case: c for c in list_cases(sqlite_project)}
    assert set(cases) == {"Moderator", "Anna de Vries", "Bram", "Chris", "Dana"}
    assert cases["Anna de Vries"].turns == 2  # case and spacing differ: the same person
    assert cases["Moderator"].role == "interviewer"
    code = create_code(sqlite_project, "Work")
    for name in ("Bram here", "Chris, nurse", "Dana, I manage"):
        start = t.text.index(name)
        add_coding(sqlite_project, t.id, code.id, start, start + 9)
    assert sorted(r.case for r in quote_rows(sqlite_project)) == ["Bram", "Chris", "Dana"]


INTERVIEWER_LABELS = ["Interviewer", "Interviewer 1", "I", "Q", "Moderator", "Facilitator",
                      "Onderzoeker", "Interviewster", "Anna (moderator)"]


@pytest.mark.parametrize("label, interviewer", [
    *((label, True) for label in INTERVIEWER_LABELS),
    ("Anna", False), ("P1", False), ("Respondent", False), ("Ida", False),
    ("Interviewers", False), ("Iris (participant)", False)])
def test_interviewer_labels_get_the_interviewer_role(label, interviewer, sqlite_project,
                                                     tmp_path):
    from qualcode.store.case_rules import is_interviewer_label, plan

    assert is_interviewer_label(label) is interviewer
    assert is_interviewer_label(f"  {label.lower()} ") is interviewer  # case and spacing
    role = plan("t", {}, [label, "P9"])[label][1]
    assert role == ("interviewer" if interviewer else "participant")
    path = tmp_path / "t.txt"  # and so through ingest: the case the label maps to
    path.write_text(f"{label}: Hoe gaat het?\n\nP9: Goed.\n\n{label}: Fijn.\n\nP9: Ja.\n",
                    encoding="utf-8")
    t = ingest_file(sqlite_project, path)
    roles = {c.case: c.role for c in list_cases(sqlite_project)}
    said = {turn["label"]: turn["case"] for turn in speaker_turns(sqlite_project, t.id)}
    assert set(said) == {label, "P9"}
    assert roles[said[label]] == role and roles["P9"] == "participant"


def test_the_same_person_in_two_interviews_is_one_case_and_cases_merge(sqlite_project, tmp_path):
    for i, (who, words) in enumerate([("Anna", "Ik werk hier al lang."),
                                      ("ANNA", "Nog steeds hier."), ("Anne", "Ik ook.")]):
        path = tmp_path / f"i{i}.txt"
        path.write_text(f"Interviewer: Vraag {i}?\n\n{who}: {words}\n\n{who}: Ja.\n",
                        encoding="utf-8")
        ingest_file(sqlite_project, path)
    cases = {c.case: c for c in list_cases(sqlite_project)}
    assert set(cases) == {"Interviewer", "Anna", "Anne"}
    assert cases["Anna"].transcripts == ["i0", "i1"]
    assert proposed_interviewers(sqlite_project) == []  # already marked interviewer
    assert merge_cases(sqlite_project, "Anne", "Anna") == 2
    rename_case(sqlite_project, "Anna", "Anna de Vries")
    path = tmp_path / "i3.txt"
    path.write_text("Interviewer: Nog een?\n\nanne: Zeker.\n\nAnne: Echt.\n", encoding="utf-8")
    ingest_file(sqlite_project, path)  # a merged label keeps mapping to the merged case
    cases = {c.case: c for c in list_cases(sqlite_project)}
    assert set(cases) == {"Interviewer", "Anna de Vries"}
    assert cases["Anna de Vries"].transcripts == ["i0", "i1", "i2", "i3"]


def test_a_person_in_most_interviews_is_proposed_as_interviewer(sqlite_project, tmp_path):
    for i in range(4):
        path = tmp_path / f"x{i}.txt"
        path.write_text(f"Sanne: Hoe gaat het {i}?\n\nP{i + 1}: Goed {i}.\n\nSanne: Fijn.\n\n"
                        f"P{i + 1}: Ja.\n", encoding="utf-8")
        ingest_file(sqlite_project, path)
    assert proposed_interviewers(sqlite_project) == ["Sanne"]
    set_case_role(sqlite_project, "Sanne", "interviewer")
    assert proposed_interviewers(sqlite_project) == []


def test_an_interview_without_labels_is_its_participants(sqlite_project, tmp_path):
    path = tmp_path / "monologue.txt"
    path.write_text("---\nparticipant: P7\n---\nIk vertel gewoon.\n\nEn nog meer.\n",
                    encoding="utf-8")
    t = ingest_file(sqlite_project, path)
    [case] = list_cases(sqlite_project)
    assert (case.case, case.role, case.turns) == ("P7", "participant", 2)
    code = create_code(sqlite_project, "Telling")
    add_coding(sqlite_project, t.id, code.id, 0, 5)
    [row] = quote_rows(sqlite_project)
    assert (row.case, row.participant, row.role) == ("P7", "P7", "participant")


def test_a_turn_is_reassigned_without_touching_text_or_codings(sqlite_project, tmp_path):
    t, _code = _coded(sqlite_project, tmp_path)
    before = [(r.coding_id, r.start, r.end, r.quote) for r in quote_rows(sqlite_project)]
    reassign_turn(sqlite_project, t.id, 0, "P1")
    assert [x["case"] for x in speaker_turns(sqlite_project, t.id)] == ["P1", "P1",
                                                                       "Interviewer", "P1"]
    rows = quote_rows(sqlite_project)
    assert [(r.coding_id, r.start, r.end, r.quote) for r in rows] == before
    assert {r.case for r in rows} == {"P1"}
    reassign_turn(sqlite_project, t.id, 0, None)
    assert speaker_turns(sqlite_project, t.id)[0]["case"] == ""


def run(capsys, *args):
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_cases_contract(capsys, tmp_path):
    db = str(tmp_path / "cli.sqlite")
    project = Project(db)
    _coded(project, tmp_path)
    project.close()
    code, out, _ = run(capsys, "--db", db, "cases", "--json")
    assert code == 0
    data = json.loads(out)
    assert all(set(d) == {"case", "role", "transcripts", "turns", "attributes"} for d in data)
    assert {d["case"]: (d["role"], d["transcripts"], d["turns"]) for d in data} == {
        "Interviewer": ("interviewer", ["p1"], 2), "P1": ("participant", ["p1"], 2)}
    code, out, _ = run(capsys, "--db", db, "matrix", "--by", "role", "--json")
    assert code == 0  # interviewers' words are left out by default
    assert {r["value"]: r["count"] for r in json.loads(out)} == {"participant": 2}
    code, out, _ = run(capsys, "--db", db, "matrix", "--by", "role", "--json",
                       "--include-interviewer")
    counts = {r["value"]: r["count"] for r in json.loads(out)}
    assert counts == {"interviewer": 2, "participant": 2}  # the coding across both counts twice
    assert run(capsys, "--db", db, "cases", "role", "P1", "manager")[0] == 0
    sheet = tmp_path / "cases.csv"
    sheet.write_text("case,age,site\nP1,34,Gent\n", encoding="utf-8")
    code, out, _ = run(capsys, "--db", db, "cases", "attributes", str(sheet))
    assert code == 0 and "1 case(s)" in out
    code, out, _ = run(capsys, "--db", db, "matrix", "--by", "case", "--json",
                       "--include-interviewer")
    assert {r["value"]: r["count"] for r in json.loads(out)} == {"Interviewer": 2, "P1": 2}
    code, out, _ = run(capsys, "--db", db, "matrix", "--by", "age", "--json")  # a case attribute
    assert {r["value"]: r["count"] for r in json.loads(out)} == {"34": 2}
    code, out, _ = run(capsys, "--db", db, "cases", "merge", "Interviewer", "P1")
    assert code == 0 and "2 turn(s)" in out
    data = json.loads(run(capsys, "--db", db, "cases", "--json")[1])
    assert data == [{"case": "P1", "role": "manager", "transcripts": ["p1"], "turns": 4,
                     "attributes": {"age": "34", "site": "Gent"}}]
    code, _out, err = run(capsys, "--db", db, "cases", "merge", "Nobody", "P1")
    assert code == 2 and "no case called 'Nobody'" in err
    bad = tmp_path / "bad.csv"
    bad.write_text("who,age\nP1,3\n", encoding="utf-8")
    code, _out, err = run(capsys, "--db", db, "cases", "attributes", str(bad))
    assert code == 2 and "bad.csv" in err and "'case' column" in err
    export = tmp_path / "out.csv"
    assert run(capsys, "--db", db, "export", str(export))[0] == 0
    rows = list(csv.DictReader(io.StringIO(export.read_text(encoding="utf-8-sig"))))
    assert {(r["speaker"], r["case"], r["role"]) for r in rows} >= {("P1", "P1", "manager")}


def test_an_old_project_gets_cases_from_its_speakers(tmp_path):
    from tests.test_migrations import make_old_database

    path = tmp_path / "old.sqlite"
    make_old_database(f"sqlite:///{path}")
    project = Project(path)
    try:
        cases = {c.case: c for c in list_cases(project)}
        assert {k: (v.role, v.turns) for k, v in cases.items()} == {
            "Interviewer": ("interviewer", 1), "P1": ("participant", 1)}
        [row] = quote_rows(project)
        assert (row.case, row.role, row.speaker) == ("P1", "participant", "P1")
        [t] = project_transcripts(project)
        assert t.attributes == {"role": "participant", "naam": "Zoë"}  # kept as it was
    finally:
        project.close()


def project_transcripts(project):
    from qualcode.corpus.transcripts import list_transcripts

    return list_transcripts(project)


def test_saturation_by_participant_counts_the_speakers(sqlite_project, tmp_path):
    from qualcode.analysis.saturation import project_sequence
    from qualcode.corpus.cases import set_include_interviewer

    _coded(sqlite_project, tmp_path)
    path = tmp_path / "group.vtt"
    path.write_text(GROUP_VTT, encoding="utf-8")
    t = ingest_file(sqlite_project, path)
    work = create_code(sqlite_project, "Work")
    start = t.text.index("Bram here")
    add_coding(sqlite_project, t.id, work.id, start, start + 9)
    start = t.text.index("Welcome")
    add_coding(sqlite_project, t.id, work.id, start, start + 7)  # the moderator's words
    seq = {name: (role, concepts) for name, role, concepts, _s in
           project_sequence(sqlite_project, by="participant")}
    assert seq["P1"] == ("participant", {"Change"}) and seq["Bram"] == ("participant", {"Work"})
    assert seq["Anna de Vries"] == ("participant", set())
    assert "Interviewer" not in seq and "Moderator" not in seq  # left out by default
    assert set(seq) == {"P1", "Anna de Vries", "Bram", "Chris", "Dana"}
    set_include_interviewer(sqlite_project, True)
    seq = {name: concepts for name, _r, concepts, _s in
           project_sequence(sqlite_project, by="participant")}
    assert seq["Interviewer"] == {"Change"} and seq["Moderator"] == {"Work"}
    only = project_sequence(sqlite_project, by="interview", roles={"interviewer"})
    assert [(name, role, concepts) for name, role, concepts, _s in only] == [
        ("group", "interviewer", {"Work"}), ("p1", "interviewer", {"Change"})]
    set_include_interviewer(sqlite_project, False)  # only interviewers, and they are left out
    assert project_sequence(sqlite_project, by="interview", roles={"interviewer"}) == []


def test_search_compare_and_cooccurrence_credit_the_speaker(sqlite_project, tmp_path):
    from qualcode.analysis.compare import incident_refs, incidents
    from qualcode.analysis.cooccurrence import cooccurrence
    from qualcode.analysis.search import search

    t, code = _coded(sqlite_project, tmp_path)
    hits = list(search(sqlite_project, "energie"))
    assert [(h.participant, h.role) for h in hits] == [("P1", "participant"),
                                                       ("Interviewer", "interviewer")]
    hits = list(search(sqlite_project, "energie", where={"role": {"participant"}}))
    assert [h.speaker for h in hits] == ["P1"]  # not the interviewer's question
    hits = list(search(sqlite_project, "werk", where={"role": {"participant"}}))
    assert hits == []  # "werk" is only in the interviewer's question
    groups = {g.value: [r.quote[:8] for r in g.rows]
              for g in incidents(sqlite_project, code.id, group_by="role")}
    assert groups == {"interviewer": ["Hoe verl", "erloopt "],
                      "participant": ["erloopt ", "Ik leer "]}
    refs = {g.value: len(g.refs) for g in incident_refs(sqlite_project, code.id, group_by="case")}
    assert refs == {"Interviewer": 2, "P1": 2}
    other = create_code(sqlite_project, "Energy")
    a = t.text.index("energie")
    add_coding(sqlite_project, t.id, other.id, a, a + 7)
    q = t.text.index("energie?")
    add_coding(sqlite_project, t.id, other.id, q, q + 7)
    assert cooccurrence(sqlite_project, "turn").n[other.id] == 1  # the interviewer's left out


def test_disagreements_name_who_said_the_unit(sqlite_project, tmp_path):
    from qualcode.analysis.agreement import disagreements

    t, code = _coded(sqlite_project, tmp_path)
    other = create_code(sqlite_project, "Other")
    a = INTERVIEW.index("Dat ik zin")
    add_coding(sqlite_project, t.id, other.id, a, a + 10, coder="ab")
    found = disagreements(sqlite_project, ["ab", "cd"], "turn")
    said = {(d.case, d.role) for d in found}
    assert said == {("P1", "participant")}  # both coders agree on the question


def test_word_quote_table_names_who_spoke(sqlite_project, tmp_path):
    import docx

    from qualcode.export import quote_table_docx

    _coded(sqlite_project, tmp_path)
    document = docx.Document(io.BytesIO(quote_table_docx(sqlite_project)))
    rows = [[c.text for c in row.cells] for row in document.tables[0].rows[1:]]
    said = {(r[1][:9], r[2], r[3]) for r in rows}
    assert said == {("“Hoe verl", "Interviewer", "interviewer"),
                    ("“Ik leer ", "P1", "participant"),
                    ("“erloopt ", "Interviewer + P1", "interviewer + participant")}
    assert any("spans 2 speakers" in r[4] for r in rows)


def test_qdpx_cases_are_the_people_who_speak(sqlite_project, tmp_path):
    from qualcode.corpus.cases import set_case_attributes
    from qualcode.exchange.refi_write import export_qdpx
    from tests.test_refi_project import NS, validate

    _coded(sqlite_project, tmp_path)
    path = tmp_path / "group.vtt"
    path.write_text(GROUP_VTT, encoding="utf-8")
    ingest_file(sqlite_project, path)
    set_case_attributes(sqlite_project, "Bram", {"age": "41"})
    root = validate(export_qdpx(sqlite_project))
    variables = {v.get("guid"): v.get("name") for v in root.iter(f"{{{NS}}}Variable")}
    sources = {s.get("guid"): s.get("name") for s in root.iter(f"{{{NS}}}TextSource")}
    cases = {}
    for case in root.iter(f"{{{NS}}}Case"):
        values = {}
        for vv in case.iter(f"{{{NS}}}VariableValue"):
            ref = vv.find(f"{{{NS}}}VariableRef").get("targetGUID")
            values[variables[ref]] = next(iter(vv.iterchildren())).getnext().text
        cases[case.get("name")] = (values, sorted(sources[r.get("targetGUID")]
                                                 for r in case.iter(f"{{{NS}}}SourceRef")))
    assert cases["Interviewer"] == ({"role": "interviewer"}, ["p1"])
    assert cases["P1"] == ({"role": "participant"}, ["p1"])
    assert cases["Bram"] == ({"role": "participant", "age": "41"}, ["group"])
    assert cases["Moderator"][0]["role"] == "interviewer"
    assert len(cases) == 7


def test_migration_0006_gives_a_previous_schema_project_its_cases(tmp_path):
    import sqlite3

    from qualcode.analysis.matrix import cell_summaries
    from qualcode.demo import load_demo
    from qualcode.store import migrate
    from tests.migration_helpers import downgrade_to, revision_before

    path = tmp_path / "prev.sqlite"
    p = Project(path)
    load_demo(p, with_codings=True)
    before = [(r.coding_id, r.quote) for r in quote_rows(p)]
    speakers = {c.case for c in list_cases(p)}
    p.close()
    downgrade_to(path, revision_before("0006"))  # as a project made before cases existed
    with sqlite3.connect(path) as db:
        assert "cases" not in {r[0] for r in db.execute("SELECT name FROM sqlite_master")}
        code_id, tid = db.execute("SELECT code_id, transcript_id FROM codings").fetchone()
        db.execute("INSERT INTO matrix_summaries (code_id, dimension, value, summary, author, "
                   "updated_at) VALUES (?, 'case', ?, 'kept', '', '2026-01-01')",
                   (code_id, str(tid)))
    again = Project(path)
    try:
        with again.engine.connect() as c:
            assert migrate.current_revision(c) == migrate.head()
        assert {c.case for c in list_cases(again)} == speakers
        assert all(c.turns for c in list_cases(again))
        rows = quote_rows(again)
        assert [(r.coding_id, r.quote) for r in rows] == before  # nothing lost
        assert all(r.case for r in rows)  # every quote credited to who said it
        # a summary of the old per-interview dimension is now under "interview"
        assert list(cell_summaries(again, "interview").values()) == ["kept"]
        assert cell_summaries(again, "case") == {}
    finally:
        again.close()


# who said which concept, interview by interview (int1 is a group of two); P4 and P6 are managers
SPOKEN = [("int1", [("P1", "alpha beta gamma"), ("P2", "alpha delta")]),
          ("int2", [("P3", "alpha beta epsilon")]),
          ("int3", [("P4", "beta zeta eta")]),
          ("int4", [("P5", "alpha gamma theta")]),
          ("int5", [("P6", "alpha beta delta iota")]),
          ("int6", [("P7", "alpha kappa")])]


def test_cli_saturation_by_participant_looks_ahead(capsys, tmp_path):
    """Issue 19 through the CLI, counted by participant: the look-ahead fields for the whole
    selection and per role (``roles``), as the library computes them."""
    from qualcode.analysis.outlook import look_ahead
    from qualcode.analysis.saturation import project_sequence

    db = str(tmp_path / "ahead.sqlite")
    project = Project(db)
    folder = tmp_path / "interviews"
    folder.mkdir()
    tops = {name: create_code(project, name).id for name in ("Work", "Life")}
    codes = {}
    for name, turns in SPOKEN:
        lines = ["Interviewer: Vertel eens?"]
        lines += [f"{who}: Ik vertel over {c}." for who, said in turns for c in said.split()]
        path = folder / f"{name}.txt"
        path.write_text("\n\n".join(lines) + "\n", encoding="utf-8")
        t = ingest_file(project, path)
        for who, said in turns:
            for c in said.split():
                if c not in codes:
                    top = tops["Work" if len(codes) % 2 == 0 else "Life"]
                    codes[c] = create_code(project, c, top).id
                start = t.text.index(f"{who}: Ik vertel over {c}.") + len(who) + 15
                add_coding(project, t.id, codes[c], start, start + len(c), coder="ab")
    project.close()
    for who in ("P4", "P6"):
        assert run(capsys, "--db", db, "cases", "role", who, "manager")[0] == 0
    assert run(capsys, "--db", db, "mark", "--all", "--status", "coded")[0] == 0
    code, out, err = run(capsys, "--db", db, "saturation", "--by", "participant", "--json",
                         "--bootstrap", "0", "--seed", "7")
    assert code == 0, err
    data = json.loads(out)
    people = [s["name"] for s in data["sequence"]]
    assert people == [f"P{i}" for i in range(1, 8)] and data["assessed"] == 7
    # alpha 6, beta 4, gamma 2, delta 2 and six singletons: S_obs 10, Q1 6, Q2 2, U 20
    s_obs, t, q1, q2, u = 10, 7, 6, 2, 20
    assert data["unseen"]["observed"] == s_obs
    acc = data["accumulation"]
    assert [r["interviews"] for r in acc] == list(range(1, t + 1))  # one per assessed person
    assert acc[0]["expected"] == pytest.approx(u / t, abs=1e-4) and acc[-1]["expected"] == s_obs
    assert all(a["expected"] < b["expected"] for a, b in zip(acc, acc[1:]))
    assert acc[-1]["sd"] == 0 and all(r["sd"] >= 0 for r in acc)
    est = data["estimators"]
    assert est["jack1"] == pytest.approx(s_obs + q1 * (t - 1) / t, abs=1e-4)
    assert min(est.values()) >= s_obs
    a = (t - 1) * q1 / ((t - 1) * q1 + 2 * q2)
    assert data["coverage"] == pytest.approx(1 - q1 / u * a, abs=1e-4)
    ext = data["extrapolation"]
    assert [r["interviews"] for r in ext] == list(range(t + 1, 2 * t + 1))
    assert all(s_obs <= r["expected"] <= s_obs + q1 * q1 / (2 * q2) for r in ext)
    assert all(r["ci_low"] <= r["expected"] <= r["ci_high"] for r in ext)
    assert all(data["coverage"] < r["coverage"] <= 1 for r in ext)
    more = data["more_interviews"]
    assert set(more) == {"concepts_90", "concepts_95", "coverage_95"}
    assert all(isinstance(v, int) and v > 0 for v in more.values())
    assert more["concepts_90"] <= more["concepts_95"]
    # per role: the same fields for the managers (P4, P6) and the other participants
    roles = {r["role"]: r for r in data["roles"]}
    assert set(roles) == {"manager", "participant"}
    assert (roles["manager"]["interviews"], roles["participant"]["interviews"]) == (2, 5)
    assert (roles["manager"]["observed"], roles["participant"]["observed"]) == (6, 7)
    for r in roles.values():
        assert set(r) == {"role", "interviews", "observed", "accumulation", "estimators",
                          "coverage", "extrapolation", "more_interviews"}
        assert [a["interviews"] for a in r["accumulation"]] == list(range(1, r["interviews"] + 1))
        assert r["accumulation"][-1]["expected"] == r["observed"]
        assert [x["interviews"] for x in r["extrapolation"]] == list(
            range(r["interviews"] + 1, 2 * r["interviews"] + 1))
        assert min(r["estimators"].values()) >= r["observed"]
        assert r["coverage"] is None or 0 <= r["coverage"] <= 1
        assert set(r["more_interviews"]) == {"concepts_90", "concepts_95", "coverage_95"}
    # the library's figures for the same people
    project = Project(db)
    sequence = project_sequence(project, by="participant")
    project.close()
    assert look_ahead([s[2] for s in sequence], seed=7).as_json() == {
        k: data[k] for k in ("accumulation", "estimators", "coverage", "extrapolation",
                             "more_interviews")}
    managers = look_ahead([s[2] for s in sequence if s[1] == "manager"], seed=7).as_json()
    assert {k: roles["manager"][k] for k in managers} == managers
    code, out, _ = run(capsys, "--db", db, "saturation", "--by", "participant")
    assert code == 0 and "role manager (2 interviews)" in out and "jackknife" in out
