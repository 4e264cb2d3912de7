"""Recordings in the app: a quote's clip (Code browser) and the URL the coding canvas's player
loads. Both go through ``qualcode.corpus.media.media_of``, which checks that the acting user may
read the transcript, and hand Streamlit the file's path (never the bytes read here)."""

from __future__ import annotations

import math

import streamlit as st

from ..corpus.media import MediaInfo, media_of
from ..errors import QualcodeError
from .state import plain


def recording(proj, transcript_id: int) -> MediaInfo | None:
    """The transcript's recording, or None (a missing file is shown as an error once)."""
    try:
        return media_of(proj, transcript_id)
    except QualcodeError as exc:
        st.error(plain(exc))
        return None


def play_clip(proj, transcript_id: int, start: float, end: float | None) -> None:
    """A player for one quote, from the second its words start to the second they end."""
    info = recording(proj, transcript_id)
    if info is None:
        return
    begin = max(0, math.floor(start))
    stop = max(begin + 1, math.ceil(end)) if end is not None else None
    player = st.video if info.kind == "video" else st.audio
    player(str(info.path), format=info.content_type, start_time=begin, end_time=stop,
           autoplay=True)


def media_url(proj, transcript_id: int, coordinates: str) -> tuple[str, MediaInfo] | None:
    """A URL of Streamlit's media endpoint serving the recording (with HTTP range requests, as
    for ``st.audio``) for a player built by a component, after the permission check.

    Streamlit's media manager reads the file when it is registered (as ``st.audio`` does) and
    forgets it after a full rerun that does not register it again; a fragment rerun keeps it,
    so there the URL registered before is reused instead of reading the file again."""
    from streamlit import runtime
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    info = recording(proj, transcript_id)
    if info is None or not runtime.exists():
        return None
    known = st.session_state.setdefault("qc_media_urls", {})
    ctx = get_script_run_ctx()
    key = f"{transcript_id}:{info.sha256}"
    if ctx is not None and ctx.fragment_ids_this_run and key in known:
        return known[key], info
    url = runtime.get_instance().media_file_mgr.add(str(info.path), info.content_type,
                                                    coordinates)
    known[key] = url
    return url, info
