"""Names and numbers at the door (issue 16, item 9): CR, LF and bidi overrides out of names,
the CLI's progress bar and messages escape terminal controls, impossible caption times and
reversed cues refused with the cue number."""

from __future__ import annotations

import pytest

from qualcode.cli import main
from qualcode.corpus.transcripts import add_transcript, list_transcripts, update_transcript
from qualcode.coding.codes import create_code
from qualcode.errors import IngestError
from qualcode.ingest import read_document
from qualcode.store.project import Project

EVIL = "inter\rview\n2\u202egpj.exe\u2066x\u2069"


def test_names_are_one_line_without_bidi_controls(tmp_path):
    project = Project(tmp_path / "n.sqlite")
    t = add_transcript(project, read_document("a.txt", b"P1: words\n"), EVIL)
    assert t.name == "inter view 2gpj.exex"
    update_transcript(project, t.id, name="renamed\u202e\r\nagain")
    assert list_transcripts(project)[0].name == "renamed again"
    assert create_code(project, "code\u202ename\nx").name == "codename x"
    project.close()


def test_cli_progress_and_messages_escape_terminal_controls(tmp_path, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "evil\x1b[2J\x1b]0;owned\x07.txt").write_bytes(b"P1: hello there\n")
    (folder / "bad\x1b[31m.txt").write_bytes(b"")
    assert main(["--db", str(tmp_path / "p.sqlite"), "ingest", str(folder)]) in (0, 1, 2)
    out = capsys.readouterr()
    assert "\x1b" not in out.out and "\x1b" not in out.err and "\x07" not in out.err
    assert "\\x1b[2J" in out.err or "\\x1b[2J" in out.out


@pytest.mark.parametrize("body,says", [
    ("00:00:01.000 --> 00:00:02.000\nA: ok\n\n"
     "1000000000000000000000:00:00.000 --> 1000000000000000000000:00:01.000\nA: far\n",
     "caption cue 2 (line 6): the time"),
    ("00:00:05.000 --> 00:00:03.000\nA: back\n", "caption cue 1 (line 3): it ends"),
    ("00:00:75.000 --> 00:01:03.000\nA: x\n", "caption cue 1 (line 3): '00:00:75.000' has"),
])
def test_impossible_caption_times_are_refused_with_the_cue_number(body, says):
    with pytest.raises(IngestError, match=r"c\.vtt: " + __import__("re").escape(says)):
        read_document("c.vtt", ("WEBVTT\n\n" + body).encode())


def test_srt_with_normal_times_still_reads():
    doc = read_document("c.srt", b"1\n00:00:01,000 --> 00:00:02,500\nAnna: hallo\n\n"
                                  b"2\n00:00:03,000 --> 00:00:04,000\nBen: hoi\n")
    assert "Anna: hallo" in doc.text
