from __future__ import annotations

import pytest

from qualcode.errors import DuplicateError, IngestError
from qualcode.ingest import read_document
from qualcode.corpus import ingest_file, ingest_folder
from qualcode.corpus.transcripts import get_turns, list_transcripts
from tests.files import make_docx, make_odt, make_pdf

INTERVIEW = """---
participant: P7
role: participant
interview_order: 3
---
Interviewer: Hoe begon het?
P7: Een aantal jaren geleden kwam een brutale stop in mijn functie.
Ik kon mijzelf niet meer zijn. 😀 Wat ik bedoel: echt niet.

Interviewer: En nu?
P7: Nu leer ik enorm veel bij.
"""


def spoken(doc):
    return [(t.speaker, doc.text[t.start:t.end]) for t in doc.turns]


def test_plain_text_turns_front_matter_and_code_points(tmp_path):
    path = tmp_path / "p7.txt"
    path.write_text(INTERVIEW, encoding="utf-8")
    doc = read_document(path)
    assert doc.attributes == {"participant": "P7", "role": "participant", "interview_order": 3}
    assert not doc.text.startswith("---")
    assert doc.language == "nl"
    assert spoken(doc) == [
        ("Interviewer", "Hoe begon het?"),
        ("P7", "Een aantal jaren geleden kwam een brutale stop in mijn functie.\n"
               "Ik kon mijzelf niet meer zijn. 😀 Wat ik bedoel: echt niet."),
        ("Interviewer", "En nu?"),
        ("P7", "Nu leer ik enorm veel bij."),
    ]
    # offsets are code points: the emoji is one character
    assert doc.text[doc.text.index("😀") + 1] == " "


@pytest.mark.parametrize("label", ["I", "R", "Interviewer", "P1", "Respondent"])
def test_known_labels_are_speakers_even_once(label):
    doc = read_document("x.txt", f"{label}: Dag.\nAndere regel".encode())
    assert doc.turns[0].speaker == label


def test_sentence_with_colon_is_not_a_speaker():
    doc = read_document("x.txt", "Wat ik bedoel: het was zwaar.\n\nTweede alinea.".encode())
    assert [t.speaker for t in doc.turns] == [None, None]


def test_timestamps_and_header_style(tmp_path):
    doc = read_document("x.txt", b"[00:00:05] Interviewer: Dag\n[00:01:10] R: Goeiedag\nmeer\n")
    assert [(t.speaker, t.time_start, t.time_end) for t in doc.turns] == [
        ("Interviewer", 5.0, 70.0), ("R", 70.0, None)]
    teams = read_document("t.txt", "Anna de Vries  0:03\nHallo daar\nBen Jansen  1:10\nJa.\n".encode())
    assert spoken(teams) == [("Anna de Vries", "Hallo daar"), ("Ben Jansen", "Ja.")]
    assert teams.turns[1].time_start == 70.0


@pytest.mark.parametrize("encoding", ["cp1252", "utf-16", "utf-8-sig", "latin-1"])
def test_encodings_are_detected(encoding):
    text = "Interviewer: Wat is er gebeurd?\nR: De cultuur hier is natuurlijk 100% verschillend… " \
           "ik was één van de eersten, ça va.\n" * 3
    if encoding == "latin-1":
        text = text.replace("…", "...")
    doc = read_document("x.txt", text.encode(encoding))
    assert "één van de eersten, ça va" in doc.text
    assert doc.turns[1].speaker == "R"


def test_windows_line_ends_and_nfc_are_canonical():
    doc = read_document("x.txt", "R: cafe\u0301\r\nnog\r\n".encode())
    assert doc.text == "R: café\nnog"


def test_docx_paragraphs_and_speaker_table(tmp_path):
    path = make_docx(tmp_path / "i.docx", ["Interviewer: Wat viel op?",
                                           "P3: Dat is wel een heel andere cultuur."],
                     table=[("Interviewer", "En verder?"), ("P3", "Ik leer enorm veel bij.")])
    doc = read_document(path)
    assert doc.source_format == "docx"
    assert spoken(doc) == [("Interviewer", "Wat viel op?"),
                           ("P3", "Dat is wel een heel andere cultuur."),
                           ("Interviewer", "En verder?"), ("P3", "Ik leer enorm veel bij.")]


def test_vtt_with_voice_tags_and_zoom_prefix():
    vtt = ("WEBVTT\n\nNOTE made by Teams\n\n1\n00:00:01.000 --> 00:00:03.000\n"
           "<v Anna de Vries>Hallo &amp; welkom</v>\n\n00:00:03.000 --> 00:00:05.000\n"
           "<v Anna de Vries>bij dit gesprek</v>\n\n00:00:05.500 --> 00:01:07.250\n"
           "Ben: ja hoor 😊\n")
    doc = read_document("m.vtt", vtt.encode())
    assert doc.text == "Anna de Vries: Hallo & welkom bij dit gesprek\nBen: ja hoor 😊"
    assert [(t.speaker, doc.text[t.start:t.end], t.time_start, t.time_end) for t in doc.turns] == [
        ("Anna de Vries", "Hallo & welkom bij dit gesprek", 1.0, 5.0),
        ("Ben", "ja hoor 😊", 5.5, 67.25)]


def test_srt():
    srt = "1\n00:00:01,000 --> 00:00:02,500\nInterviewer: Dag\n\n2\n00:00:03,000 --> 00:00:04,000\n" \
          "P1: Goeiedag\nen welkom\n"
    doc = read_document("m.srt", srt.encode())
    assert spoken(doc) == [("Interviewer", "Dag"), ("P1", "Goeiedag en welkom")]
    assert doc.turns[1].time_start == 3.0


def test_pdf_and_odt(tmp_path):
    pdf = read_document(make_pdf(tmp_path / "i.pdf", ["Interviewer: Wat viel op?",
                                                       "R: Het werk is hier anders."]))
    assert ("R", "Het werk is hier anders.") in spoken(pdf)
    odt = read_document(make_odt(tmp_path / "i.odt", ["Interviewer: En nu?", "R: Ik leer bij."]))
    assert spoken(odt) == [("Interviewer", "En nu?"), ("R", "Ik leer bij.")]


@pytest.mark.parametrize("name,data,message", [
    ("x.rtf", b"{\\rtf1 hi}", "unsupported file type"),
    ("x.txt", b"   \n", "empty"),
    ("x.docx", b"this is not a zip", "not a valid Word .docx"),
    ("x.odt", b"garbage", "not a valid OpenDocument"),
    ("x.pdf", b"%PDF-1.4 broken", "PDF"),
    ("x.vtt", b"00:00:01.000 --> 00:00:02.000\nhi\n", "WEBVTT"),
    ("x.srt", b"just words, no cues\n", "no caption cues"),
    ("x.txt", b"---\n: [unclosed\n---\nR: hi\n", "front matter"),
    ("x.txt", bytes(range(256)) * 4, "binary"),
])
def test_bad_files_get_clear_errors(name, data, message):
    with pytest.raises(IngestError) as err:
        read_document(name, data)
    assert message.lower() in str(err.value).lower()
    assert name in str(err.value)


def test_ingest_file_stores_turns_and_attributes(project, tmp_path):
    path = tmp_path / "p7.txt"
    path.write_text(INTERVIEW, encoding="utf-8")
    t = ingest_file(project, path, attributes={"site": "Antwerpen"})
    assert t.name == "p7"
    assert t.interview_order == 3
    assert t.attributes == {"participant": "P7", "role": "participant", "site": "Antwerpen"}
    turns = get_turns(project, t.id)
    assert [x.speaker for x in turns] == ["Interviewer", "P7", "Interviewer", "P7"]
    assert t.text[turns[3].start:turns[3].end] == "Nu leer ik enorm veel bij."
    with pytest.raises(DuplicateError, match="same text"):
        ingest_file(project, path.rename(tmp_path / "copy.txt"))


def test_batch_folder_keeps_going_past_bad_files(project, tmp_path):
    folder = tmp_path / "batch"
    folder.mkdir()
    (folder / "a.txt").write_text("R: eerste interview\n", encoding="utf-8")
    (folder / "b.txt").write_text("R: tweede interview\n", encoding="utf-8")
    (folder / "z-copy.txt").write_text("R: tweede interview\n", encoding="utf-8")
    (folder / "c.docx").write_bytes(b"corrupt")
    (folder / "d.rtf").write_text("{\\rtf1}", encoding="utf-8")
    make_docx(folder / "e.docx", ["R: derde interview"])
    seen = []
    report = ingest_folder(project, folder, progress=lambda i, n, name: seen.append((i, n, name)))
    assert report.added == ["a", "b", "e"]
    assert len(report.duplicates) == 1 and "z-copy.txt" in report.duplicates[0]
    assert len(report.errors) == 1 and "c.docx" in report.errors[0]
    assert len(report.skipped) == 1 and "d.rtf" in report.skipped[0]
    assert {f.status for f in report.files} == {"added", "duplicate", "failed", "skipped"}
    assert len(report.files) == 6
    assert [s[0] for s in seen] == [1, 2, 3, 4, 5] and all(s[1] == 5 for s in seen)
    # no explicit order in the files: none stored; the order is derived (natural sort of names)
    assert [(t.name, t.interview_order) for t in list_transcripts(project)] == [
        ("a", None), ("b", None), ("e", None)]
    # a second run adds nothing and loses nothing
    again = ingest_folder(project, folder)
    assert again.added == [] and len(again.duplicates) == 4
    assert len(list_transcripts(project)) == 3


def test_same_name_different_text_gets_a_free_name(project):
    a = ingest_file(project, "interview.txt", data=b"R: een")
    b = ingest_file(project, "interview.txt", data=b"R: twee")
    assert (a.name, b.name) == ("interview", "interview (2)")


def test_attribute_sheet_all_or_nothing(project):
    from qualcode.errors import NotFound
    from qualcode.corpus.transcripts import get_transcript, import_attributes

    ingest_file(project, "a.txt", data=b"R: een", attributes={"role": "participant"})
    ingest_file(project, "b.txt", data=b"R: twee")
    sheet = "name;interview_order;role;sector\na;2;;bank\nb;1;former manager;telecom\n"
    assert import_attributes(project, sheet.encode("cp1252")) == 2
    a, b = get_transcript(project, "a"), get_transcript(project, "b")
    assert (a.interview_order, a.attributes) == (2, {"role": "participant", "sector": "bank"})
    assert (b.interview_order, b.attributes) == (1, {"role": "former manager", "sector": "telecom"})
    with pytest.raises(NotFound, match="'zzz'"):
        import_attributes(project, b"name,role\nb,participant\nzzz,participant\n")
    assert get_transcript(project, "b").attributes["role"] == "former manager"  # untouched
    from qualcode.errors import ValidationError
    with pytest.raises(ValidationError, match="'name' column"):
        import_attributes(project, b"transcript,role\nb,x\n")
    with pytest.raises(ValidationError, match="whole number"):
        import_attributes(project, b"name,interview_order\nb,first\n")


def test_many_uniform_timestamps_read_in_one_block_as_one_at_a_time():
    """Turns all stamped HH:MM:SS (or MM:SS) are read by numpy in one block: the same seconds
    and ends as reading each stamp alone, including a stamp going back in time."""
    from qualcode.ingest.speakers import _seconds, find_turns

    for form in ("{h:02d}:{m:02d}:{s:02d}", "{m:02d}:{s:02d}"):
        stamps = [form.format(h=i // 3600, m=i // 60 % 60, s=i % 60) for i in range(0, 2000, 37)]
        stamps[10] = stamps[3]  # back in time: turn 9 gets no end, turn 10 ends at turn 11
        text = "\n".join(f"[{ts}] {'I' if k % 2 else 'P1'}: woorden {k}" for k, ts in enumerate(stamps))
        turns = find_turns(text)
        assert [t.time_start for t in turns] == [_seconds(ts) for ts in stamps]
        assert turns[9].time_end is None and turns[10].time_end == _seconds(stamps[11])
        assert turns[0].time_end == _seconds(stamps[1]) and turns[-1].time_end is None
