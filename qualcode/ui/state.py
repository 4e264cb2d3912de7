"""Per-process project handle and per-session settings (coder name, current selection)."""

from __future__ import annotations

import os

import streamlit as st

from ..demo import ensure_demo
from ..store.project import Project, resolve_url


@st.cache_resource(show_spinner="Opening the project…")
def _open(url: str) -> Project:
    project = Project(url)
    if os.environ.get("QUALCODE_NO_DEMO") != "1":
        ensure_demo(project)
    return project


def project() -> Project:
    return _open(resolve_url(None))


def coder() -> str:
    return st.session_state.get("coder", "") or ""



_MARKDOWN = set("\\`*_{}[]()#+-.!|<>~$:\"'&=^")


def plain(text: object) -> str:
    """Text for Streamlit's Markdown-rendering messages (st.error & co.), with every Markdown
    character escaped, so names and messages holding user data show literally."""
    return "".join("\\" + ch if ch in _MARKDOWN else ch for ch in str(text))
