"""App entry: page navigation and the sidebar (project, coder)."""

from __future__ import annotations

import streamlit as st

from . import (page_browse, page_code, page_codebook, page_export, page_memos,
               page_saturation, page_transcripts)
from . import page_compare, page_cooccurrence, page_matrix, page_search
from ..errors import QualcodeError
from .state import plain, project


def main() -> None:
    st.set_page_config(page_title="qualcode", page_icon="🗂️", layout="wide")
    try:
        proj = project()
    except QualcodeError as exc:
        st.error(plain(f"Cannot open the project: {exc}"))
        st.stop()
    with st.sidebar:
        st.title("qualcode")
        st.text_input("Coder", key="coder", placeholder="your initials",
                      help="Stored with every coding you make.")
        st.caption("Project database")
        st.text(proj.engine.url.render_as_string(hide_password=True))
    pages = [
        st.Page(page_code.render, title="Code", url_path="code", default=True),
        st.Page(page_browse.render, title="Code browser", url_path="browse"),
        st.Page(page_codebook.render, title="Codebook", url_path="codebook"),
        st.Page(page_transcripts.render, title="Transcripts", url_path="transcripts"),
        st.Page(page_search.render, title="Search", url_path="search"),
        st.Page(page_cooccurrence.render, title="Co-occurrence", url_path="cooccurrence"),
        st.Page(page_matrix.render, title="Framework matrix", url_path="matrix"),
        st.Page(page_compare.render, title="Constant comparison", url_path="compare"),
        st.Page(page_memos.render, title="Memos", url_path="memos"),
        st.Page(page_saturation.render, title="Saturation", url_path="saturation"),
        st.Page(page_export.render, title="Export", url_path="export"),
    ]
    st.navigation(pages).run()
