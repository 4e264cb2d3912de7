"""The export page: Word theme report and quote table, CSV/XLSX codings, the codebook as YAML."""

from __future__ import annotations

import streamlit as st

from ..coding.codebook import export_codebook
from ..coding.codes import code_tree
from ..export import codings_csv, codings_xlsx, quote_table_docx, theme_report_docx
from ..analysis.saturation_report import cached_saturation_report
from .page_saturation import saturation_settings
from .state import as_user, DOCX, XLSX, coder, project


def render() -> None:
    st.header("Export")
    proj = project()
    tops = [n.code for n in code_tree(proj) if n.depth == 0]
    st.subheader("Theme report (Word)")
    title = st.text_input("Report title", key="export_title",
                          placeholder="Theme report (in the report's language)")
    themes = st.multiselect("Themes (empty: all top-level codes)", [c.id for c in tops],
                            format_func={c.id: c.name for c in tops}.get, key="export_themes")
    language = st.selectbox("Report language (headings, labels, code labels)", [None, "nl", "en"],
                            key="export_language",
                            format_func=lambda x: "English, code names only" if x is None else x)
    with_saturation = st.checkbox(
        "Add the saturation section (with the settings of the Saturation page)", value=True,
        key="export_saturation")
    with_memos = st.checkbox("Add the memos", value=False, key="export_memos")
    with_model = st.checkbox("Add the theoretical model (relations between codes, diagram, "
                             "strongest quotes)", value=False, key="export_model")

    settings = saturation_settings(proj) if with_saturation else None
    viewer = coder()  # blind coding: a coder exports only their own codings

    def report() -> bytes:  # runs outside the script run: no session state in here
        result = cached_saturation_report(proj, **settings) if settings is not None else None
        return theme_report_docx(proj, title=title or None, themes=themes or None,
                                 language=language, saturation=result, include_memos=with_memos,
                                 include_model=with_model, viewer=viewer)

    # Each file is made when its button is clicked, not on every rerun of the page.
    st.download_button("Download theme report (.docx)", as_user(report),
                       file_name="theme-report.docx", mime=DOCX, key="dl_theme_report")
    st.subheader("Quote table and codings")
    c1, c2, c3 = st.columns(3)
    c1.download_button("Quote table (.docx)", as_user(lambda: quote_table_docx(proj, viewer=viewer)), file_name="quotes.docx",
                       mime=DOCX, key="dl_quotes_docx")
    c2.download_button("Codings (.csv)", as_user(lambda: codings_csv(proj, viewer=viewer)), file_name="codings.csv",
                       mime="text/csv", key="dl_codings_csv")
    c3.download_button("Codings (.xlsx)", as_user(lambda: codings_xlsx(proj, viewer=viewer)), file_name="codings.xlsx",
                       mime=XLSX, key="dl_codings_xlsx")
    st.download_button("Codings with the relations between codes (.xlsx)",
                       as_user(lambda: codings_xlsx(proj, viewer=viewer, relations=True)),
                       file_name="codings-relations.xlsx", mime=XLSX, key="dl_relations_xlsx")
    st.subheader("Codebook")
    st.download_button("Codebook (.yaml)", as_user(lambda: export_codebook(proj).encode("utf-8")),
                       file_name="codebook.yaml", mime="application/x-yaml", key="dl_codebook")
