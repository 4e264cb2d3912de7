"""The CLI contracts of issue 10, through qualcode.cli.main."""

from __future__ import annotations

import io
import json

import docx
from openpyxl import load_workbook

from qualcode.cli import main
from qualcode.coding.codings import all_codings
from qualcode.store.project import Project
from tests.analysis_fixtures import code_text, make_project


def run(capsys, *args):
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def _db(tmp_path):
    path = tmp_path / "cli.sqlite"
    project = Project(path)
    made = make_project(project, tmp_path)
    t, c = made["transcripts"], made["codes"]
    code_text(project, t["Interview A"], c["Learning"], "Ik leer elke week 𝒜 iets bij.")
    code_text(project, t["Interview A"], c["Pay"], "Het loon blijft hetzelfde.")
    code_text(project, t["Interview B"], c["Learning"], "Ik leerde nieuwe dingen")
    code_text(project, t["Interview B"], c["Pay"], "het loon bleef gelijk")
    code_text(project, t["Interview C"], c["Pay"], "The pay stayed with the bank.")
    project.close()
    return str(path), made


def test_search_json_contract(capsys, tmp_path):
    db, made = _db(tmp_path)
    code, out, _ = run(capsys, "--db", db, "search", "leer", "--json")
    hits = json.loads(out)
    assert code == 0 and len(hits) == 3
    a = made["transcripts"]["Interview A"]
    for hit in hits:
        assert {"transcript", "start", "end", "text", "speaker"} <= set(hit)
        assert "coded" not in hit
    assert hits[0]["transcript"] == "Interview A" and hits[0]["speaker"] == "P1"
    assert a.text[hits[0]["start"]:hits[0]["end"]] == hits[0]["text"] == "leer"
    code, out, _ = run(capsys, "--db", db, "search", r"leer\w+|learn\w*", "--regex", "--json")
    assert [h["text"] for h in json.loads(out)] == ["leerde", "learned", "Learning", "learning"]
    code, out, _ = run(capsys, "--db", db, "search", "werken", "--stem", "--json")
    assert {h["text"] for h in json.loads(out)} == {"werk", "werken"}
    code, out, _ = run(capsys, "--db", db, "search", "leer", "--word", "--where",
                       "role=participant", "--json")
    assert [h["text"] for h in json.loads(out)] == ["leer", "leer"]
    code, out, _ = run(capsys, "--db", db, "search", "loon", "--where", "role=manager", "--json")
    assert json.loads(out) == []
    code, out, _ = run(capsys, "--db", db, "search", "leer", "--word")  # KWIC lines
    assert code == 0 and "[leer]" in out and "2 hit(s) in 1 interview(s)" in out


def test_search_and_code_contract(capsys, tmp_path):
    db, made = _db(tmp_path)
    before = len(all_codings(Project(db)))
    code, out, _ = run(capsys, "--db", db, "search", "leer", "--word", "--code", "Manager",
                       "--span", "sentence", "--dry-run", "--json")
    assert [h["coded"] for h in json.loads(out)] == [False, False]
    assert len(all_codings(Project(db))) == before
    code, out, _ = run(capsys, "--db", db, "search", "leer", "--word", "--code", "Manager",
                       "--span", "sentence", "--json")
    hits = json.loads(out)
    assert code == 0 and [h["coded"] for h in hits] == [True, True]
    a = made["transcripts"]["Interview A"]
    assert a.text[hits[1]["coded_start"]:hits[1]["coded_end"]] == "Ik leer veel van haar."
    code, out, _ = run(capsys, "--db", db, "search", "leer", "--word", "--code", "Manager",
                       "--span", "sentence", "--json")
    assert [h["coded"] for h in json.loads(out)] == [False, False]  # already there
    code, out, _ = run(capsys, "--db", db, "search", "pay", "--code", "Manager", "--span",
                       "turn", "--coder", "AB", "--json")
    assert json.loads(out)[0]["coded"] is True
    assert len(all_codings(Project(db))) == before + 3
    code, _out, err = run(capsys, "--db", db, "search", "x", "--code", "Nope", "--json")
    assert code == 2 and "no code 'Nope'" in err
    code, _out, err = run(capsys, "--db", db, "search", "(", "--regex", "--json")
    assert code == 2 and "not a valid regular expression" in err


def test_cooccurrence_contract(capsys, tmp_path):
    db, _made = _db(tmp_path)
    code, out, _ = run(capsys, "--db", db, "cooccurrence", "--json")
    assert code == 0 and json.loads(out) == []  # nothing overlaps
    code, out, _ = run(capsys, "--db", db, "cooccurrence", "--unit", "turn", "--json")
    rows = json.loads(out)
    assert [{k: r[k] for k in ("a", "b", "count", "c_coefficient")} for r in rows] == [
        {"a": "Learning", "b": "Pay", "count": 2, "c_coefficient": round(2 / 3, 4)}]
    code, out, _ = run(capsys, "--db", db, "cooccurrence", "--unit", "sentence", "--json")
    assert [(r["a"], r["b"], r["count"]) for r in json.loads(out)] == [("Learning", "Pay", 1)]
    code, out, _ = run(capsys, "--db", db, "cooccurrence", "--unit", "paragraph", "--where",
                       "role=participant", "--json")
    assert json.loads(out)[0]["count"] == 1
    xlsx = tmp_path / "co.xlsx"
    code, out, _ = run(capsys, "--db", db, "cooccurrence", "--unit", "turn", "--xlsx", str(xlsx))
    assert code == 0 and load_workbook(xlsx).sheetnames[:2] == ["Counts", "C-coefficient"]


def test_matrix_contract(capsys, tmp_path):
    db, _made = _db(tmp_path)
    code, out, _ = run(capsys, "--db", db, "matrix", "--by", "role", "--json")
    rows = json.loads(out)
    assert code == 0
    assert [{k: r[k] for k in ("code", "value", "count", "transcripts")} for r in rows] == [
        {"code": "Learning", "value": "participant", "count": 2, "transcripts": 2},
        {"code": "Pay", "value": "manager", "count": 1, "transcripts": 1},
        {"code": "Pay", "value": "participant", "count": 2, "transcripts": 2}]
    code, out, _ = run(capsys, "--db", db, "matrix", "--by", "interview", "--json")
    assert {r["value"] for r in json.loads(out)} == {"Interview A", "Interview B", "Interview C"}
    out_docx, out_xlsx = tmp_path / "m.docx", tmp_path / "m.xlsx"
    code, out, err = run(capsys, "--db", db, "matrix", "--by", "role", "--docx", str(out_docx),
                         "--xlsx", str(out_xlsx), "--cell", "quotes", "--json")
    assert code == 0 and json.loads(out) and "wrote" in err
    table = docx.Document(io.BytesIO(out_docx.read_bytes())).tables[0]
    assert "“The pay stayed with the bank.”" in table.rows[2].cells[1].text
    assert load_workbook(out_xlsx)["Counts"]["B1"].value == "manager"
    code, _out, err = run(capsys, "--db", db, "matrix", "--by", "site", "--json")
    assert code == 2 and "no transcript has the attribute 'site'" in err


def test_autocode_compare_and_memos(capsys, tmp_path):
    db, _made = _db(tmp_path)
    code, out, _ = run(capsys, "--db", db, "autocode", "Manager", "--where", "role=manager",
                       "--json")
    assert [(r["speaker"], r["coded"]) for r in json.loads(out)] == [("M1", True), ("M1", True)]
    code, out, _ = run(capsys, "--db", db, "autocode", "Manager", "--speaker", "p2")
    assert "1 turn(s); 1 new coding(s)" in out
    code, _out, err = run(capsys, "--db", db, "autocode", "Manager")
    assert code == 2 and "--speaker" in err
    code, out, _ = run(capsys, "--db", db, "compare", "Pay", "--by", "role", "--json")
    groups = json.loads(out)
    assert [(g["value"], len(g["incidents"])) for g in groups] == [("manager", 1),
                                                                   ("participant", 2)]
    code, out, _ = run(capsys, "--db", db, "memos", "add", "Pay matters", "--type", "theoretical",
                       "--body", "security", "--link", "code:Pay", "--link",
                       "transcript:Interview A", "--link", "coding:1")
    assert code == 0 and "memo 1 saved" in out
    code, out, _ = run(capsys, "--db", db, "memos", "add", "Follow-up", "--link", "memo:1")
    code, out, _ = run(capsys, "--db", db, "memos", "link", "2", "code:Learning")
    assert out.strip() == "linked"
    code, out, _ = run(capsys, "--db", db, "memos", "--json")
    memos = {m["title"]: m for m in json.loads(out)}
    assert [ln["kind"] for ln in memos["Pay matters"]["links"]] == [
        "code", "transcript", "coding", "memo"]  # in the order made; then the back-link
    assert memos["Pay matters"]["type"] == "theoretical"
    md = tmp_path / "memos.md"
    code, out, _ = run(capsys, "--db", db, "memos", "export", str(md), "--language", "nl")
    assert code == 0 and md.read_text(encoding="utf-8").startswith("# Memo's")
    code, out, _ = run(capsys, "--db", db, "memos", "export", str(tmp_path / "m.docx"))
    assert code == 0 and (tmp_path / "m.docx").exists()
    code, _out, err = run(capsys, "--db", db, "memos", "add", "x", "--link", "page:1")
    assert code == 2 and "--link takes" in err
    report = tmp_path / "report.docx"
    code, out, _ = run(capsys, "--db", db, "export", str(report), "--language", "nl", "--memos")
    texts = [p.text for p in docx.Document(io.BytesIO(report.read_bytes())).paragraphs]
    assert texts[0] == "Themarapport" and "Memo's" in texts and "Pay matters" in texts
