"""How speaker labels apply, decided from the document's own structure (issue 15): a think-aloud
.odt where only the moderator is labelled, and a .docx whose labels alternate with unlabelled
continuation paragraphs. Real files made with odfpy and python-docx."""

from __future__ import annotations

import openpyxl

from qualcode.coding.codes import create_code
from qualcode.coding.codings import add_coding
from qualcode.coding.quotes import quote_rows
from qualcode.corpus import IngestReport, ingest_files
from qualcode.corpus.cases import list_cases, speaker_turns
from qualcode.ingest.files import read_document
from tests.files import make_docx, make_odt

THINK_ALOUD = [
    "Usability session 4",
    "1. Please find the opening hours of the library.",
    "Okay so I go to the home page and I look for something like hours.",
    "There is a menu, I will try Visit.",
    "\tMODERATOR: Yes",
    "Now I see a table with the hours, it is quite small though.",
    "3.a Please explain what you expected to see on this page.",
    "I expected a big button, honestly, like on most sites.",
    "\tMODERATOR: Can you say more?",
    "Well the search box was hidden, I had to scroll a lot.",
    "And then the filter did not do anything.",
    "\tMODERATOR: Thank you",
    "Task 4",
    "I would go back and try the map instead.",
]


def test_a_think_aloud_odt_credits_unlabelled_paragraphs_to_the_participant(sqlite_project,
                                                                           tmp_path):
    path = make_odt(tmp_path / "session-4.odt", THINK_ALOUD)
    doc = read_document(path)
    said = [(t.speaker, t.respondent, doc.text[t.start:t.end][:20]) for t in doc.turns]
    assert said[:3] == [(None, True, "Usability session 4"),
                        (None, False, "1. Please find the o"),
                        (None, True, "Okay so I go to the ")]
    assert ("MODERATOR", False, "Yes") in said and ("MODERATOR", False, "Thank you") in said
    assert (None, False, "3.a Please explain w") in said and (None, False, "Task 4") in said
    # the moderator's turns are their own short lines, never the participant's paragraphs
    moderator = [doc.text[t.start:t.end] for t in doc.turns if t.speaker]
    assert moderator == ["Yes", "Can you say more?", "Thank you"]
    assert "each label applies to its own paragraph" in doc.notes[0]
    assert "3 numbered prompt(s)" in doc.notes[0]

    report = ingest_files(sqlite_project, [(path, None, None)])
    assert any("session-4.odt: speakers: only 'MODERATOR' is labelled" in n for n in report.notes)
    cases = {c.case: c for c in list_cases(sqlite_project)}
    assert {k: c.role for k, c in cases.items()} == {"MODERATOR": "interviewer",
                                                      "session-4": "participant"}
    shares = {}
    for turn in speaker_turns(sqlite_project, 1):
        shares[turn["case"]] = shares.get(turn["case"], 0) + turn["end"] - turn["start"]
    assert shares["MODERATOR"] < 40 < shares["session-4"]
    code = create_code(sqlite_project, "Hidden search")
    text = read_document(path).text
    start = text.index("the search box was hidden")
    add_coding(sqlite_project, 1, code.id, start, start + 25)
    [row] = quote_rows(sqlite_project)
    assert (row.case, row.role, row.speaker) == ("session-4", "participant", "")


def test_the_codings_export_falls_back_to_the_transcripts_role_only_without_a_speaker(
        sqlite_project, tmp_path):
    """A coded numbered prompt of a think-aloud file has no speaker case: its row gets case ''
    and the transcript's role (and participant); the words around it keep their case's role."""
    import csv
    import io

    from qualcode.corpus import ingest_file
    from qualcode.corpus.cases import set_case_role
    from qualcode.export import codings_csv, codings_xlsx

    path = make_odt(tmp_path / "session-4.odt", THINK_ALOUD)
    t = ingest_file(sqlite_project, path, attributes={"participant": "U4", "role": "tester"})
    set_case_role(sqlite_project, "U4", "user")  # the case's role now differs from the file's
    code = create_code(sqlite_project, "Expectations")
    for words in ("3.a Please explain", "the search box was hidden", "Can you say more?"):
        start = t.text.index(words)
        add_coding(sqlite_project, t.id, code.id, start, start + len(words))
    columns = ("quote", "participant", "speaker", "case", "role")
    table = csv.DictReader(io.StringIO(codings_csv(sqlite_project).decode("utf-8-sig")))
    rows = sorted(tuple(r[c] for c in columns) for r in table)
    assert rows == [
        ("3.a Please explain", "U4", "", "", "tester"),  # no speaker: the transcript's
        ("Can you say more?", "MODERATOR", "MODERATOR", "MODERATOR", "interviewer"),
        ("the search box was hidden", "U4", "", "U4", "user")]  # the case's, not the file's
    sheet = openpyxl.load_workbook(io.BytesIO(codings_xlsx(sqlite_project))).active
    header = [c.value for c in sheet[1]]
    assert sorted(tuple(row[header.index(c)] or "" for c in columns)
                  for row in sheet.iter_rows(min_row=2, values_only=True)) == rows


def test_alternating_docx_labels_keep_continuations_with_the_speaker(tmp_path):
    path = make_docx(tmp_path / "alt.docx", [
        "Interviewer: How did the move go?",
        "Anna: It was hard at first.",
        "We had no desks for a week.",
        "And the coffee machine broke.",
        "Interviewer: And now?",
        "Anna: Much better.",
        "Everyone has found their place.",
    ])
    doc = read_document(path)
    turns = [(t.speaker, doc.text[t.start:t.end]) for t in doc.turns]
    assert turns[1] == ("Anna", "It was hard at first.\n\nWe had no desks for a week.\n\n"
                                "And the coffee machine broke.")
    assert turns[3] == ("Anna", "Much better.\n\nEveryone has found their place.")
    assert "continues the previous speaker's turn" in doc.notes[0]


def test_a_single_label_at_the_top_of_a_monologue_is_not_think_aloud(tmp_path):
    path = tmp_path / "mono.txt"
    path.write_text("P4: I start here.\n\nAnd go on.\n\nAnd on.\n", encoding="utf-8")
    doc = read_document(path)
    assert [(t.speaker, doc.text[t.start:t.end]) for t in doc.turns] == [
        ("P4", "I start here.\n\nAnd go on.\n\nAnd on.")]


def test_the_report_says_how_each_file_was_read(sqlite_project, tmp_path):
    a = tmp_path / "a.txt"
    a.write_text("Gewoon een verhaal.\n", encoding="utf-8")
    report = IngestReport()
    ingest_files(sqlite_project, [(a, None, None)], report=report)
    assert report.notes == ["a.txt: speakers: no speaker labels: the text is taken as one "
                            "respondent's words"]


def test_headings_ending_in_a_colon_are_not_speakers():
    """Prose reports (the seed's own articles) have titles and lead-ins ending in ":"; read
    as labels, they made a person named after a heading. A person's name (with lower-case
    particles), a role label and a known label still make speakers."""
    from qualcode.ingest.speakers import find_turns_explained

    for heading in ("Flexibly deploying talent", "Voor de uitlenende organisatie",
                    "deze domeinen"):
        text = "\n\n".join([
            f"{heading}: opportunities and success factors",
            "Back to overview. Flexible work is on the rise in many organisations.",
            f"{heading}: what the cases show",
            "Senior employees who move gain a new network and lose some of their old one.",
            "Both sides gain when the move is prepared well.",
        ])
        turns, why = find_turns_explained(text)
        assert all(t.speaker is None and t.respondent for t in turns), heading
        assert f"'{heading}:'" in why and "heading" in why
    for name in ("Anna de Vries", "Jan van der Berg", "Participant 3", "Moderator"):
        text = "\n\n".join([f"{name}: I started there in 2019.", "It was a big change.",
                            f"{name}: And then the team grew.", "More paragraphs follow here.",
                            "And one more, unlabelled, as in a think-aloud session."])
        turns, _why = find_turns_explained(text)
        assert {t.speaker for t in turns} - {None} == {name}, name
