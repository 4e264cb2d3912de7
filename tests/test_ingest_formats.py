"""Real-world transcript formats: every fixture is a real file written by the test."""

from __future__ import annotations

import json

import pytest

from qualcode.cli import main
from qualcode.coding.codes import code_tree
from qualcode.coding.codings import all_codings
from qualcode.ingest import read_document
from qualcode.corpus import ingest_file, ingest_folder
from qualcode.corpus.transcripts import get_transcript, get_turns, list_transcripts
from tests.files import (make_docx, make_docx_runs, make_odt_paragraphs, make_pdf,
                         make_transcript_pdf)


def spoken(doc):
    return [(t.speaker, doc.text[t.start:t.end]) for t in doc.turns]


# ---- 1. speaker labels ----------------------------------------------------------------------

MARKDOWN = """# Interview with Tim Smith

**Tim Smith:** \\[01:46\\] I moved to *another* department in 2019.
**Jane Doe:** \\[02:10\\] Why was that?

**Tim Smith:** \\[02:15\\] The [old team](https://example.org) was __dissolved__.
**Jane Doe:** \\[03:01\\] I see.
"""


def test_markdown_emphasis_and_escaped_timestamps(tmp_path):
    path = tmp_path / "tim.md"
    path.write_text(MARKDOWN, encoding="utf-8")
    doc = read_document(path)
    assert "**" not in doc.text and "\\[" not in doc.text and "#" not in doc.text
    assert "__" not in doc.text and "](" not in doc.text
    assert doc.text.startswith("Interview with Tim Smith\n\nTim Smith: [01:46] I moved")
    labelled = [t for t in doc.turns if t.speaker]
    assert [(t.speaker, t.time_start) for t in labelled] == [
        ("Tim Smith", 106.0), ("Jane Doe", 130.0), ("Tim Smith", 135.0), ("Jane Doe", 181.0)]
    assert doc.text[labelled[0].start:labelled[0].end] == "I moved to another department in 2019."
    assert doc.text[labelled[2].start:labelled[2].end] == "The old team was dissolved."
    assert labelled[0].time_end == 130.0


@pytest.mark.parametrize("line,speaker,time,words", [
    ("Tim Smith: [01:46] words here", "Tim Smith", 106.0, "words here"),
    ("Tim Smith (01:46): words here", "Tim Smith", 106.0, "words here"),
    ("Tim Smith [00:01:46]: words here", "Tim Smith", 106.0, "words here"),
    ("[00:01:46] Tim Smith: words here", "Tim Smith", 106.0, "words here"),
    ("01:46 - Tim Smith: words here", "Tim Smith", 106.0, "words here"),
    ("\tTim Smith: words here", "Tim Smith", None, "words here"),
    ("    Tim Smith: words here", "Tim Smith", None, "words here"),
    ("- Tim Smith: words here", "Tim Smith", None, "words here"),
    ("Tim Smith (moderator): words here", "Tim Smith (moderator)", None, "words here"),
    ("Tim Smith (moderator) [01:46]: words here", "Tim Smith (moderator)", 106.0, "words here"),
])
def test_label_forms(line, speaker, time, words):
    text = f"{line}\nInterviewer: next\n{line}\n"
    doc = read_document("x.txt", text.encode())
    assert spoken(doc)[0] == (speaker, words)
    assert doc.turns[0].time_start == time


def test_bracketed_non_speech_is_never_a_speaker():
    text = ("Interviewer: How was it?\n[inaudible 00:01:42] it was hard\n"
            "[laughter] yes\n[crosstalk]: both\nInaudible: 00:02:00 gone\nR: Indeed.\n")
    doc = read_document("x.txt", text.encode())
    assert {t.speaker for t in doc.turns} == {"Interviewer", "R"}
    assert "[inaudible 00:01:42] it was hard" in doc.text[doc.turns[0].start:doc.turns[0].end]


def test_a_misspelt_label_is_the_recurring_speaker_and_keeps_its_words():
    text = ("Interviewer: One?\nParticipant: Yes.\nInterviewer: Two?\nParticipant: No.\n"
            "Interviewer: Three?\nParticpant: Maybe so.\nInterviewer: Four?\n")
    doc = read_document("x.txt", text.encode())
    assert spoken(doc)[5] == ("Participant", "Maybe so.")
    assert "Particpant: Maybe so." in doc.text  # the text keeps what the file says
    assert spoken(doc)[4] == ("Interviewer", "Three?")


def test_section_markers_are_not_speakers():
    text = ("Intro: welcome to the recording\nInterviewer: Hello.\nAnna: Hi.\n"
            "Break:\nInterviewer: We are back.\nAnna: Good.\nBreak: ten minutes\n"
            "Interviewer: Last one.\nAnna: Sure.\nOutro: thanks\n")
    doc = read_document("x.txt", text.encode())
    assert {t.speaker for t in doc.turns} == {"Interviewer", "Anna", None}
    unspoken = [doc.text[t.start:t.end] for t in doc.turns if t.speaker is None]
    assert unspoken == ["Intro: welcome to the recording", "Break:", "Break: ten minutes",
                        "Outro: thanks"]
    # a label that alternates like a speaker is one, even if named like a section
    doc = read_document("y.txt", b"Interviewer: a\nNote: b\nInterviewer: c\nNote: d\n")
    assert [t.speaker for t in doc.turns] == ["Interviewer", "Note", "Interviewer", "Note"]


def test_odt_tab_indented_labels(tmp_path):
    path = make_odt_paragraphs(tmp_path / "focus.odt", [
        "\tMODERATOR: Welcome all.", "\tRESPONDENT 1: Thank you.", "",
        "\tMODERATOR: First question.", "\tRESPONDENT 1: My  answer."])
    doc = read_document(path)
    assert [t.speaker for t in doc.turns] == ["MODERATOR", "RESPONDENT 1", "MODERATOR",
                                              "RESPONDENT 1"]
    assert spoken(doc)[3] == ("RESPONDENT 1", "My  answer.")
    assert "\n\n" in doc.text  # paragraphs stay paragraphs


def test_docx_tab_indented_labels_and_paragraph_turns(tmp_path):
    path = make_docx_runs(tmp_path / "tabbed.docx", [
        ["\t", "MODERATOR: ", "Welcome."], ["\t", "JAN: ", "Dank u."],
        ["\t", "MODERATOR: ", "Verder."], ["\t", "JAN: ", "Goed."]])
    doc = read_document(path)
    assert spoken(doc) == [("MODERATOR", "Welcome."), ("JAN", "Dank u."),
                           ("MODERATOR", "Verder."), ("JAN", "Goed.")]
    plain = make_docx(tmp_path / "plain.docx", ["First paragraph.", "", "Second one.",
                                                 "Third one."])
    doc = read_document(plain)
    assert doc.text == "First paragraph.\n\nSecond one.\n\nThird one."
    assert [doc.text[t.start:t.end] for t in doc.turns] == [
        "First paragraph.", "Second one.", "Third one."]


# ---- 2. PDF ---------------------------------------------------------------------------------

LOREM = ("the decision to move to another department was not mine at first but after a while "
         "I started to see what it could bring me and my family in the longer run ")


def test_pdf_headers_page_numbers_and_wrapped_lines(tmp_path):
    turns = [("Interviewer" if i % 2 == 0 else "P3", f"turn {i} " + LOREM * 3) for i in range(14)]
    path = make_transcript_pdf(tmp_path / "export.pdf", turns,
                               header="Study X - confidential transcript")
    doc = read_document(path)
    assert "confidential" not in doc.text and "Page" not in doc.text
    assert "/" not in doc.text  # the "2/3" page markers
    labelled = [t for t in doc.turns if t.speaker]
    assert [t.speaker for t in labelled] == [s for s, _ in turns]
    for (speaker, words), turn in zip(turns, labelled):
        assert doc.text[turn.start:turn.end] == words.strip()  # one line, no hard wraps
    assert "longer run the decision" in doc.text  # a phrase search across a wrap matches


def test_pdf_tab_separated_words_become_spaces(tmp_path):
    path = make_pdf(tmp_path / "tabs.pdf", ["Interviewer:\tHow\tdid\tit\tstart?",
                                            "P1:\tWith\ta\tbrutal\tstop."])
    doc = read_document(path)
    assert doc.text == "Interviewer: How did it start?\nP1: With a brutal stop."
    assert spoken(doc) == [("Interviewer", "How did it start?"), ("P1", "With a brutal stop.")]


# ---- 3. folders, roles and participants -------------------------------------------------------

def test_folder_recursive_natural_order_and_skips(project, tmp_path):
    root = tmp_path / "study"
    (root / "wave 2").mkdir(parents=True)
    (root / ".git").mkdir()
    for n in (10, 2, 1):
        (root / f"P{n}.txt").write_text(f"Interviewer: vraag {n}\nP{n}: antwoord {n}\n",
                                        encoding="utf-8")
    (root / "wave 2" / "P3.txt").write_text("Interviewer: q\nP3: a\n", encoding="utf-8")
    for name in ("LICENSE", "README.md", "SOURCES.txt", "CHANGELOG.md", "NOTICE", "cases.csv",
                 "codebook.yaml", "notes.rtf"):
        (root / name).write_text("Interviewer: not a transcript\n", encoding="utf-8")
    (root / ".git" / "HEAD").write_text("ref", encoding="utf-8")
    (root / "P4.docx").write_bytes(b"broken")
    report = ingest_folder(project, root)
    assert report.added == ["P1", "P2", "P10", "P3"]  # folder first, then "wave 2"
    skipped = "\n".join(report.skipped)
    for name in ("LICENSE", "README.md", "SOURCES.txt", "CHANGELOG.md", "NOTICE", "cases.csv",
                 "codebook.yaml", "notes.rtf"):
        assert name in skipped
    assert "HEAD" not in skipped
    assert len(report.errors) == 1 and "P4.docx" in report.errors[0]
    statuses = {f.path.rsplit("/", 1)[-1]: f.status for f in report.files}
    assert statuses["P10.txt"] == "added" and statuses["LICENSE"] == "skipped"
    assert statuses["P4.docx"] == "failed"
    t = get_transcript(project, "P10")
    assert t.attributes == {"participant": "P10", "role": "participant"}


def test_role_and_participant_inferred_but_never_override(project, tmp_path):
    path = tmp_path / "x.txt"
    path.write_text("Interviewer: q\nP3: a\nInterviewer: q2\nP3: b\n", encoding="utf-8")
    t = ingest_file(project, path, attributes={"role": "former manager"})
    assert t.attributes == {"participant": "P3", "role": "former manager"}
    two = tmp_path / "two.txt"
    two.write_text("P1: q\nP2: a\n", encoding="utf-8")
    assert ingest_file(project, two).attributes == {}


def test_cli_ingest_reports_every_file_as_json(tmp_path, capsys):
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "a.txt").write_text("R: een\n", encoding="utf-8")
    (folder / "README").write_text("about\n", encoding="utf-8")
    code = main(["--db", str(tmp_path / "p.sqlite"), "ingest", str(folder), "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert out["added"] == ["a"]
    assert [f["status"] for f in out["files"]] == ["skipped", "added"]
    code = main(["--db", str(tmp_path / "p.sqlite"), "ingest", str(folder)])
    text = capsys.readouterr().out
    assert "not a transcript, skipped" in text and "README" in text and "duplicate" in text


# ---- 4. Word comments ------------------------------------------------------------------------

def test_word_comments_become_codings(project, tmp_path, capsys):
    from qualcode.coding.codes import create_code

    create_code(project, "Authenticity")
    path = make_docx_runs(tmp_path / "coded.docx", [
        ["Interviewer: ", "Hoe begon het?"],
        ["P3: ", "Een brutale stop in mijn functie.", " Daarna niets meer. 😀 Klaar."],
        ["Interviewer: ", "En nu?"],
        ["P3: ", "Nu leer ik enorm veel bij."],
    ], comments=[
        (1, 1, 1, "Authenticity; Push: change", "Anna Vos"),
        (1, 1, 2, "Loyalty\nPay", "Ben"),
        (3, 1, 1, "Authenticity / Learning", "Anna Vos"),
        (3, 1, 1, "   ", "Ben"),
    ])
    from qualcode.corpus import ingest_files

    report = ingest_files(project, [(path, None, None)])
    assert report.comments.comments == 3 and report.comments.codings == 5
    assert sorted(report.comments.codes_created) == [
        "Authenticity / Learning", "Loyalty", "Pay", "Push: change"]
    assert report.comments.empty_skipped == 1
    assert "3 Word comment(s) → 5 coding(s)" in report.summary()
    t = get_transcript(project, "coded")
    paths = {n.code.id: n.path for n in code_tree(project)}
    got = sorted((paths[c.code_id], t.text[c.start:c.end], c.coder) for c in all_codings(project))
    assert got == [
        ("Authenticity", "Een brutale stop in mijn functie.", "Anna Vos"),
        ("Authenticity / Learning", "Nu leer ik enorm veel bij.", "Anna Vos"),
        ("Loyalty", "Een brutale stop in mijn functie. Daarna niets meer. 😀 Klaar.", "Ben"),
        ("Pay", "Een brutale stop in mijn functie. Daarna niets meer. 😀 Klaar.", "Ben"),
        ("Push: change", "Een brutale stop in mijn functie.", "Anna Vos"),
    ]
    # the CLI says what came in
    again = make_docx_runs(tmp_path / "other.docx", [["P1: ", "Iets anders."]],
                           comments=[(0, 1, 1, "Loyalty", "Cas")])
    db_url = project.url
    assert main(["--db", db_url, "ingest", str(again), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "1 Word comment(s) → 1 coding(s)" in out and "coders: Cas" in out


def test_word_comments_can_be_left_out(project, tmp_path):
    path = make_docx_runs(tmp_path / "c.docx", [["R: ", "Tekst."]],
                          comments=[(0, 1, 1, "Code", "A")])
    from qualcode.corpus import ingest_files

    ingest_files(project, [(path, None, None)], import_comments=False)
    assert all_codings(project) == [] and code_tree(project) == []


# ---- 5. survey sheets -------------------------------------------------------------------------

SURVEY = ("respondent;age;sector;What changed for you?\r\n"
          "R1;54;zorg;Ik moest opnieuw beginnen, één stap per keer – het was zwaar.\r\n"
          "R2;61;onderwijs;Niets, ça va.\r\n"
          "R3;58;zorg;\r\n"
          "R4;49;bouw;Niets, ça va.\r\n")


def test_survey_csv_windows_1252(project, tmp_path, capsys):
    path = tmp_path / "survey.csv"
    path.write_bytes(SURVEY.encode("cp1252"))
    from qualcode.corpus import ingest_files

    report = ingest_files(project, [(path, None, None)])
    assert report.added == ["survey – R1", "survey – R2", "survey – R4"]
    assert any("'What changed for you?'" in n and "--text-column" in n for n in report.notes)
    assert any("1 row(s) without an answer" in n for n in report.notes)
    t = get_transcript(project, "survey – R1")
    assert t.text == "Ik moest opnieuw beginnen, één stap per keer – het was zwaar."
    assert t.encoding == "cp1252" and t.source_format == "survey"
    assert t.attributes == {"respondent": "R1", "age": "54", "sector": "zorg",
                            "question": "What changed for you?"}
    # the same answer from two respondents is two documents; the same file again is duplicates
    again = ingest_files(project, [(path, None, None)])
    assert again.added == [] and len(again.duplicates) == 3


def test_survey_text_column_per_column_and_xlsx(project, tmp_path, capsys):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["id", "Q1 why", "Q2 how", "score"])
    sheet.append(["A", "Because the work changed a lot.", "Slowly, with help.", 4])
    sheet.append(["B", "My manager asked me to go.", "Quickly.", 3])
    path = tmp_path / "answers.xlsx"
    workbook.save(path)
    code = main(["--db", project.url, "ingest", str(path), "--text-column", "q2 HOW", "--quiet"])
    assert code == 0
    assert {t.name for t in list_transcripts(project)} == {"answers – A", "answers – B"}
    assert get_transcript(project, "answers – B").attributes["Q1 why"] == "My manager asked me to go."
    code = main(["--db", project.url, "ingest", str(path), "--per-column", "--text-column",
                 "Q1 why,Q2 how", "--quiet"])
    assert code == 0
    t = get_transcript(project, "answers – Q1 why")
    assert t.text == "A: Because the work changed a lot.\n\nB: My manager asked me to go."
    turns = get_turns(project, t.id)
    assert [(x.speaker, t.text[x.start:x.end]) for x in turns] == [
        ("A", "Because the work changed a lot."), ("B", "My manager asked me to go.")]
    capsys.readouterr()
    assert main(["--db", project.url, "ingest", str(path), "--text-column", "nope"]) == 1
    assert "no column 'nope'" in capsys.readouterr().err


def test_pdf_speaker_header_lines_on_every_page_are_kept(tmp_path):
    """Teams-style "Name  0:03" lines at the top of each page look like running headers
    (the same but for digits) and must stay."""
    from fpdf import FPDF

    said = ["It began with a stop.", "Then I moved on.", "Now I learn a lot.", "That is all."]
    pdf = FPDF(format="A4")
    pdf.set_font("Helvetica", size=11)
    for i in range(4):
        pdf.add_page()
        pdf.cell(0, 6, f"Anna de Vries   {i}:0{i}")
        pdf.ln(8)
        pdf.multi_cell(0, 6, said[i])
        pdf.set_y(-20)
        pdf.cell(0, 6, f"- {i + 1} -", align="C")
    path = tmp_path / "teams.pdf"
    pdf.output(str(path))
    doc = read_document(path)
    assert [(t.speaker, doc.text[t.start:t.end]) for t in doc.turns] == [
        ("Anna de Vries", words) for words in said]
    assert [t.time_start for t in doc.turns] == [0.0, 61.0, 122.0, 183.0]


def _raw_docx(path, body: str, comments: str = "", extended: str = ""):
    """A .docx written from raw WordprocessingML, for features python-docx cannot write."""
    import zipfile

    w = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
         'xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml" '
         'xmlns:w15="http://schemas.microsoft.com/office/word/2012/wordml" '
         'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"')
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", f"<w:document {w}><w:body>{body}</w:body></w:document>")
        if comments:
            z.writestr("word/comments.xml", f"<w:comments {w}>{comments}</w:comments>")
        if extended:
            z.writestr("word/commentsExtended.xml",
                       f"<w15:commentsEx {w}>{extended}</w15:commentsEx>")
    return path


def test_docx_tracked_changes_text_boxes_tables_and_comment_replies(project, tmp_path):
    from qualcode.corpus import ingest_files

    body = (
        '<w:p><w:r><w:t>Interviewer: Hoe ging </w:t></w:r>'
        '<w:del><w:r><w:delText>NIET </w:delText></w:r></w:del>'
        '<w:ins><w:r><w:t>het</w:t></w:r></w:ins><w:moveFrom><w:r><w:t>WEG</w:t></w:r>'
        '</w:moveFrom><w:r><w:t>?</w:t></w:r></w:p>'
        '<w:p><w:r><mc:AlternateContent><mc:Choice><w:t>P2: Box.</w:t></mc:Choice>'
        '<mc:Fallback><w:t>DUPLICATE</w:t></mc:Fallback></mc:AlternateContent></w:r></w:p>'
        '<w:tbl><w:tr><w:tc><w:p><w:r><w:t>P2</w:t></w:r></w:p></w:tc>'
        '<w:tc><w:p><w:commentRangeStart w:id="7"/><w:r><w:t xml:space="preserve">Cafe\u0301 '
        'in de cel.</w:t></w:r><w:commentRangeEnd w:id="7"/>'
        '<w:r><w:commentReference w:id="7"/></w:r></w:p></w:tc></w:tr></w:tbl>'
        '<w:p><w:commentRangeStart w:id="8"/><w:r><w:t>Interviewer: Dank.</w:t></w:r>'
        '<w:commentRangeEnd w:id="8"/></w:p>'
        '<w:p><w:r><w:t>P2: Graag.</w:t></w:r><w:r><w:commentReference w:id="9"/></w:r></w:p>')
    comments = (
        '<w:comment w:id="7" w:author="Eva"><w:p w14:paraId="A1"><w:r><w:t>Place</w:t></w:r>'
        '</w:p></w:comment>'
        '<w:comment w:id="8" w:author="Eva"><w:p w14:paraId="A2"><w:r><w:t>I agree</w:t></w:r>'
        '</w:p></w:comment>'
        '<w:comment w:id="9" w:author="Eva"><w:p w14:paraId="A3"><w:r><w:t>Gratitude</w:t>'
        '</w:r></w:p></w:comment>')
    extended = ('<w15:commentEx w15:paraId="A1"/>'
                '<w15:commentEx w15:paraId="A2" w15:paraIdParent="A1"/>'
                '<w15:commentEx w15:paraId="A3"/>')
    path = _raw_docx(tmp_path / "raw.docx", body, comments, extended)
    doc = read_document(path)
    assert doc.text == ("Interviewer: Hoe ging het?\n\nP2: Box.\n\nP2: Café in de cel.\n\n"
                        "Interviewer: Dank.\n\nP2: Graag.")
    report = ingest_files(project, [(path, None, None)])
    assert report.comments.comments == 2 and report.comments.replies_skipped == 1
    t = get_transcript(project, "raw")
    paths = {n.code.id: n.path for n in code_tree(project)}
    assert sorted((paths[c.code_id], t.text[c.start:c.end]) for c in all_codings(project)) == [
        ("Gratitude", "P2: Graag."),  # a comment without a range codes its paragraph
        ("Place", "Café in de cel."),  # offsets after NFC (e + combining accent -> é)
    ]


def test_captions_without_speakers_are_turns_at_pauses():
    cues = [(1, 2, "Eerste zin."), (2, 3, "Nog iets."), (6, 7, "Na een pauze."), (7, 8, "Einde.")]
    srt = "\n".join(f"{i}\n00:00:{a:02d},000 --> 00:00:{b:02d},000\n{w}\n"
                    for i, (a, b, w) in enumerate(cues, 1))
    doc = read_document("s.srt", srt.encode())
    assert [(t.speaker, doc.text[t.start:t.end], t.time_start, t.time_end) for t in doc.turns] == [
        (None, "Eerste zin. Nog iets.", 1.0, 3.0), (None, "Na een pauze. Einde.", 6.0, 8.0)]


def test_odt_comments_and_notes_are_not_spoken_text(tmp_path):
    from odf.office import Annotation
    from odf.opendocument import OpenDocumentText
    from odf.text import P, S, Span, Tab

    document = OpenDocumentText()
    p = P()
    p.addElement(Tab())
    p.addText("MODERATOR: Dag")
    p.addElement(S(c=3))
    note = Annotation()
    note.addElement(P(text="NOT SPOKEN: a comment"))
    p.addElement(note)
    p.addElement(Span(text="allemaal."))
    document.text.addElement(p)
    document.text.addElement(P(text="RESPONDENT: Hallo."))
    path = tmp_path / "noted.odt"
    document.save(str(path))
    doc = read_document(path)
    assert doc.text == "\tMODERATOR: Dag   allemaal.\n\nRESPONDENT: Hallo."
    assert spoken(doc) == [("MODERATOR", "Dag   allemaal."), ("RESPONDENT", "Hallo.")]
