"""The coded transcript on paper (issue 17 items 7 and 11): a real .docx read back with
python-docx; the CLI contract ``qualcode export FILE.docx --transcript NAME``."""

from __future__ import annotations

import io

import docx
import pytest
from docx.oxml.ns import qn

from qualcode.cli import main
from qualcode.coding.codes import create_code
from qualcode.coding.codings import add_coding
from qualcode.corpus import ingest_file
from qualcode.export.docx_transcript import coded_transcript_docx
from qualcode.store.project import Project

VTT = """WEBVTT

00:00:01.000 --> 00:00:04.000
<v Interviewer>Hoe begon het? 😀

00:01:05.500 --> 00:01:09.000
<v P3>Ik stond op het punt te stoppen. Toen kwam de vacature.

00:02:10.000 --> 00:02:15.000
<v P3>Nu leer ik elke dag iets nieuws.
"""


@pytest.fixture
def coded(tmp_path):
    project = Project(tmp_path / "p.sqlite")
    t = ingest_file(project, "p3.vtt", data=VTT.encode(), name="Interview P3")
    a = create_code(project, "Authenticity", color="#e57373")
    b = create_code(project, "Mastery", color="#64b5f6")
    sub = create_code(project, "Trial: learning anew", b.id)
    text = t.text

    def code(code, needle, coder="an", memo=""):
        i = text.index(needle)
        return add_coding(project, t.id, code.id, i, i + len(needle), coder=coder, memo=memo)

    code(a, "Ik stond op het punt te stoppen. Toen kwam", memo="keerpunt <b>niet</b> html")
    code(sub, "Toen kwam de vacature.")
    code(sub, "Nu leer ik elke dag iets nieuws.", coder="bo", memo="leren")
    yield project, t
    project.close()


def _read(data: bytes):
    return docx.Document(io.BytesIO(data))


def test_every_line_beside_its_codes(coded):
    project, t = coded
    document = _read(coded_transcript_docx(project, t.name))
    assert document.paragraphs[0].text == "Interview P3"
    legend, table = document.tables
    assert [r.cells[1].text for r in legend.rows] == [
        "Authenticity (1)", "Mastery / Trial: learning anew (2)"]
    body = table.rows[1:]
    lines = [line for line in t.text.split("\n") if line.strip()]
    # the text, line by line, without the numbers and time codes added
    def plain(cell):
        runs = cell.paragraphs[0].runs
        return "".join(r.text for r in runs if not r.font.superscript
                       and not r.text.startswith("["))
    assert [plain(r.cells[0]) for r in body] == lines
    by_line = {plain(r.cells[0]): r for r in body}
    stop = next(line for line in lines if "stond op het punt" in line)
    margin = by_line[stop].cells[1].text
    assert "Authenticity · an" in margin and "Mastery / Trial: learning anew · an" in margin
    learn = next(line for line in lines if "Nu leer ik" in line)
    assert "Trial: learning anew · bo" in by_line[learn].cells[1].text
    # time codes before the turns, speaker labels bold, coded runs shaded
    assert by_line[stop].cells[0].paragraphs[0].runs[0].text == "[00:01:05] "
    runs = by_line[stop].cells[0].paragraphs[0].runs
    assert any(r.bold and r.text.startswith("P3") for r in runs)
    shaded = [r for r in runs if r._r.find(qn("w:rPr")) is not None
              and r._r.find(qn("w:rPr")).find(qn("w:shd")) is not None]
    assert "".join(r.text for r in shaded) == ("Ik stond op het punt te stoppen. Toen kwam de "
                                               "vacature.Nu leer ik elke dag iets nieuws.")
    # the memos as comments, as text (never markup)
    comments = {c.text for c in document.comments}
    assert comments == {"1. Authenticity: keerpunt <b>niet</b> html",
                        "3. Mastery / Trial: learning anew: leren"}


def test_only_one_coder_and_no_codings(coded):
    project, t = coded
    document = _read(coded_transcript_docx(project, t.id, coder="bo"))
    assert [r.cells[1].text for r in document.tables[0].rows] == [
        "Mastery / Trial: learning anew (1)"]
    empty = ingest_file(project, "e.txt", data=b"P1: niets gecodeerd.\n", name="Leeg")
    document = _read(coded_transcript_docx(project, empty.id))
    assert "No codings." in [p.text for p in document.paragraphs]
    assert document.tables[0].rows[1].cells[0].text == "P1: niets gecodeerd."


def test_cli_export_transcript(coded, tmp_path, capsys):
    project, t = coded
    db = str(project.url).replace("sqlite:///", "")
    out = tmp_path / "coded.docx"
    assert main(["--db", db, "export", str(out), "--transcript", "Interview P3"]) == 0
    assert f"wrote {out}" in capsys.readouterr().out
    document = docx.Document(str(out))
    assert document.paragraphs[0].text == "Interview P3" and len(document.comments) == 2
    assert main(["--db", db, "export", str(out), "--transcript", "Interview P3",
                 "--coder", "bo"]) == 0
    assert len(docx.Document(str(out)).comments) == 1
    capsys.readouterr()
    assert main(["--db", db, "export", str(tmp_path / "x.docx"), "--transcript", "Nope"]) == 2
    assert "no transcript 'Nope'" in capsys.readouterr().err
    assert not (tmp_path / "x.docx").exists() and not (tmp_path / "x.docx.part").exists()
    assert main(["--db", db, "export", str(tmp_path / "x.csv"), "--transcript", "Interview P3"]) == 2
    assert "name a .docx file" in capsys.readouterr().err
