"""Framework matrix: codes × cases or × an attribute; counts, coverage, quotes and the
researcher's cell summaries; charts (frequencies by attribute, coding density); Word and XLSX."""

from __future__ import annotations

import streamlit as st

from ..analysis.charts import density_spec, frequency_spec
from ..analysis.matrix import (CASE, INTERVIEW, ROLE, dimensions, framework_matrix,
                               set_cell_summary)
from ..coding.view import project_version
from ..errors import QualcodeError
from ..export.analysis_tables import CELL_MODES, matrix_docx, matrix_xlsx
from .filters import where_filter
from .state import as_user, DOCX, XLSX, coder, plain, project

VIEWS = {"matrix": "Matrix", "chart": "Chart", "density": "Coding density"}


def render() -> None:
    st.header("Framework matrix")
    proj = project()
    if msg := st.session_state.pop("matrix_flash", None):
        st.success(msg)  # our own words, no user text
    names = dimensions(proj)
    c1, c2, c3 = st.columns(3)
    labels = {CASE: "each person (case)", INTERVIEW: "each interview",
              ROLE: "role of the speaker"}
    by = c1.selectbox("Columns", names, index=names.index(ROLE), key="matrix_by",
                      format_func=lambda v: labels.get(v, v))
    level = c2.selectbox("Rows", [None, 0], key="matrix_level", format_func=lambda v:
                         "every code" if v is None else "top-level codes (sub-codes counted in)")
    show = c3.selectbox("Cells show", ["count", "transcripts", "coverage", "quotes"],
                        key="matrix_show",
                        format_func={"count": "number of codings",
                                     "transcripts": "number of interviews",
                                     "coverage": "coverage (share of text coded)",
                                     "quotes": "summaries and quotes"}.get)
    where = where_filter(proj, "matrix_where")
    version = project_version(proj)  # the counts and charts are cached per version
    try:
        result = framework_matrix(proj, by, where=where, level=level, version=version,
                                  viewer=coder())  # blind coding: own codings only
    except QualcodeError as exc:
        st.error(plain(exc))
        return
    if not result.codes:
        st.info("No codings yet.")
        return
    # one view at a time (tabs would build and send both charts on every run)
    view = st.segmented_control("View", list(VIEWS), default="matrix", required=True,
                                key="matrix_view", format_func=VIEWS.get,
                                label_visibility="collapsed")
    if view == "chart":
        with st.container(height=720):
            spec = frequency_spec(result, "count" if show == "quotes" else show)
            bars = spec["mark"]["type"] == "bar"
            st.vega_lite_chart(spec=spec, width="stretch" if bars else "content")
    elif view == "density":
        with st.container(height=720):
            st.vega_lite_chart(spec=density_spec(proj, where, version=version, viewer=coder()),
                               width="stretch")
    elif show == "quotes":
        frame = result.quotes_table()
        # codes without a quote in any column are left out (they were blank rows); the
        # columns share the width, so every value (participant, manager…) is on screen
        frame = frame[(frame != "").any(axis=1)]
        st.dataframe(frame, width="stretch", height=720, row_height=72, column_config={
            v: st.column_config.TextColumn(width="medium") for v in frame.columns})
    else:
        frame = result.table(show)
        st.dataframe(frame.style.format("{:.1%}") if show == "coverage" else frame,
                     width="stretch", height=min(38 + 35 * len(frame), 720))
    c1, c2, c3 = st.columns(3)
    cell_mode = c1.selectbox("Word cells hold", CELL_MODES, key="matrix_cell", format_func={
        "quotes": "quotes", "summary": "summaries", "both": "summaries and quotes",
        "count": "counts"}.get)
    language = c1.selectbox("Word headings in", ["en", "nl"], key="matrix_language")
    c2.download_button("Download matrix (.docx)",
                       as_user(lambda: matrix_docx(result, cell_mode, language=language)),
                       file_name=f"matrix-{by}.docx", mime=DOCX, key="matrix_docx")
    c3.download_button("Download matrix (.xlsx)", as_user(lambda: matrix_xlsx(result)),
                       file_name=f"matrix-{by}.xlsx", mime=XLSX, key="matrix_xlsx")
    _cell(proj, result)


def _cell(proj, result) -> None:
    st.subheader("A cell: quotes and summary")
    c1, c2 = st.columns(2)
    code_id = c1.selectbox("Code", result.codes, key="matrix_cell_code",
                           format_func=lambda c: result.paths[c])
    value = c2.selectbox("Column", result.values, key="matrix_cell_value")
    cell = result.cell(code_id, value)
    st.text(f"{cell.count} coding(s) in {cell.transcripts} interview(s), "
            f"coverage {cell.coverage:.1%}")
    with st.form(f"summary_{code_id}_{value}"):
        text = st.text_area("Summary of this cell", cell.summary, height=120)
        if st.form_submit_button("Save summary"):
            try:
                set_cell_summary(proj, code_id, result.by, value, text, coder())
            except QualcodeError as exc:
                st.error(plain(exc))
            else:
                st.session_state["matrix_flash"] = "Summary saved."
                st.rerun()
    for r in result.quotes(code_id, value):
        with st.container(border=True):
            st.text(r.quote)
            st.text(f"— {r.participant}{f' ({r.role})' if r.role else ''} · {r.location}"
                    f" · {r.code}")
            if r.memo:
                st.text(f"memo: {r.memo}")
