"""The coding page: read a transcript, select a span, apply codes, see and remove codings."""

from __future__ import annotations

import streamlit as st

from ..codes import code_tree, in_subtree
from ..codings import add_coding, codings_for_transcript, remove_coding, set_coding_memo
from ..errors import QualcodeError
from ..sentences import snap_to_sentences
from ..suggest import suggest_codes
from ..transcripts import get_turns, list_transcripts, turn_at
from .segments import Mark, segments
from .span_selector import span_selector
from .state import coder, plain, project
from .status_control import status_control

SELECTION = "qc_selection"
SUGGESTIONS = "qc_suggestions"


def _remember(transcript_id: int, start: int, end: int) -> None:
    st.session_state[SELECTION] = {"transcript": transcript_id, "start": start, "end": end}


def render() -> None:
    st.header("Code")
    proj = project()
    transcripts = list_transcripts(proj)
    if not transcripts:
        st.info("No transcripts yet: add some on the Transcripts page.")
        return
    nodes = code_tree(proj)
    by_id = {t.id: t for t in transcripts}
    transcript_id = st.selectbox(
        "Transcript", [t.id for t in transcripts], key="code_transcript",
        format_func=lambda i: f"{by_id[i].interview_order or '–'}. {by_id[i].name}")
    transcript = by_id[transcript_id]
    status_control(proj, transcript)
    attrs = " · ".join(f"{k}: {v}" for k, v in (transcript.attributes or {}).items())
    if attrs:
        st.text(attrs)

    codings = codings_for_transcript(proj, transcript.id, viewer=coder())  # blind coding
    paths = {n.code.id: n.path for n in nodes}
    colors = {n.code.id: n.code.color for n in nodes}
    selection = st.session_state.get(SELECTION)
    if not selection or selection.get("transcript") != transcript.id:
        selection = None
    only = st.multiselect("Highlight only these codes (and their sub-codes); empty: all",
                          [n.code.id for n in nodes], format_func=paths.get, key="code_highlight")
    if only:
        roots = [n for n in nodes if n.code.id in only]
        shown = {n.code.id for n in nodes if in_subtree(n, roots)}
        codings_shown = [c for c in codings if c.code_id in shown]
    else:
        codings_shown = codings
    marks = [Mark(c.start, c.end, paths.get(c.code_id, "?"), colors.get(c.code_id, "#ddd"))
             for c in codings_shown]

    turns = get_turns(proj, transcript.id)
    labels = [(_line_start(transcript.text, t.start), t.start) for t in turns if t.speaker]
    left, right = st.columns([3, 2], gap="medium")
    with left:
        span_selector(
            transcript_id=transcript.id, length=len(transcript.text),
            segments=segments(transcript.text, marks,
                              (selection["start"], selection["end"]) if selection else None,
                              labels=labels),
            key=f"span_selector_{transcript.id}", on_select=_remember)
    with right:
        _coding_panel(proj, transcript, paths, selection, turns)
    st.subheader("Codings in this transcript")
    _codings_table(proj, transcript, codings, paths)


def _line_start(text: str, offset: int) -> int:
    """Where the speaker label of a turn starting at ``offset`` begins (its line, or the
    header line above it for Teams-style transcripts)."""
    start = text.rfind("\n", 0, offset) + 1
    if start == offset and start > 0:  # words on the line below a header line
        start = text.rfind("\n", 0, start - 1) + 1
    return start


def _suggestions(proj, transcript, start: int, end: int):
    """Code suggestions for the selection, computed once per selection: the page reruns on
    every click and keystroke, and the TF-IDF over all code profiles need not run again."""
    key = (transcript.id, start, end)
    cached = st.session_state.get(SUGGESTIONS)
    if not cached or cached[0] != key:
        cached = (key, suggest_codes(proj, transcript.text[start:end], transcript.language))
        st.session_state[SUGGESTIONS] = cached
    return cached[1]


def _coding_panel(proj, transcript, paths, selection, turns) -> None:
    st.subheader("Selection")
    if not selection:
        st.info("Select a passage in the transcript with the mouse to code it.")
        return
    start, end = selection["start"], selection["end"]
    quote = transcript.text[start:end]
    st.text(quote if len(quote) <= 600 else quote[:600] + " …")
    turn = turn_at(turns, start)
    where = f"characters {start}–{end}"
    if turn is not None and turn.speaker:
        where = f"{turn.speaker}, turn {turn.index + 1}, {where}"
    st.text(where)
    if st.button("Expand to whole sentences", key="snap_sentences"):
        s, e = snap_to_sentences(transcript.text, start, end, transcript.language)
        _remember(transcript.id, s, e)
        st.rerun()
    if not paths:
        st.warning("The codebook is empty: create codes on the Codebook page.")
        return
    code_ids = st.multiselect("Codes to apply", list(paths), key="apply_codes",
                              format_func=paths.get, placeholder="Choose one or more codes")
    suggestions = _suggestions(proj, transcript, start, end)
    if suggestions:
        st.text("Suggested: " + " · ".join(f"{x.path} ({x.score:.2f})" for x in suggestions))
    memo = st.text_area("Memo (optional)", key="apply_memo", height=80)
    if st.button("Apply code", type="primary", disabled=not code_ids, key="apply_button"):
        applied, problems = 0, []
        for code_id in code_ids:
            try:
                add_coding(proj, transcript.id, code_id, start, end, coder=coder(), memo=memo)
                applied += 1
            except QualcodeError as exc:
                problems.append(str(exc))
        if applied:
            st.session_state.pop(SELECTION, None)
            st.toast(f"Applied {applied} code(s).")
        for problem in problems:
            st.error(plain(problem))
        if applied and not problems:
            st.rerun()
    if st.button("Clear selection", key="clear_selection"):
        st.session_state.pop(SELECTION, None)
        st.rerun()


def _codings_table(proj, transcript, codings, paths) -> None:
    if not codings:
        st.caption("No codings yet.")
        return
    for coding in codings:
        cols = st.columns([5, 3, 1, 1])
        quote = transcript.text[coding.start:coding.end]
        cols[0].text(quote if len(quote) <= 300 else quote[:300] + " …")
        cols[1].text(f"{paths.get(coding.code_id, '?')}\n{coding.start}–{coding.end}"
                     + (f" · {coding.coder}" if coding.coder else ""))
        if coding.memo:
            cols[1].text(f"memo: {coding.memo}")
        with cols[2].popover("Memo"):
            memo = st.text_area("Memo on this coding", coding.memo, key=f"memo_text_{coding.id}")
            if st.button("Save memo", key=f"memo_save_{coding.id}"):
                set_coding_memo(proj, coding.id, memo)
                st.rerun()
        if cols[3].button("Remove", key=f"remove_coding_{coding.id}"):
            try:
                remove_coding(proj, coding.id)
            except QualcodeError as exc:
                st.error(plain(exc))
            else:
                st.rerun()
