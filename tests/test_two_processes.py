"""More than one server process on one database (issue 16, item 11): what one process saves,
the other shows on its next run; nothing kept in a process's memory (analyses, quote refs,
the suggestion index, the corpus, the page caches) serves a stale project. The load test (20
coders across 2 processes) is bench/bench_two_processes.py."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from qualcode.analysis.cooccurrence import cached_cooccurrence
from qualcode.analysis.corpus import load_corpus
from qualcode.analysis.saturation_report import cached_saturation_report
from qualcode.coding.codes import create_code, find_code
from qualcode.coding.codings import add_coding
from qualcode.coding.status import set_status
from qualcode.coding.suggest_service import current_model, data_version
from qualcode.coding.view import cached_quote_refs
from qualcode.corpus.transcripts import add_transcript
from qualcode.ingest import read_document
from tests.conftest import ROOT

TEXT = ("Interviewer: Hoe begon het?\nP1: De huur steeg elk jaar en de verhuurder deed niets "
        "aan het lekkende dak.\nInterviewer: En toen?\nP1: Toen zochten we een kleinere woning "
        "dichter bij de school van de kinderen.\n")


def _other_process(url: str, code: str) -> None:
    """Run ``code`` (with ``project`` open on ``url``) in a separate Python process."""
    script = textwrap.dedent("""
        import sys
        from qualcode.store.project import Project
        from qualcode.coding.codes import find_code
        from qualcode.coding.codings import add_coding
        from qualcode.corpus.transcripts import list_transcripts
        project = Project(sys.argv[1])
    """) + textwrap.dedent(code) + "\nproject.close()\n"
    done = subprocess.run([sys.executable, "-c", script, url], capture_output=True, text=True,
                          timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr


def test_a_write_in_another_process_refreshes_every_kept_result(project):
    t = add_transcript(project, read_document("a.txt", TEXT.encode()), "Interview 1")
    housing = create_code(project, "Housing")
    school = create_code(project, "School")
    set_status(project, [t.id], "coded")
    add_coding(project, t.id, housing.id, 32, 50, coder="anna")
    # this process keeps its results
    refs = cached_quote_refs(project)
    cooc = cached_cooccurrence(project, "turn")
    report = cached_saturation_report(project, base=1, run=1)
    corpus = load_corpus(project)
    model = current_model(project)  # the learned suggestion model, kept in this process
    first_version = model.data_version if model is not None else None
    assert len(refs) == 1 and school.id not in cooc.codes
    # another process (another app process behind the proxy) codes
    start = t.text.index("Toen zochten")
    _other_process(project.url, f"""
        add_coding(project, {t.id}, find_code(project, "School").id, {start},
                   {start + 60}, coder="bram")
    """)
    assert len(cached_quote_refs(project)) == 2
    assert school.id in cached_cooccurrence(project, "turn").codes
    assert cached_saturation_report(project, base=1, run=1) is not report
    assert "School" in repr(cached_saturation_report(project, base=1, run=1).result)
    assert load_corpus(project).version == corpus.version  # texts unchanged: kept
    after = current_model(project)  # brought up to the database's state, not served stale
    assert after is None or (after.data_version == data_version(project)
                             and after.data_version != first_version)
    # a transcript added elsewhere: the corpus follows
    _other_process(project.url, """
        from qualcode.ingest import read_document
        from qualcode.corpus.transcripts import add_transcript
        add_transcript(project, read_document("b.txt", "P2: Een ander verhaal.".encode()),
                       "Interview 2")
    """)
    assert len(load_corpus(project).docs) == 2


@pytest.mark.browser
def test_a_coding_made_in_one_app_process_shows_in_the_other(tmp_path):
    """Two Streamlit processes on one project: a code applied in a browser on process A is
    on process B's Code page at its next run."""
    from playwright.sync_api import sync_playwright

    from qualcode.demo import load_demo
    from qualcode.store.project import Project
    from tests.streamlit_server import CHROMIUM, CHROMIUM_ARGS, require_chromium, streamlit_server
    from tests.test_browser import _canvas_transcript, _drag_select, _open_code_page, _wait

    require_chromium()
    db = tmp_path / "shared.sqlite"
    project = Project(db)
    load_demo(project)
    project.close()
    tid, text = _canvas_transcript(db, "M1", -20)
    needle = "Nu leer ik elke dag iets nieuws."
    with streamlit_server(db) as url_a, streamlit_server(db) as url_b, \
            sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        a = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
        b = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
        for pg in (a, b):
            pg.set_default_timeout(60000)
        _open_code_page(b, url_b, coder="kb")  # B has the page open (and its caches warm)
        _open_code_page(a, url_a, coder="kb")
        _drag_select(a, needle)
        a.locator(".qc-span-selector .qc-palette").wait_for(state="visible")
        a.keyboard.type("learning anew")
        a.keyboard.press("Enter")
        project = Project(db)
        try:
            from qualcode.coding.codings import codings_for_transcript

            _wait(lambda: codings_for_transcript(project, tid))
        finally:
            project.close()
        # B's next run (any widget, here a reload of the page) shows A's coding
        b.reload()
        b.locator(".qc-span-selector .qc-coded", has_text="leer ik elke dag").first.wait_for()
        browser.close()
