"""The code browser: all quotes per code (with or without sub-codes), filtered and searchable."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ..coding.codes import code_tree, in_subtree
from ..export import quote_table_docx
from ..coding.view import (cached_quote_refs, code_counts, page_slice, project_version,
                           transcript_roles)
from ..coding.quotes import quote_rows, transcript_texts
from ..store.settings import visible_coder
from ..corpus.media import media_names
from ..ingest.timecodes import format_timecode
from .filters import page_number
from .recording import play_clip
from .state import DOCX, as_user, coder, project


@st.cache_resource(max_entries=1, show_spinner=False)
def _texts(_proj, url: str, version: str) -> dict:
    return transcript_texts(_proj)


def render() -> None:
    st.header("Code browser")
    proj = project()
    nodes = code_tree(proj)
    if not nodes:
        st.info("The codebook is empty.")
        return
    viewer = coder()  # blind coding: only the viewer's own codings
    own = visible_coder(proj, viewer)
    counts = code_counts(proj, viewer=viewer)
    by_id = {n.code.id: n for n in nodes}
    c1, c2, c3 = st.columns([3, 2, 2])
    code_id = c1.selectbox("Code", [None, *by_id], key="browse_code",
                           format_func=lambda i: "All codes" if i is None
                           else f"{by_id[i].path} ({counts.get(i, 0)})")
    with_children = c1.checkbox("Include sub-codes", value=True, key="browse_children")
    roles = transcript_roles(proj)
    role_filter = c2.multiselect("Role", roles, key="browse_roles")
    search = c3.text_input("Search in quotes", key="browse_search")

    version = project_version(proj, nodes)
    rows = cached_quote_refs(proj, version)
    if own is not None:
        rows = [r for r in rows if r.coder == own]
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
    if role_filter:  # the speakers' roles (a quote across two speakers has both)
        wanted_roles = set(role_filter)
        rows = [r for r in rows if wanted_roles & set(r.role.split(" + "))]
    if search:
        texts, needle = _texts(proj, proj.url, version), search.casefold()
        rows = [r for r in rows if needle in texts[r.transcript_id][r.start:r.end].casefold()]
    st.text(f"{len(rows)} quote(s) from {len({r.transcript_id for r in rows})} interview(s)")
    if rows:
        st.download_button(
            "Download these quotes (.docx)",
            as_user(lambda ids=frozenset(r.coding_id for r in rows): quote_table_docx(
                proj, title="Quotes", coding_ids=set(ids), viewer=viewer)),
            file_name="quotes.docx", key="browse_docx",
            mime=DOCX)
    c1, c2, c3 = st.columns([3, 1, 1])
    view = c1.radio("View", ["Reading", "Table"], horizontal=True, key="browse_view")
    size = c2.selectbox("Per page", [25, 50, 100, 250], index=0, key="browse_page_size")
    page = page_number(c3, "Page", len(rows), size, "browse_page", always=True)
    total = len(rows)
    refs, page, pages = page_slice(rows, page, size)
    full = {r.coding_id: r for r in quote_rows(proj, coding_ids={r.coding_id for r in refs},
                                               viewer=viewer)}
    rows = [full[r.coding_id] for r in refs if r.coding_id in full]
    st.caption(f"Page {page} of {pages}: quotes {(page - 1) * size + 1 if rows else 0}–"
               f"{(page - 1) * size + len(rows)} of {total}")
    if view == "Reading":
        recorded = media_names(proj)
        playing = st.session_state.get("browse_clip")
        for r in rows:  # one text element per quote: a page of them renders fast
            with st.container(border=True):
                st.text(f"{r.quote}\n— {r.participant}{f' ({r.role})' if r.role else ''} · "
                        f"{r.location} · {r.code}" + (f" · coder {r.coder}" if r.coder else "")
                        + (f"\nmemo: {r.memo}" if r.memo else "")
                        + (f"\n{r.provenance}" if r.provenance else ""))
                if r.time is not None and r.transcript_id in recorded:
                    label = (f"▶ Play {'~' if r.time_interpolated else ''}"
                             f"{format_timecode(r.time)}"
                             + (f"–{format_timecode(r.time_end)}" if r.time_end else ""))
                    if st.button(label, key=f"clip_{r.coding_id}"):
                        playing = st.session_state["browse_clip"] = r.coding_id
                    if playing == r.coding_id:
                        play_clip(proj, r.transcript_id, r.time, r.time_end)
        return
    frame = pd.DataFrame([{"code": r.code, "quote": r.quote, "participant": r.participant,
                           "role": r.role, "location": r.location,
                           "time": format_timecode(r.time), "coder": r.coder,
                           "memo": r.memo} for r in rows],
                         columns=["code", "quote", "participant", "role", "location", "time",
                                  "coder", "memo"])
    st.dataframe(frame, hide_index=True, width="stretch",
                 column_config={"quote": st.column_config.TextColumn(width="large")})
