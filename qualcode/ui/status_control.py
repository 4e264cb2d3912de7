"""One-click coding status for a transcript: mark it coded (coding complete) or reopen it.

Used on the Code page and the Transcripts page. Saturation counts only interviews marked coded.
"""

from __future__ import annotations

import streamlit as st

from ..coding.status import CODED, IN_PROGRESS, NOT_CODED, coding_counts, set_status, status_of
from ..store.models import Transcript


def status_control(proj, transcript: Transcript) -> str:
    """Show the coding status of ``transcript`` with one button to change it; returns the status
    shown."""
    codings = coding_counts(proj, [transcript.id]).get(transcript.id, 0)
    status = status_of(transcript.coding_status, codings)
    left, right = st.columns([3, 1])
    note = {CODED: "counted in saturation",
            IN_PROGRESS: "not counted in saturation until marked coded",
            NOT_CODED: "not counted in saturation until marked coded"}[status]
    left.caption(f"Coding status: {status} ({codings} codings) · {note}")  # no user text
    if status == CODED:
        if right.button("Reopen coding", key=f"status_reopen_{transcript.id}",
                        help="Mark this interview as in progress again"):
            set_status(proj, [transcript.id], IN_PROGRESS)
            st.rerun()
    elif right.button("Mark coding complete", key=f"status_complete_{transcript.id}",
                      type="secondary",
                      help="This interview is fully coded: count it in the saturation analysis"):
        set_status(proj, [transcript.id], CODED)
        st.rerun()
    return status

