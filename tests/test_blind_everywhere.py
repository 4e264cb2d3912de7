"""Blind coding holds by every route: library reads, every page of the app and its downloads,
every reading CLI command — all as coder anna, who must see nothing of coder bram's work.

The rule follows the acting user (project.user): callers pass nothing, and a caller who passes
another ``viewer`` cannot widen it."""

from __future__ import annotations

import io
import threading
import zipfile
from pathlib import Path

import pytest

from qualcode.cli import main
from qualcode.coding.codes import create_code
from qualcode.coding.codings import add_coding, all_codings, codings_for_transcript
from qualcode.coding.memos import create_memo
from qualcode.corpus.transcripts import add_transcript
from qualcode.ingest.document import IngestedDocument
from qualcode.store.models import Coding, Memo
from qualcode.store.permissions import Actor
from qualcode.store.project import Project
from qualcode.coding.status import set_status
from qualcode.store.settings import set_blind_coding
from qualcode.store.users import actor_for, add_user, get_user

SECRET = "BRAMSECRET"  # in everything of bram's: his coding memo, memo title and body
CODE_ONLY_BRAM = "Rentshock"  # a code only bram applied


def _doc(text: str) -> IngestedDocument:
    from qualcode.ingest.files import read_document

    return read_document("interview.txt", text.encode("utf-8"))


def fill(project: Project) -> dict:
    add_user(project, "boss", "boss password", "admin")
    add_user(project, "anna", "anna password", "coder")
    add_user(project, "bram", "bram password", "coder")
    anna = actor_for(get_user(project, "anna"))
    bram = actor_for(get_user(project, "bram"))
    text = ("Interviewer: How did it start?\nP1: The rent went up and we had to move out.\n"
            "Interviewer: And then?\nP1: We found a flat far from school.\n")
    t = add_transcript(project, _doc(text), "Interview 1", attributes={"role": "tenant"})
    t2 = add_transcript(project, _doc(text.replace("rent", "cost")), "Interview 2",
                        attributes={"role": "tenant"})
    shared = create_code(project, "Housing")
    only = create_code(project, CODE_ONLY_BRAM)
    with project.acting_as(anna):
        add_coding(project, t.id, shared.id, 35, 52, memo="anna's own note")
        create_memo(project, "Anna memo", "anna thinks", transcript_id=t.id)
    with project.acting_as(bram):
        for tid in (t.id, t2.id):
            add_coding(project, tid, shared.id, 35, 60, memo=f"{SECRET} coding memo")
            add_coding(project, tid, only.id, 90, 120)
        create_memo(project, f"{SECRET} memo", f"{SECRET} body", transcript_id=t.id)
    with project.acting_as(actor_for(get_user(project, "boss"))):
        set_blind_coding(project, True)
        set_status(project, [t.id, t2.id], "coded")
    return {"anna": anna, "bram": bram, "t": t.id}


@pytest.fixture
def team(tmp_path):
    path = tmp_path / "team.sqlite"
    project = Project(path)
    info = fill(project)
    yield project, info, path
    project.close()


def test_library_reads_follow_the_acting_user(team):
    from sqlalchemy import func, select

    from qualcode.analysis.saturation import saturation_log
    from qualcode.analysis.saturation_report import saturation_report
    from qualcode.coding.memos import memo_views
    from qualcode.coding.quotes import quote_refs, quote_rows
    from qualcode.coding.view import code_counts, project_version, transcript_codings
    from qualcode.exchange.refi_write import export_qdpx
    from qualcode.export.tables import codings_csv

    project, info, _ = team
    everything = all_codings(project)  # the library itself: everything
    assert {c.coder for c in everything} == {"anna", "bram"}
    version_all = project_version(project)
    with project.acting_as(info["anna"]):
        # callers pass nothing, or even another viewer: still only anna's
        assert {c.coder for c in all_codings(project)} == {"anna"}
        assert {c.coder for c in all_codings(project, viewer="bram")} == {"anna"}
        assert {c.coder for c in codings_for_transcript(project, info["t"])} == {"anna"}
        assert {r.coder for r in quote_rows(project)} == {"anna"}
        assert {r.coder for r in quote_refs(project)} == {"anna"}
        assert {r[4] for r in transcript_codings(project, info["t"])} == {"anna"}
        assert sum(code_counts(project).values()) == 1
        with project.reading() as s:
            # column selects, aggregates and get() by id are limited too
            assert s.scalar(select(func.count()).select_from(Coding)) == 1
            assert s.scalar(select(func.count(Coding.id))) == 1
            bram_coding = next(c for c in everything if c.coder == "bram")
            assert s.get(Coding, bram_coding.id) is None
            assert {m.author for m in s.scalars(select(Memo))} == {"anna"}
        assert SECRET not in repr(memo_views(project))
        assert project_version(project) != version_all
        assert SECRET.encode() not in codings_csv(project)
        result = saturation_report(project, base=1, run=1, include_in_progress=True).result
        assert CODE_ONLY_BRAM not in repr(saturation_log(result))
        qdpx = export_qdpx(project)
        with zipfile.ZipFile(io.BytesIO(qdpx)) as z:
            xml = z.read("project.qde").decode("utf-8")
        assert SECRET not in xml and 'name="bram"' not in xml
    # an admin (and the library) see everything
    with project.acting_as(actor_for(get_user(project, "boss"))):
        assert {c.coder for c in all_codings(project)} == {"anna", "bram"}
    assert len(all_codings(project)) == len(everything)


def test_kept_analyses_are_kept_per_visible_coder(team):
    from qualcode.analysis.cooccurrence import cached_cooccurrence
    from qualcode.coding.view import cached_quote_refs

    project, info, _ = team
    everyone = cached_cooccurrence(project, "turn")
    refs_all = cached_quote_refs(project)
    with project.acting_as(info["anna"]):
        mine = cached_cooccurrence(project, "turn")  # no viewer passed
        assert mine is not everyone
        assert {r.coder for r in cached_quote_refs(project)} == {"anna"}
    assert {r.coder for r in refs_all} == {"anna", "bram"}


def test_a_coder_cannot_touch_another_coders_coding_by_id(team):
    from qualcode.coding.codings import remove_coding
    from qualcode.errors import NotFound

    project, info, _ = team
    bram_coding = next(c for c in all_codings(project) if c.coder == "bram")
    with project.acting_as(info["anna"]):
        with pytest.raises(NotFound):
            remove_coding(project, bram_coding.id)
    assert bram_coding.id in {c.id for c in all_codings(project)}


def test_unblinded_a_coder_sees_everything_again(team):
    project, info, _ = team
    with project.acting_as(actor_for(get_user(project, "boss"))):
        set_blind_coding(project, False)
    with project.acting_as(info["anna"]):
        assert {c.coder for c in all_codings(project)} == {"anna", "bram"}


# --- the command line, acting as anna (--as) -------------------------------------------------

CLI_READS = [
    ["transcripts"], ["codebook", "list"], ["codes", "list"] if False else ["codebook", "list"],
    ["saturation", "--base", "1", "--run", "1"], ["saturation", "--base", "1", "--run", "1",
                                                  "--json"],
    ["search", "rent"], ["cooccurrence", "--json"], ["matrix", "--by", "role", "--json"], ["matrix", "--by", "role", "--cell", "quotes", "--json"], ["memos", "list"],
    ["memos", "list", "--json"], ["compare", "Housing"],
]


@pytest.mark.parametrize("argv", CLI_READS, ids=lambda a: " ".join(a))
def test_cli_reads_as_a_coder_show_nothing_of_another_coder(team, argv, capsys):
    _, _, path = team
    code = main(["--db", str(path), "--as", "anna", *argv])
    out = capsys.readouterr()
    assert SECRET not in out.out + out.err
    assert "bram" not in out.out, argv
    assert code in (0, 1, 2)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".docx", ".qdpx"])
def test_cli_exports_as_a_coder(team, suffix, tmp_path):
    _, _, path = team
    target = tmp_path / f"out{suffix}"
    assert main(["--db", str(path), "--as", "anna", "export", str(target)]) == 0
    assert SECRET.encode() not in _all_text(target.read_bytes())
    assert b"bram" not in _all_text(target.read_bytes())


def test_cli_saturation_log_as_a_coder(team, tmp_path):
    _, _, path = team
    log = tmp_path / "log.csv"
    assert main(["--db", str(path), "--as", "anna", "saturation", "--base", "1", "--run", "1",
                 "--include-in-progress", "--log", str(log)]) == 0
    assert CODE_ONLY_BRAM not in log.read_text(encoding="utf-8-sig")
    # without --as (local mode on the server): everything
    assert main(["--db", str(path), "saturation", "--base", "1", "--run", "1",
                 "--include-in-progress", "--log", str(log)]) == 0
    assert CODE_ONLY_BRAM in log.read_text(encoding="utf-8-sig")


def _all_text(data: bytes) -> bytes:
    """The bytes of a file, or of every member of a zip (docx, xlsx, qdpx)."""
    if data[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return b"\n".join(z.read(n) for n in z.namelist()
                              if n.endswith((".xml", ".qde", ".txt", ".rels")))
    return data


# --- every page and download of the app, as anna -----------------------------------------

# every page module of the app (admin pages included: a coder must not see them either)
PAGES = sorted(p.stem for p in (Path(__file__).resolve().parent.parent / "qualcode" / "ui")
               .glob("page_*.py"))


@pytest.fixture
def app_team(tmp_path, monkeypatch):
    path = tmp_path / "app.sqlite"
    project = Project(path)
    info = fill(project)
    project.close()
    monkeypatch.setenv("QUALCODE_DB_URL", str(path))
    monkeypatch.setenv("QUALCODE_NO_DEMO", "1")
    monkeypatch.setenv("QUALCODE_LOGIN", "required")
    return info


@pytest.mark.parametrize("name", PAGES)
def test_every_page_and_download_as_a_coder(app_team, name, monkeypatch):
    from streamlit.delta_generator import DeltaGenerator
    from streamlit.testing.v1 import AppTest

    from qualcode.ui.state import ACTOR

    downloads = []
    original = DeltaGenerator.download_button

    def record(self, label, data, *args, **kwargs):
        downloads.append((label, data))
        return original(self, label, data, *args, **kwargs)

    monkeypatch.setattr(DeltaGenerator, "download_button", record)
    import streamlit

    monkeypatch.setattr(streamlit, "download_button",  # bound to the main area at import
                        lambda label, data, *a, **k: record(streamlit._main, label, data, *a, **k))
    at = AppTest.from_string(f"from qualcode.ui import {name}\n{name}.render()",
                             default_timeout=120)
    at.session_state[ACTOR] = app_team["anna"]
    at.session_state["coder"] = "anna"
    at.run()
    assert not at.exception, at.exception
    shown = repr(at._tree)  # every element of the page, as the protobufs sent to the browser
    assert SECRET not in shown
    assert "bram" not in shown, name
    if name in ("page_import", "page_export"):
        assert downloads, "the page's downloads were not seen"
    for label, data in downloads:
        if callable(data):  # Streamlit runs deferred downloads on another thread
            box = {}
            worker = threading.Thread(target=lambda: box.setdefault("data", data()))
            worker.start()
            worker.join(120)
            data = box["data"]
        if isinstance(data, str):
            data = data.encode("utf-8")
        content = _all_text(data)
        assert SECRET.encode() not in content, label
        assert b"bram" not in content, label
        if label == "Download log (CSV)":
            assert CODE_ONLY_BRAM.encode() not in content


def test_every_deferred_download_runs_as_the_session_user():
    """Streamlit runs a download's callable on another thread: each must be wrapped in
    ui.state.as_user, or it would read as the process default (no blind coding)."""
    import ast
    from pathlib import Path

    offenders = []
    for path in sorted((Path(__file__).resolve().parent.parent / "qualcode" / "ui").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        functions = {n.name for n in ast.walk(tree)
                     if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
        for call in ast.walk(tree):
            if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
                    and call.func.attr == "download_button"):
                continue
            data = call.args[1] if len(call.args) > 1 else next(
                (k.value for k in call.keywords if k.arg == "data"), None)
            if isinstance(data, ast.Lambda) or (isinstance(data, ast.Name)
                                                and data.id in functions):
                offenders.append(f"{path.name}:{call.lineno}")
    assert offenders == []
