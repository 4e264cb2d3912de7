"""The Code page's suggestions: codes suggested for the selection (with the reasons) and the
review queue of codings suggested for the transcript. Nothing is coded without a click.

Under blind coding both are off for coders: the model learns from every coder's codings and
its reasons quote them."""

from __future__ import annotations

import streamlit as st

from ..coding import suggest_queue as queue
from ..coding.suggest_backends import LocalBackend, backend_for, chat_config
from ..coding.suggest_data import context_of
from ..coding.suggest_service import warm
from ..errors import QualcodeError
from ..store.settings import blind_coding
from .state import coder, plain

SUGGESTIONS = "qc_suggestions"
WARMED = "qc_suggest_warmed"


def suggestions_allowed(proj) -> bool:
    actor = proj.user
    return not (blind_coding(proj) and actor is not None and not actor.can("admin"))


def warm_model(proj) -> None:
    """Load or train the project's model in the background, once per session."""
    if st.session_state.get(WARMED) != proj.url:
        st.session_state[WARMED] = proj.url
        warm(proj)


def selection_suggestions(proj, transcript, start: int, end: int):
    """The local model's codes for the selection, once per selection; [] while the model is
    still being prepared (never waited for)."""
    if not suggestions_allowed(proj):
        return []
    key = (transcript.id, start, end)
    cached = st.session_state.get(SUGGESTIONS)
    if not cached or cached[0] != key:
        try:
            found, _ = LocalBackend(wait=False).suggest(
                proj, [transcript.text[start:end]], top=3,
                contexts=[context_of(transcript.text, start, end)])
        except QualcodeError:
            return []
        cached = (key, found[0])
        st.session_state[SUGGESTIONS] = cached
    return cached[1]


def show_selection_suggestions(suggestions) -> None:
    if not suggestions:
        return
    st.caption("Suggested (learned from this project's coding)")
    for s in suggestions:
        words = ", ".join(s.evidence.get("words", [])[:4])
        st.text(f"{s.path} ({s.score:.2f})" + (f" · words: {words}" if words else ""))
        for q in s.evidence.get("quotes", [])[:1]:
            st.text(f"    like: «{q['text'][:160]}»")


def review_queue(proj, transcript, paths: dict, selection) -> None:
    """Suggest codings for the transcript, then accept, change or reject each."""
    if not suggestions_allowed(proj):
        st.caption("Suggestions are off while blind coding is on (they learn from every "
                   "coder's codings).")
        return
    with st.expander("Suggested codings for this transcript (review queue)"):
        config = chat_config(proj)
        st.caption("From the local model: nothing leaves this machine." if config is None else
                   plain(f"From {config.model} at {config.endpoint}: passages are sent there."))
        c1, c2 = st.columns(2)
        unit = c1.selectbox("Spans", ["sentence", "turn"], key="queue_unit")
        min_score = c2.slider("Minimum score", 0.05, 0.95, 0.5, 0.05, key="queue_min")
        hide_below = st.number_input(
            "Hide codes whose machine agreement (AC1, Agreement page) is below", 0.0, 1.0,
            0.0, 0.05, key="queue_hide",
            help="0: show every code. Uses the latest run of the machine coder on the "
                 "Agreement page or by `qualcode agreement --machine` (its unit and "
                 "score); it is not run here.")
        if st.button("Suggest codings", key="queue_run"):
            try:
                spans, prov = backend_for(proj).suggest_spans(proj, transcript.id, unit,
                                                              min_score)
                queue.enqueue(proj, transcript.id, spans, prov)
            except QualcodeError as exc:
                st.error(plain(exc))
        hidden = _hidden_codes(proj, hide_below) if hide_below > 0 else set()
        every = queue.pending(proj, transcript.id)
        items = [i for i in every if i.code_id not in hidden]
        left_out = (f" ({len(every) - len(items)} hidden: codes below AC1 {hide_below:.2f})"
                    if len(items) < len(every) else "")
        if not items:
            st.caption("No suggestions waiting" + left_out + ".")
            return
        st.caption(f"{len(items)} suggestion(s) waiting{left_out}; nothing is coded until "
                   "you accept.")
        for item in items[:25]:
            _queue_item(proj, transcript, paths, selection, item)


def _hidden_codes(proj, threshold: float) -> set[int]:
    """The codes below ``threshold`` in the Agreement page's latest machine-coder run, read
    from the project: the machine coder is never run here (five fits: minutes on a large
    project, and the Code page reruns on every coding)."""
    from ..analysis.machine_runs import run_caption, stored_run

    run = stored_run(proj)
    st.caption(plain(run_caption(proj, run)))
    return set() if run is None else run.hidden(threshold)


def _queue_item(proj, transcript, paths, selection, item) -> None:
    with st.container(border=True):
        quote = transcript.text[item.start:item.end]
        st.text(f"{item.code} ({item.score:.2f}) · characters {item.start}–{item.end}")
        st.text(quote if len(quote) <= 300 else quote[:300] + " …")
        why = item.evidence.get("why") or ", ".join(item.evidence.get("words", [])[:4])
        if why:
            st.caption(plain(f"why: {why}"))
        st.caption(plain(item.provenance))
        c1, c2, c3 = st.columns(3)
        # actions in callbacks: done before the rerun the click causes (no explicit rerun)
        c1.button("Accept", key=f"q_accept_{item.id}", on_click=_act,
                  args=(lambda: queue.accept(proj, item.id, coder=coder()), "Accepted."))
        c2.button("Reject", key=f"q_reject_{item.id}", on_click=_act,
                  args=(lambda: queue.reject(proj, item.id, coder=coder()), "Rejected."))
        other = c3.selectbox("Change code", [None, *paths], key=f"q_code_{item.id}",
                             format_func=lambda c: "…" if c is None else paths[c])
        use_selection = bool(selection) and st.checkbox(
            "with the span selected in the text", key=f"q_span_{item.id}")
        if other is not None or use_selection:
            span = ({"start": selection["start"], "end": selection["end"]}
                    if use_selection else {})
            st.button("Accept with these changes", key=f"q_change_{item.id}", on_click=_act,
                      args=(lambda: queue.accept(proj, item.id, code_id=other, coder=coder(),
                                                 **span), "Accepted with your changes."))


def _act(action, message: str) -> None:
    try:
        action()
    except QualcodeError as exc:
        st.session_state.setdefault("qc_flash", []).append(("error", str(exc)))
        return
    st.session_state.setdefault("qc_flash", []).append(("toast", message))
