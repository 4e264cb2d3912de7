from __future__ import annotations

import io
import subprocess
import sys

import docx

from qualcode.cli import main
from tests.conftest import ROOT
from tests.files import make_docx


def run(capsys, *args):
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_end_to_end(capsys, tmp_path):
    db = str(tmp_path / "cli.sqlite")
    code, out, err = run(capsys, "--db", db, "ingest", str(ROOT / "qualcode" / "demo_data" / "transcripts"))
    assert code == 0 and "10 added" in out and "10/10" in err  # progress bar on stderr
    code, out, _ = run(capsys, "--db", db, "codebook", "import",
                       str(ROOT / "qualcode" / "demo_data" / "codebooks" / "three-tensions.yaml"))
    assert code == 0 and "16 code(s) created" in out
    code, out, _ = run(capsys, "--db", db, "codes", "create", "Loyalty",
                       "--parent", "Conditions for success")
    assert code == 0
    assert run(capsys, "--db", db, "codes", "rename", "Conditions for success / Loyalty",
               "Ambassadorship")[0] == 0
    assert run(capsys, "--db", db, "codes", "move", "Ambassadorship", "--to", "Authenticity")[0] == 0
    code, out, _ = run(capsys, "--db", db, "codes", "merge", "Authenticity / Ambassadorship",
                       "Retention of pay")
    assert code == 0 and "merged" in out
    code, out, _ = run(capsys, "--db", db, "codebook", "list")
    assert "Loyalty" not in out and "Ambassadorship" not in out and "  Retention of pay" in out
    code, _out, err = run(capsys, "--db", db, "codes", "move", "No such code")
    assert code == 2 and "no code 'No such code'" in err
    out_yaml = tmp_path / "book.yaml"
    assert run(capsys, "--db", db, "codebook", "export", str(out_yaml))[0] == 0
    assert "Authenticiteit" in out_yaml.read_text(encoding="utf-8")
    out_qdc = tmp_path / "book.qdc"
    assert run(capsys, "--db", db, "codebook", "export", str(out_qdc))[0] == 0
    assert b"urn:QDA-XML:codebook:1.0" in out_qdc.read_bytes()
    other = str(tmp_path / "other.sqlite")
    code, out, _ = run(capsys, "--db", other, "codebook", "import", str(out_qdc))
    assert code == 0 and "16 code(s) created" in out

    interview = make_docx(tmp_path / "extra.docx", ["Interviewer: Vraag?", "P9: Antwoord."])
    code, out, _ = run(capsys, "--db", db, "ingest", str(interview), "--attr", "role=participant",
                       "--quiet")
    assert code == 0 and "added: extra" in out
    code, out, err = run(capsys, "--db", db, "ingest", str(interview), "--quiet")
    assert code == 0 and "duplicate" in out
    bad = tmp_path / "bad.docx"
    bad.write_bytes(b"nope")
    code, out, err = run(capsys, "--db", db, "ingest", str(bad), "--quiet")
    assert code == 1 and "not a valid Word .docx" in err
    code, out, _ = run(capsys, "--db", db, "transcripts")
    assert out.count("\n") == 11


def test_cli_demo_saturation_and_exports(capsys, tmp_path):
    db = str(tmp_path / "demo.sqlite")
    assert run(capsys, "--db", db, "demo")[0] == 0
    code, _out, err = run(capsys, "--db", db, "demo")
    assert code == 2 and "not empty" in err
    log = tmp_path / "log.csv"
    code, out, _ = run(capsys, "--db", db, "saturation", "--role", "participant", "--log", str(log))
    assert code == 0 and "4+2" in out
    assert log.read_text(encoding="utf-8").splitlines()[1].startswith("1,Interview 01 – P1,")
    report = tmp_path / "report.docx"
    assert run(capsys, "--db", db, "export", str(report), "--saturation-role", "participant")[0] == 0
    paragraphs = [p.text for p in docx.Document(io.BytesIO(report.read_bytes())).paragraphs]
    assert any("4+2" in p for p in paragraphs)
    text = "\n".join(c.text for t in docx.Document(io.BytesIO(report.read_bytes())).tables
                     for r in t.rows for c in r.cells)
    assert "brutale stop" in text
    for name in ("q.csv", "q.xlsx"):
        assert run(capsys, "--db", db, "export", str(tmp_path / name))[0] == 0
    code, _out, err = run(capsys, "--db", db, "export", str(tmp_path / "x.pdf"))
    assert code == 2 and "use .docx, .csv or .xlsx" in err


def test_console_script_is_installed(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "qualcode.cli", "--db", str(tmp_path / "x.sqlite"),
                           "transcripts"], capture_output=True, text=True, check=True)
    assert proc.stdout == ""


def test_ingest_points_project_files_to_import(capsys, tmp_path):
    qdpx = tmp_path / "study.qdpx"
    qdpx.write_bytes(b"PK\x05\x06" + b"\0" * 18)
    code, _out, err = run(capsys, "--db", str(tmp_path / "p.sqlite"), "ingest", str(qdpx),
                          "--quiet")
    assert code == 1 and "study.qdpx" in err and "qualcode import" in err


def test_word_export_streams_into_place(capsys, tmp_path):
    db = str(tmp_path / "demo.sqlite")
    assert run(capsys, "--db", db, "demo")[0] == 0
    report = tmp_path / "report.docx"
    report.write_bytes(b"an older report")
    assert run(capsys, "--db", db, "export", str(report), "--quotes")[0] == 0
    assert report.read_bytes()[:2] == b"PK"  # replaced whole by the new file
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []
    assert "brutale stop" in "\n".join(
        c.text for t in docx.Document(str(report)).tables for r in t.rows for c in r.cells)
