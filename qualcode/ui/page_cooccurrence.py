"""Code co-occurrence: table, heat map, the quotes behind a cell, XLSX download."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ..analysis.charts import cooccurrence_heatmap_spec
from ..analysis.cooccurrence import CO_UNITS, cached_cooccurrence
from ..coding.view import page_slice
from ..errors import QualcodeError
from ..export.analysis_tables import cooccurrence_xlsx
from .filters import page_number, where_filter
from .state import as_user, XLSX, coder, plain, project

QUOTES_PER_PAGE = 20


def _opening_unit(proj) -> str:
    """The page opens on overlapping codings when there are any, else on the same speaker
    turn (coders rarely let codings overlap: "0 pair(s)" was all a first visit showed)."""
    try:
        if cached_cooccurrence(proj, "overlap", viewer=coder()).rows():
            return "overlap"
    except QualcodeError:
        pass
    return "turn"
UNIT_LABELS = {"overlap": "overlapping codings", "turn": "same speaker turn",
               "sentence": "same sentence", "paragraph": "same paragraph"}


def render() -> None:
    st.header("Code co-occurrence")
    proj = project()
    if "co_unit" not in st.session_state:
        st.session_state["co_unit"] = _opening_unit(proj)
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
            result = cached_cooccurrence(proj, unit, where=where, level=level,
                                         viewer=coder())  # blind coding: own codings only
    except QualcodeError as exc:
        st.error(plain(exc))
        return
    rows = result.derived("rows", result.rows)
    if not rows and unit == "overlap":
        st.caption("No codings overlap: choose the same turn, sentence or paragraph above "
                   "to see which codes occur together.")
    st.text(f"{len(rows)} pair(s) of codes co-occur ({UNIT_LABELS[unit]}), over "
            f"{len(result.codes)} code(s). c = n12 / (n1 + n2 − n12).")
    if not rows:
        return
    # one view at a time: the heat map of 150 codes is a large chart, drawn only when asked for
    view = st.segmented_control("Show", ["Table", "Heat map"], default="Table", key="co_view",
                                required=True)
    if view == "Heat map":
        with st.container(height=720):  # scrolls for a large codebook
            st.vega_lite_chart(cooccurrence_heatmap_spec(result, "count" if value == "count"
                                                         else "c"),
                               width="content")  # one 18 px square per pair; scrolls
    else:
        frame = result.derived("frame", lambda: pd.DataFrame(rows).sort_values(
            ["count", "c_coefficient"], ascending=False))
        st.dataframe(frame, hide_index=True, width="stretch")
    st.download_button("Download co-occurrence (.xlsx)", as_user(lambda: cooccurrence_xlsx(result)),
                       file_name=f"cooccurrence-{unit}.xlsx", mime=XLSX, key="co_xlsx")
    st.subheader("Quotes behind a cell")
    # a code, then its partner: two short pickers instead of one of every pair (7,700 options
    # sent to the browser on each run of a 150-code project)
    firsts, partners = result.derived("pairs", lambda: _pairs(rows))
    p1, p2 = st.columns(2)
    a = p1.selectbox("Code", firsts, key="co_pair_a")
    options = partners[a]
    index = p2.selectbox("with", range(len(options)), key=f"co_pair_b_{a}",
                         format_func=lambda i: f"{options[i]['b']}  ({options[i]['count']})")
    pair = {**options[index], "a": a}
    by_path = {result.paths[c]: c for c in result.codes}
    quotes = result.quotes(by_path[pair["a"]], by_path[pair["b"]])
    total = len(quotes)
    if total > QUOTES_PER_PAGE:  # a page at a time, as in the Code browser
        page = page_number(st, "Page", total, QUOTES_PER_PAGE,
                           f"co_quote_page_{unit}_{a}_{pair['b']}")  # a new cell: page 1
        quotes, page, pages = page_slice(quotes, page, QUOTES_PER_PAGE)
        st.caption(f"Page {page} of {pages}: quotes {(page - 1) * QUOTES_PER_PAGE + 1}–"
                   f"{(page - 1) * QUOTES_PER_PAGE + len(quotes)} of {total}")
    for q in quotes:
        with st.container(border=True):
            st.text(q.text)
            st.text(f"— {q.speaker or '?'} · {q.transcript} · chars {q.start}–{q.end}")
            st.text(f"{pair['a']}: {q.quote_a}\n{pair['b']}: {q.quote_b}")


def _pairs(rows: list[dict]) -> tuple[list[str], dict[str, list[dict]]]:
    """Codes in the order of their largest pair, and per code its partners, largest count
    first (so the two pickers open on the largest cell)."""
    partners: dict[str, list[dict]] = {}
    for r in sorted(rows, key=lambda r: (-r["count"], r["a"], r["b"])):
        partners.setdefault(r["a"], []).append({"b": r["b"], "count": r["count"]})
        partners.setdefault(r["b"], []).append({"b": r["a"], "count": r["count"]})
    return list(partners), partners
