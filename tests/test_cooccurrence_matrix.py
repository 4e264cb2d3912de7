from __future__ import annotations

import io

import docx
import pytest
from openpyxl import load_workbook

from qualcode.analysis.compare import (comparison_memo, incidents, save_comparison_memo)
from qualcode.analysis.cooccurrence import c_coefficient, cooccurrence
from qualcode.corpus.cases import set_case_role
from qualcode.analysis.matrix import (attribute_names, cell_summaries, framework_matrix,
                                      set_cell_summary)
from qualcode.coding.codings import set_coding_memo
from qualcode.errors import NotFound, ValidationError
from qualcode.corpus.transcripts import update_transcript
from qualcode.export.analysis_tables import cooccurrence_xlsx, matrix_docx, matrix_xlsx
from tests.analysis_fixtures import code_text, make_project


@pytest.fixture
def coded(project, tmp_path):
    made = make_project(project, tmp_path)
    t, c = made["transcripts"], made["codes"]
    a, b, m = t["Interview A"], t["Interview B"], t["Interview C"]
    code_text(project, a, c["Learning"], "Ik leer elke week 𝒜 iets bij.")
    code_text(project, a, c["Learning / Anew"], "leer elke week")
    code_text(project, a, c["Pay"], "Het loon blijft hetzelfde.")
    code_text(project, a, c["Manager"], "Mijn leidinggevende steunt mij.")
    code_text(project, a, c["Learning"], "Ik leer veel van haar.")
    code_text(project, b, c["Learning"], "Ik leerde nieuwe dingen")
    code_text(project, b, c["Pay"], "het loon bleef gelijk")
    code_text(project, m, c["Pay"], "The pay stayed with the bank.")
    # the same coding by a second coder counts once
    code_text(project, m, c["Pay"], "The pay stayed with the bank.", coder="XY")
    return project, made


def _pairs(result):
    return {(r["a"], r["b"]): (r["count"], r["c_coefficient"]) for r in result.rows()}


def test_cooccurrence_by_unit(coded):
    project, _made = coded
    assert _pairs(cooccurrence(project, "overlap")) == {("Learning", "Learning / Anew"): (1, 0.3333)}
    turn = cooccurrence(project, "turn")
    assert turn.n == {turn.codes[0]: 3, turn.codes[1]: 1, turn.codes[2]: 3, turn.codes[3]: 1}
    assert _pairs(turn) == {
        ("Learning", "Learning / Anew"): (1, 0.3333), ("Learning", "Pay"): (2, 0.5),
        ("Learning", "Manager"): (1, 0.3333), ("Learning / Anew", "Pay"): (1, 0.3333)}
    assert _pairs(cooccurrence(project, "sentence")) == {
        ("Learning", "Learning / Anew"): (1, 0.3333), ("Learning", "Pay"): (1, 0.2)}
    assert _pairs(cooccurrence(project, "paragraph")) == {
        ("Learning", "Learning / Anew"): (1, 0.3333), ("Learning", "Pay"): (1, 0.2),
        ("Learning", "Manager"): (1, 0.3333)}
    # rolled up to top-level codes: Anew counts as Learning
    assert _pairs(cooccurrence(project, "turn", level=0)) == {
        ("Learning", "Pay"): (2, 0.5), ("Learning", "Manager"): (1, 0.3333)}
    # only participants' interviews
    only = cooccurrence(project, "turn", where={"role": {"manager"}})
    assert only.rows() == [] and list(only.n.values()) == [1]
    with pytest.raises(ValidationError, match="unit must be"):
        cooccurrence(project, "page")


def test_cooccurrence_quotes_matrix_and_xlsx(coded):
    project, made = coded
    learning, pay = made["codes"]["Learning"].id, made["codes"]["Pay"].id
    turn = cooccurrence(project, "turn")
    quotes = turn.quotes(learning, pay)
    assert [(q.transcript, q.speaker) for q in quotes] == [("Interview A", "P1"),
                                                           ("Interview B", "P2")]
    assert quotes[0].quote_a == "Ik leer elke week 𝒜 iets bij." and quotes[0].quote_b == (
        "Het loon blijft hetzelfde.")
    assert quotes[1].text == "Het werk geeft energie. Ik leerde nieuwe dingen, en het loon bleef gelijk."
    overlap = cooccurrence(project, "overlap").quotes(learning, made["codes"]["Learning / Anew"].id)
    assert [q.text for q in overlap] == ["Ik leer elke week 𝒜 iets bij."]
    frame = turn.matrix("c")
    assert frame.loc["Learning", "Pay"] == pytest.approx(0.5) and frame.loc["Pay", "Pay"] == 1
    assert turn.matrix("count").loc["Pay", "Learning"] == 2
    book = load_workbook(io.BytesIO(cooccurrence_xlsx(turn)))
    assert book.sheetnames == ["Counts", "C-coefficient", "Pairs", "Quotes"]
    pairs = list(book["Pairs"].iter_rows(values_only=True))
    assert pairs[0][:4] == ("a", "b", "count", "c_coefficient")
    assert ("Learning", "Pay", 2, 0.5) in [p[:4] for p in pairs]
    assert book["Quotes"].max_row == 1 + 5


def test_c_coefficient_bounds():
    assert c_coefficient(0, 3, 4) == 0
    assert c_coefficient(3, 3, 3) == 1
    # one long coding over five short ones: n12 is at most the smaller n, so c stays ≤ 1
    assert c_coefficient(5, 1, 5, "overlap") == pytest.approx(0.2)
    assert c_coefficient(5, 1, 1, "overlap") == 1


def test_framework_matrix_by_role_and_case(coded):
    project, made = coded
    assert attribute_names(project) == ["participant", "role"]
    m = framework_matrix(project, "role")
    assert m.values == ["manager", "participant"]  # the speakers' (interviewers left out)
    rows = {(r["code"], r["value"]): (r["count"], r["transcripts"]) for r in m.rows()}
    assert rows == {("Learning", "participant"): (3, 2), ("Learning / Anew", "participant"): (1, 1),
                    ("Pay", "manager"): (1, 1), ("Pay", "participant"): (2, 2),
                    ("Manager", "participant"): (1, 1)}
    c = made["transcripts"]["Interview C"]
    pay = made["codes"]["Pay"].id
    assert m.cell(pay, "manager").coverage == pytest.approx(  # of what the manager said
        len("The pay stayed with the bank.") / _spoken(project, c, "M1"))
    assert [q.quote for q in m.quotes(pay, "participant")] == ["Het loon blijft hetzelfde.",
                                                               "het loon bleef gelijk"]
    cases = framework_matrix(project, "interview")
    assert cases.values == ["Interview A", "Interview B", "Interview C"]
    assert cases.cell(made["codes"]["Learning"].id, "Interview A").count == 2
    top = framework_matrix(project, "role", level=0)
    assert top.cell(made["codes"]["Learning"].id, "participant").count == 4
    with pytest.raises(NotFound, match="no transcript has the attribute 'site'"):
        framework_matrix(project, "site")


def test_coverage_counts_overlapping_codings_once(project, tmp_path):
    made = make_project(project, tmp_path)
    a = made["transcripts"]["Interview A"]
    learn = made["codes"]["Learning"]
    code_text(project, a, learn, "Ik leer elke week")
    code_text(project, a, learn, "leer elke week 𝒜 iets")  # overlaps the first
    m = framework_matrix(project, "role")
    union = len("Ik leer elke week 𝒜 iets")
    a_len = _spoken(project, a, "P1")
    b_len = _spoken(project, made["transcripts"]["Interview B"], "P2")
    assert m.cell(learn.id, "participant").coverage == pytest.approx(union / (a_len + b_len))


def _spoken(project, transcript, case):
    """The characters ``case`` says in ``transcript`` (a role's coverage is of its words)."""
    from qualcode.corpus.cases import speaker_shares

    return speaker_shares(project, transcript.id)[case]


def test_cell_summaries_and_exports(coded):
    project, made = coded
    pay = made["codes"]["Pay"].id
    set_cell_summary(project, pay, "role", "participant", "Pay is kept; security matters.", "AB")
    set_cell_summary(project, pay, "role", "manager", "Managers mention the bank.")
    set_cell_summary(project, pay, "role", "manager", "The bank pays.")  # replaced
    assert cell_summaries(project, "role") == {(pay, "participant"): "Pay is kept; security matters.",
                                               (pay, "manager"): "The bank pays."}
    m = framework_matrix(project, "role")
    assert m.cell(pay, "manager").summary == "The bank pays."
    data = matrix_docx(m, "both", language="nl")
    document = docx.Document(io.BytesIO(data))
    table = document.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["Code", "manager", "participant"]
    row = next(r for r in table.rows if r.cells[0].text == "Pay")
    participant = row.cells[2].text
    assert participant.startswith("Pay is kept; security matters.")
    assert "“Het loon blijft hetzelfde.” — P1, Interview A, beurt 2, tekens " in participant
    assert document.paragraphs[0].text == "Raamwerkmatrix: role"
    summary_only = docx.Document(io.BytesIO(matrix_docx(m, "summary")))
    row = next(r for r in summary_only.tables[0].rows if r.cells[0].text == "Pay")
    assert row.cells[1].text == "The bank pays." and "“" not in row.cells[2].text
    book = load_workbook(io.BytesIO(matrix_xlsx(m)))
    assert book.sheetnames == ["Counts", "Interviews", "Coverage", "Summaries", "Quotes"]
    counts = {r[0]: r[1:] for r in book["Counts"].iter_rows(values_only=True)}
    assert counts["code"] == ("manager", "participant") and counts["Pay"] == (1, 2)
    assert book["Quotes"].max_row == 1 + 8
    set_cell_summary(project, pay, "role", "manager", "  ")  # cleared
    assert (pay, "manager") not in cell_summaries(project, "role")
    # a case cell keeps its summary when the interview is renamed
    set_cell_summary(project, pay, "interview", "Interview C", "The bank pays.")
    update_transcript(project, made["transcripts"]["Interview C"].id, name="Interview Z")
    assert framework_matrix(project).cell(pay, "Interview Z").summary == "The bank pays."
    with pytest.raises(NotFound, match="no transcript 'Interview C'"):
        set_cell_summary(project, pay, "interview", "Interview C", "x")


def test_wide_case_matrix_splits_word_tables(coded):
    project, _made = coded
    m = framework_matrix(project)
    from qualcode.export import analysis_tables

    old = analysis_tables.DOCX_COLUMNS
    analysis_tables.DOCX_COLUMNS = 2
    try:
        document = docx.Document(io.BytesIO(matrix_docx(m, "count")))
    finally:
        analysis_tables.DOCX_COLUMNS = old
    assert [len(t.columns) for t in document.tables] == [3, 2]


def test_constant_comparison(coded):
    project, made = coded
    learning = made["codes"]["Learning"].id
    groups = incidents(project, learning)
    assert [(g.value, len(g.rows)) for g in groups] == [("Interview A", 3), ("Interview B", 1)]
    assert [r.quote for r in groups[0].rows] == ["Ik leer elke week 𝒜 iets bij.", "leer elke week",
                                                 "Ik leer veel van haar."]
    by_role = incidents(project, made["codes"]["Pay"].id, group_by="role")
    assert [(g.value, g.interviews) for g in by_role] == [("manager", 1), ("participant", 2)]
    assert len(incidents(project, learning, with_subcodes=False)[0].rows) == 2
    set_coding_memo(project, groups[1].rows[0].coding_id, "new things, said with relief")
    assert incidents(project, learning)[1].rows[0].memo == "new things, said with relief"
    assert comparison_memo(project, learning) is None
    memo = save_comparison_memo(project, learning, "A: weekly; B: in passing.", "AB")
    assert memo.title == "Comparison: Learning" and memo.memo_type == "theoretical"
    save_comparison_memo(project, learning, "revised")
    assert comparison_memo(project, learning).body == "revised"


def test_cached_cooccurrence_follows_codings_codes_and_attributes(coded):
    from qualcode.analysis.charts import cooccurrence_heatmap_spec
    from qualcode.analysis.cooccurrence import cached_cooccurrence
    from qualcode.coding.codes import rename_code

    project, made = coded
    t, c = made["transcripts"], made["codes"]
    first = cached_cooccurrence(project, "turn")
    assert cached_cooccurrence(project, "turn") is first  # unchanged project: the same result
    assert cached_cooccurrence(project, "overlap") is not first
    assert _pairs(first) == _pairs(cooccurrence(project, "turn"))
    spec = cooccurrence_heatmap_spec(first)
    assert cooccurrence_heatmap_spec(first) is spec and len(spec["data"]["values"]) == 2 * len(
        first.rows())
    code_text(project, t["Interview B"], c["Manager"], "Ik leerde nieuwe dingen")  # a coding
    second = cached_cooccurrence(project, "turn")
    assert second is not first and ("Learning", "Manager") in _pairs(second)
    rename_code(project, c["Manager"].id, "Boss")  # a code
    third = cached_cooccurrence(project, "turn")
    assert third is not second and any("Boss" in pair for pair in _pairs(third))
    role = {"role": {"manager"}}
    before = cached_cooccurrence(project, "turn", where=role)
    update_transcript(project, t["Interview A"].id, attribute_changes={"role": "manager"})
    after = cached_cooccurrence(project, "turn", where=role)  # an attribute
    assert after is not before and _pairs(after) == _pairs(cooccurrence(project, "turn",
                                                                        where=role))


def test_incident_refs_match_incidents_and_follow_changes(coded):
    from qualcode.analysis.compare import incident_refs

    project, made = coded
    t, c = made["transcripts"], made["codes"]
    learning, pay = c["Learning"].id, c["Pay"].id

    def same(code_id, **kw):
        light = incident_refs(project, code_id, **kw)
        full = incidents(project, code_id, **kw)
        assert [(g.value, [r.coding_id for r in g.refs], g.interviews) for g in light] == [
            (g.value, [r.coding_id for r in g.rows], g.interviews) for g in full]
        return light

    first = same(learning)
    assert incident_refs(project, learning) is first  # cached while nothing changes
    same(learning, with_subcodes=False)
    same(pay, group_by="role")
    same(pay, group_by="role", where={"role": {"manager"}})
    code_text(project, t["Interview C"], c["Learning"], "The pay stayed")  # a coding
    assert [g.value for g in same(learning)] == ["Interview A", "Interview B", "Interview C"]
    set_case_role(project, "M1", "participant")  # roles are the speakers'
    assert [(g.value, g.interviews) for g in same(pay, group_by="role")] == [("participant", 3)]


def test_blind_coding_limits_cooccurrence_and_matrix_to_the_viewers_codings(coded):
    """Under blind coding a coder's co-occurrence and framework matrix count only their own
    codings (cached per coder); without a viewer, or with blind coding off, every coding."""
    from qualcode.analysis.cooccurrence import cached_cooccurrence
    from qualcode.coding.view import project_version
    from qualcode.store.settings import set_blind_coding

    project, made = coded
    pay = made["codes"]["Pay"].id
    everyone = cached_cooccurrence(project, "turn")
    assert len(everyone.codes) == 4
    set_blind_coding(project, True)
    mine = cached_cooccurrence(project, "turn", viewer="XY")
    assert mine.codes == [pay] and mine.rows() == [] and mine.n == {pay: 1}
    assert cooccurrence(project, "turn", viewer="XY").n == {pay: 1}
    # the other coder: codings stored without a coder belong to the OS user (no empty coder)
    other = __import__("getpass").getuser()
    assert len(cached_cooccurrence(project, "turn", viewer=other).codes) == 4
    assert cached_cooccurrence(project, "turn") is everyone  # no viewer: everything
    version = project_version(project)
    matrix = framework_matrix(project, "role", viewer="XY", version=version)
    assert [(r["code"], r["value"], r["count"]) for r in matrix.rows()] == [
        ("Pay", "manager", 1)]
    assert [q.coder for q in matrix.quotes(pay, "manager")] == ["XY"]
    assert len(framework_matrix(project, "role", version=version).rows()) == 5
    # the matrix page's density chart too
    from qualcode.analysis.charts import density_spec

    themes = {r["theme"] for r in density_spec(project, version=version, viewer="XY")["data"]["values"]}
    assert themes == {"Pay"}
    assert len({r["theme"] for r in density_spec(project, version=version)["data"]["values"]}) > 1
    # constant comparison: the incidents of a category
    from qualcode.analysis.compare import incident_refs

    [group] = incident_refs(project, pay, viewer="XY")
    assert {r.coder for r in group.refs} == {"XY"} and len(group.refs) == 1
    assert [[r.coder for r in g.rows] for g in incidents(project, pay, viewer="XY")] == [["XY"]]
    assert sum(len(g.refs) for g in incident_refs(project, pay)) == 4  # no viewer: all
    set_blind_coding(project, False)
    assert len(cached_cooccurrence(project, "turn", viewer="XY").codes) == 4


def test_frequency_chart_has_the_rows_of_its_matrix(coded):
    """Results of one cached count share their derived views, but a code with only a summary
    is a row of one and not of the other: each chart has its own matrix's rows."""
    from qualcode.analysis.charts import frequency_spec
    from qualcode.coding.codes import create_code
    from qualcode.coding.view import project_version

    project, _made = coded
    unused = create_code(project, "Not yet coded")
    version = project_version(project)
    before = framework_matrix(project, "role", version=version)
    assert unused.id not in before.codes
    before_rows = {r["code"] for r in frequency_spec(before)["data"]["values"]}
    set_cell_summary(project, unused.id, "role", "participant", "nothing coded yet")
    after = framework_matrix(project, "role", version=version)  # the same cached counts
    assert unused.id in after.codes
    assert "Not yet coded" in {r["code"] for r in frequency_spec(after)["data"]["values"]}
    assert "Not yet coded" not in before_rows
