"""App entry: page navigation and the sidebar (project, coder)."""

from __future__ import annotations

import streamlit as st

from importlib import import_module

from . import login
from ..errors import QualcodeError
from ..store.permissions import ADMIN
from .state import can, plain, project


_RENDERERS: dict[str, object] = {}


def _renderer(module: str):
    """A page's render function that imports its module on the first visit to that page: a
    server start imports only the page shown (the pages' imports, pandas, Altair, scikit-learn,
    python-docx…, took seconds before the first page could be drawn)."""
    if module not in _RENDERERS:
        def render() -> None:
            import_module(f"{__package__}.{module}").render()

        render.__name__ = module
        _RENDERERS[module] = render
    return _RENDERERS[module]


def _page(module: str, title: str, **kwargs):
    return st.Page(_renderer(module), title=title, **kwargs)


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
            _page("page_code", title="Code", url_path="start", default=True),
            # the default page lives at "/" (its url_path is not served); /code, a stable link
            # to the same page, is this hidden one
            _page("page_code", title="Code", url_path="code", visibility="hidden"),
            _page("page_browse", title="Code browser", url_path="browse"),
            _page("page_codebook", title="Codebook", url_path="codebook"),
            _page("page_transcripts", title="Transcripts", url_path="transcripts"),
            _page("page_cases", title="Cases", url_path="cases"),
            _page("page_memos", title="Memos", url_path="memos"),
        ],
        "Analysis": [
            _page("page_search", title="Search", url_path="search"),
            _page("page_cooccurrence", title="Co-occurrence", url_path="cooccurrence"),
            _page("page_matrix", title="Framework matrix", url_path="matrix"),
            _page("page_network", title="Relations and network", url_path="network"),
            _page("page_compare", title="Constant comparison", url_path="compare"),
            _page("page_saturation", title="Saturation", url_path="saturation"),
            _page("page_agreement", title="Agreement", url_path="agreement"),
        ],
        "Reports and exchange": [
            _page("page_export", title="Export", url_path="export"),
            _page("page_import", title="Import / export", url_path="import"),
        ],
    }
    if can(ADMIN):
        pages["Administration"] = [
            _page("page_users", title="Users", url_path="users"),
            _page("page_audit", title="Audit trail", url_path="audit"),
            _page("page_trash", title="Trash", url_path="trash")]
    # The sidebar is drawn after the page (a new tab shows the page's content sooner), and
    # also when the page fails: the coder box is a widget and would lose its value otherwise.
    try:
        st.navigation(pages, expanded=True).run()
    finally:
        with st.sidebar:
            st.title("qualcode")
            login.sidebar(proj)
