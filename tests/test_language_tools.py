from __future__ import annotations

from qualcode.corpus.language import terms
from qualcode.corpus.sentences import sentence_spans, snap_in_turns, snap_to_sentences
from qualcode.coding.suggestions import suggest_codes

TEXT = ("P1: Ik stond op het punt. Toen kwam die vacature 😀 via Experience@Work. "
        "Op 3 weken tijd voelde ik me terug als nieuw.\n\nInterviewer: Ok.")


def test_sentence_spans_are_code_point_offsets():
    spans = sentence_spans(TEXT, "nl")
    sentences = [TEXT[s:e] for s, e in spans]
    assert "Toen kwam die vacature 😀 via Experience@Work." in sentences
    assert all(not TEXT[e - 1].isspace() for _, e in spans)


def test_snap_widens_to_sentences_within_the_paragraph():
    i = TEXT.index("vacature")
    s, e = snap_to_sentences(TEXT, i, i + 4, "nl")
    assert TEXT[s:e] == "Toen kwam die vacature 😀 via Experience@Work."
    j = TEXT.index("weken")
    s, e = snap_to_sentences(TEXT, i, j, "nl")
    assert TEXT[s:e].startswith("Toen kwam") and TEXT[s:e].endswith("als nieuw.")
    assert "\n\n" not in TEXT[s:e]


def test_terms_drop_stop_words_and_stem():
    assert terms("De medewerkers leren enorm veel bij.", "nl")[0].startswith("medewerker")
    assert "de" not in terms("De medewerkers leren", "nl")
    assert terms("The employees were learning new skills", "en") == ["employe", "learn", "new",
                                                                      "skill"]
    assert terms("Ça va 123 !!", None) == []


def test_suggestions_follow_definitions_and_coded_quotes(demo_project):
    top = suggest_codes(demo_project, "Mijn loon bleef hetzelfde, anders was ik niet gegaan.",
                        "nl")
    assert top and top[0].path == "Conditions for success / Retention of pay"
    assert suggest_codes(demo_project, "   ", "nl") == []


def test_no_suggestions_without_codes(sqlite_project):
    assert suggest_codes(sqlite_project, "Wat dan ook", "nl") == []


def test_snap_stays_in_the_turn_and_leaves_the_speaker_label_out():
    from types import SimpleNamespace as T

    text = "Interviewer: Hoe begon het?\nP1: Ik stond op het punt te stoppen. Toen kwam de vacature.\n"
    i = text.index("Ik stond")
    turns = [T(start=13, end=text.index("\n")), T(start=i, end=len(text) - 1)]
    # a rough selection on the first words of the answer, even one starting in the label
    for start in (i + 3, text.index("P1") + 1):
        s, e = snap_in_turns(text, start, i + 10, turns, "nl")
        assert text[s:e] == "Ik stond op het punt te stoppen.", start
    # the end of the interviewer's question does not pull in the answer
    q = text.index("begon")
    s, e = snap_in_turns(text, q, q + 3, turns, "nl")
    assert text[s:e] == "Hoe begon het?"
    # a selection over both turns keeps each end in its own turn
    s, e = snap_in_turns(text, q, i + 4, turns, "nl")
    assert text[s:e].startswith("Hoe begon") and text[s:e].endswith("stoppen.")


def test_suggestion_index_updates_by_difference(demo_project):
    """After codings are added, removed and re-coded and a code is edited, the kept index
    suggests exactly what an index built from scratch suggests."""
    from qualcode.coding.codes import find_code, merge_codes, update_code
    from qualcode.coding.codings import add_coding, all_codings, remove_coding
    from qualcode.coding.suggestions import SuggestionIndex, suggestion_index
    from qualcode.corpus.transcripts import list_transcripts

    passage = "Mijn loon bleef hetzelfde en ik leer enorm veel bij in de nieuwe cultuur."
    suggest_codes(demo_project, passage, "nl")
    kept = suggestion_index(demo_project, "nl")
    t = list_transcripts(demo_project)[0]
    pay = find_code(demo_project, "Retention of pay")
    c = add_coding(demo_project, t.id, pay.id, 0, 120, coder="x")
    suggest_codes(demo_project, passage, "nl")
    remove_coding(demo_project, next(x.id for x in all_codings(demo_project) if x.id != c.id))
    suggest_codes(demo_project, passage, "nl")
    update_code(demo_project, pay.id, description="Loon, salaris en voorwaarden behouden.")
    target = find_code(demo_project, "Authenticity")
    merge_codes(demo_project, pay.id, target.id)
    remove_coding(demo_project, c.id)
    got = suggest_codes(demo_project, passage, "nl", top=10, min_score=0)
    fresh = SuggestionIndex("nl")
    fresh.refresh(demo_project)
    want = fresh.suggest(passage, top=10, min_score=0)
    assert [(s.code_id, round(s.score, 9)) for s in got] == \
        [(s.code_id, round(s.score, 9)) for s in want]
    assert kept.fingerprint == fresh.fingerprint
