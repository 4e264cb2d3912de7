"""Constant comparison: all incidents of a category side by side, grouped by interview or by an
attribute, in interview order, with each coding's memo, and the comparison memo."""

from __future__ import annotations

import streamlit as st

from ..analysis.compare import INTERVIEW, comparison_memo, incident_refs, save_comparison_memo
from ..analysis.matrix import attribute_names
from ..coding.view import page_slice
from ..coding.quotes import quote_rows
from ..errors import QualcodeError
from .filters import code_picker, page_number, where_filter
from .state import coder, plain, project

PER_ROW = 3
PER_PAGE = 10  # incidents of each group on a page
GROUPS_PER_PAGE = 6  # groups side by side on a page (grouped by interview: 200 of them)


def render() -> None:
    st.header("Constant comparison")
    proj = project()
    if msg := st.session_state.pop("compare_flash", None):
        st.success(msg)  # our own words, no user text
    c1, c2, c3 = st.columns([3, 2, 1])
    with c1:
        code_id = code_picker(proj, "Category", "compare_code")
    if code_id is None:
        return
    names = attribute_names(proj)
    default = names.index("role") + 1 if "role" in names else 0
    group_by = c2.selectbox("Side by side by", [INTERVIEW, *names], index=default,
                            key="compare_by")
    subcodes = c3.checkbox("With sub-codes", value=True, key="compare_sub")
    where = where_filter(proj, "compare_where")
    groups = incident_refs(proj, code_id, with_subcodes=subcodes, group_by=group_by,
                           where=where, viewer=coder())  # blind coding: own codings only
    total = sum(len(g.refs) for g in groups)
    st.text(f"{total} incident(s) in {len(groups)} group(s)")
    # a page at a time, as in the Code browser: 2,000 incidents are 8,000 elements to draw
    p1, p2 = st.columns(2)
    group_page = page_number(p1, "Groups", len(groups), GROUPS_PER_PAGE, "compare_gpage",
                             unit="groups")
    groups = page_slice(groups, group_page, GROUPS_PER_PAGE)[0]
    longest = max((len(g.refs) for g in groups), default=0)
    page = page_number(p2, "Incidents", longest, PER_PAGE, "compare_page",
                       unit="incidents per group")
    shown = [page_slice(g.refs, page, PER_PAGE)[0] for g in groups]
    full = {r.coding_id: r for r in quote_rows(
        proj, coding_ids={ref.coding_id for refs in shown for ref in refs}, viewer=coder())}
    for first in range(0, len(groups), PER_ROW):
        columns = st.columns(PER_ROW)
        for column, group, refs in zip(columns, groups[first:first + PER_ROW],
                                       shown[first:first + PER_ROW]):
            with column:
                st.subheader(plain(group.value), divider="gray")
                st.text(f"{len(group.refs)} incident(s), {group.interviews} interview(s)"
                        + (f"; {(page - 1) * PER_PAGE + 1}–{(page - 1) * PER_PAGE + len(refs)}"
                           " shown" if len(group.refs) > PER_PAGE and refs else ""))
                for ref in refs:
                    r = full.get(ref.coding_id)
                    if r is None:
                        continue
                    with st.container(border=True):  # one text element per incident
                        st.text(f"{r.quote}\n— {r.participant}{f' ({r.role})' if r.role else ''}"
                                f", {r.location}"
                                + (f"\ncode: {r.code}" if r.code_id != code_id else "")
                                + (f"\nmemo: {r.memo}" if r.memo else ""))
    st.subheader("Comparison memo")
    memo = comparison_memo(proj, code_id)
    with st.form(f"compare_memo_{code_id}"):
        body = st.text_area("What is the same, what differs, and why?",
                            memo.body if memo else "", height=200)
        if st.form_submit_button("Save comparison memo"):
            try:
                save_comparison_memo(proj, code_id, body, coder())
            except QualcodeError as exc:
                st.error(plain(exc))
            else:
                st.session_state["compare_flash"] = "Comparison memo saved."
                st.rerun()
