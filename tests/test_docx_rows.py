"""Word tables built from a template row: the same text, breaks and tabs as python-docx writes."""

from __future__ import annotations

import io

import docx

from qualcode.coding.codes import create_code
from qualcode.coding.codings import add_coding
from qualcode.export import quote_table_docx
from qualcode.export.docx_report import theme_report_docx
from qualcode.corpus import ingest_file


def test_quote_cells_keep_line_breaks_tabs_and_odd_text(sqlite_project):
    text = "P1: Eerste regel\nTweede\tregel & <b>geen html</b> 😀.\nP2: Ja."
    t = ingest_file(sqlite_project, "x.txt", data=text.encode(), name="X")
    code = create_code(sqlite_project, "Theme")
    add_coding(sqlite_project, t.id, code.id, 4, text.index("P2:") - 1)
    add_coding(sqlite_project, t.id, code.id, text.index("Ja"), len(text))
    for blob in (quote_table_docx(sqlite_project), theme_report_docx(sqlite_project)):
        document = docx.Document(io.BytesIO(blob))
        table = document.tables[-1]
        cells = [[c.text for c in r.cells] for r in table.rows]
        assert cells[0][:2] == ["Code", "Quote"]
        assert "“Eerste regel\nTweede\tregel & <b>geen html</b> 😀.”" in [r[1] for r in cells]
        assert "“Ja.”" in [r[1] for r in cells]
        assert all(run.font.size.pt == 9 for c in table.rows[1].cells for p in c.paragraphs
                   for run in p.runs)
        widths = [c.width.inches for c in table.rows[1].cells]
        assert abs(sum(widths) - 7.0) < 0.05  # the page's width (sized from the content)
        assert max(widths) == widths[1]       # the quotes take the most


def test_quote_refs_follow_the_order_of_quote_rows(demo_project):
    from qualcode.coding.quotes import quote_refs, quote_rows

    rows = quote_rows(demo_project)
    refs = quote_refs(demo_project)
    assert [(r.coding_id, r.code_id, r.transcript_id, r.role, r.start, r.end, r.coder, r.case)
            for r in rows] == \
        [tuple(r) for r in refs]
    some = {rows[3].coding_id, rows[7].coding_id}
    assert [r.coding_id for r in quote_rows(demo_project, coding_ids=some)] == \
        [r.coding_id for r in rows if r.coding_id in some]


def test_streamed_quote_tables_per_theme_clean_and_to_a_file(sqlite_project, tmp_path):
    """Quote rows are written into the file at save time: each theme's table holds its own
    codes (named below the theme), control characters are gone, ``out`` writes a file."""
    text = "P1: Alpha\x07 beta & <gamma>.\nP2: Delta\tepsilon.\nP3: Zeta."
    t = ingest_file(sqlite_project, "y.txt", data=text.encode(), name="Y")
    a = create_code(sqlite_project, "A")
    a1 = create_code(sqlite_project, "One", parent_id=a.id)
    b = create_code(sqlite_project, "B")
    b1 = create_code(sqlite_project, "Two", parent_id=b.id)
    tr = t.text
    add_coding(sqlite_project, t.id, a1.id, tr.index("Alpha"), tr.index("\nP2"))
    add_coding(sqlite_project, t.id, b1.id, tr.index("Delta"), tr.index("\nP3"))
    add_coding(sqlite_project, t.id, b.id, tr.index("Zeta"), len(tr))
    target = tmp_path / "report.docx"
    assert theme_report_docx(sqlite_project, out=target) is None
    document = docx.Document(str(target))
    quotes = [[[c.text for c in r.cells] for r in t.rows] for t in document.tables
              if t.rows[0].cells[1].text == "Quote"]
    assert [r[:2] for r in quotes[0][1:]] == [["One", "“Alpha beta & <gamma>.”"]]
    assert [r[0] for r in quotes[1][1:]] == ["B", "Two"]
    assert quotes[1][2][1] == "“Delta\tepsilon.”"
    buffer = io.BytesIO()
    quote_table_docx(sqlite_project, out=buffer)
    rows = [[c.text for c in r.cells] for r in docx.Document(io.BytesIO(buffer.getvalue())).tables[0].rows]
    assert sorted(r[0] for r in rows[1:]) == ["A / One", "B", "B / Two"]
