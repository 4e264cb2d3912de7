"""Constant comparison: all incidents of a category side by side, grouped by interview or by an
attribute, in interview order, with each coding's memo, and the comparison memo."""

from __future__ import annotations

import streamlit as st

from ..analysis.compare import INTERVIEW, comparison_memo, incidents, save_comparison_memo
from ..analysis.matrix import attribute_names
from ..errors import QualcodeError
from .filters import code_picker, where_filter
from .state import coder, plain, project

PER_ROW = 3


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
    groups = incidents(proj, code_id, with_subcodes=subcodes, group_by=group_by, where=where)
    total = sum(len(g.rows) for g in groups)
    st.text(f"{total} incident(s) in {len(groups)} group(s)")
    for first in range(0, len(groups), PER_ROW):
        columns = st.columns(PER_ROW)
        for column, group in zip(columns, groups[first:first + PER_ROW]):
            with column:
                st.subheader(plain(group.value), divider="gray")
                st.text(f"{len(group.rows)} incident(s), {group.interviews} interview(s)")
                for r in group.rows:
                    with st.container(border=True):
                        st.text(r.quote)
                        st.text(f"— {r.participant}{f' ({r.role})' if r.role else ''}, "
                                f"{r.location}")
                        if r.code_id != code_id:
                            st.text(f"code: {r.code}")
                        if r.memo:
                            st.text(f"memo: {r.memo}")
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
