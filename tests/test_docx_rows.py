"""Word tables built from a template row: the same text, breaks and tabs as python-docx writes."""

from __future__ import annotations

import io

import docx

from qualcode.codes import create_code
from qualcode.codings import add_coding
from qualcode.export import quote_table_docx
from qualcode.export.docx_report import QUOTE_WIDTHS, theme_report_docx
from qualcode.ingest import ingest_file


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
        widths = [round(c.width.inches, 2) for c in table.rows[1].cells]
        assert widths == list(QUOTE_WIDTHS)


def test_quote_refs_follow_the_order_of_quote_rows(demo_project):
    from qualcode.quotes import quote_refs, quote_rows

    rows = quote_rows(demo_project)
    refs = quote_refs(demo_project)
    assert [(r.coding_id, r.code_id, r.transcript_id, r.role, r.start, r.end, r.coder)
            for r in rows] == \
        [tuple(r) for r in refs]
    some = {rows[3].coding_id, rows[7].coding_id}
    assert [r.coding_id for r in quote_rows(demo_project, coding_ids=some)] == \
        [r.coding_id for r in rows if r.coding_id in some]
