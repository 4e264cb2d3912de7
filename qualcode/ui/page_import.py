"""Import and export whole projects: REFI-QDA .qdpx (NVivo, ATLAS.ti, MAXQDA, QualCoder) and
.qdc codebooks, Taguette databases and codebook CSVs; the import report."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ..errors import QualcodeError
from ..exchange.importing import import_file
from ..exchange.refi_write import export_qdpx
from .state import as_user, plain, project

POSITIONS = {"auto": "detect (REFI code points or NVivo's UTF-16 units)",
             "codepoint": "code points (REFI-QDA standard)",
             "utf16": "UTF-16 code units (NVivo)"}


def _show(report: dict) -> None:
    summary = report["summary"]
    if report.get("dry_run"):
        st.info(plain(summary))
    else:
        st.success(plain(summary))
    if report.get("positions"):
        st.caption(plain(f"Positions read as {report['positions']}"))
    rows = ([{"": "came in", "detail": line} for line in report["came_in"]]
            + [{"": "skipped", "detail": line} for line in report["skipped"]]
            + [{"": "warning", "detail": line} for line in report["warnings"]])
    if rows:
        st.dataframe(pd.DataFrame(rows, columns=["", "detail"]), hide_index=True,
                     width="stretch")


def render() -> None:
    st.header("Import / export")
    proj = project()
    st.subheader("Bring in a project or codebook from another tool")
    upload = st.file_uploader(
        "REFI-QDA project (.qdpx) or codebook (.qdc) from NVivo, ATLAS.ti, MAXQDA, QualCoder…; "
        "Taguette database (.sqlite3) or codebook (.csv)",
        type=["qdpx", "qde", "qdc", "sqlite3", "sqlite", "db", "csv"], key="import_upload")
    c1, c2, c3 = st.columns(3)
    positions = c1.selectbox("Positions in a .qdpx", list(POSITIONS), format_func=POSITIONS.get,
                             key="import_positions")
    split = c2.text_input("Split code names into levels at", "", key="import_split",
                          help="ATLAS.ti writes 'Theme::Sub-code': enter :: to make Sub-code a "
                               "sub-code of Theme.")
    separator = c3.text_input("Taguette tag levels separator", ".", key="import_tag_separator")
    taguette_project = st.text_input("Taguette project (name or number), if the database holds "
                                     "several", "", key="import_taguette_project")
    dry_run = st.checkbox("Dry run: show the report, store nothing", key="import_dry_run")
    if upload is not None and st.button("Import", key="import_run", type="primary"):
        try:
            with st.spinner("Importing…"):
                report = import_file(proj, upload.getvalue(), upload.name, positions=positions,
                                     split_codes=split.strip() or None,
                                     taguette_project=taguette_project.strip() or None,
                                     tag_separator=separator or None, dry_run=dry_run)
        except QualcodeError as exc:
            st.session_state.pop("import_report", None)
            st.error(plain(f"Nothing was imported: {exc}"))
        else:
            st.session_state["import_report"] = {**report.as_dict(),
                                                 "summary": report.summary()}
    if report := st.session_state.get("import_report"):
        _show(report)

    st.subheader("Take the project to another tool")
    st.caption("A REFI-QDA project (.qdpx) for NVivo, ATLAS.ti, MAXQDA, QualCoder and others: "
               "transcripts as UTF-8 text, the codebook, codings with their coders, memos as "
               "notes, attributes as variables and cases.")
    c1, c2 = st.columns(2)
    name = c1.text_input("Project name", "qualcode project", key="export_qdpx_name")
    units = c2.selectbox("Positions", ["codepoint", "utf16"], key="export_qdpx_positions",
                         format_func={"codepoint": "code points (REFI-QDA standard)",
                                      "utf16": "UTF-16 code units (for NVivo)"}.get)
    recordings = st.checkbox("With the recordings (audio/video files; the download grows by "
                             "their size)", value=True, key="export_qdpx_media")
    st.download_button("Download project (.qdpx)",
                       as_user(lambda: export_qdpx(proj, name=name, positions=units,
                                                   recordings=recordings)),
                       file_name="qualcode-project.qdpx", mime="application/zip",
                       key="dl_qdpx")
