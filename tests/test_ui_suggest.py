"""The review queue on the Code page (streamlit.testing): suggest, accept, reject."""

from __future__ import annotations

import pytest

from qualcode.coding import suggest_service
from qualcode.store.models import Coding, SuggestedCoding
from qualcode.store.project import Project
from tests.apptest import app_db, button, page


@pytest.fixture
def db(tmp_path, monkeypatch):
    suggest_service.forget()
    yield app_db(tmp_path, monkeypatch)
    for h in list(suggest_service._HOLDERS.values()):
        if h.training is not None:
            h.training.join(60)
    suggest_service.forget()


def _counts(path):
    p = Project(path)
    try:
        with p.reading() as s:
            return (s.query(Coding).count(),
                    {st: s.query(SuggestedCoding).filter_by(status=st).count()
                     for st in ("pending", "accepted", "rejected")})
    finally:
        p.close()


def test_code_page_queue_suggest_accept_reject(db):
    at = page("page_code", viewer="ab", timeout=120)
    before, _ = _counts(db)
    at.slider(key="queue_min").set_value(0.1)
    button(at, "Suggest codings").click()
    at.run()
    assert not at.exception, at.exception
    coded, states = _counts(db)
    assert coded == before and states["pending"] > 0  # nothing coded without a click
    accept = next(b for b in at.button if b.label == "Accept")
    accept.click()
    at.run()
    assert not at.exception, at.exception
    coded, states = _counts(db)
    assert coded == before + 1 and states["accepted"] == 1
    reject = next(b for b in at.button if b.label == "Reject")
    reject.click()
    at.run()
    coded, states = _counts(db)
    assert coded == before + 1 and states["rejected"] == 1
    assert any("suggested by qualcode linear model" in c.value for c in at.caption)


def test_agreement_page_shows_the_machine_coder(db):
    at = page("page_agreement", viewer="ab", timeout=120)
    at.toggle(key="agr_machine").set_value(True)
    at.run()
    at.slider(key="agr_machine_min").set_value(0.3)
    at.run()
    assert not at.exception, at.exception
    frame = at.dataframe[0].value
    assert {"Code", "Human coder", "Gwet's AC1", "Precision", "Recall"} <= set(frame.columns)
    assert set(frame["Human coder"]) == {"demo"}
    # the run is kept in the project for the Code page's review queue
    from qualcode.analysis.machine_runs import stored_run

    p = Project(db)
    try:
        run = stored_run(p)
    finally:
        p.close()
    assert run is not None and run.min_score == 0.3 and run.ac1


def _queue_two_codes(path, tid):
    """Two pending suggestions in transcript ``tid``, of two codes; returns their code ids."""
    from qualcode.coding import suggest_queue as Q
    from qualcode.coding.codes import code_tree
    from qualcode.coding.suggest_backends import Provenance, SpanSuggestion

    p = Project(path)
    try:
        low, high = code_tree(p)[:2]
        spans = [SpanSuggestion(0, 5, low.code.id, low.path, 0.9),
                 SpanSuggestion(6, 12, high.code.id, high.path, 0.8)]
        Q.enqueue(p, tid, spans, Provenance("local", "test model", "7", "", 0.01))
        return low, high
    finally:
        p.close()


def _no_machine_coder(monkeypatch):
    from qualcode.analysis import machine_coder

    def refuse(*_a, **_k):
        raise AssertionError("the Code page ran the machine coder")

    for name in ("machine_agreement", "cached_machine_agreement", "machine_codings",
                 "remembered_machine_agreement"):
        monkeypatch.setattr(machine_coder, name, refuse)


def _queue_lines(at) -> list[str]:
    return [t.value for t in at.text if " · characters " in t.value]


def test_the_queue_hides_codes_below_the_stored_machine_agreement(db, monkeypatch):
    from qualcode.analysis import machine_runs
    from tests.test_suggest_machine_runs import fake_result

    _no_machine_coder(monkeypatch)
    at = page("page_code", viewer="ab", timeout=120)
    tid = at.selectbox(key="code_transcript").value
    low, high = _queue_two_codes(db, tid)
    at.number_input(key="queue_hide").set_value(0.6)
    at.run()
    assert not at.exception, at.exception
    # no run kept yet: said so, and every code is shown
    assert any(c.value.startswith("Run the machine coder on the Agreement page first")
               for c in at.caption)
    assert len(_queue_lines(at)) == 2
    p = Project(db)
    try:
        machine_runs.remember_run(p, fake_result(
            p, lambda path: [0.3] if path == low.path else [0.9]), "sentence", 0.4)
    finally:
        p.close()
    at.run()
    assert not at.exception, at.exception
    lines = _queue_lines(at)
    assert len(lines) == 1 and lines[0].startswith(f"{high.path} (0.80)")
    captions = [c.value.replace("\\", "") for c in at.caption]  # captions are escaped
    assert any("Machine agreement from the machine coder's run of " in c
               and "(unit sentence, score ≥ 0.40)" in c for c in captions), captions
    assert any("1 suggestion(s) waiting (1 hidden: codes below AC1 0.60)" in c
               for c in captions), captions
    at.number_input(key="queue_hide").set_value(0.0)  # 0: every code
    at.run()
    assert len(_queue_lines(at)) == 2


def test_a_coding_accepted_from_the_queue_shows_where_it_came_from(db):
    """Clicking a coding (the canvas's focus action) opens its details beside the text: for a
    coding accepted from the queue, with the suggestion's provenance; none for one by hand."""
    from qualcode.coding import suggest_queue as Q
    from qualcode.coding.codings import add_coding

    at = page("page_code", viewer="ab", timeout=120)
    tid = at.selectbox(key="code_transcript").value
    low, _high = _queue_two_codes(db, tid)
    p = Project(db)
    try:
        first = next(i for i in Q.pending(p, tid) if i.code_id == low.code.id)
        accepted = Q.accept(p, first.id, coder="ab")
        by_hand = add_coding(p, tid, low.code.id, 20, 30, coder="ab")
    finally:
        p.close()
    at.session_state["qc_focus"] = accepted.id
    at.run()
    assert not at.exception, at.exception
    captions = [c.value.replace("\\", "") for c in at.caption]
    assert "suggested by test model v7 (score 0.90)" in captions, captions
    assert at.text_area(key=f"memo_text_{accepted.id}") is not None  # the details are open
    at.session_state["qc_focus"] = by_hand.id
    at.run()
    assert not at.exception, at.exception
    assert at.text_area(key=f"memo_text_{by_hand.id}") is not None
    assert not any("suggested by test model v7 (score 0.90)" in c.value.replace("\\", "")
                   for c in at.caption)


def test_accept_a_suggestion_with_the_span_selected_in_the_text(db):
    at = page("page_code", viewer="ab", timeout=120)
    tid = at.selectbox(key="code_transcript").value
    low, _high = _queue_two_codes(db, tid)
    at.session_state["qc_selection"] = {"transcript": tid, "start": 1, "end": 15}
    at.run()
    assert not at.exception, at.exception
    p = Project(db)
    try:
        from qualcode.coding import suggest_queue as Q

        item = next(i for i in Q.pending(p, tid) if i.code_id == low.code.id)
    finally:
        p.close()
    at.checkbox(key=f"q_span_{item.id}").check()
    at.run()
    assert not at.exception, at.exception
    button(at, "Accept with these changes").click()
    at.run()
    assert not at.exception, at.exception
    p = Project(db)
    try:
        with p.reading() as s:
            row = s.get(SuggestedCoding, item.id)
            coding = s.get(Coding, row.coding_id)
            assert row.status == "accepted"
            assert (coding.start, coding.end, coding.code_id, coding.coder) == (
                1, 15, low.code.id, "ab")
    finally:
        p.close()
