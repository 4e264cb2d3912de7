"""Learned code suggestions: the model, its persistence and incremental updates, the CLI
contract (qualcode suggest / suggestions), the review queue and the migration that adds it."""

from __future__ import annotations

import json
import sqlite3

import pytest

from qualcode.cli import main
from qualcode.coding import suggest_service
from qualcode.coding.codes import find_code
from qualcode.coding.codings import add_coding
from qualcode.corpus.transcripts import get_transcript
from qualcode.store.project import Project


pytestmark = pytest.mark.usefixtures("fresh_suggest_models")


def run(capsys, *args):
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_suggest_text_json_contract(capsys, demo_project):
    db = str(demo_project.url.removeprefix("sqlite:///"))
    code, out, err = run(capsys, "--db", db, "suggest",
                         "Ik leer elke week iets nieuws bij in mijn nieuwe job", "--top", "2",
                         "--json")
    assert code == 0, err
    data = json.loads(out)
    assert isinstance(data, list) and len(data) == 2
    for item in data:
        assert set(item) == {"code", "score", "evidence"}
        assert 0.0 <= item["score"] <= 1.0
    assert data[0]["code"] == "Mastery & trial / Trial: learning anew"
    assert data[0]["score"] >= data[1]["score"]
    evidence = data[0]["evidence"]
    assert "leer" in " ".join(evidence["words"])  # the words it was chosen for
    assert any("leer elke week" in q["text"] for q in evidence["quotes"])  # an earlier quote
    assert evidence["backend"] == "local" and evidence["model_version"].startswith("local-")


def test_suggest_file_one_list_per_line_in_order(capsys, demo_project, tmp_path):
    db = str(demo_project.url.removeprefix("sqlite:///"))
    passages = tmp_path / "passages.txt"
    passages.write_text("Ik leer elke week iets bij.\n\nMijn leidinggevende was terughoudend, "
                        "hij zat met de continuïteit van het team.\n", encoding="utf-8")
    code, out, err = run(capsys, "--db", db, "suggest", "--file", str(passages), "--top", "3",
                         "--json")
    assert code == 0, err
    data = json.loads(out)
    assert len(data) == 3 and data[1] == []
    assert data[0][0]["code"] == "Mastery & trial / Trial: learning anew"
    assert data[2][0]["code"] == "Conditions for success / Role of the manager"
    assert all(len(x) <= 3 for x in data)


def test_suggest_bad_input_is_a_clear_error(capsys, demo_project, tmp_path):
    db = str(demo_project.url.removeprefix("sqlite:///"))
    bad = tmp_path / "latin1.txt"
    bad.write_bytes("caf\xe9\n".encode("latin-1"))
    code, _out, err = run(capsys, "--db", db, "suggest", "--file", str(bad), "--json")
    assert code == 2 and "latin1.txt" in err and "UTF-8" in err
    code, _out, err = run(capsys, "--db", db, "suggest", "--json")
    assert code == 2 and "TEXT or --file" in err


def test_suggestions_for_a_transcript_json_contract(capsys, demo_project):
    db = str(demo_project.url.removeprefix("sqlite:///"))
    name = "Interview 01 – P1"
    text = get_transcript(demo_project, name).text
    for unit in ("sentence", "turn"):
        code, out, err = run(capsys, "--db", db, "suggestions", name, "--unit", unit,
                             "--min-score", "0.2", "--json")
        assert code == 0, err
        data = json.loads(out)
        assert data, unit
        for item in data:
            assert set(item) == {"start", "end", "code", "score"}
            assert 0 <= item["start"] < item["end"] <= len(text)
            assert item["score"] >= 0.2
            assert text[item["start"]:item["end"]].strip() == text[item["start"]:item["end"]]
    code, out, _ = run(capsys, "--db", db, "suggestions", name, "--min-score", "0.99", "--json")
    assert all(x["score"] >= 0.99 for x in json.loads(out))


def test_the_model_is_saved_and_loaded_without_training(demo_project, monkeypatch):
    from qualcode.coding import suggest_model

    first = suggest_service.current_model(demo_project)
    path = suggest_service.suggest_store.model_path(demo_project)
    assert path.exists()
    suggest_service.forget()

    def no_training(*_a, **_k):
        raise AssertionError("trained again although the saved model is current")

    monkeypatch.setattr(suggest_service, "fit", no_training)
    monkeypatch.setattr(suggest_model, "fit", no_training)
    again = suggest_service.current_model(demo_project)
    assert again is not first and again.version == first.version
    text = "Ik leer elke week iets bij"
    assert [s.code_id for s in again.top(text, "nl", 3)] == [s.code_id for s in
                                                             first.top(text, "nl", 3)]


def test_a_new_coding_updates_the_model_incrementally(demo_project, tmp_path):
    model = suggest_service.current_model(demo_project)
    code = find_code(demo_project, "Conditions for success / Retention of pay")
    t = get_transcript(demo_project, "Interview 02 – P2")
    passage = "Ik heb terug goesting om te werken."
    before = {s.code_id: s.score for s in model.top(passage, "nl", 20)}
    start = t.text.index(passage)
    add_coding(demo_project, t.id, code.id, start, start + len(passage), coder="ab")
    after_model = suggest_service.current_model(demo_project)
    assert after_model is model  # updated in place, no full retrain
    assert model.pending >= 1
    after = {s.code_id: s.score for s in model.top(passage, "nl", 20)}
    assert after[code.id] > before[code.id]
    # the new quote is among the code's similar quotes at once, and saved with the model
    assert model.explain(passage, "nl", code.id).quotes[0]["text"] == passage
    from qualcode.coding import suggest_store

    suggest_store.save(model, tmp_path / "m.npz")
    loaded = suggest_store.load(tmp_path / "m.npz")
    assert loaded.quote_x.shape[0] == len(model.quote_codes)
    assert loaded.explain(passage, "nl", code.id).quotes[0]["text"] == passage


def test_review_queue_accept_change_reject(demo_project):
    from qualcode.coding import suggest_queue as Q
    from qualcode.coding.suggest_backends import LocalBackend
    from qualcode.coding.suggest_data import rejected_examples
    from qualcode.store.models import Coding

    t = get_transcript(demo_project, "Interview 01 – P1")
    with demo_project.reading() as s:
        before = s.query(Coding).count()
    spans, prov = LocalBackend().suggest_spans(demo_project, t.id, "sentence", 0.1)
    assert spans and prov.model_version
    Q.enqueue(demo_project, t.id, spans, prov)
    with demo_project.reading() as s:
        assert s.query(Coding).count() == before  # nothing coded without a click
    items = Q.pending(demo_project, t.id)
    assert len(items) == len(spans)
    first, second, third = items[0], items[1], items[2]
    coding = Q.accept(demo_project, first.id, coder="ab")
    assert (coding.start, coding.end, coding.code_id, coding.coder) == (
        first.start, first.end, first.code_id, "ab")
    assert Q.provenance_of(demo_project, coding.id).startswith(
        "suggested by qualcode linear model vlocal-")
    other = find_code(demo_project, "Authenticity")
    changed = Q.accept(demo_project, second.id, code_id=other.id, coder="ab")
    assert changed.code_id == other.id
    Q.reject(demo_project, third.id, coder="ab")
    assert [e.not_codes for e in rejected_examples(demo_project)] == [frozenset([third.code_id])]
    with pytest.raises(Exception, match="already rejected"):
        Q.reject(demo_project, third.id)
    # hiding codes (below a chosen agreement) leaves them out of the queue
    left = Q.pending(demo_project, t.id, hide_codes={i.code_id for i in items})
    assert left == []


def test_a_reader_cannot_act_on_the_queue(demo_project):
    from qualcode.coding import suggest_queue as Q
    from qualcode.coding.suggest_backends import LocalBackend
    from qualcode.errors import QualcodeError
    from qualcode.store.permissions import Actor

    t = get_transcript(demo_project, "Interview 01 – P1")
    spans, prov = LocalBackend().suggest_spans(demo_project, t.id, "sentence", 0.1)
    Q.enqueue(demo_project, t.id, spans, prov)
    item = Q.pending(demo_project, t.id)[0]
    demo_project.default_actor = Actor("rd", "read-only")
    try:
        with pytest.raises(QualcodeError):
            Q.reject(demo_project, item.id)
    finally:
        demo_project.default_actor = None


def test_migration_0010_adds_the_queue_to_a_0005_project(tmp_path):
    from qualcode.demo import load_demo
    from qualcode.store import migrate

    from .migration_helpers import downgrade_to, revision_before

    path = tmp_path / "old.sqlite"
    p = Project(path)
    load_demo(p, with_codings=True)
    p.close()
    downgrade_to(path, revision_before("0010"))  # as a project made before the queue existed
    with sqlite3.connect(path) as db:
        assert "suggested_codings" not in {r[0] for r in db.execute("SELECT name FROM sqlite_master")}
        n = db.execute("SELECT count(*) FROM codings").fetchone()[0]
    again = Project(path)
    try:
        with sqlite3.connect(path) as db:
            tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master")}
            assert "suggested_codings" in tables
            assert db.execute("SELECT count(*) FROM codings").fetchone()[0] == n
            assert db.execute("SELECT version_num FROM alembic_version").fetchone()[0] == migrate.head()
    finally:
        again.close()


def test_agreement_machine_json(capsys, demo_project):
    db = str(demo_project.url.removeprefix("sqlite:///"))
    code, out, err = run(capsys, "--db", db, "agreement", "--machine", "--min-score", "0.3",
                         "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["coders"] == ["demo", "machine"]
    assert "ac1" in data["overall"] and data["overall"]["pairwise"][0]["coders"] == [
        "demo", "machine"]
    assert "ac1" in data["overall"]["pairwise"][0]
    entry = next(p for p in data["per_code"] if p["code"] == "Mastery & trial / Trial: learning anew")
    for key in ("cohen_kappa", "krippendorff_alpha", "ac1", "percent_agreement"):
        assert key in entry
    [vs] = entry["machine_vs"]
    assert vs["coder"] == "demo" and set(vs) >= {"precision", "recall", "cohen_kappa", "ac1",
                                                 "krippendorff_alpha"}
    assert len(data["transcripts"]) == 10
    # a whole run is kept for the Code page's review queue, as the Agreement page's is
    from qualcode.analysis.machine_runs import stored_run

    run_ = stored_run(demo_project)
    assert run_ is not None and (run_.unit, run_.min_score) == ("turn", 0.3)
    code, out, err = run(capsys, "--db", db, "agreement", "--machine", "--coders", "demo",
                         "--min-score", "0.4", "--json")
    assert code == 0, err
    assert stored_run(demo_project).min_score == 0.3  # a run for some coders only is not kept


def test_machine_never_sees_the_transcript_it_codes(demo_project, monkeypatch):
    from qualcode.analysis import machine_coder

    seen = []
    real_fit = machine_coder.fit

    def spy(examples, code_ids, **kw):
        seen.append({e.group for e in examples if e.kind == "coding"})
        return real_fit(examples, code_ids, **kw)

    monkeypatch.setattr(machine_coder, "fit", spy)
    rows = machine_coder.machine_codings(demo_project, ["demo"], "turn", min_score=0.3, folds=5)
    assert rows and len(seen) == 5
    by_fold = {}
    for r in rows:
        by_fold.setdefault(r.transcript_id, r)
    for tid in by_fold:  # each coded transcript was left out of exactly one fold's training
        assert sum(tid not in groups for groups in seen) == 1


def test_human_pairs_get_ac1(demo_project):
    from qualcode.analysis.agreement import compute_agreement

    t = get_transcript(demo_project, "Interview 01 – P1")
    code = find_code(demo_project, "Authenticity")
    add_coding(demo_project, t.id, code.id, 0, 40, coder="second")
    result = compute_agreement(demo_project, ["demo", "second"], "turn",
                               transcript_ids={t.id})
    assert "ac1" in result.overall and "ac1" in result.overall["pairwise"][0]
    assert all("ac1" in p for p in result.per_code)


def test_trusted_codes_split_by_machine_agreement():
    from qualcode.analysis.agreement import AgreementResult
    from qualcode.analysis.machine_coder import machine_rows, trusted_codes

    per_code = [{"code": "A", "units_coded": 5, "machine_vs": [
                    {"coder": "ab", "ac1": 0.9, "cohen_kappa": 0.8, "krippendorff_alpha": 0.8,
                     "precision": 1.0, "recall": 0.5}]},
                {"code": "B", "units_coded": 3, "machine_vs": [
                    {"coder": "ab", "ac1": 0.4, "cohen_kappa": 0.1, "krippendorff_alpha": 0.1,
                     "precision": 0.2, "recall": 0.5}]},
                {"code": "C", "units_coded": 1, "machine_vs": [
                    {"coder": "ab", "ac1": None, "cohen_kappa": None,
                     "krippendorff_alpha": None, "precision": None, "recall": 0.0}]}]
    result = AgreementResult("turn", ["ab", "machine"], [], [], 0.9, {}, per_code)
    assert trusted_codes(result, "ac1", 0.6) == ({"A"}, {"B", "C"})
    rows = machine_rows(result)
    assert [r["Code"] for r in rows] == ["A", "B", "C"] and rows[0]["Gwet's AC1"] == 0.9


def test_features_stem_dutch_and_english():
    from qualcode.coding.suggest_features import stems, word_terms

    assert stems("De medewerkers leerden enorm veel bij", "nl")[:3] == ["de", "medewerker",
                                                                      "leer"]
    assert stems("The employees were learning new skills", "en") == [
        "the", "employe", "were", "learn", "new", "skill"]
    assert stems("Ça va 123 !!", None) == ["ça", "va"]  # unknown language: the words
    assert "learn new" in word_terms("learning new skills", "en")


def test_an_english_project_gets_suggestions(sqlite_project):
    from qualcode.coding.codes import create_code
    from qualcode.coding.suggest_backends import LocalBackend

    pay = create_code(sqlite_project, "Pay", description="salary, wages, money kept the same")
    learn = create_code(sqlite_project, "Learning", description="learning new skills, training")
    [picks], _ = LocalBackend().suggest(sqlite_project, ["I learned many new skills"], 2)
    assert picks[0].code_id == learn.id and picks[1].code_id == pay.id


def test_the_app_trains_in_a_process_of_its_own_and_never_imports_sklearn(demo_project):
    """The app's path (warm at start, a suggestion, a new coding's update, the reasons) in a
    fresh interpreter: the fit runs in a child process that saves the model, and the app's
    process scores and updates without scikit-learn (60 MB of its memory)."""
    import subprocess
    import sys
    import textwrap

    from tests.conftest import ROOT

    url = demo_project.url
    demo_project.close()
    script = textwrap.dedent(f"""
        import os, sys
        from qualcode.store.project import Project
        from qualcode.coding import suggest_service, suggest_store
        from qualcode.coding.codes import find_code
        from qualcode.coding.codings import add_coding
        from qualcode.corpus.transcripts import get_transcript
        p = Project({url!r})
        suggest_service.warm(p)
        import time
        deadline = time.time() + 120
        while suggest_service.current_model(p, wait=False) is None and time.time() < deadline:
            time.sleep(0.2)
        suggest_service.wait_until_trained(p)
        model = suggest_service.current_model(p, wait=False)
        assert model is not None and suggest_store.model_path(p).exists()
        passage = "Ik heb terug goesting om te werken."
        code = find_code(p, "Conditions for success / Retention of pay")
        before = {{s.code_id: s.score for s in model.top(passage, "nl", 20)}}
        t = get_transcript(p, "Interview 02 – P2")
        start = t.text.index(passage)
        add_coding(p, t.id, code.id, start, start + len(passage), coder="ab")
        model = suggest_service.current_model(p, wait=False)
        after = {{s.code_id: s.score for s in model.top(passage, "nl", 20)}}
        assert after[code.id] > before[code.id], (before[code.id], after[code.id])
        assert model.explain(passage, "nl", code.id).quotes
        print("sklearn" in sys.modules)
    """)
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                          text=True, timeout=300, env={**__import__("os").environ,
                                                        "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "False"


def test_a_training_process_ends_with_the_app_that_started_it(demo_project, tmp_path):
    """A stopped server leaves no training process behind (they would compete for the CPU)."""
    import os
    import signal
    import subprocess
    import sys
    import time

    from tests.conftest import ROOT

    # a stand-in for the app: starts the training process, reports its pid, then is killed
    starter = ("import os, subprocess, sys, time\n"
               "p = subprocess.Popen([sys.executable, '-c', 'import time; "
               "from qualcode.coding.suggest_train import _exit_with_parent; "
               "_exit_with_parent(); time.sleep(60)'],\n"
               "    env={**os.environ, 'QUALCODE_PARENT_PID': str(os.getpid())})\n"
               "print(p.pid, flush=True)\ntime.sleep(60)\n")
    app = subprocess.Popen([sys.executable, "-c", starter], cwd=ROOT, stdout=subprocess.PIPE,
                           text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    child = int(app.stdout.readline())
    os.kill(app.pid, signal.SIGKILL)
    app.wait()
    deadline = time.time() + 10
    while time.time() < deadline:
        try:
            state = open(f"/proc/{child}/stat").read().rpartition(")")[2].split()[0]
        except FileNotFoundError:
            return
        if state == "Z":  # ended, not yet reaped by whoever adopted it
            return
        time.sleep(0.2)
    raise AssertionError("the training process outlived the app")


def test_accepting_a_suggestion_with_another_span(demo_project):
    """"with the span selected in the text": the coding gets the researcher's span, the
    suggestion's code and provenance; a span outside the text is refused and nothing changes."""
    from qualcode.coding import suggest_queue as Q
    from qualcode.coding.suggest_backends import Provenance, SpanSuggestion
    from qualcode.store.models import Coding, SuggestedCoding

    t = get_transcript(demo_project, "Interview 01 – P1")
    code = find_code(demo_project, "Authenticity")
    Q.enqueue(demo_project, t.id, [SpanSuggestion(3, 9, code.id, code.name, 0.7)],
              Provenance("local", "m", "1", "", 0.0))
    [item] = Q.pending(demo_project, t.id)
    with demo_project.reading() as s:
        before = s.query(Coding).count()
    with pytest.raises(Exception):
        Q.accept(demo_project, item.id, start=5, end=len(t.text) + 10, coder="ab")
    with demo_project.reading() as s:
        assert s.query(Coding).count() == before
    assert [i.id for i in Q.pending(demo_project, t.id)] == [item.id]  # still waiting
    coding = Q.accept(demo_project, item.id, start=2, end=19, coder="ab")
    assert (coding.start, coding.end, coding.code_id, coding.coder) == (2, 19, code.id, "ab")
    assert Q.provenance_of(demo_project, coding.id) == "suggested by m v1 (score 0.70)"
    with demo_project.reading() as s:
        row = s.get(SuggestedCoding, item.id)
        assert (row.status, row.coding_id, row.start, row.end) == ("accepted", coding.id, 3, 9)
        assert row.evidence["changed_to"] == {"code_id": code.id, "start": 2, "end": 19}
    assert Q.pending(demo_project, t.id) == []
