"""Inter-coder agreement on a real project: units, per-code and overall measures, the CLI
contract, blind coding, the consensus coder and the Word/XLSX tables."""

from __future__ import annotations

import io
import json

import docx
import numpy as np
import pytest
from openpyxl import load_workbook

from qualcode.analysis import reliability as rel
from qualcode.analysis.agreement import compute_agreement, disagreements
from qualcode.analysis.units import paragraph_spans, turn_spans
from qualcode.cli import main
from qualcode.coding.codes import create_code, find_code
from qualcode.coding.codings import add_coding, all_codings, codings_for_transcript
from qualcode.errors import QualcodeError, ValidationError
from qualcode.corpus import ingest_file
from qualcode.corpus.transcripts import get_transcript, get_turns

T1 = ("Interviewer: Hoe begon het? 🙂 𝒜𝒷𝒸\n"  # astral characters: one code point each
      "P1: Het begon slecht. Toen werd het beter.\n"
      "\n"
      "Interviewer: En daarna?\n"
      "P1: Daarna leerde ik veel. Ik bleef.\n")
T2 = ("Interviewer: Wat deed je?\n"
      "P2: Ik werkte hard.\n"
      "Interviewer: Waarom?\n"
      "P2: Voor het geld.\n")
T3 = ("Interviewer: Alleen ann las dit?\n"
      "P3: Ja, alleen ann.\n")


def span(text: str, needle: str) -> tuple[int, int]:
    start = text.index(needle)
    return start, start + len(needle)


class Study:
    """Two coders, ann and bob, on two transcripts; ann alone on a third."""

    def __init__(self, project):
        self.project = project
        self.t = {}
        for i, text in enumerate((T1, T2, T3), 1):
            self.t[i] = ingest_file(project, f"t{i}.txt", data=text.encode(),
                                    name=f"Interview {i}",
                                    attributes={"interview_order": i, "role": "participant"})
        self.a = create_code(project, "A")
        self.a1 = create_code(project, "A1", self.a.id)
        self.b = create_code(project, "B")
        self.text = {i: t.text for i, t in self.t.items()}  # canonical text as stored
        self.code("ann", 1, self.a, "Het begon slecht.")
        self.code("ann", 1, self.b, "Daarna leerde ik veel.")
        self.code("ann", 1, self.a, "Ik bleef.")
        self.code("bob", 1, self.a, "Het begon slecht. Toen werd het beter.")
        self.code("bob", 1, self.a, "Daarna leerde ik veel.")
        self.code("ann", 2, self.a, "Ik werkte hard.")
        self.code("ann", 2, self.b, "Voor het geld.")
        self.code("bob", 2, self.b, "Voor het geld.")
        self.code("ann", 3, self.a, "Ja, alleen ann.")

    def code(self, coder, t, code, needle):
        start, end = span(self.text[t], needle)
        return add_coding(self.project, self.t[t].id, code.id, start, end, coder=coder)


@pytest.fixture
def study(project):
    return Study(project)


def by_code(result):
    return {p["code"]: p for p in result.per_code}


def test_units():
    text = "Eerste alinea.\nNog een regel.\n  \t\nTweede alinea.\n\n\n  Derde.  "
    assert [text[s:e] for s, e in paragraph_spans(text)] == [
        "Eerste alinea.\nNog een regel.", "Tweede alinea.", "Derde."]
    assert paragraph_spans("   \n\n ") == []
    assert turn_spans([(5, 9), (0, 4), (8, 12)], 20) == [(0, 4), (5, 9), (9, 12)]
    assert turn_spans([], 7) == [(0, 7)]


def test_turn_units_per_code_and_overall(study):
    turns = get_turns(study.project, study.t[1].id)
    assert [T1[t.start:t.end] for t in turns][1] == "Het begon slecht. Toen werd het beter."
    result = compute_agreement(study.project, ["ann", "bob"], "turn")
    assert result.transcripts == ["Interview 1", "Interview 2"]
    assert result.skipped == ["Interview 3"]
    assert result.overall["units"] == 8
    codes = by_code(result)
    assert list(codes) == ["A", "B"]  # code-tree order; A1 unused
    # code A, turns in order (T1: 4 turns, T2: 4 turns), columns ann, bob
    a = np.array([[0, 0], [1, 1], [0, 0], [1, 1], [0, 0], [1, 0], [0, 0], [0, 0]])
    assert codes["A"]["percent_agreement"] == pytest.approx(7 / 8)
    assert codes["A"]["cohen_kappa"] == pytest.approx(rel.cohen_kappa(a)) == pytest.approx(20 / 28)
    assert codes["A"]["fleiss_kappa"] == pytest.approx(rel.fleiss_kappa(a))
    assert codes["A"]["krippendorff_alpha"] == pytest.approx(rel.krippendorff_alpha(a))
    assert codes["A"]["units_coded"] == 3
    b = np.array([[0, 0], [0, 0], [0, 0], [1, 0], [0, 0], [0, 0], [0, 0], [1, 1]])
    assert codes["B"]["cohen_kappa"] == pytest.approx(rel.cohen_kappa(b))
    # B: ann's T2 segment matches bob's and bob's matches ann's; ann's T1 segment has no match
    assert codes["B"]["segment_agreement"] == pytest.approx(2 / 3)
    assert -1 <= codes["B"]["unitized_alpha"] <= 1
    # across codes: T1 turn 4 has A and B from ann (left out, counted); T2 turn 2 only ann
    o = result.overall
    assert o["units_several_codes"] == 1
    assert o["units_compared"] == 2  # T1 turn 2 (A, A) and T2 turn 4 (B, B)
    assert o["percent_agreement"] == 1.0
    assert o["krippendorff_alpha"] == pytest.approx(1.0)


def test_character_units_count_characters(study):
    result = compute_agreement(study.project, ["ann", "bob"], "character")
    length = len(study.text[1]) + len(study.text[2])
    assert result.overall["units"] == length
    a = by_code(result)["A"]
    # ann only: "Ik bleef." 9 + "Ik werkte hard." 15; bob only: " Toen werd het beter." 21 +
    # "Daarna leerde ik veel." 22; both: "Het begon slecht." 17
    assert a["units_coded"] == 17 + 24 + 43
    assert a["percent_agreement"] == pytest.approx(1 - 67 / length)
    table = [[17, 24], [43, length - 84]]
    assert a["cohen_kappa"] == pytest.approx(rel.cohen_kappa_table(table))


def test_sentence_and_paragraph_units(study):
    found = disagreements(study.project, ["ann", "bob"], "sentence", code="A")
    texts = [study.text[1 if d.transcript == "Interview 1" else 2][d.start:d.end] for d in found]
    assert "Toen werd het beter." in texts
    assert all("Het begon slecht" not in t for t in texts)
    paragraphs = compute_agreement(study.project, ["ann", "bob"], "paragraph")
    assert paragraphs.overall["units"] == 2 + 1  # T1 has a blank line, T2 has none
    with pytest.raises(ValidationError, match="unknown unit"):
        compute_agreement(study.project, ["ann", "bob"], "page")


def test_code_filter_three_coders_and_bad_input(study):
    study.code("cyd", 1, study.a, "Het begon slecht.")
    study.code("cyd", 2, study.b, "Voor het geld.")
    result = compute_agreement(study.project, ["ann", "bob", "cyd"], "turn", code="A")
    assert [p["code"] for p in result.per_code] == ["A"]
    assert result.per_code[0]["cohen_kappa"] is None  # κ of Cohen only for two coders
    assert result.per_code[0]["fleiss_kappa"] is not None
    assert [p["coders"] for p in result.overall["pairwise"]] == [
        ["ann", "bob"], ["ann", "cyd"], ["bob", "cyd"]]
    from qualcode.export.docx_agreement import agreement_docx

    document = docx.Document(io.BytesIO(agreement_docx(result)))
    assert "Pairs of coders (across codes)" in [p.text for p in document.paragraphs]
    with pytest.raises(ValidationError, match="at least two"):
        compute_agreement(study.project, ["ann", "ann"], "turn")
    with pytest.raises(ValidationError, match="'zed' has no codings"):
        compute_agreement(study.project, ["ann", "zed"], "turn")
    with pytest.raises(QualcodeError, match="no code"):
        compute_agreement(study.project, ["ann", "bob"], "turn", code="Nope")


def test_disagreements_side_by_side(study):
    found = disagreements(study.project, ["ann", "bob"], "turn")
    # T1 turn 2: A / A agree; T1 turn 4: {A, B} vs {A}; T2 turn 2: {A} vs {}
    assert [(d.transcript, d.index) for d in found] == [("Interview 1", 3), ("Interview 2", 1)]
    first = found[0]
    assert first.codes_of("ann") == ["A", "B"] and first.codes_of("bob") == ["A"]
    assert T1[first.start:first.end] == "Daarna leerde ik veel. Ik bleef."


def test_cli_contract(capsys, tmp_path):
    from qualcode.store.project import Project

    db = tmp_path / "cli.sqlite"
    project = Project(db)
    Study(project)
    project.close()
    code = main(["--db", str(db), "agreement", "--coders", "ann", "bob", "--unit", "turn",
                 "--json"])
    out = capsys.readouterr().out
    assert code == 0 and out.count("\n") == 1
    data = json.loads(out)
    assert data["unit"] == "turn" and data["coders"] == ["ann", "bob"]
    assert set(data["overall"]) >= {"percent_agreement", "cohen_kappa", "fleiss_kappa",
                                    "krippendorff_alpha", "units"}
    assert data["overall"]["units"] == 8
    for entry in data["per_code"]:
        assert set(entry) >= {"code", "percent_agreement", "cohen_kappa", "krippendorff_alpha",
                              "unitized_alpha", "segment_agreement", "units_coded"}
    assert data["per_code"][0]["cohen_kappa"] == pytest.approx(20 / 28)
    code = main(["--db", str(db), "agreement", "--coders", "ann", "bob", "--unit", "character",
                 "--code", "B", "--json"])
    data = json.loads(capsys.readouterr().out)
    assert [p["code"] for p in data["per_code"]] == ["B"]
    # three coders: cohen_kappa is null
    project = Project(db)
    t1 = get_transcript(project, "Interview 1")
    add_coding(project, t1.id, find_code(project, "A").id, *span(T1, "Het begon slecht."),
               coder="cyd")
    project.close()
    main(["--db", str(db), "agreement", "--coders", "ann", "bob", "cyd", "--unit", "paragraph",
          "--json"])
    data = json.loads(capsys.readouterr().out)
    assert data["overall"]["cohen_kappa"] is None
    assert all(p["cohen_kappa"] is None for p in data["per_code"])
    # text output, files, and errors with exit code 2
    docx_path, xlsx_path = tmp_path / "a.docx", tmp_path / "a.xlsx"
    assert main(["--db", str(db), "agreement", "--coders", "ann", "bob", "--docx",
                 str(docx_path), "--xlsx", str(xlsx_path)]) == 0
    out = capsys.readouterr().out
    assert "Cohen κ" in out and "skipped" in out and docx_path.exists() and xlsx_path.exists()
    assert main(["--db", str(db), "agreement", "--coders", "ann", "--json"]) == 2
    assert "at least two" in capsys.readouterr().err
    # only some transcripts: the third (coded by ann alone) counts as uncoded by bob
    assert main(["--db", str(db), "agreement", "--coders", "ann", "bob", "--transcript",
                 "Interview 3", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["transcripts"] == ["Interview 3"] and data["skipped_transcripts"] == []
    assert data["per_code"][0]["percent_agreement"] == pytest.approx(1 / 2)
    assert main(["--db", str(db), "agreement", "--coders", "ann", "bob", "--transcript",
                 "Nope"]) == 2
    assert "no transcript 'Nope'" in capsys.readouterr().err


def test_blind_coding_filters_what_a_viewer_sees(study, capsys):
    from qualcode.coding.quotes import quote_rows
    from qualcode.store.settings import blind_coding, set_blind_coding

    project = study.project
    t1 = study.t[1].id
    everyone = codings_for_transcript(project, t1)
    assert {c.coder for c in everyone} == {"ann", "bob"}
    assert blind_coding(project) is False
    # blind off: a viewer sees everything
    assert len(codings_for_transcript(project, t1, viewer="ann")) == len(everyone)
    set_blind_coding(project, True)
    assert blind_coding(project) is True
    assert {c.coder for c in codings_for_transcript(project, t1, viewer="ann")} == {"ann"}
    assert {c.coder for c in all_codings(project, viewer="bob")} == {"bob"}
    assert {r.coder for r in quote_rows(project, viewer="bob")} == {"bob"}
    # no viewer (library, CLI, admin): everything, backward compatible
    assert len(codings_for_transcript(project, t1)) == len(everyone)
    assert {r.coder for r in quote_rows(project, coder="ann")} == {"ann"}
    with pytest.raises(ValidationError, match="blind coding is on"):
        disagreements(project, ["ann", "bob"], "turn", viewer="ann")
    from qualcode.coding.consensus import adopt_unit

    with pytest.raises(ValidationError, match="unblind"):
        adopt_unit(project, t1, 0, 10, "ann")
    # exports for a viewer
    from qualcode.export import codings_csv

    csv = codings_csv(project, viewer="ann").decode("utf-8-sig")
    assert "Daarna leerde ik veel." in csv and ",bob," not in csv
    set_blind_coding(project, False)
    assert len(disagreements(project, ["ann", "bob"], "turn", viewer="ann")) == 2


def test_consensus_adopt_discuss_and_export(study):
    from qualcode.analysis.saturation import project_saturation
    from qualcode.coding.consensus import adopt_coding, adopt_unit, discussion_memo, save_discussion
    from qualcode.export import codings_xlsx, theme_report_docx
    from qualcode.store.settings import CONSENSUS

    project = study.project
    first, second = disagreements(project, ["ann", "bob"], "turn")
    # adopt bob's coding of T1 turn 4 (A only), then change our mind to ann's (A and B)
    assert adopt_unit(project, first.transcript_id, first.start, first.end, "bob") == 1
    got = codings_for_transcript(project, first.transcript_id, coder=CONSENSUS)
    assert [(T1[c.start:c.end], c.code_id) for c in got] == [("Daarna leerde ik veel.",
                                                            study.a.id)]
    assert got[0].memo.startswith("adopted from bob")
    assert adopt_unit(project, first.transcript_id, first.start, first.end, "ann") == 2
    got = codings_for_transcript(project, first.transcript_id, coder=CONSENSUS)
    assert sorted(c.code_id for c in got) == sorted([study.a.id, study.b.id])
    # the second unit is agreed uncoded
    assert adopt_unit(project, second.transcript_id, second.start, second.end, None) == 0
    # one coding adopted on its own; twice is a no-op
    agreed = next(c for c in all_codings(project, coder="bob")
                  if T1[c.start:c.end].startswith("Het begon"))
    assert adopt_coding(project, agreed.id) is not None
    assert adopt_coding(project, agreed.id) is None
    memo = save_discussion(project, first.transcript_id, first.start, first.end,
                           "Ann's B fits: learning is mastery.", author="ann")
    save_discussion(project, first.transcript_id, first.start, first.end, "Agreed on A and B.")
    assert discussion_memo(project, first.transcript_id, first.start, first.end).id == memo.id
    assert discussion_memo(project, first.transcript_id, first.start,
                           first.end).body == "Agreed on A and B."
    # saturation and exports for the consensus coder
    result = project_saturation(project, base=1, run=1, coder=CONSENSUS)
    assert result.steps[0].concepts == {"A", "B"}
    sheet = load_workbook(io.BytesIO(codings_xlsx(project, coder=CONSENSUS))).active
    header = [c.value for c in sheet[1]]
    coder_col = header.index("coder")  # by name: the sheet's columns grow with new features
    assert {row[coder_col] for row in sheet.iter_rows(min_row=2, values_only=True)} == {CONSENSUS}
    agreement = compute_agreement(project, ["ann", CONSENSUS], "turn")
    report = docx.Document(io.BytesIO(theme_report_docx(project, coder=CONSENSUS,
                                                        agreement=agreement)))
    text = "\n".join(p.text for p in report.paragraphs)
    assert "Inter-coder agreement" in text
    cells = [c.text for t in report.tables for r in t.rows for c in r.cells]
    assert "Krippendorff's α (nominal)" in cells and "Percent agreement" in cells


def test_agreement_tables_word_and_xlsx(study):
    from qualcode.export.docx_agreement import agreement_docx
    from qualcode.export.xlsx_agreement import agreement_xlsx

    result = compute_agreement(study.project, ["ann", "bob"], "turn")
    document = docx.Document(io.BytesIO(agreement_docx(result)))
    rows = [[c.text for c in r.cells] for t in document.tables for r in t.rows]
    assert ["Cohen's κ", "1.000"] in rows  # across codes: (A, A) and (B, B)
    per_code = next(r for r in rows if r[0] == "A")
    assert per_code[1] == "3" and per_code[3] == f"{20 / 28:.3f}"
    book = load_workbook(io.BytesIO(agreement_xlsx(result)))
    assert book.sheetnames == ["Overall", "Per code", "Pairs", "Compared"]
    values = list(book["Per code"].iter_rows(values_only=True))
    assert values[1][0] == "A" and values[1][3] == pytest.approx(20 / 28)
    assert ("skipped (not coded by every coder)", "Interview 3") in list(
        book["Compared"].iter_rows(values_only=True))


def test_matches_brute_force_on_random_codings(sqlite_project):
    """Every unit kind against a plain per-unit computation, on random overlapping codings of
    three coders (with units several codes touch, and uncoded stretches)."""
    import random

    rng = random.Random(11)
    project = sqlite_project
    lines = []
    for i in range(30):
        lines.append(("Interviewer: " if i % 2 == 0 else "P1: ")
                     + " ".join(rng.choice(["ja", "nee", "werk", "leren", "oud", "nieuw"])
                                for _ in range(rng.randrange(3, 12))) + ".")
        if i % 7 == 6:
            lines.append("")
    transcripts = [ingest_file(project, f"r{n}.txt", data=("\n".join(lines[n:]) + "\n").encode(),
                               name=f"R{n}") for n in range(3)]
    codes = [create_code(project, f"K{i}") for i in range(4)]
    coders = ["x", "y", "z"]
    for t in transcripts:
        n = len(t.text)
        for _ in range(25):
            s = rng.randrange(0, n - 2)
            e = min(n, s + rng.randrange(1, 60))
            try:
                add_coding(project, t.id, rng.choice(codes).id, s, e, coder=rng.choice(coders))
            except QualcodeError:
                pass  # white space only, or the same coding twice
    codings = all_codings(project)
    for unit in ("turn", "paragraph", "character"):
        result = compute_agreement(project, coders, unit)
        spans = []
        for t in transcripts:
            if unit == "turn":
                spans += [(t.id, u.start, u.end) for u in get_turns(project, t.id)]
            elif unit == "paragraph":
                spans += [(t.id, s, e) for s, e in paragraph_spans(t.text)]
            else:
                spans += [(t.id, i, i + 1) for i in range(len(t.text))]

        def given(coder, tid, s, e):
            return {c.code_id for c in codings if c.coder == coder and c.transcript_id == tid
                    and c.start < e and c.end > s}

        sets = [[given(c, tid, s, e) for c in coders] for tid, s, e in spans]
        assert result.overall["units"] == len(spans)
        for entry in result.per_code:
            code_id = next(c.id for c in codes if c.name == entry["code"])
            values = np.array([[int(code_id in g) for g in row] for row in sets])
            assert entry["percent_agreement"] == pytest.approx(rel.percent_agreement(values))
            assert entry["krippendorff_alpha"] == pytest.approx(rel.krippendorff_alpha(values))
            assert entry["fleiss_kappa"] == pytest.approx(rel.fleiss_kappa(values))
            assert entry["units_coded"] == int((values.sum(axis=1) > 0).sum())
        several = [row for row in sets if any(len(g) > 1 for g in row)]
        assert result.overall["units_several_codes"] == len(several)
        rows = [[next(iter(g)) if len(g) == 1 else None for g in row] for row in sets
                if not any(len(g) > 1 for g in row)]
        values, _ = rel.reliability_matrix(rows)
        assert result.overall["krippendorff_alpha"] == pytest.approx(rel.krippendorff_alpha(values))
        assert result.overall["percent_agreement"] == pytest.approx(rel.percent_agreement(values))
        assert result.overall["fleiss_kappa"] == pytest.approx(rel.fleiss_kappa(values))
        assert result.overall["krippendorff_alpha"] is not None
        two = compute_agreement(project, ["x", "y"], unit)
        rows2 = [[next(iter(g)) if len(g) == 1 else None for g in row[:2]] for row in sets
                 if not any(len(g) > 1 for g in row[:2])]
        v2, _ = rel.reliability_matrix(rows2)
        assert two.overall["cohen_kappa"] == pytest.approx(rel.cohen_kappa(v2))
        assert two.overall["cohen_kappa"] is not None
        pair = result.overall["pairwise"][0]
        assert pair["coders"] == ["x", "y"] and len(result.overall["pairwise"]) == 3
        assert pair["cohen_kappa"] == pytest.approx(two.overall["cohen_kappa"])
        assert pair["krippendorff_alpha"] == pytest.approx(two.overall["krippendorff_alpha"])


def test_cli_blind_saturation_and_exports_for_the_consensus_coder(capsys, tmp_path):
    from qualcode.coding.consensus import adopt_unit
    from qualcode.store.project import Project

    db = tmp_path / "consensus.sqlite"
    project = Project(db)
    Study(project)
    first = disagreements(project, ["ann", "bob"], "turn")[0]
    adopt_unit(project, first.transcript_id, first.start, first.end, "ann")
    project.close()
    assert main(["--db", str(db), "blind"]) == 0
    assert capsys.readouterr().out.strip() == "blind coding is off"
    assert main(["--db", str(db), "blind", "on"]) == 0
    assert capsys.readouterr().out.strip() == "blind coding is on"
    assert main(["--db", str(db), "saturation", "--coder", "consensus", "--base", "1",
                 "--run", "1"]) == 0
    out = capsys.readouterr().out
    assert "Interview 1" in out and "A; B" in out and "Interview 2" not in out.split("\n")[0]
    csv_path = tmp_path / "consensus.csv"
    assert main(["--db", str(db), "export", str(csv_path), "--coder", "consensus"]) == 0
    rows = csv_path.read_text(encoding="utf-8-sig").splitlines()
    assert len(rows) == 3 and all(",consensus," in r for r in rows[1:])
    report = tmp_path / "report.docx"
    assert main(["--db", str(db), "export", str(report), "--agreement-coders", "ann", "bob"]) == 0
    document = docx.Document(io.BytesIO(report.read_bytes()))
    assert "Inter-coder agreement" in [p.text for p in document.paragraphs]
