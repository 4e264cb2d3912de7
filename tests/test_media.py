"""Recordings beside transcripts: real spoken audio made with espeak-ng and sox, stored in the
project's media folder, type- and size-checked, served by permission; turn times, interpolation,
stamps and quote times; the ``qualcode media`` / ``transcripts --json`` / ``ingest`` contract."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from types import SimpleNamespace

import pytest

from qualcode.cli import main
from qualcode.coding.codes import create_code
from qualcode.coding.codings import add_coding
from qualcode.coding.quotes import quote_rows
from qualcode.corpus import ingest_file
from qualcode.corpus.media import (attach_media, detach_media, media_folder, media_of,
                                   media_names, sniff)
from qualcode.corpus.timing import stamp_turn, time_at, transcript_times, turn_times
from qualcode.corpus.transcripts import get_transcript, get_turns, transcript_overview
from qualcode.errors import PermissionDenied, ValidationError
from qualcode.store.models import Media
from qualcode.store.permissions import NOBODY, Actor
from qualcode.store.project import Project
from tests.recordings import SENTENCES, require_tools, spoken, vtt


@pytest.fixture(scope="module")
def recordings(tmp_path_factory):
    require_tools()
    folder = tmp_path_factory.mktemp("recordings")
    wav = spoken(folder / "P3.wav", SENTENCES)
    return SimpleNamespace(folder=folder, wav=wav, ogg=spoken(folder / "P3.ogg", SENTENCES[:2]),
                           mp3=spoken(folder / "P3.mp3", SENTENCES[:2]))


def _transcript(project, tmp_path, name="P3"):
    path = tmp_path / f"{name}.vtt"
    path.write_text(vtt(SENTENCES), encoding="utf-8")
    return ingest_file(project, path)


@pytest.fixture
def media_env(tmp_path, monkeypatch):
    monkeypatch.setenv("QUALCODE_MEDIA_DIR", str(tmp_path / "shared-media"))


def test_attach_stores_the_file_in_the_media_folder_not_the_database(project, tmp_path,
                                                                     recordings, media_env):
    t = _transcript(project, tmp_path)
    info = attach_media(project, "P3", recordings.wav)
    data = recordings.wav.read_bytes()
    assert info.kind == "audio" and info.content_type == "audio/wav"
    assert info.size == len(data) and info.sha256 == hashlib.sha256(data).hexdigest()
    assert abs(info.duration - 12.0) < 0.1  # four sentences of 3 s
    assert info.path.read_bytes() == data and info.path.parent.parent == media_folder(project)
    if project.is_sqlite:  # beside the database file
        assert media_folder(project) == tmp_path / "project.sqlite-media"
    else:
        assert media_folder(project) == tmp_path / "shared-media"
    with project.reading() as s:
        row = s.query(Media).one()
        assert (row.name, row.path, row.size) == ("P3.wav", info.relative_path, len(data))
        assert not any(isinstance(v, bytes) for v in vars(row).values())
    assert media_names(project) == {t.id: "P3.wav"}
    assert media_of(project, t.id).path == info.path


def test_ogg_and_mp3_are_recognised_by_their_bytes(sqlite_project, tmp_path, recordings):
    _transcript(sqlite_project, tmp_path)
    assert attach_media(sqlite_project, "P3", recordings.ogg).content_type == "audio/ogg"
    info = attach_media(sqlite_project, "P3", recordings.mp3)
    assert info.content_type == "audio/mpeg" and abs(info.duration - 6.0) < 0.2
    # the ogg it replaced is gone from the folder: nothing else uses it
    files = [p for p in media_folder(sqlite_project).rglob("*") if p.is_file()]
    assert files == [info.path]


def test_video_types_by_magic_bytes():
    mp4 = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + b"\x00" * 64
    assert sniff(mp4, "clip.mp4") == ("video", "video/mp4")
    webm = b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01\x42\xf2\x81\x04\x42\xf3\x81" \
           b"\x08\x42\x82\x84webm" + b"\x00" * 32
    assert sniff(webm, "clip.webm") == ("video", "video/webm")


def test_wrong_type_or_too_large_is_refused_naming_the_file(sqlite_project, tmp_path,
                                                            recordings, monkeypatch):
    t = _transcript(sqlite_project, tmp_path)
    attach_media(sqlite_project, t.id, recordings.wav)
    fake = tmp_path / "P3.mp3"
    fake.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    with pytest.raises(ValidationError, match=r"'P3.mp3': not an audio or video file.*image/png"):
        attach_media(sqlite_project, t.id, fake)
    with pytest.raises(ValidationError, match=r"'notes.txt': not a recording"):
        attach_media(sqlite_project, t.id, recordings.wav.read_bytes(), name="notes.txt")
    monkeypatch.setenv("QUALCODE_MEDIA_MAX_MB", "0.01")
    with pytest.raises(ValidationError, match=r"'P3.ogg': the recording is larger than"):
        attach_media(sqlite_project, t.id, recordings.ogg)
    with pytest.raises(ValidationError, match=r"'big.ogg': the recording is larger than"):
        attach_media(sqlite_project, t.id, recordings.ogg.read_bytes(), name="big.ogg")
    # nothing was lost or left behind: the wav is still attached, no partial files
    assert media_names(sqlite_project) == {t.id: "P3.wav"}
    files = [p.name for p in media_folder(sqlite_project).rglob("*") if p.is_file()]
    assert len(files) == 1 and files[0].endswith(".wav")


def test_playing_needs_read_and_attaching_needs_manage_documents(sqlite_project, tmp_path,
                                                                 recordings):
    t = _transcript(sqlite_project, tmp_path)
    attach_media(sqlite_project, t.id, recordings.wav)
    with sqlite_project.acting_as(Actor("rita", "read-only", 5)):
        assert media_of(sqlite_project, t.id).name == "P3.wav"
    with sqlite_project.acting_as(NOBODY), pytest.raises(PermissionDenied):
        media_of(sqlite_project, t.id)
    with sqlite_project.acting_as(Actor("cas", "coder", 6)):
        with pytest.raises(PermissionDenied, match="cas"):
            attach_media(sqlite_project, t.id, recordings.ogg)
        with pytest.raises(PermissionDenied):
            detach_media(sqlite_project, t.id)
    assert media_names(sqlite_project) == {t.id: "P3.wav"}


def test_detach_removes_the_file_unless_another_transcript_uses_it(sqlite_project, tmp_path,
                                                                   recordings):
    a = _transcript(sqlite_project, tmp_path)
    b = ingest_file(sqlite_project, tmp_path / "other.txt", data=b"Anna: something else\n")
    info = attach_media(sqlite_project, a.id, recordings.wav)
    attach_media(sqlite_project, b.id, recordings.wav, name="copy.wav")
    assert detach_media(sqlite_project, a.id).name == "P3.wav"
    assert info.path.is_file()  # still used by the other transcript
    assert detach_media(sqlite_project, b.id).name == "copy.wav"
    assert not info.path.exists()
    assert detach_media(sqlite_project, b.id) is None


def test_a_missing_file_is_a_clear_error(sqlite_project, tmp_path, recordings):
    t = _transcript(sqlite_project, tmp_path)
    attach_media(sqlite_project, t.id, recordings.wav).path.unlink()
    with pytest.raises(Exception, match="'P3.wav' is missing from the media folder"):
        media_of(sqlite_project, t.id)


def test_postgres_needs_a_configured_media_folder(monkeypatch):
    monkeypatch.delenv("QUALCODE_MEDIA_DIR", raising=False)
    fake = SimpleNamespace(engine=SimpleNamespace(url=SimpleNamespace(
        get_backend_name=lambda: "postgresql", database="qc")))
    with pytest.raises(Exception, match="QUALCODE_MEDIA_DIR"):
        media_folder(fake)


# --- times ---------------------------------------------------------------------------------

def _turn(index, start, end, t=None, t_end=None):
    return SimpleNamespace(index=index, start=start, end=end, time_start=t, time_end=t_end)


def test_turns_without_times_are_interpolated_between_stamps():
    turns = [_turn(0, 0, 100), _turn(1, 100, 200, 10.0), _turn(2, 200, 300),
             _turn(3, 300, 400), _turn(4, 400, 500, 40.0), _turn(5, 500, 600)]
    times = turn_times(turns, text_length=600)
    assert [(t.time, t.interpolated) for t in times] == [
        (0.0, True), (10.0, False), (20.0, True), (30.0, True), (40.0, False), (None, False)]
    # with the recording's length the turns after the last stamp get times too
    assert turn_times(turns, 600, duration=60.0)[5].time == 50.0
    assert all(t.time is None for t in turn_times([_turn(0, 0, 5)], 5))


def test_time_of_a_character_runs_evenly_through_its_turn():
    times = turn_times([_turn(0, 0, 100, 10.0), _turn(1, 100, 200, 20.0, 26.0)], 200)
    assert time_at(times, 0) == (10.0, False)
    assert time_at(times, 50) == (15.0, False)  # halfway to the next turn's start
    assert time_at(times, 150) == (23.0, False)  # halfway to the turn's own end time
    assert time_at(times, 200) == (26.0, False)


def test_stamp_at_the_caret_and_quotes_carry_their_time(sqlite_project, tmp_path):
    t = ingest_file(sqlite_project, tmp_path / "typed.txt", data=(
        "Interviewer: How did it start?\nAnna: Slowly, at first.\nInterviewer: And then?\n"
        "Anna: Then everything at once.\n").encode())
    turns = get_turns(sqlite_project, t.id)
    assert all(x.time_start is None for x in turns)
    stamp_turn(sqlite_project, t.id, turns[1].start + 3, 12.5)  # caret inside turn 2
    stamp_turn(sqlite_project, t.id, turns[3].start, 30.0)
    with pytest.raises(ValidationError, match="turn 3 cannot start at 00:00:40.*turn 4"):
        stamp_turn(sqlite_project, t.id, turns[2].start, 40.0)
    times = transcript_times(sqlite_project, t.id)
    assert [x.interpolated for x in times] == [True, False, True, False]
    assert times[1].time == 12.5 and 12.5 < times[2].time < 30.0
    assert get_transcript(sqlite_project, t.id).text == get_transcript(sqlite_project, "typed").text
    code = create_code(sqlite_project, "Pace")
    add_coding(sqlite_project, t.id, code.id, turns[1].start, turns[1].end)
    add_coding(sqlite_project, t.id, code.id, turns[2].start + 2, turns[2].end)
    first, second = quote_rows(sqlite_project)
    assert (first.time, first.time_interpolated) == (12.5, False)
    assert "00:00:12" in first.location and "~" not in first.location
    assert second.time_interpolated and second.time > times[2].time
    assert "~00:00:" in second.location and second.time_end <= 30.0


def test_quote_times_from_subtitle_stamps(sqlite_project, tmp_path):
    t = _transcript(sqlite_project, tmp_path)
    turn = get_turns(sqlite_project, t.id)[1]
    code = create_code(sqlite_project, "Career")
    add_coding(sqlite_project, t.id, code.id, turn.start, turn.end)
    row = quote_rows(sqlite_project)[0]
    assert (row.time, row.time_interpolated) == (3.0, False)
    assert row.time_end == 5.5  # the cue's end


# --- migration ---------------------------------------------------------------------------

def test_a_project_at_0005_gains_the_media_table(tmp_path):
    from alembic import command
    from sqlalchemy import create_engine

    from qualcode.store.migrate import alembic_config

    path = tmp_path / "old.sqlite"
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "0005")
        conn.exec_driver_sql("INSERT INTO qualcode_meta VALUES ('schema_version', '1')")
        conn.exec_driver_sql(
            "INSERT INTO transcripts (name, text, content_hash, source_format, attributes, "
            "created_at, version) VALUES ('P1', 'hi', 'h', 'txt', '{}', '2026-01-01', 1)")
    engine.dispose()
    project = Project(path)
    try:
        assert project.backup_path is not None
        assert [t["name"] for t in transcript_overview(project)] == ["P1"]
        assert transcript_overview(project)[0]["media"] is None
    finally:
        project.close()
    with sqlite3.connect(path) as db:
        cols = {r[1] for r in db.execute("PRAGMA table_info(media)")}
    assert {"name", "path", "size", "content_type", "sha256", "transcript_id"} <= cols


# --- CLI contract ------------------------------------------------------------------------

def run(capsys, *args):
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_media_attach_detach_and_transcripts_json(capsys, tmp_path, recordings):
    db = str(tmp_path / "cli.sqlite")
    (tmp_path / "P3.vtt").write_text(vtt(SENTENCES), encoding="utf-8")
    (tmp_path / "P4.txt").write_text("Anna: no times here\n", encoding="utf-8")
    assert run(capsys, "--db", db, "ingest", "--quiet", str(tmp_path / "P3.vtt"),
               str(tmp_path / "P4.txt"))[0] == 0
    rows = json.loads(run(capsys, "--db", db, "transcripts", "--json")[1])
    assert [(r["name"], r["media"], r["timed_turns"]) for r in rows] == [
        ("P3", None, 4), ("P4", None, 0)]
    code, out, _ = run(capsys, "--db", db, "media", "attach", "P3", str(recordings.wav))
    assert code == 0 and "attached P3.wav" in out
    rows = json.loads(run(capsys, "--db", db, "transcripts", "--json")[1])
    assert rows[0]["media"] == "P3.wav" and rows[1]["media"] is None
    bad = tmp_path / "bad.ogg"
    bad.write_text("not audio")
    code, _, err = run(capsys, "--db", db, "media", "attach", "P4", str(bad))
    assert code == 2 and "'bad.ogg': not an audio or video file" in err
    code, _, err = run(capsys, "--db", db, "media", "attach", "Nobody", str(recordings.wav))
    assert code == 2 and "no transcript 'Nobody'" in err
    code, out, _ = run(capsys, "--db", db, "media", "detach", "P3")
    assert code == 0 and "detached P3.wav from P3" in out
    assert json.loads(run(capsys, "--db", db, "transcripts", "--json")[1])[0]["media"] is None
    code, out, _ = run(capsys, "--db", db, "media", "detach", "P3")
    assert code == 0 and "nothing to detach" in out


def test_cli_ingest_attaches_the_recording_with_the_same_base_name(capsys, tmp_path, recordings):
    folder = tmp_path / "interviews"
    folder.mkdir()
    (folder / "P3.vtt").write_text(vtt(SENTENCES), encoding="utf-8")
    (folder / "P3.wav").write_bytes(recordings.wav.read_bytes())
    (folder / "P5.txt").write_text("Anna: text only\n", encoding="utf-8")
    (folder / "P6.ogg").write_bytes(recordings.ogg.read_bytes())  # no transcript
    (folder / "P7.txt").write_text("Ben: with a broken recording\n", encoding="utf-8")
    (folder / "P7.mp3").write_text("this is no mp3")
    db = str(tmp_path / "cli.sqlite")
    code, out, err = run(capsys, "--db", db, "ingest", "--json", str(folder))
    report = json.loads(out)
    assert code == 1  # the broken recording is an error; everything else went in
    assert report["added"] == ["P3", "P5", "P7"]
    assert report["media"] == [{"transcript": "P3", "file": "P3.wav"}]
    assert any("P6.ogg" in s and "without a transcript" in s for s in report["skipped"])
    assert any("'P7.mp3': not an audio or video file" in e for e in report["errors"])
    rows = {r["name"]: r for r in json.loads(run(capsys, "--db", db, "transcripts",
                                                 "--json")[1])}
    assert rows["P3"]["media"] == "P3.wav" and rows["P7"]["media"] is None
    # one file named on the command line: the recording beside it comes along
    db2 = str(tmp_path / "cli2.sqlite")
    code, out, _ = run(capsys, "--db", db2, "ingest", "--quiet", str(folder / "P3.vtt"))
    assert code == 0 and "P3.wav: recording attached to P3" in out
    # both named: paired within the batch
    db3 = str(tmp_path / "cli3.sqlite")
    other = tmp_path / "elsewhere.ogg"
    other.write_bytes(recordings.ogg.read_bytes())
    (tmp_path / "elsewhere.txt").write_text("Anna: here\n", encoding="utf-8")
    code, out, _ = run(capsys, "--db", db3, "ingest", "--quiet", str(tmp_path / "elsewhere.txt"),
                       str(other))
    assert code == 0
    assert json.loads(run(capsys, "--db", db3, "transcripts", "--json")[1])[0]["media"] == \
        "elsewhere.ogg"


def test_a_deleted_transcript_comes_back_from_the_trash_with_its_recording(sqlite_project,
                                                                           tmp_path, recordings):
    from qualcode.corpus.transcripts import delete_transcript
    from qualcode.store.trash import list_trash, restore

    t = _transcript(sqlite_project, tmp_path)
    info = attach_media(sqlite_project, t.id, recordings.wav)
    delete_transcript(sqlite_project, t.id)
    assert media_names(sqlite_project) == {} and info.path.is_file()
    [item] = list_trash(sqlite_project)
    assert item.snapshot["media"][0]["name"] == "P3.wav"
    restore(sqlite_project, item.id)
    assert media_names(sqlite_project) == {t.id: "P3.wav"}
    assert media_of(sqlite_project, t.id).path == info.path


def test_a_time_is_placed_in_the_text_by_sync_points():
    from qualcode.corpus.timing import offset_at_time

    points = [(100, 10.0), (300, 20.0)]
    assert offset_at_time(points, 15.0, 1000) == 200
    assert offset_at_time(points, 5.0, 1000) == 50  # from (0, 0 s)
    assert offset_at_time(points, 30.0, 1000) == 500  # at the last segment's pace
    assert offset_at_time(points, 300.0, 1000) == 1000  # never past the end


def test_transcripts_page_lists_and_detaches_the_recording(tmp_path, monkeypatch, recordings):
    """The Transcripts page through streamlit.testing: the recording in the list and in its
    box, detached with a button (the file goes with it)."""
    from tests.apptest import app_db, button, page

    def fill(project):
        t = _transcript(project, tmp_path)
        attach_media(project, t.id, recordings.wav)

    db = app_db(tmp_path, monkeypatch, fill=fill)
    at = page("page_transcripts")
    assert at.dataframe[0].value["recording"].tolist() == ["P3.wav"]
    assert at.dataframe[0].value["timed turns"].tolist() == [4]
    assert any(e.label == "Recording: P3.wav" for e in at.expander)
    project = Project(db)
    try:
        stored = media_of(project, get_transcript(project, "P3").id).path
        button(at, "Detach the recording").click().run()
        assert not at.exception
        assert media_names(project) == {} and not stored.exists()
    finally:
        project.close()


def test_code_page_and_code_browser_render_with_a_recording(tmp_path, monkeypatch, recordings):
    from tests.apptest import app_db, button, page

    def fill(project):
        t = _transcript(project, tmp_path)
        attach_media(project, t.id, recordings.wav)
        turn = get_turns(project, t.id)[2]
        add_coding(project, t.id, create_code(project, "Change").id, turn.start, turn.end)

    app_db(tmp_path, monkeypatch, fill=fill)
    page("page_code", viewer="kb")
    at = page("page_browse", viewer="kb")
    button(at, "▶ Play 00:00:06–00:00:08").click().run()
    assert not at.exception
    [player] = [e for e in at.get("audio")]
    assert player.proto.start_time == 6 and player.proto.end_time == 9
    # qualcode's own route (checks who asks), not Streamlit's media manager
    assert "/api/media/" in player.proto.url, player.proto.url


def test_code_page_panel_gives_the_selections_time(tmp_path, monkeypatch):
    from tests.apptest import app_db

    def fill(project):
        _transcript(project, tmp_path)

    db = app_db(tmp_path, monkeypatch, fill=fill)
    project = Project(db)
    try:
        t = get_transcript(project, "P3")
        turn = get_turns(project, t.id)[2]
    finally:
        project.close()
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_string("from qualcode.ui import page_code\npage_code.render()",
                             default_timeout=60)
    at.session_state["coder"] = "kb"
    at.session_state["qc_selection"] = {"transcript": t.id, "start": turn.start,
                                        "end": turn.end}
    at.run()
    assert not at.exception
    assert any("turn 3" in x.value and "00:00:06" in x.value for x in at.text)
