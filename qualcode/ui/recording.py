"""Recordings in the app: a quote's clip (Code browser) and the URL the coding canvas's player
loads. Both point at qualcode's own route ``/api/media/<transcript id>`` (ui/server.py), which
checks who asks on every request (the login cookie, ``media_of`` as that user) and streams the
file from disk with range requests: the recording is never read into the server's memory nor
handed to Streamlit's media file manager (whose ``/media/<hash>`` URLs anyone holding one may
fetch). The page still checks here first, to show a missing file or a refusal as a message."""

from __future__ import annotations

import math
from urllib.parse import urlsplit

import streamlit as st

from ..corpus.media import MediaInfo, media_of
from ..errors import QualcodeError
from .http_auth import PROJECT_PARAM
from .state import plain, project_key, project_url


def recording(proj, transcript_id: int) -> MediaInfo | None:
    """The transcript's recording, or None (a missing file is shown as an error once)."""
    try:
        return media_of(proj, transcript_id)
    except QualcodeError as exc:
        st.error(plain(exc))
        return None


def route_path(info: MediaInfo) -> str:
    """The route's path (from the server's root) for this session's project; ``v`` (the file's
    hash) changes the URL when another recording is attached, so a player loads the new one."""
    return (f"/api/media/{int(info.transcript_id)}?{PROJECT_PARAM}="
            f"{project_key(project_url())}&v={info.sha256[:12]}")


def play_clip(proj, transcript_id: int, start: float, end: float | None) -> None:
    """A player for one quote, from the second its words start to the second they end."""
    info = recording(proj, transcript_id)
    if info is None:
        return
    begin = max(0, math.floor(start))
    stop = max(begin + 1, math.ceil(end)) if end is not None else None
    player = st.video if info.kind == "video" else st.audio
    # an absolute URL: Streamlit passes it to the browser as it is (a path would be read as a
    # file name); the browser sends the login cookie with it, the route checks it
    player(f"{_origin()}{route_path(info)}", format=info.content_type,
           start_time=begin, end_time=stop, autoplay=True)


def _origin() -> str:
    """``scheme://host[:port]`` of the page in the browser (``st.context.url``); without a
    browser (AppTest) the server's configured address."""
    page = urlsplit(st.context.url or "")
    if page.scheme and page.netloc:
        return f"{page.scheme}://{page.netloc}"
    host = st.get_option("server.address") or "localhost"
    return f"http://{host}:{st.get_option('server.port')}"


def media_url(proj, transcript_id: int) -> tuple[str, MediaInfo] | None:
    """The URL the canvas's player loads (the route's path), after the permission check."""
    info = recording(proj, transcript_id)
    if info is None:
        return None
    return route_path(info), info
