"""Memos: the analyst's running notes (theoretical, methodological, sampling), linked to quotes,
codes, interviews and other memos; a memo browser; Word and Markdown downloads."""

from __future__ import annotations

import functools

import pandas as pd
import streamlit as st

from ..coding.codes import code_tree
from ..errors import QualcodeError
from ..coding.memos import (KINDS, create_memo, delete_memo, link_memo, memo_views, one_line,
                            unlink_memo, update_memo)
from ..export.memos import memos_docx, memos_markdown
from ..coding.quotes import quote_rows
from ..store.models import MEMO_TYPES
from ..corpus.transcripts import list_transcripts
from .state import as_user, DOCX, coder, forget_version, opened_version, plain, project

TYPE_LABEL = {None: "(no type)", **{t: t for t in MEMO_TYPES}}
KIND_LABEL = {"coding": "quote", "code": "code", "transcript": "interview", "memo": "memo"}


def _targets(proj, views) -> dict[str, dict[int, str]]:
    """What a memo can link to, by kind: id -> label; codes, interviews and memos only.
    Quotes are listed one interview at a time (``_quotes``): a project has tens of thousands,
    too many to label on every run and to send to the browser as one list."""
    return {
        "code": {n.code.id: n.path for n in code_tree(proj)},
        "transcript": {t.id: t.name for t in list_transcripts(proj)},
        "memo": {v.id: v.memo.title for v in views},
    }


def _quotes(proj, transcript_id: int | None) -> dict[int, str]:
    """The quotes (codings) of one interview: coding id -> label."""
    if transcript_id is None:
        return {}
    return {r.coding_id: f"{r.code}: “{one_line(r.quote, 70)}” ({r.transcript})"
            for r in quote_rows(proj, transcript_ids={transcript_id}, viewer=coder())}


def _interview(where, label: str, key: str, targets) -> int | None:
    """A selectbox of the interviews (the first by default): whose quotes to list."""
    return where.selectbox(label, list(targets["transcript"]), key=key,
                           format_func=targets["transcript"].get)


def render() -> None:
    st.header("Memos")
    proj = project()
    if msg := st.session_state.pop("memo_flash", None):
        st.success(msg)  # our own words, no user text
    every = memo_views(proj)
    c1, c2 = st.columns([1, 2])
    kind = c1.selectbox("Show", ["all", None, *MEMO_TYPES], key="memo_filter_type",
                        format_func=lambda t: "all types" if t == "all" else TYPE_LABEL[t])
    text = c2.text_input("Search in memos", key="memo_filter_text")
    views = [v for v in every if (kind == "all" or v.memo.memo_type == kind)
             and (not text or text.casefold() in f"{v.memo.title}\n{v.memo.body}".casefold())]
    st.dataframe(pd.DataFrame([{
        "title": v.memo.title, "type": v.memo.memo_type or "",
        "linked to": "; ".join(f"{KIND_LABEL[ln.kind]}: {ln.label}" for ln in v.links),
        "author": v.memo.author, "updated": v.memo.updated_at, "memo": v.memo.body}
        for v in views], columns=["title", "type", "linked to", "author", "updated", "memo"]),
        hide_index=True, width="stretch")
    if views:
        d1, d2 = st.columns(2)
        d1.download_button("Download these memos (.docx)", as_user(lambda: memos_docx(proj, views)),
                           file_name="memos.docx", mime=DOCX, key="memos_docx")
        d2.download_button("Download these memos (.md)",
                           as_user(lambda: memos_markdown(proj, views).encode("utf-8")),
                           file_name="memos.md", mime="text/markdown", key="memos_md")
    targets = _targets(proj, every)
    # both tabs render on every run; an interview chosen in both is read once
    quotes = functools.cache(lambda tid: _quotes(proj, tid))
    new, edit, links = st.tabs(["New memo", "Edit memo", "Links"])
    with new:
        _new_memo(proj, targets, quotes)
    if not every:
        with edit:
            st.info("No memos yet.")
        return
    by_id = {v.id: v for v in every}
    with edit:
        _edit_memo(proj, by_id)
    with links:
        _links(proj, by_id, targets, quotes)


def _new_memo(proj, targets, quotes) -> None:
    # outside the form: a widget in a form does not rerun the page, and the quotes must follow
    tid = _interview(st, "Quotes from interview", "memo_quote_transcript", targets)
    quote_labels = quotes(tid)
    with st.form("new_memo", clear_on_submit=True):
        title = st.text_input("Title")
        memo_type = st.selectbox("Type", [None, *MEMO_TYPES], format_func=TYPE_LABEL.get)
        chosen = {}
        c1, c2 = st.columns(2)
        chosen["code"] = c1.multiselect("About codes", list(targets["code"]),
                                        format_func=targets["code"].get)
        chosen["transcript"] = c2.multiselect("About interviews", list(targets["transcript"]),
                                              format_func=targets["transcript"].get)
        chosen["coding"] = c1.multiselect("About quotes", list(quote_labels),
                                          format_func=quote_labels.get, key=f"memo_quotes_{tid}")
        chosen["memo"] = c2.multiselect("Linked memos", list(targets["memo"]),
                                        format_func=targets["memo"].get)
        body = st.text_area("Memo", height=200)
        if st.form_submit_button("Save memo"):
            try:
                create_memo(proj, title, body, author=coder(), memo_type=memo_type,
                            links=[(k, i) for k in KINDS for i in chosen[k]])
            except QualcodeError as exc:
                st.error(plain(exc))
            else:
                st.session_state["memo_flash"] = "Memo saved."
                st.rerun()


def _edit_memo(proj, by_id) -> None:
    memo_id = st.selectbox("Memo", list(by_id), format_func=lambda i: by_id[i].memo.title,
                           key="edit_memo")
    memo = by_id[memo_id].memo
    with st.form(f"memo_{memo_id}"):
        title = st.text_input("Title", memo.title)
        types = [None, *MEMO_TYPES]
        memo_type = st.selectbox("Type", types, index=types.index(memo.memo_type)
                                 if memo.memo_type in types else 0, format_func=TYPE_LABEL.get)
        body = st.text_area("Memo", memo.body, height=240)
        version = opened_version("memo", memo)
        if st.form_submit_button("Save changes"):
            forget_version("memo", memo_id)
            try:
                update_memo(proj, memo_id, title=title, body=body, memo_type=memo_type,
                            expected_version=version)
            except QualcodeError as exc:
                st.error(plain(exc))
            else:
                st.session_state["memo_flash"] = "Memo updated."
                st.rerun()
    if st.button("Delete this memo", key=f"delete_memo_{memo_id}"):
        delete_memo(proj, memo_id)
        st.session_state["memo_flash"] = "Memo deleted."
        st.rerun()


def _links(proj, by_id, targets, quotes) -> None:
    memo_id = st.selectbox("Memo", list(by_id), format_func=lambda i: by_id[i].memo.title,
                           key="links_memo")
    view = by_id[memo_id]
    if not view.links:
        st.text("This memo is not linked to anything yet.")
    for n, ln in enumerate(view.links):
        c1, c2 = st.columns([5, 1])
        c1.text(f"{KIND_LABEL[ln.kind]}: {ln.label}")
        if not ln.back and c2.button("Remove", key=f"unlink_{memo_id}_{n}"):
            unlink_memo(proj, memo_id, ln.kind, ln.target_id)
            st.session_state["memo_flash"] = "Link removed."
            st.rerun()
    c1, c2, c3 = st.columns([1, 4, 1])
    kind = c1.selectbox("Link to a", KINDS, key="link_kind", format_func=KIND_LABEL.get)
    if kind == "coding":  # quotes of one interview at a time
        i1, c2 = c2.columns([2, 3])
        tid = _interview(i1, "Interview", "link_quote_transcript", targets)
        labels, key = quotes(tid), f"link_target_coding_{tid}"
    else:
        labels, key = targets[kind], f"link_target_{kind}"
    options = [i for i in labels if not (kind == "memo" and i == memo_id)]
    target = c2.selectbox("Target", options, key=key, format_func=labels.get)
    if target is not None and c3.button("Add link", key="link_add"):
        try:
            made = link_memo(proj, memo_id, kind, target)
        except QualcodeError as exc:
            st.error(plain(exc))
        else:
            st.session_state["memo_flash"] = "Link added." if made else "That link was there."
            st.rerun()
