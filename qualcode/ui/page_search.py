"""Text search over all transcripts, keyword in context; code every hit after a preview;
auto-code every turn of a speaker or of a role."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ..analysis.search import (MODES, SPANS, code_hits, plan_codings, search, speaker_turn_hits,
                               speakers)
from ..errors import QualcodeError
from .filters import code_picker, where_filter
from .state import coder, plain, project

SHOWN = 1000  # hits listed on the page (all of them are coded)
MODE_LABELS = {"phrase": "Phrase (also inside words)", "word": "Whole words",
               "regex": "Regular expression", "stem": "Same stem (Dutch, English, …)"}
SPAN_LABELS = {"hit": "the hit", "sentence": "its sentence", "turn": "its speaker turn",
               "paragraph": "its paragraph"}


def _one_line(text: str) -> str:
    return " ".join(text.split())


def render() -> None:
    st.header("Search")
    proj = project()
    if msg := st.session_state.pop("search_flash", None):
        st.success(msg)  # our own words, no user text
    c1, c2 = st.columns([3, 2])
    pattern = c1.text_input("Search for", key="search_pattern",
                            placeholder="e.g. leer, nieuwe organisatie, werk\\w*")
    mode = c2.radio("Match", MODES, key="search_mode", horizontal=True,
                    format_func=MODE_LABELS.get)
    case = st.checkbox("Case-sensitive", key="search_case", disabled=mode == "stem")
    where = where_filter(proj, "search_where")
    hits = []
    if pattern.strip():
        try:
            hits = search(proj, pattern, mode, where=where, case_sensitive=case)
        except QualcodeError as exc:
            st.error(plain(exc))
    if pattern.strip() and not hits:
        st.info("No hits.")
    if hits:
        st.text(f"{len(hits)} hit(s) in {hits.transcript_count} interview(s)"
                + (f"; the first {SHOWN} are listed" if len(hits) > SHOWN else ""))
        frame = pd.DataFrame([{
            "interview": h.transcript, "speaker": h.speaker, "role": h.role,
            "before": _one_line(h.before), "hit": h.text, "after": _one_line(h.after),
            "turn": h.turn, "start": h.start, "end": h.end} for h in hits[:SHOWN]])
        st.dataframe(frame, hide_index=True, width="stretch", column_config={
            "before": st.column_config.TextColumn(width="medium"),
            "after": st.column_config.TextColumn(width="medium")})
        _code_all(proj, hits, (pattern, mode, case, repr(where)))
    with st.expander("Auto-code by speaker or role"):
        _autocode(proj)


def _code_all(proj, hits, query) -> None:
    st.subheader("Code all hits")
    c1, c2 = st.columns([3, 2])
    with c1:
        code_id = code_picker(proj, "Code", "search_code")
    span = c2.radio("Code", SPANS, key="search_span", horizontal=True,
                    format_func=SPAN_LABELS.get, label_visibility="hidden")
    if code_id is None:
        return
    key = (query, code_id, span, coder())
    if st.button("Preview", key="search_preview"):
        st.session_state["search_plan"] = key
    if st.session_state.get("search_plan") != key:
        st.caption("Preview what would be coded before coding it.")
        return
    try:
        plan = plan_codings(proj, hits, code_id, span, coder())
    except QualcodeError as exc:
        st.error(plain(exc))
        return
    new = sum(not p.exists for p in plan)
    st.text(f"{new} new coding(s); {len(plan) - new} already there")
    st.dataframe(pd.DataFrame([{"interview": p.hit.transcript, "speaker": p.hit.speaker,
                                "span": p.text, "start": p.start, "end": p.end,
                                "new": not p.exists} for p in plan[:SHOWN]]),
                 hide_index=True, width="stretch",
                 column_config={"span": st.column_config.TextColumn(width="large")})
    if new and st.button(f"Code {new} span(s)", key="search_apply", type="primary"):
        try:
            made = code_hits(proj, hits, code_id, span, coder())
        except QualcodeError as exc:
            st.error(plain(exc))
            return
        st.session_state.pop("search_plan", None)
        st.session_state["search_flash"] = f"{sum(made)} coding(s) made."
        st.rerun()


def _autocode(proj) -> None:
    names = list(speakers(proj))
    chosen = st.multiselect("Speakers (empty: every speaker but the interviewer)", names,
                            key="auto_speakers")
    where = where_filter(proj, "auto_where", "In interviews where")
    code_id = code_picker(proj, "Code every turn with", "auto_code")
    if code_id is None:
        return
    if not chosen and where is None:
        st.caption("Choose speakers, or interviews by an attribute (e.g. role).")
        return
    hits = speaker_turn_hits(proj, set(chosen) or None, where=where)
    st.text(f"{len(hits)} turn(s) of {len({h.speaker for h in hits})} speaker(s) in "
            f"{len({h.transcript_id for h in hits})} interview(s)")
    if hits and st.button(f"Code {len(hits)} turn(s)", key="auto_apply"):
        try:
            made = code_hits(proj, hits, code_id, "turn", coder())
        except QualcodeError as exc:
            st.error(plain(exc))
            return
        st.session_state["search_flash"] = (f"{sum(made)} turn(s) coded; "
                                            f"{len(made) - sum(made)} already were.")
        st.rerun()
