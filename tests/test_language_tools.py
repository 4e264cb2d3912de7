from __future__ import annotations

from qualcode.corpus.language import terms
from qualcode.corpus.sentences import sentence_spans, snap_in_turns, snap_to_sentences

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


def _suggest(project, passage, top=3):
    from qualcode.coding.suggest_backends import LocalBackend

    return LocalBackend().suggest(project, [passage], top)[0][0]


def test_suggestions_follow_definitions_and_coded_quotes(demo_project):
    from qualcode.coding import suggest_service

    suggest_service.forget()
    top = _suggest(demo_project, "Mijn loon bleef hetzelfde, anders was ik niet gegaan.")
    assert top and top[0].path == "Conditions for success / Retention of pay"
    assert _suggest(demo_project, "   ") == []


def test_no_suggestions_without_codes(sqlite_project):
    assert _suggest(sqlite_project, "Wat dan ook") == []


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


def test_suggestion_model_follows_every_change(demo_project):
    """After codings are added, removed and re-coded and a code is edited, the kept model
    (updated, then refitted in the background) suggests what a model fitted from scratch does."""
    from qualcode.coding import suggest_service as S
    from qualcode.coding.codes import find_code, merge_codes, update_code
    from qualcode.coding.codings import add_coding, all_codings, remove_coding
    from qualcode.coding.suggest_data import all_examples
    from qualcode.coding.suggest_model import fit
    from qualcode.corpus.transcripts import list_transcripts

    S.forget()
    passage = "Mijn loon bleef hetzelfde en ik leer enorm veel bij in de nieuwe cultuur."
    first = S.current_model(demo_project)
    t = list_transcripts(demo_project)[0]
    pay = find_code(demo_project, "Retention of pay")
    c = add_coding(demo_project, t.id, pay.id, 0, 120, coder="x")
    assert S.current_model(demo_project) is first and first.pending  # updated in place
    remove_coding(demo_project, next(x.id for x in all_codings(demo_project) if x.id != c.id))
    update_code(demo_project, pay.id, description="Loon, salaris en voorwaarden behouden.")
    target = find_code(demo_project, "Authenticity")
    merge_codes(demo_project, pay.id, target.id)
    remove_coding(demo_project, c.id)
    S.current_model(demo_project)  # stale: a full fit starts in the background
    S.wait_until_trained(demo_project)
    kept = S.current_model(demo_project)
    assert kept.data_version == S.data_version(demo_project) and pay.id not in kept.code_ids
    code_ids, examples = all_examples(demo_project)
    fresh = fit(examples, code_ids)
    assert [(s.code_id, round(s.score, 6)) for s in kept.top(passage, "nl", 5)] == \
        [(s.code_id, round(s.score, 6)) for s in fresh.top(passage, "nl", 5)]
    S.forget()
