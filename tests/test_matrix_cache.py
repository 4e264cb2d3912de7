"""The framework matrix cached per project version (the app's page runs): computed once, shared,
and computed anew after any change to the codings, the codes or the transcripts; the cell
summaries and a cell's quotes are always current."""

from __future__ import annotations

from sqlalchemy import update

from qualcode.analysis import version_cache
from qualcode.corpus.cases import set_case_role
from qualcode.analysis.matrix import framework_matrix, set_cell_summary
from qualcode.coding.codes import rename_code
from qualcode.coding.view import project_version
from qualcode.coding.codings import remove_coding, set_coding_memo
from qualcode.store.models import Coding
from qualcode.corpus.transcripts import update_transcript
from tests.analysis_fixtures import code_text, make_project


def _current(project, by="role", **kw):
    return framework_matrix(project, by, version=project_version(project), **kw)


def test_cached_matrix_follows_every_change(project, tmp_path):
    made = make_project(project, tmp_path)
    t, c = made["transcripts"], made["codes"]
    a, b, m = t["Interview A"], t["Interview B"], t["Interview C"]
    learning, pay = c["Learning"].id, c["Pay"].id
    first_learning = code_text(project, a, c["Learning"], "Ik leer elke week 𝒜 iets bij.")
    first_pay = code_text(project, a, c["Pay"], "Het loon blijft hetzelfde.")
    code_text(project, m, c["Pay"], "The pay stayed with the bank.")

    first = _current(project)
    again = _current(project)
    assert again.data is first.data  # computed once for this version
    assert again.cell(pay, "manager").count == 1 and again.cell(learning, "manager").count == 0
    assert first.rows() == framework_matrix(project, "role").rows()  # as computed afresh

    added = code_text(project, m, c["Learning"], "The workers learned quickly.")
    now = _current(project)
    assert now.data is not first.data and now.cell(learning, "manager").count == 1
    remove_coding(project, added.id)
    assert _current(project).cell(learning, "manager").count == 0

    # two codings swap their codes: count and plain sums stay the same
    with project.transaction() as s:
        s.execute(update(Coding).where(Coding.id == first_learning.id).values(code_id=pay))
        s.execute(update(Coding).where(Coding.id == first_pay.id).values(code_id=learning))
    swapped = _current(project)
    assert [r.quote for r in swapped.quotes(pay, "participant")] == [
        "Ik leer elke week 𝒜 iets bij."]

    rename_code(project, pay, "Salary")
    assert _current(project).paths[pay] == "Salary"

    # a role changed: P2, who speaks in Interview B, is now a manager
    code_text(project, b, c["Pay"], "het loon bleef gelijk")
    assert _current(project).cell(pay, "manager").transcripts == 1
    set_case_role(project, "P2", "manager")
    moved = _current(project)
    assert moved.cell(pay, "manager").transcripts == 2
    assert moved.column_transcripts["manager"] == [b.id, m.id]
    assert _current(project, "interview").values == ["Interview A", "Interview B", "Interview C"]
    update_transcript(project, b.id, name="Interview Z")
    assert "Interview Z" in _current(project, "interview").values
    # a transcript attribute changed: a matrix by that attribute follows
    update_transcript(project, b.id, attribute_changes={"site": "Gent"})
    assert _current(project, "site").values == ["Gent", "(none)"]


def test_summaries_and_quotes_are_read_fresh(project, tmp_path):
    made = make_project(project, tmp_path)
    t, c = made["transcripts"], made["codes"]
    pay = c["Pay"].id
    coding = code_text(project, t["Interview C"], c["Pay"], "The pay stayed with the bank.")
    version = project_version(project)
    before = framework_matrix(project, "role", version=version)
    set_cell_summary(project, pay, "role", "manager", "The bank pays.")
    assert project_version(project) == version  # a summary is not part of the counts
    after = framework_matrix(project, "role", version=version)
    assert after.data is before.data
    assert after.cell(pay, "manager").summary == "The bank pays."
    assert before.cell(pay, "manager").summary == ""  # the shared counts are left as they were
    set_coding_memo(project, coding.id, "said twice")
    assert [r.memo for r in after.quotes(pay, "manager")] == ["said twice"]
    # a code with a summary and no codings is a row of the matrix
    learning = c["Learning"].id
    set_cell_summary(project, learning, "role", "participant", "Nothing coded yet.")
    rows = framework_matrix(project, "role", version=version).codes
    assert rows == [learning, pay] and before.codes == [pay]


def test_cache_keys_filters_in_any_order_and_rebuilds_for_a_new_version(monkeypatch):
    class Fake:
        url = "sqlite:///nowhere-version-cache-test"
        user = None  # local mode: the cache key's viewer (store/visibility.py)

    calls = []

    def build(n):
        calls.append(n)
        return [n]

    monkeypatch.setattr(version_cache, "MAX_ENTRIES", 2)
    key = ("a", version_cache.frozen({"role": {"x", "y"}}))
    same = ("a", version_cache.frozen({"role": {"y", "x"}}))
    one = version_cache.per_version(Fake, "t", key, lambda: build(1), version="v1")
    assert version_cache.per_version(Fake, "t", same, lambda: build(2), version="v1") is one
    assert version_cache.per_version(Fake, "t", same, lambda: build(3),
                                     version="v2") == [3]  # a new version: built again
    version_cache.per_version(Fake, "t", ("b",), lambda: build(4), version="v2")
    version_cache.per_version(Fake, "t", ("c",), lambda: build(5), version="v2")  # "a" goes
    version_cache.per_version(Fake, "t", same, lambda: build(6), version="v2")
    assert calls == [1, 3, 4, 5, 6]
    version_cache.forget(Fake)


def test_quotes_grid_reads_every_quote_once_per_version(project, tmp_path, monkeypatch):
    import qualcode.coding.quotes as quotes_module

    made = make_project(project, tmp_path)
    t, c = made["transcripts"], made["codes"]
    code_text(project, t["Interview A"], c["Pay"], "Het loon blijft hetzelfde.")
    code_text(project, t["Interview C"], c["Pay"], "The pay stayed with the bank.")
    version_cache.forget(project)
    calls = []
    real = quotes_module.quote_rows
    monkeypatch.setattr(quotes_module, "quote_rows",
                        lambda *a, **kw: calls.append(kw) or real(*a, **kw))
    version = project_version(project)
    role = framework_matrix(project, "role", version=version).quotes_table()
    framework_matrix(project, "interview", version=version).quotes_table()
    framework_matrix(project, "role", version=version, level=0).quotes_table()
    assert len(calls) == 1  # one read shared by the cached matrices of this version
    assert role.loc["Pay", "manager"] == "“The pay stayed with the bank.” — M1"
    assert role.equals(framework_matrix(project, "role").quotes_table())  # as read afresh
    code_text(project, t["Interview B"], c["Pay"], "het loon bleef gelijk")
    again = framework_matrix(project, "role", version=project_version(project)).quotes_table()
    assert again.loc["Pay", "participant"].endswith("“het loon bleef gelijk” — P2")
