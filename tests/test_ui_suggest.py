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
