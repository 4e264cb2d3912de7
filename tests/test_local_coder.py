"""Coder identity in local mode (issue 16, item 10): no coding without a coder, the coder
remembered for a new session, and an agreement over zero units says nothing was compared."""

from __future__ import annotations

import getpass

from qualcode.cli import main
from qualcode.coding.codes import create_code
from qualcode.coding.codings import add_coding, all_codings
from qualcode.corpus.transcripts import add_transcript
from qualcode.ingest import read_document
from qualcode.store.permissions import local_actor
from qualcode.store.project import Project
from tests.apptest import app_db, page

TEXT = b"Interviewer: Hoe begon het?\nP1: De huur ging omhoog en we moesten verhuizen.\n"


def test_a_coding_never_has_an_empty_coder(tmp_path):
    project = Project(tmp_path / "c.sqlite")
    t = add_transcript(project, read_document("a.txt", TEXT), "One")
    code = create_code(project, "Huur")
    add_coding(project, t.id, code.id, 32, 50)  # the library, no coder given
    with project.acting_as(local_actor("")):  # the app with an empty Coder box
        add_coding(project, t.id, code.id, 51, 70)
    with project.acting_as(local_actor("JW")):
        add_coding(project, t.id, code.id, 40, 60)
    coders = [c.coder for c in all_codings(project)]
    assert "" not in coders
    assert coders.count(getpass.getuser()) == 2 and "JW" in coders
    project.close()


def test_a_new_session_starts_with_a_coder(tmp_path, monkeypatch):
    app_db(tmp_path, monkeypatch)
    at = page("page_code")  # a new tab: nothing typed yet
    assert at.session_state["coder"] == getpass.getuser()


def test_agreement_over_zero_units_says_nothing_was_compared(tmp_path, capsys):
    db = tmp_path / "a.sqlite"
    project = Project(db)
    one = add_transcript(project, read_document("a.txt", TEXT), "One")
    two = add_transcript(project, read_document("b.txt", TEXT.replace(b"huur", b"prijs")), "Two")
    code = create_code(project, "Huur")
    add_coding(project, one.id, code.id, 32, 50, coder="JW")
    add_coding(project, two.id, code.id, 32, 50, coder="AB")
    project.close()
    assert main(["--db", str(db), "agreement", "--coders", "JW", "AB"]) == 0
    assert "Nothing was compared" in capsys.readouterr().out


def test_agreement_page_over_zero_units(tmp_path, monkeypatch):
    def fill(project):
        one = add_transcript(project, read_document("a.txt", TEXT), "One")
        two = add_transcript(project, read_document("b.txt", TEXT.replace(b"huur", b"prijs")),
                             "Two")
        code = create_code(project, "Huur")
        add_coding(project, one.id, code.id, 32, 50, coder="JW")
        add_coding(project, two.id, code.id, 32, 50, coder="AB")

    app_db(tmp_path, monkeypatch, fill=fill)
    at = page("page_agreement", viewer="JW")
    assert any("Nothing was compared" in w.value for w in at.warning)
    assert not any("agree on every unit" in s.value for s in at.success)
