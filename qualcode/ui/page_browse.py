"""The code browser: all quotes per code (with or without sub-codes), filtered and searchable."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ..codes import code_tree, in_subtree
from ..export import quote_table_docx
from ..quotes import quote_rows
from .state import coder, project


def render() -> None:
    st.header("Code browser")
    proj = project()
    nodes = code_tree(proj)
    if not nodes:
        st.info("The codebook is empty.")
        return
    rows = quote_rows(proj, viewer=coder())  # blind coding: only the viewer's own
    counts: dict[int, int] = {}
    for r in rows:
        counts[r.code_id] = counts.get(r.code_id, 0) + 1
    by_id = {n.code.id: n for n in nodes}
    c1, c2, c3 = st.columns([3, 2, 2])
    code_id = c1.selectbox("Code", [None, *by_id], key="browse_code",
                           format_func=lambda i: "All codes" if i is None
                           else f"{by_id[i].path} ({counts.get(i, 0)})")
    with_children = c1.checkbox("Include sub-codes", value=True, key="browse_children")
    roles = sorted({r.role for r in rows if r.role})
    role_filter = c2.multiselect("Role", roles, key="browse_roles")
    search = c3.text_input("Search in quotes", key="browse_search")

    if code_id is not None:
        node = by_id[code_id]
        wanted = ({n.code.id for n in nodes if in_subtree(n, [node])} if with_children
                  else {code_id})
        rows = [r for r in rows if r.code_id in wanted]
        code = node.code
        if code.description:
            st.text(code.description)
        if code.inclusion or code.exclusion:
            st.text(f"Include when: {code.inclusion or '–'}\nExclude when: {code.exclusion or '–'}")
    if role_filter:
        rows = [r for r in rows if r.role in role_filter]
    if search:
        rows = [r for r in rows if search.casefold() in r.quote.casefold()]
    st.text(f"{len(rows)} quote(s) from {len({r.transcript_id for r in rows})} interview(s)")
    if rows:
        st.download_button(
            "Download these quotes (.docx)",
            lambda ids=frozenset(r.coding_id for r in rows): quote_table_docx(
                proj, title="Quotes", coding_ids=set(ids)),
            file_name="quotes.docx", key="browse_docx",
            mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    if st.radio("View", ["Reading", "Table"], horizontal=True, key="browse_view") == "Reading":
        for r in rows:
            with st.container(border=True):
                st.text(r.quote)
                st.text(f"— {r.participant}{f' ({r.role})' if r.role else ''} · {r.location}"
                        f" · {r.code}" + (f" · coder {r.coder}" if r.coder else ""))
                if r.memo:
                    st.text(f"memo: {r.memo}")
        return
    frame = pd.DataFrame([{"code": r.code, "quote": r.quote, "participant": r.participant,
                           "role": r.role, "location": r.location, "coder": r.coder,
                           "memo": r.memo} for r in rows],
                         columns=["code", "quote", "participant", "role", "location", "coder", "memo"])
    st.dataframe(frame, hide_index=True, width="stretch",
                 column_config={"quote": st.column_config.TextColumn(width="large")})
