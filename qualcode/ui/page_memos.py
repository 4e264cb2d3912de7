"""Memos: the analyst's running notes, free or attached to a code or a transcript."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ..codes import code_tree
from ..codings import add_memo, list_memos, update_memo
from ..errors import QualcodeError
from ..transcripts import list_transcripts
from .state import coder, forget_version, opened_version, plain, project


def render() -> None:
    st.header("Memos")
    proj = project()
    if msg := st.session_state.pop("memo_flash", None):
        st.success(msg)
    codes = {n.code.id: n.path for n in code_tree(proj)}
    transcripts = {t.id: t.name for t in list_transcripts(proj)}
    memos = list_memos(proj)
    st.dataframe(pd.DataFrame([{
        "title": m.title, "about": codes.get(m.code_id) or transcripts.get(m.transcript_id) or "",
        "author": m.author, "updated": m.updated_at, "memo": m.body} for m in memos],
        columns=["title", "about", "author", "updated", "memo"]), hide_index=True, width="stretch")

    new, edit = st.tabs(["New memo", "Edit memo"])
    with new, st.form("new_memo", clear_on_submit=True):
        title = st.text_input("Title")
        about_code = st.selectbox("About code", [None, *codes], format_func=lambda i:
                                  "(none)" if i is None else codes[i])
        about_transcript = st.selectbox("About transcript", [None, *transcripts],
                                        format_func=lambda i: "(none)" if i is None
                                        else transcripts[i])
        body = st.text_area("Memo", height=200)
        if st.form_submit_button("Save memo"):
            try:
                add_memo(proj, title, body, author=coder(), code_id=about_code,
                         transcript_id=about_transcript)
            except QualcodeError as exc:
                st.error(plain(exc))
            else:
                st.session_state["memo_flash"] = "Memo saved."
                st.rerun()
    with edit:
        if not memos:
            st.info("No memos yet.")
            return
        by_id = {m.id: m for m in memos}
        memo_id = st.selectbox("Memo", list(by_id), format_func=lambda i: by_id[i].title,
                               key="edit_memo")
        with st.form(f"memo_{memo_id}"):
            title = st.text_input("Title", by_id[memo_id].title)
            body = st.text_area("Memo", by_id[memo_id].body, height=240)
            version = opened_version("memo", by_id[memo_id])
            if st.form_submit_button("Save changes"):
                forget_version("memo", memo_id)
                try:
                    update_memo(proj, memo_id, title=title, body=body, expected_version=version)
                except QualcodeError as exc:
                    st.error(plain(exc))
                else:
                    st.session_state["memo_flash"] = "Memo updated."
                    st.rerun()
