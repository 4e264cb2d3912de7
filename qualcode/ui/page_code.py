"""The coding page: read a transcript, select a span, code it from the palette at the selection
(or the panel beside the text), see every coding as a highlight and a labelled stripe, remove
codings and undo.

The transcript view is a fragment: an action in the canvas (select, apply, remove, snap) reruns
only the fragment, once. The action is done in the component's change callback (before that
rerun), and the canvas gets only what changed since the browser's copy (see span_selector)."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import streamlit as st

from ..coding import history, shortcuts
from ..coding.codes import code_tree, in_subtree
from ..coding.view import (chunks, codebook_version, diff, display_colors, recent_codes,
                           speaker_labels, transcript_codings, transcript_headers,
                           warm_quote_refs)
from ..coding.codings import set_coding_memo
from ..coding.suggest_queue import provenance_of
from ..errors import DuplicateError, QualcodeError
from ..ingest.timecodes import format_timecode
from ..store.project import is_retryable
from ..corpus.sentences import snap_in_turns
from ..corpus.order import order_transcripts
from ..corpus.timing import stamp_turn, time_at, transcript_times
from ..corpus.transcripts import get_transcript, get_turns, turn_at
from .coding_save import SAVING_OPS, save_coding
from .recording import media_url
from .span_selector import span_selector
from .state import (as_user, coder, login_required, plain, project, project_key,
                    project_url)
from .status_control import status_control
from .suggest_panel import (review_queue, selection_suggestions, show_selection_suggestions,
                            warm_model)

SELECTION = "qc_selection"
SYNC = "qc_sync"          # per transcript: what the browser holds (sequence, codings, codebook)
ACKED = "qc_acked"        # nonces of the canvas actions already done
PUSH = "qc_push_sel"      # a selection the server sets in the canvas (snapping, clearing)
FOCUS = "qc_focus"        # the coding whose memo the panel edits
FLASH = "qc_flash"        # messages for the next run


def _held_by_browser(action: dict) -> None:
    """Codings the browser got from ``POST /api/codings`` (its ``have`` ids) are in its copy:
    the next diff must take them out if they are gone meanwhile (an undo, a filter), and the
    server's record of that copy did not have them (``None``: sent again if they differ)."""
    have = action.get("have")
    mine = st.session_state.get(SYNC, {}).get(action.get("t"))
    if not isinstance(have, list) or mine is None:
        return
    for i in have:
        if isinstance(i, int) and not isinstance(i, bool):
            mine["codings"].setdefault(i, None)


def _remember(transcript_id: int, start: int, end: int) -> None:
    st.session_state[SELECTION] = {"transcript": transcript_id, "start": start, "end": end}


def _flash(kind: str, message: str) -> None:
    st.session_state.setdefault(FLASH, []).append((kind, message))


def _push(start: int | None, end: int | None) -> None:
    n = st.session_state.get("qc_push_n", 0) + 1
    st.session_state["qc_push_n"] = n
    st.session_state[PUSH] = {"start": start, "end": end, "n": f"s{n}"}


def _clear_selection() -> None:
    st.session_state.pop(SELECTION, None)
    _push(None, None)


# ---------------------------------------------------------------- actions from the canvas

def _on_action(action: dict) -> None:
    """Do what the canvas asks, once per nonce (the browser re-sends what looks lost)."""
    done = st.session_state.setdefault(ACKED, [])
    nonce = str(action.get("n", ""))
    if nonce and nonce in done:
        return
    _held_by_browser(action)
    proj = project()
    op = action.get("op")
    if op in ("select", "apply", "new", "clear"):
        st.session_state.pop(PUSH, None)  # the browser has its own selection now
    try:
        tid = int(action["t"])
        if op == "select":
            _remember(tid, int(action["start"]), int(action["end"]))
            st.session_state.pop(FOCUS, None)
        elif op in SAVING_OPS:
            save_coding(proj, action, coder())
            st.session_state.pop(SELECTION, None)
        elif op == "sync":  # codings were saved over HTTP meanwhile (api_codings.py)
            st.session_state.pop(SELECTION, None)
        elif op == "pin":
            code = action.get("code")
            shortcuts.pin(proj, coder(), int(action["key"]), None if code is None else int(code))
        elif op == "remove":
            history.remove_coding(proj, int(action["id"]), coder=coder())
            st.session_state.pop(FOCUS, None)
        elif op == "snap":
            transcript = get_transcript(proj, tid)
            s, e = snap_in_turns(transcript.text, int(action["start"]), int(action["end"]),
                                 get_turns(proj, tid), transcript.language)
            _remember(tid, s, e)
            _push(s, e)
        elif op == "clear":
            st.session_state.pop(SELECTION, None)
        elif op == "stamp":
            turn = stamp_turn(proj, tid, int(action["offset"]), float(action["time"]))
            _flash("toast", f"Turn {turn.index + 1} starts at {format_timecode(turn.time_start)}.")
        elif op == "focus":
            st.session_state[FOCUS] = int(action["id"])
        elif op == "resync":
            st.session_state.setdefault(SYNC, {}).pop(tid, None)
    except DuplicateError:
        st.session_state.pop(SELECTION, None)
        _flash("toast", "That passage already has that code from you.")
    except QualcodeError as exc:  # a toast: a message box would shift the text under the mouse
        if is_retryable(exc):  # busy or a clash of the moment: not acknowledged, so the
            _flash("toast", "Busy: sending that again in a moment.")  # browser re-sends it
            return
        _flash("toast", f"Not done: {exc}")
    except (KeyError, TypeError, ValueError) as exc:
        _flash("toast", f"Could not read that action from the browser ({exc})")
    if nonce:
        done.append(nonce)
        del done[:-60]


# ---------------------------------------------------------------- the page

def render() -> None:
    st.header("Code")
    proj = project()
    headers = transcript_headers(proj)
    if not headers:
        st.info("No transcripts yet: add some on the Transcripts page.")
        return
    by_id = {h[0]: h for h in headers}
    # numbered as on the Transcripts page: the position in interview order (explicit order,
    # else interview date, else name), not only the explicit order (new files had "–")
    position = _positions(headers)
    transcript_id = st.selectbox(
        "Transcript", sorted(by_id, key=lambda i: position.get(i, 10**9)), key="code_transcript",
        format_func=lambda i: f"{position.get(i, '–')}. {by_id[i][1]}")
    attrs = " · ".join(f"{k}: {v}" for k, v in (by_id[transcript_id][3] or {}).items())
    if attrs:
        st.text(attrs)
    _transcript_view(transcript_id)


def _positions(headers) -> dict[int, int]:
    """Transcript id -> its number in interview order, as the Transcripts page shows it (from
    the headers: no transcript text is loaded)."""
    rows = [SimpleNamespace(id=i, name=name, interview_order=order, attributes=attrs or {})
            for i, name, order, attrs in headers]
    return {p.transcript.id: p.position for p in order_transcripts(rows)}


@st.fragment
def _transcript_view(transcript_id: int) -> None:
    proj = project()
    try:
        transcript = get_transcript(proj, transcript_id)
    except QualcodeError as exc:
        st.error(plain(exc))
        return
    status_control(proj, transcript)
    warm_model(proj)  # the suggestion model: loaded or trained in the background
    warm_quote_refs(proj)  # the code browser's first visit then finds its quotes ready
    for kind, message in st.session_state.pop(FLASH, []):
        getattr(st, kind)(plain(message))
    nodes = code_tree(proj)
    paths = {n.code.id: n.path for n in nodes}
    colors = display_colors(nodes)
    codings = transcript_codings(proj, transcript.id, viewer=coder())  # blind coding
    turns, text_chunks, labels = _layout(proj, proj.url, transcript.id, transcript.content_hash)
    selection = st.session_state.get(SELECTION)
    if not selection or selection.get("transcript") != transcript.id:
        selection = None

    chosen = len(st.session_state.get("code_highlight") or [])
    # a menu: its list of every code is drawn only when opened
    with st.popover(f"Highlighted: {chosen} code(s) and their sub-codes" if chosen
                    else "Highlighted: all codes", icon=":material/filter_list:"):
        only = st.multiselect("Highlight only these codes (and their sub-codes); empty: all",
                              [n.code.id for n in nodes], format_func=paths.get,
                              key="code_highlight")
        st.toggle("Exact characters (a drag is not widened to whole words; Alt-drag does "
                  "the same once)", key="code_exact")
    shown = codings
    if only:
        roots = [n for n in nodes if n.code.id in only]
        keep = {n.code.id for n in nodes if in_subtree(n, roots)}
        shown = [c for c in codings if c.code_id in keep]

    data = _canvas_data(proj, transcript, (text_chunks, labels), shown, nodes, colors, selection)
    _recording_data(proj, transcript, data)
    left, right = st.columns([3, 2], gap="medium")
    with left:
        span_selector(key=f"canvas_{transcript.id}", data=data, on_action=_on_action)
    with right:
        _coding_panel(proj, transcript, paths, selection, turns, codings)
        _undo_box(proj)
        review_queue(proj, transcript, paths, selection)
        st.download_button(
            "Coded transcript (.docx)", key="coded_transcript",
            data=as_user(lambda viewer=coder(): _coded_transcript(proj, transcript.id, viewer)),
            file_name=f"{transcript.name} – coded.docx",
            mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            help="This transcript with its codings: codes in the margin beside their passages, "
                 "speaker labels, time codes, memos as comments. To print it from here, use "
                 "the Print button above the text.")
    if st.toggle(f"List the codings of this transcript ({len(codings)})", key="code_list"):
        _codings_table(transcript, codings, paths)
    if st.toggle("Who speaks: re-assign a turn to another person", key="code_speakers"):
        _speakers_box(proj, transcript)


def _speakers_box(proj, transcript) -> None:
    """Re-assign one turn to another case (or to nobody, e.g. a prompt): the text and every
    coding stay as they are; only who said it changes."""
    from ..corpus.cases import list_cases, reassign_turn, speaker_turns

    turns = speaker_turns(proj, transcript.id)
    if not turns:
        st.caption("This transcript has no turns.")
        return
    st.dataframe(pd.DataFrame([{
        "turn": t["index"] + 1, "label": t["label"], "said by": t["case"] or "(nobody)",
        "words": transcript.text[t["start"]:t["end"]][:80]} for t in turns]),
        hide_index=True, width="stretch", height=240)
    index = st.selectbox("Turn", [t["index"] for t in turns], key=f"reassign_turn_{transcript.id}",
                         format_func=lambda i: f"{i + 1}: {turns[i]['case'] or '(nobody)'} – "
                         f"{transcript.text[turns[i]['start']:turns[i]['end']][:50]}")
    nobody = "(nobody: a prompt or heading)"
    cases = [c.case for c in list_cases(proj)]
    who = st.selectbox("Said by", [*cases, nobody], key=f"reassign_case_{transcript.id}")
    new = st.text_input("…or a new person", key=f"reassign_new_{transcript.id}").strip()
    if st.button("Re-assign", key=f"reassign_go_{transcript.id}"):
        target = new or (None if who == nobody else who)
        try:
            reassign_turn(proj, transcript.id, index, target)
        except QualcodeError as exc:
            st.error(plain(exc))
        else:
            _flash("success", f"Turn {index + 1} is now said by {target or 'nobody'}.")
            st.rerun()


@st.cache_resource(max_entries=32, show_spinner=False)
def _layout(_proj, url: str, transcript_id: int, content_hash: str):
    """Turns, chunks and speaker labels of a transcript: its text never changes, so they are
    worked out once per process (keyed by the text's hash). Turn times are not kept here (a
    stamp changes them): the recording's data carries them (``_recording_data``)."""
    turns = get_turns(_proj, transcript_id)
    text = get_transcript(_proj, transcript_id).text
    labels = speaker_labels(text, turns)
    return turns, chunks(text, turns), labels


def _canvas_data(proj, transcript, layout, codings, nodes, colors, selection) -> dict:
    """The canvas data: the text only when the browser lacks it, then only coding changes."""
    tid = transcript.id
    sync = st.session_state.setdefault(SYNC, {})
    mine = sync.get(tid)
    # rows unpacked, not read by attribute name: 1,500 codings cost 11 ms the other way
    current = {i: (start, end, code, who or "", (memo or "")[:300])
               for i, start, end, code, who, memo in codings}
    data: dict = {"tid": tid, "key": f"{tid}:{transcript.content_hash[:16]}",
                  "length": len(transcript.text)}
    if mine is None:
        mine = sync[tid] = {"seq": 0, "codings": current, "codes_v": None}
        data["chunks"], data["labels"] = layout
        data["full"] = [[i, *v] for i, v in current.items()]
    else:
        added, removed = diff(mine["codings"], current)
        if added or removed:
            data["base"] = mine["seq"]
            mine["seq"] += 1
            mine["codings"] = current
            data["add"], data["del"] = added, removed
    data["seq"] = mine["seq"]
    codes_v = codebook_version(nodes, colors)
    if mine["codes_v"] != codes_v:
        data["codes"] = [[n.code.id, n.path, colors[n.code.id]] for n in nodes]
        mine["codes_v"] = codes_v
    data["codes_v"] = codes_v
    # the number keys 1–9: the coder's pinned codes, which stay put (coding.shortcuts)
    data["top"] = shortcuts.shortcuts(proj, coder())
    data["recent"] = recent_codes(proj, coder())
    data["acked"] = st.session_state.get(ACKED, [])[-30:]
    if login_required():
        # a team server: the canvas saves codings over HTTP (ui/api_codings.py), answered at
        # once with the stored coding, without a rerun of this page per coding
        data["save"] = f"/api/codings?project={project_key(project_url())}"
    data["exact"] = bool(st.session_state.get("code_exact"))
    push = st.session_state.get(PUSH)
    if push:
        data["sel"] = push
    if selection:
        ids = [s.code_id for s in selection_suggestions(proj, transcript, selection["start"],
                                                        selection["end"])]
        data["suggest"] = {"start": selection["start"], "end": selection["end"], "ids": ids}
    return data


def _recording_data(proj, transcript, data: dict) -> None:
    """The player's source (after the permission check in qualcode.corpus.media) and the turn
    times ``[[offset, seconds, interpolated], ...]``, sent again only when they changed."""
    found = media_url(proj, transcript.id)
    if found is not None:
        url, info = found
        data["media"] = {"url": url, "kind": info.kind, "type": info.content_type,
                         "name": info.name}
    times = [[t.start, t.time, 1 if t.interpolated else 0]
             for t in transcript_times(proj, transcript.id) if t.time is not None]
    mine = st.session_state.setdefault(SYNC, {}).get(transcript.id)
    if not times:
        if mine is not None:
            mine["times_v"] = None
        return
    version = str(hash(tuple(tuple(t) for t in times)))
    if mine is not None and mine.get("times_v") != version:
        data["times"] = times
        mine["times_v"] = version
    data["times_v"] = version


def _coding_panel(proj, transcript, paths, selection, turns, codings) -> None:
    focus = st.session_state.get(FOCUS)
    if focus is not None:
        _memo_editor(proj, transcript, paths, next((c for c in codings if c.id == focus), None))
    st.subheader("Selection")
    if not selection:
        st.info("Select a passage in the transcript with the mouse to code it (whole words; "
                "Alt-drag for exact characters): a palette opens at the selection (type to find a "
                "code, Enter or 1–9 applies). Or with the keyboard: click in the text (or Tab to "
                "it), move with ←/→ (Ctrl: by word) and ↑/↓ (by sentence), hold Shift to "
                "select, Enter opens the palette. Click a highlight or a stripe to see its "
                "codings.")
        _shortcut_keys(proj, paths)
        return
    start, end = selection["start"], selection["end"]
    quote = transcript.text[start:end]
    st.text(quote if len(quote) <= 600 else quote[:600] + " …")
    turn = turn_at(turns, start)
    where = f"characters {start}–{end}"
    if turn is not None and turn.speaker:
        where = f"{turn.speaker}, turn {turn.index + 1}, {where}"
    times = transcript_times(proj, transcript.id)
    seconds, guessed = time_at(times, start)
    if seconds is not None:  # where the recording has these words
        where += f", {'~' if guessed else ''}{format_timecode(seconds)}"
    st.text(where)
    if st.button("Expand to whole sentences", key="snap_sentences"):
        s, e = snap_in_turns(transcript.text, start, end, turns, transcript.language)
        _remember(transcript.id, s, e)
        _push(s, e)
        st.rerun(scope="fragment")
    if not paths:
        st.warning("The codebook is empty: create codes on the Codebook page, or type a new "
                   "code's name in the palette.")
        return
    show_selection_suggestions(selection_suggestions(proj, transcript, start, end))
    code_ids = st.multiselect("Codes to apply", list(paths), key="apply_codes",
                              format_func=paths.get, placeholder="Choose one or more codes")
    memo = st.text_area("Memo (optional)", key="apply_memo", height=80)
    if st.button("Apply code", type="primary", disabled=not code_ids, key="apply_button"):
        applied, problems = 0, []
        for code_id in code_ids:
            try:
                history.add_coding(proj, transcript.id, code_id, start, end, coder=coder(),
                                   memo=memo)
                shortcuts.used(proj, coder(), code_id)
                applied += 1
            except QualcodeError as exc:
                problems.append(str(exc))
        if applied:
            _clear_selection()
            _flash("toast", f"Applied {applied} code(s).")
        for problem in problems:
            _flash("error", problem)
        st.rerun(scope="fragment")
    if st.button("Clear selection", key="clear_selection"):
        _clear_selection()
        st.rerun(scope="fragment")


def _shortcut_keys(proj, paths) -> None:
    """The coder's number keys 1–9: they stay put; pin a code on a key here (or with Alt+number
    on the palette's chosen code)."""
    keys = shortcuts.shortcuts(proj, coder())
    with st.expander("Number keys 1–9 (pinned codes)"):
        st.text("\n".join(f"{i}  {paths.get(c, '–') if c is not None else '–'}"
                           for i, c in enumerate(keys, 1)))
        c1, c2 = st.columns([1, 3])
        key = c1.selectbox("Key", list(range(1, 10)), key="pin_key")
        code_id = c2.selectbox("Code", [None] + list(paths), key="pin_code",
                               format_func=lambda i: "(free the key)" if i is None else paths[i])
        if st.button("Pin", key="pin_button"):
            try:
                shortcuts.pin(proj, coder(), key, code_id)
            except QualcodeError as exc:
                _flash("error", str(exc))
            st.rerun(scope="fragment")


def _memo_editor(proj, transcript, paths, coding) -> None:
    if coding is None:
        st.session_state.pop(FOCUS, None)
        return
    with st.container(border=True):
        st.caption("Coding")
        st.text(f"{paths.get(coding.code_id, '?')} · characters {coding.start}–{coding.end}"
                + (f" · coder {coding.coder}" if coding.coder else ""))
        quote = transcript.text[coding.start:coding.end]
        st.text(quote if len(quote) <= 300 else quote[:300] + " …")
        origin = provenance_of(proj, coding.id)  # accepted from the review queue
        if origin:
            st.caption(plain(origin))
        memo = st.text_area("Memo on this coding", coding.memo, key=f"memo_text_{coding.id}")
        c1, c2, c3 = st.columns(3)
        if c1.button("Save memo", key=f"memo_save_{coding.id}"):
            set_coding_memo(proj, coding.id, memo)
            st.session_state.pop(FOCUS, None)
            st.rerun()
        if c2.button("Remove coding", key=f"remove_coding_{coding.id}"):
            try:
                history.remove_coding(proj, coding.id, coder=coder())
            except QualcodeError as exc:
                _flash("error", str(exc))
            st.session_state.pop(FOCUS, None)
            st.rerun()
        if c3.button("Close", key=f"memo_close_{coding.id}"):
            st.session_state.pop(FOCUS, None)
            st.rerun()


def _undo_box(proj) -> None:
    last = history.recent_actions(proj, coder(), limit=1)
    if not last:
        return
    st.caption(plain("Your last action: " + last[0].summary))
    if st.button("Undo", key="undo_last", help="Take back your last action (repeat for more)"):
        try:
            action = history.undo_last(proj, coder())
        except QualcodeError as exc:
            _flash("error", str(exc))
        else:
            if action is not None:
                _flash("toast", f"Undone: {action.summary}")
        st.rerun(scope="fragment")


def _coded_transcript(proj, transcript_id: int, viewer: str) -> bytes:
    """Run by Streamlit on another thread (as_user): no session state in here."""
    from ..export.docx_transcript import coded_transcript_docx  # python-docx: when asked for

    return coded_transcript_docx(proj, transcript_id, viewer=viewer)


def _codings_table(transcript, codings, paths) -> None:
    if not codings:
        st.caption("No codings yet.")
        return
    st.dataframe(pd.DataFrame([{
        "start": c.start, "end": c.end, "code": paths.get(c.code_id, "?"),
        "quote": transcript.text[c.start:c.end][:200], "coder": c.coder, "memo": c.memo}
        for c in codings], columns=["start", "end", "code", "quote", "coder", "memo"]),
        hide_index=True, width="stretch")

