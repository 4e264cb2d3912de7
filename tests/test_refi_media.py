"""REFI-QDA with recordings: a transcript with its spoken recording (espeak-ng + sox) goes out
as an AudioSource holding the file, its Transcript, SyncPoints and TranscriptSelections (valid
against Project-mrt2019.xsd) and comes back with the recording, the turn times and the codings;
an AudioSelection (a time range of the recording) becomes a passage of its transcript."""

from __future__ import annotations

import hashlib
import io
import zipfile

import pytest
from lxml import etree

from qualcode.coding.codes import create_code
from qualcode.coding.codings import add_coding, all_codings
from qualcode.coding.quotes import quote_rows
from qualcode.corpus import ingest_file
from qualcode.corpus.media import attach_media, media_of
from qualcode.corpus.timing import stamp_turn
from qualcode.corpus.transcripts import get_transcript, get_turns, list_transcripts
from qualcode.exchange.refi_read import import_qdpx
from qualcode.exchange.refi_write import export_qdpx
from qualcode.store.project import Project
from tests.recordings import SENTENCES, require_tools, spoken, vtt
from tests.refi_schemas import schema as refi_schema

NS = "urn:QDA-XML:project:1.0"
TYPED = ("Interviewer: Welcome, and thank you for taking part.\n"
         "Ben: I started at the hospital ten years ago.\n"
         "Interviewer: What changed for you since then?\n"
         "Ben: The pressure grew, but my colleagues stayed.\n")


@pytest.fixture(scope="module")
def wav(tmp_path_factory):
    require_tools()
    return spoken(tmp_path_factory.mktemp("refi_media") / "P3.wav", SENTENCES)


def _project_with_recordings(project, wav):
    timed = ingest_file(project, "P3.vtt", data=vtt(SENTENCES).encode(), name="P3")
    typed = ingest_file(project, "P4.txt", data=TYPED.encode(), name="P4")
    attach_media(project, timed.id, wav)
    attach_media(project, typed.id, wav, name="P4.wav")
    turns = get_turns(project, typed.id)
    stamp_turn(project, typed.id, turns[2].start, 6.0)  # one stamp, the rest interpolated
    code = create_code(project, "Pressure")
    for t in (timed, typed):
        text = get_transcript(project, t.id).text
        i = text.index("The pressure grew")
        add_coding(project, t.id, code.id, i, i + len("The pressure grew"), coder="kb",
                   memo="tone!")
        j = text.index("ten years")
        add_coding(project, t.id, code.id, j, j + len("ten years"), coder="kb")
    return timed, typed


def test_a_project_with_recordings_goes_out_and_comes_back(sqlite_project, tmp_path, wav):
    timed, typed = _project_with_recordings(sqlite_project, wav)
    data = export_qdpx(sqlite_project, "recorded")
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        doc = etree.fromstring(z.read("project.qde"))
        inside = {n: z.read(n) for n in z.namelist() if n.endswith(".wav")}
    schema = refi_schema("Project-mrt2019.xsd")
    assert schema.validate(doc), schema.error_log
    q = lambda path: doc.xpath(path, namespaces={"q": NS})  # noqa: E731
    assert len(q("//q:AudioSource")) == 2 and not q("//q:TextSource")
    assert list(inside.values()) == [wav.read_bytes()] * 2
    p3 = q("//q:AudioSource[@name='P3']/q:Transcript")[0]
    stamps = {int(sp.get("position")): int(sp.get("timeStamp")) for sp in q(
        "//q:AudioSource[@name='P3']/q:Transcript/q:SyncPoint")}
    text = get_transcript(sqlite_project, timed.id).text
    assert [stamps[t.start] for t in get_turns(sqlite_project, timed.id)] == [0, 3000, 6000,
                                                                               9000]
    assert len(p3.findall(f"{{{NS}}}TranscriptSelection")) == 2
    i = text.index("The pressure grew")
    assert stamps[i] >= 9000  # the quote's time, within its turn

    other = Project(tmp_path / "back.sqlite")
    try:
        report = import_qdpx(other, data, "recorded.qdpx")
        assert report.counts["recordings"] == 2, report
        back = {t.name: t for t in list_transcripts(other)}
        assert set(back) == {"P3", "P4"}
        for name, original in (("P3", timed), ("P4", typed)):
            t = back[name]
            assert t.text == get_transcript(sqlite_project, original.id).text
            info = media_of(other, t.id)
            assert info.name == f"{name}.wav" and info.sha256 == hashlib.sha256(
                wav.read_bytes()).hexdigest()
            assert [x.time_start for x in get_turns(other, t.id)] == [
                x.time_start for x in get_turns(sqlite_project, original.id)]
        assert len(all_codings(other)) == 4

        def rows(project):
            return sorted((r.transcript, r.quote, r.memo, r.time, r.time_interpolated)
                          for r in quote_rows(project))

        assert rows(other) == rows(sqlite_project)
    finally:
        other.close()


def test_export_streams_into_a_file_and_can_leave_recordings_out(sqlite_project, tmp_path,
                                                                 wav):
    _project_with_recordings(sqlite_project, wav)
    target = tmp_path / "out.qdpx"
    assert export_qdpx(sqlite_project, "recorded", out=target) is None
    with zipfile.ZipFile(target) as z:
        assert sum(n.endswith(".wav") for n in z.namelist()) == 2
    bare = export_qdpx(sqlite_project, "recorded", recordings=False)
    with zipfile.ZipFile(io.BytesIO(bare)) as z:
        assert not any(n.endswith(".wav") for n in z.namelist())
        assert b"AudioSource" not in z.read("project.qde")


def test_an_audio_selection_becomes_a_passage_and_a_bad_recording_is_reported(
        sqlite_project, wav):
    text = TYPED
    spans = [text.index(line) for line in text.splitlines()]
    points = "".join(f'<SyncPoint guid="00000000-0000-4000-8000-0000000001{i:02d}" '
                     f'position="{pos}" timeStamp="{i * 3000}"/>' for i, pos in enumerate(spans))
    qde = f"""<Project xmlns="{NS}" name="av" origin="some tool">
  <CodeBook><Codes><Code guid="00000000-0000-4000-8000-000000000001" name="Change"
     isCodable="true"/></Codes></CodeBook>
  <Sources>
   <AudioSource guid="00000000-0000-4000-8000-000000000002" name="Interview B"
      path="internal://b.wav">
    <Transcript guid="00000000-0000-4000-8000-000000000003" name="b.txt"
       plainTextPath="internal://b.txt">{points}</Transcript>
    <AudioSelection guid="00000000-0000-4000-8000-000000000004" begin="6000" end="9000">
      <Coding guid="00000000-0000-4000-8000-000000000005">
        <CodeRef targetGUID="00000000-0000-4000-8000-000000000001"/></Coding></AudioSelection>
   </AudioSource>
   <AudioSource guid="00000000-0000-4000-8000-000000000012" name="Interview C"
      path="internal://c.mp3">
    <Transcript guid="00000000-0000-4000-8000-000000000013" name="c.txt">
      <PlainTextContent>Anna: a second interview</PlainTextContent></Transcript>
   </AudioSource>
  </Sources></Project>"""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("project.qde", qde)
        z.writestr("sources/b.txt", text)
        z.writestr("sources/b.wav", wav.read_bytes())
        z.writestr("sources/c.mp3", b"not an mp3 at all")
    report = import_qdpx(sqlite_project, out.getvalue(), "av.qdpx")
    t = {x.name: x for x in list_transcripts(sqlite_project)}
    assert media_of(sqlite_project, t["Interview B"].id).name == "Interview B.wav"
    assert [x.time_start for x in get_turns(sqlite_project, t["Interview B"].id)] == [
        0.0, 3.0, 6.0, 9.0]
    [coding] = all_codings(sqlite_project)
    # 6–9 s: from the sync point of the third line to that of the fourth
    assert text[coding.start:coding.end] == "Interviewer: What changed for you since then?"
    assert "1 time selection(s) of recordings" in "\n".join(report.came_in)
    # the broken recording: named in a warning; its transcript came in all the same
    assert media_of(sqlite_project, t["Interview C"].id) is None
    assert any("'Interview C.mp3': not an audio or video file" in w for w in report.warnings)


def test_cli_export_and_import_keep_the_recording(tmp_path, wav, capsys):
    from qualcode.cli import main

    db = str(tmp_path / "cli.sqlite")
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "P3.vtt").write_text(vtt(SENTENCES), encoding="utf-8")
    (folder / "P3.wav").write_bytes(wav.read_bytes())
    assert main(["--db", db, "ingest", "--quiet", str(folder)]) == 0
    out = tmp_path / "p.qdpx"
    assert main(["--db", db, "export", str(out)]) == 0
    with zipfile.ZipFile(out) as z:
        assert any(n.endswith(".wav") for n in z.namelist())
    assert main(["--db", db, "export", str(tmp_path / "bare.qdpx"), "--no-recordings"]) == 0
    with zipfile.ZipFile(tmp_path / "bare.qdpx") as z:
        assert not any(n.endswith(".wav") for n in z.namelist())
    capsys.readouterr()
    other = str(tmp_path / "other.sqlite")
    assert main(["--db", other, "import", str(out)]) == 0
    capsys.readouterr()
    assert main(["--db", other, "transcripts", "--json"]) == 0
    import json

    [row] = json.loads(capsys.readouterr().out)
    assert (row["name"], row["media"], row["timed_turns"]) == ("P3", "P3.wav", 4)
