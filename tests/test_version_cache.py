"""Results kept per project version: reused while nothing changed, recomputed after a change,
bounded in number; the agreement page's cached analyses agree with the plain ones."""

from __future__ import annotations

import pytest

from qualcode.analysis import version_cache
from qualcode.analysis.agreement import (cached_agreement, cached_disagreements,
                                         compute_agreement, disagreements)
from qualcode.coding.codes import create_code
from qualcode.coding.codings import add_coding, remove_coding
from qualcode.errors import ValidationError
from qualcode.store.settings import set_blind_coding
from qualcode.corpus import ingest_file
from qualcode.corpus.transcripts import update_transcript


def _calls():
    calls = []

    def compute():
        calls.append(1)
        return len(calls)
    return calls, compute


def test_reused_until_the_project_changes(sqlite_project):
    project = sqlite_project
    version_cache.forget(project)
    t = ingest_file(project, "P1.txt", data=b"I: Hoe was het?\n\nR: Spannend, heel spannend.\n")
    code = create_code(project, "Spanning")
    calls, compute = _calls()
    assert version_cache.per_version(project, "x", 1, compute) == 1
    assert version_cache.per_version(project, "x", 1, compute) == 1  # same version: kept
    assert version_cache.per_version(project, "x", 2, compute) == 2  # another key
    start = t.text.index("Spannend")
    c = add_coding(project, t.id, code.id, start, start + 8, coder="ab")
    assert version_cache.per_version(project, "x", 1, compute) == 3  # a coding: recomputed
    remove_coding(project, c.id)
    assert version_cache.per_version(project, "x", 1, compute) == 4
    update_transcript(project, t.id, attributes={"role": "manager"})
    assert version_cache.per_version(project, "x", 1, compute) == 5  # an attribute
    create_code(project, "Nieuw")
    assert version_cache.per_version(project, "x", 1, compute) == 6  # the codebook
    assert len(calls) == 6


def test_bounded(sqlite_project):
    version_cache.forget(sqlite_project)
    calls, compute = _calls()
    for k in range(version_cache.MAX_ENTRIES + 5):
        version_cache.per_version(sqlite_project, "x", k, compute, version="v")
    assert len(version_cache._CACHE[sqlite_project.url]) == version_cache.MAX_ENTRIES
    version_cache.per_version(sqlite_project, "x", 0, compute, version="v")  # dropped: again
    assert len(calls) == version_cache.MAX_ENTRIES + 6


def test_cached_agreement_is_the_agreement(sqlite_project):
    project = sqlite_project
    version_cache.forget(project)
    t = ingest_file(project, "P1.txt", data=b"I: Vraag?\n\nR: Eerste antwoord.\n\nI: Nog een?\n\n"
                                            b"R: Tweede antwoord hier.\n")
    a, b = create_code(project, "A"), create_code(project, "B")
    first = t.text.index("Eerste")
    second = t.text.index("Tweede")
    add_coding(project, t.id, a.id, first, first + 6, coder="an")
    add_coding(project, t.id, a.id, first, first + 6, coder="bo")
    add_coding(project, t.id, b.id, second, second + 6, coder="an")
    plain = compute_agreement(project, ["an", "bo"], "turn")
    kept = cached_agreement(project, ["an", "bo"], "turn")
    assert kept.overall == plain.overall
    assert cached_agreement(project, ["an", "bo"], "turn") is kept
    found = cached_disagreements(project, ["an", "bo"], "turn", viewer="an")
    assert [(d.start, d.end) for d in found] == [
        (d.start, d.end) for d in disagreements(project, ["an", "bo"], "turn")]
    add_coding(project, t.id, b.id, second, second + 6, coder="bo")  # now they agree
    assert cached_disagreements(project, ["an", "bo"], "turn") == []
    set_blind_coding(project, True)
    with pytest.raises(ValidationError):  # the blind check is made on every call
        cached_disagreements(project, ["an", "bo"], "turn", viewer="an")


def test_version_follows_a_renamed_coder_and_swapped_codes(sqlite_project):
    from qualcode.coding.view import project_version
    from qualcode.store.models import Coding

    project = sqlite_project
    t = ingest_file(project, "P1.txt", data=b"R: een twee drie vier vijf zes\n")
    a, b = create_code(project, "A"), create_code(project, "B")
    x = add_coding(project, t.id, a.id, 3, 6, coder="an")
    y = add_coding(project, t.id, b.id, 7, 11, coder="an")
    before = project_version(project)
    with project.transaction() as s:
        s.get(Coding, x.id).coder = "bo"  # same length, another coder
    renamed = project_version(project)
    assert renamed != before
    with project.transaction() as s:  # the two codings swap their codes
        s.get(Coding, x.id).code_id, s.get(Coding, y.id).code_id = b.id, a.id
    assert project_version(project) != renamed


def test_kept_views_build_once_per_result_without_holding_up_other_results():
    """A view is built once however many sessions ask at once; a view may be built from
    another view of the same result; a slow build holds up only its own result's views."""
    import threading

    from qualcode.analysis.version_cache import kept_view

    slow, other = {}, {}
    started, release = threading.Event(), threading.Event()
    builds = []

    def slow_build():
        builds.append(1)
        started.set()
        release.wait(10)
        return "slow"

    threads = [threading.Thread(target=kept_view, args=(slow, "v", slow_build)) for _ in range(3)]
    for t in threads:
        t.start()
    assert started.wait(10)
    done = threading.Thread(target=kept_view, args=(other, "w", lambda: "quick"))
    done.start()
    done.join(5)
    assert not done.is_alive() and other["w"] == "quick"  # not held up by the slow build
    release.set()
    for t in threads:
        t.join(10)
    assert kept_view(slow, "v", lambda: "again") == "slow" and builds == [1]
    assert kept_view(other, "x", lambda: kept_view(other, "w", lambda: "no") + "!") == "quick!"
