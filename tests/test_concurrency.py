"""Real concurrency: several processes code, edit one code and apply attribute sheets on one
project at the same time, while another imports transcripts; counts before and after prove
that nothing was lost and that nobody saw "database is locked" or a raw database error.
On SQLite (WAL, write lock taken up front, retry with backoff) and PostgreSQL (row locks)."""

from __future__ import annotations

import multiprocessing as mp
import sys
import traceback
import types

import pytest

from qualcode.coding.codes import add_code_example, create_code, find_code, update_code
from qualcode.coding.codings import add_coding, all_codings
from qualcode.errors import ConflictError
from qualcode.corpus import ingest_file
from qualcode.store.models import Base
from qualcode.store.project import Project
from qualcode.corpus.transcripts import import_attributes, list_transcripts
from tests.conftest import PG_URL

N_TRANSCRIPTS = 12
WORKERS = 3       # processes per kind of work
CODINGS = 30      # per coding process
EXAMPLES = 25     # per code-editing process
DESCRIPTION = 8   # description lines per code-editing process (expected_version + retry)
SHEETS = 10       # sheets per attribute process, each one key for every transcript
TEXT = "Interviewer: Vraag {i}?\nP{i}: " + " ".join(f"woord{j}" for j in range(120)) + "\n"


def _setup(url: str) -> None:
    project = Project(url)
    for i in range(N_TRANSCRIPTS):
        ingest_file(project, f"t{i:02d}.txt", data=TEXT.format(i=i).encode(),
                    name=f"T{i:02d}", attributes={"interview_order": i})
    create_code(project, "Shared")
    project.close()


def _coder(url: str, w: int, start) -> None:
    project = Project(url)
    transcripts = list_transcripts(project)
    code = find_code(project, "Shared")
    start.wait()
    for k in range(CODINGS):
        t = transcripts[k % len(transcripts)]
        a = 30 + k * 3
        add_coding(project, t.id, code.id, a, a + 10, coder=f"coder{w}")
    project.close()


def _code_editor(url: str, w: int, start) -> None:
    project = Project(url)
    code_id = find_code(project, "Shared").id
    start.wait()
    for k in range(EXAMPLES):
        add_code_example(project, code_id, f"example {w}-{k}")
    for k in range(DESCRIPTION):  # an editor's read-modify-write, with optimistic concurrency
        while True:
            code = find_code(project, "Shared")
            lines = [x for x in code.description.split("\n") if x]
            try:
                update_code(project, code_id, description="\n".join(lines + [f"line {w}-{k}"]),
                            expected_version=code.version)
                break
            except ConflictError as exc:
                assert "changed by" in str(exc)
    project.close()


def _sheets(url: str, w: int, start) -> None:
    project = Project(url)
    start.wait()
    for k in range(SHEETS):
        rows = [f"name,w{w}_k{k}"] + [f"T{i:02d},{w}.{k}.{i}" for i in range(N_TRANSCRIPTS)]
        import_attributes(project, ("\n".join(rows) + "\n").encode(), f"sheet-{w}-{k}.csv")
    project.close()


def _importer(url: str, w: int, start) -> None:
    project = Project(url)
    start.wait()
    for i in range(4):
        big = "\n".join(f"P{i}: zin {j} van een lang interview over werk en leren."
                        for j in range(3000))
        ingest_file(project, f"big{i}.txt", data=big.encode(), name=f"Big {i}")
    project.close()


def _run(target, url, w, start, errors) -> None:
    try:
        target(url, w, start)
    except BaseException:  # noqa: BLE001 - report everything to the parent
        errors.put(f"{target.__name__}[{w}]: {traceback.format_exc()}")


def _hammer(url: str) -> None:
    _setup(url)
    project = Project(url)
    before = len(all_codings(project))
    project.close()
    ctx = mp.get_context("spawn")
    start, errors = ctx.Event(), ctx.Queue()
    procs = [ctx.Process(target=_run, args=(fn, url, w, start, errors))
             for fn in (_coder, _code_editor, _sheets) for w in range(WORKERS)]
    procs.append(ctx.Process(target=_run, args=(_importer, url, 0, start, errors)))
    # a spawned process re-runs the parent's __main__ file; after a Streamlit AppTest in this
    # pytest process that can be an app page script: start the workers from a bare __main__
    main = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        for p in procs:
            p.start()
    finally:
        sys.modules["__main__"] = main
    start.set()
    for p in procs:
        p.join(timeout=600)
    problems = []
    while not errors.empty():
        problems.append(errors.get())
    assert not problems, "\n".join(problems)
    assert all(p.exitcode == 0 for p in procs)

    project = Project(url)
    try:
        codings = all_codings(project)
        assert len(codings) - before == WORKERS * CODINGS
        code = find_code(project, "Shared")
        assert sorted(code.examples) == sorted(f"example {w}-{k}" for w in range(WORKERS)
                                               for k in range(EXAMPLES))
        lines = [x for x in code.description.split("\n") if x]
        assert sorted(lines) == sorted(f"line {w}-{k}" for w in range(WORKERS)
                                       for k in range(DESCRIPTION))
        values = 0
        for t in list_transcripts(project):
            if t.name.startswith("T"):
                i = int(t.name[1:])
                for w in range(WORKERS):
                    for k in range(SHEETS):
                        assert t.attributes.get(f"w{w}_k{k}") == f"{w}.{k}.{i}", (t.name, w, k)
                        values += 1
        assert values == WORKERS * SHEETS * N_TRANSCRIPTS
        assert {t.name for t in list_transcripts(project)} >= {f"Big {i}" for i in range(4)}
        assert code.version == 1 + WORKERS * (EXAMPLES + DESCRIPTION)
    finally:
        project.close()


def test_concurrent_writers_lose_nothing_on_sqlite(tmp_path):
    _hammer(f"sqlite:///{tmp_path / 'shared.sqlite'}")


@pytest.mark.postgres
def test_concurrent_writers_lose_nothing_on_postgresql():
    if not PG_URL:
        pytest.skip("no PostgreSQL (set QUALCODE_TEST_PG_URL)")
    project = Project(PG_URL)
    Base.metadata.drop_all(project.engine)
    Base.metadata.create_all(project.engine)
    project.close()
    try:
        _hammer(PG_URL)
    finally:
        project = Project(PG_URL)
        Base.metadata.drop_all(project.engine)
        project.close()
