"""Code co-occurrence: table, heat map, the quotes behind a cell, XLSX download."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ..analysis.charts import cooccurrence_heatmap
from ..analysis.cooccurrence import CO_UNITS, cooccurrence
from ..errors import QualcodeError
from ..export.analysis_tables import cooccurrence_xlsx
from .filters import where_filter
from .state import XLSX, plain, project

UNIT_LABELS = {"overlap": "overlapping codings", "turn": "same speaker turn",
               "sentence": "same sentence", "paragraph": "same paragraph"}


def render() -> None:
    st.header("Code co-occurrence")
    proj = project()
    c1, c2, c3 = st.columns(3)
    unit = c1.selectbox("Codes that occur in", CO_UNITS, key="co_unit",
                        format_func=UNIT_LABELS.get)
    level = c2.selectbox("Codes", [None, 0, 1], key="co_level", format_func=lambda v: {
        None: "every code", 0: "top-level codes (sub-codes counted in)",
        1: "down to the second level"}[v])
    value = c3.selectbox("Colour by", ["count", "c-coefficient"], key="co_value")
    where = where_filter(proj, "co_where")
    try:
        with st.spinner("Counting…"):
            result = cooccurrence(proj, unit, where=where, level=level)
    except QualcodeError as exc:
        st.error(plain(exc))
        return
    rows = result.rows()
    st.text(f"{len(rows)} pair(s) of codes co-occur ({UNIT_LABELS[unit]}), over "
            f"{len(result.codes)} code(s). c = n12 / (n1 + n2 − n12).")
    if not rows:
        return
    table, heat = st.tabs(["Table", "Heat map"])
    with table:
        frame = pd.DataFrame(rows).sort_values(["count", "c_coefficient"], ascending=False)
        st.dataframe(frame, hide_index=True, width="stretch")
    with heat:
        with st.container(height=720):  # scrolls for a large codebook
            st.altair_chart(cooccurrence_heatmap(result, "count" if value == "count" else "c"),
                            width="content")  # one 18 px square per pair; scrolls
    st.download_button("Download co-occurrence (.xlsx)", lambda: cooccurrence_xlsx(result),
                       file_name=f"cooccurrence-{unit}.xlsx", mime=XLSX, key="co_xlsx")
    st.subheader("Quotes behind a cell")
    pairs = sorted(rows, key=lambda r: (-r["count"], r["a"], r["b"]))
    index = st.selectbox("Pair", range(len(pairs)), key="co_pair", format_func=lambda i:
                         f"{pairs[i]['a']}  ×  {pairs[i]['b']}  ({pairs[i]['count']})")
    by_path = {result.paths[c]: c for c in result.codes}
    pair = pairs[index]
    for q in result.quotes(by_path[pair["a"]], by_path[pair["b"]]):
        with st.container(border=True):
            st.text(q.text)
            st.text(f"— {q.speaker or '?'} · {q.transcript} · chars {q.start}–{q.end}")
            st.text(f"{pair['a']}: {q.quote_a}\n{pair['b']}: {q.quote_b}")
