from __future__ import annotations

import pytest

from qualcode.analysis.corpus import load_corpus, parse_where
from qualcode.corpus.cases import set_case_role
from qualcode.analysis.search import (autocode_speakers, code_hits, plan_codings, search,
                                      speaker_turn_hits, speakers)
from qualcode.coding.codings import all_codings
from qualcode.errors import ValidationError
from qualcode.store.project import default_coder
from qualcode.corpus.transcripts import delete_transcript, update_transcript
from tests.analysis_fixtures import make_project


def test_phrase_word_regex_and_offsets_are_code_points(project, tmp_path):
    made = make_project(project, tmp_path)
    a = made["transcripts"]["Interview A"]
    hits = search(project, "ik   LEER")  # phrase: any white space, any case
    assert [(h.transcript, h.text) for h in hits] == [("Interview A", "Ik leer"),
                                                      ("Interview A", "Ik leer"),
                                                      ("Interview B", "Ik leer")]  # Ik leerde
    for h in hits[:2]:
        assert a.text[h.start:h.end] == h.text  # code points, after an emoji and 𝒜
        assert h.speaker == "P1" and h.participant == "P1" and h.role == "participant"
    assert hits[0].location == f"Interview A, turn 2, chars {hits[0].start}–{hits[0].end}"
    assert hits[1].turn == 4 and hits[2].speaker == "P2"
    # phrase matches inside words, whole-word search does not
    assert {h.text for h in search(project, "werk")} >= {"werk", "Werk"}
    assert len(search(project, "werk")) > len(search(project, "werk", "word"))
    words = search(project, "werk", "word")
    assert all(h.text.lower() == "werk" for h in words)
    assert [h.transcript for h in words] == ["Interview A", "Interview B", "Interview B"]
    rx = search(project, r"leer\w*|learn\w*", "regex")
    assert [h.text for h in rx] == ["leer", "leer", "leerde", "learned", "Learning", "learning"]
    assert search(project, "Leer", "word", case_sensitive=True) == []
    # KWIC context around the hit
    hit = search(project, "jeugdwerk", "word")[0]
    assert hit.before.endswith("Ik werk nu in het ") and hit.after.startswith(". Ik leer")


def test_stemmed_search_dutch_and_english(project, tmp_path):
    make_project(project, tmp_path)
    dutch = search(project, "werken", "stem")
    assert {h.text for h in dutch} == {"werk", "werken", "Werk"} - {"Werk"}  # werkte: werkt
    learn = search(project, "learning", "stem")
    assert [h.text for h in learn] == ["learned", "Learning", "learning"]  # stem: learn
    # stems are per transcript language: an English stem does not hit Dutch words
    assert all(h.transcript == "Interview C" for h in learn)
    assert [h.text for h in search(project, "workers", "stem")] == ["workers"]
    two = search(project, "het werken", "stem")
    assert [h.text for h in two] == ["Het werken", "het werk", "Het werk"]


def test_filters_and_bad_patterns(project, tmp_path):
    make_project(project, tmp_path)
    assert {h.transcript for h in search(project, "loon", where={"role": {"participant"}})} == {
        "Interview A", "Interview B"}
    assert search(project, "pay", where=parse_where(["role=participant"])) == []
    assert [h.transcript for h in search(project, "pay", where=parse_where(
        ["role=manager,participant"]))] == ["Interview C"]
    with pytest.raises(ValidationError, match="not a valid regular expression"):
        search(project, "(unclosed", "regex")
    with pytest.raises(ValidationError, match="give something"):
        search(project, "  ")
    with pytest.raises(ValidationError, match="attribute=value"):
        parse_where(["role"])
    assert len(search(project, "e", limit=3)) == 3


def test_cache_follows_transcript_changes(project, tmp_path):
    made = make_project(project, tmp_path)
    c = made["transcripts"]["Interview C"]
    assert len(search(project, "bank")) == 2
    update_transcript(project, c.id, name="Interview Z", attributes={"role": "boss"})
    set_case_role(project, "M1", "director")  # the role of the person who said it
    hit = search(project, "pay")[0]
    assert hit.transcript == "Interview Z" and hit.role == "director"  # names and roles fresh
    delete_transcript(project, c.id)
    assert [h.transcript for h in search(project, "bank")] == ["Interview A"]
    assert c.id not in load_corpus(project).by_id


def test_code_hits_with_each_span(project, tmp_path):
    made = make_project(project, tmp_path)
    a = made["transcripts"]["Interview A"]
    learn = made["codes"]["Learning"]
    hits = search(project, "leer", "word")
    plan = plan_codings(project, hits, learn.id, "sentence")
    assert [p.text for p in plan] == ["Ik leer elke week 𝒜 iets bij.", "Ik leer veel van haar."]
    turn = plan_codings(project, hits, learn.id, "turn")[0]
    assert turn.text.startswith("Ik werk nu in het jeugdwerk.") and turn.text.endswith(
        "Dat is belangrijk.")  # the whole turn, several paragraphs, no speaker label
    para = plan_codings(project, hits, learn.id, "paragraph")[0]
    assert para.text == ("Ik werk nu in het jeugdwerk. Ik leer elke week 𝒜 iets bij. Het werken "
                         "is anders.\nWerkte je vroeger ook zo? Nee, ik werkte in een bank.")
    assert a.text[para.start:para.end] == para.text
    assert code_hits(project, hits, learn.id, "sentence", coder="AB") == [True, True]
    assert code_hits(project, hits, learn.id, "sentence", coder="AB") == [False, False]
    # two hits in one sentence code it once
    both = search(project, r"\bIk\b", "regex", where={"transcript": {"Interview A"}})
    assert code_hits(project, both[:2], made["codes"]["Pay"].id, "turn") == [True, False]
    codings = all_codings(project)
    # without a coder the store writes the default one (never an empty coder)
    assert len(codings) == 3 and {c.coder for c in codings} == {"AB", default_coder(project)}
    first = next(c for c in codings if c.code_id == learn.id)
    assert a.text[first.start:first.end] == "Ik leer elke week 𝒜 iets bij."
    with pytest.raises(ValidationError, match="span must be"):
        plan_codings(project, hits, learn.id, "page")


def test_autocode_speakers_and_roles(project, tmp_path):
    made = make_project(project, tmp_path)
    manager = made["codes"]["Manager"]
    assert speakers(project) == {"Interviewer": 5, "M1": 2, "P1": 2, "P2": 1}
    hits = speaker_turn_hits(project, where={"role": {"manager"}})
    assert [h.speaker for h in hits] == ["M1", "M1"]  # the interviewer's turns are left out
    assert autocode_speakers(project, manager.id, where={"role": {"manager"}}) == [True, True]
    assert autocode_speakers(project, manager.id, {"m1"}) == [False, False]
    made_p1 = autocode_speakers(project, manager.id, {"P1"}, coder="x")
    assert made_p1 == [True, True]
    c = made["transcripts"]["Interview C"]
    texts = sorted(c.text[x.start:x.end] for x in all_codings(project) if x.transcript_id == c.id)
    assert texts[0].startswith("The workers learned") and texts[1].startswith("They were")


def test_search_result_is_a_light_sequence_of_hits(sqlite_project, tmp_path):
    """search() returns arrays per transcript; a Hit is made only when read (the page shown),
    and reading by index, slice or iteration gives the same hits in the same order."""
    make_project(sqlite_project, tmp_path)
    hits = search(sqlite_project, "e")  # many hits in every transcript
    every = list(hits)
    assert len(every) == len(hits) > 10
    assert hits[0] == every[0] and hits[-1] == every[-1] and hits[len(hits) // 2] == every[len(hits) // 2]
    assert hits[3:7] == every[3:7] and hits[::5] == every[::5]
    assert hits == every and hits.transcript_count == len({h.transcript_id for h in every})
    assert list(hits.spans()) == [(h.transcript_id, h.start, h.end) for h in every]
    with pytest.raises(IndexError):
        hits[len(hits)]
    empty = search(sqlite_project, "zzzqqq")
    assert not empty and empty == [] and empty.transcript_count == 0 and list(empty) == []
    # a whole word at the very start of a transcript is found (nothing before it)
    first = every[0]
    word = search(sqlite_project, "werk", "word")
    assert all(h.text.lower() == "werk" for h in word) and first.start >= 0


def test_whole_word_filter_at_text_start_and_after_letters():
    import numpy as np

    from qualcode.analysis.search import _word_starts

    text = "de dede_de 𝒜de ǅde,de"
    spans = np.array([(m, m + 2) for m in range(len(text) - 1) if text[m:m + 2] == "de"])
    kept = _word_starts(text, spans).tolist()
    assert kept == [[s, e] for s, e in spans.tolist()
                    if s == 0 or not (text[s - 1].isalnum() or text[s - 1] == "_")]
    assert [0, 2] in kept and [19, 21] in kept
