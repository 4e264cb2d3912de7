"""App entry: page navigation and the sidebar (project, coder)."""

from __future__ import annotations

import streamlit as st

from . import (login, page_agreement, page_audit, page_browse, page_cases, page_code,
               page_codebook,
               page_compare, page_cooccurrence, page_export, page_import, page_matrix,
               page_memos, page_network, page_saturation, page_search, page_transcripts, page_trash,
               page_users)
from ..errors import QualcodeError
from ..store.permissions import ADMIN
from .state import can, plain, project


def main() -> None:
    st.set_page_config(page_title="qualcode", page_icon="🗂️", layout="wide")
    # confidential interviews: no "Deploy" to a cloud service in the toolbar
    st.set_option("client.toolbarMode", "viewer")
    try:
        proj = project()
    except QualcodeError as exc:
        st.error(plain(f"Cannot open the project: {exc}"))
        st.stop()
    if not login.gate(proj):  # a shared server: the login form is showing
        st.stop()
    # Sections in the order of the work: code the material, analyse it, share it; every page
    # stays visible (expanded), the project has too many for a collapsed list.
    pages = {
        "Coding": [
            st.Page(page_code.render, title="Code", url_path="start", default=True),
            # the default page lives at "/" (its url_path is not served); /code, a stable link
            # to the same page, is this hidden one
            st.Page(page_code.render, title="Code", url_path="code", visibility="hidden"),
            st.Page(page_browse.render, title="Code browser", url_path="browse"),
            st.Page(page_codebook.render, title="Codebook", url_path="codebook"),
            st.Page(page_transcripts.render, title="Transcripts", url_path="transcripts"),
            st.Page(page_cases.render, title="Cases", url_path="cases"),
            st.Page(page_memos.render, title="Memos", url_path="memos"),
        ],
        "Analysis": [
            st.Page(page_search.render, title="Search", url_path="search"),
            st.Page(page_cooccurrence.render, title="Co-occurrence", url_path="cooccurrence"),
            st.Page(page_matrix.render, title="Framework matrix", url_path="matrix"),
            st.Page(page_network.render, title="Relations and network", url_path="network"),
            st.Page(page_compare.render, title="Constant comparison", url_path="compare"),
            st.Page(page_saturation.render, title="Saturation", url_path="saturation"),
            st.Page(page_agreement.render, title="Agreement", url_path="agreement"),
        ],
        "Reports and exchange": [
            st.Page(page_export.render, title="Export", url_path="export"),
            st.Page(page_import.render, title="Import / export", url_path="import"),
        ],
    }
    if can(ADMIN):
        pages["Administration"] = [
            st.Page(page_users.render, title="Users", url_path="users"),
            st.Page(page_audit.render, title="Audit trail", url_path="audit"),
            st.Page(page_trash.render, title="Trash", url_path="trash")]
    # The sidebar is drawn after the page (a new tab shows the page's content sooner), and
    # also when the page fails: the coder box is a widget and would lose its value otherwise.
    try:
        st.navigation(pages, expanded=True).run()
    finally:
        with st.sidebar:
            st.title("qualcode")
            login.sidebar(proj)
