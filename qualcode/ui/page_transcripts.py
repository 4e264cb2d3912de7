"""The transcripts page: upload files (batch, with progress), list, edit attributes, delete."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ..corpus.order import order_transcripts, order_warnings
from ..errors import QualcodeError
from ..ingest import SUPPORTED_SUFFIXES
from ..corpus import ingest_files
from ..corpus.media import ALLOWED_EXTENSIONS, attach_media, detach_media, media_names
from ..ingest.survey import SURVEY_SUFFIXES
from ..corpus.transcripts import (delete_transcript, import_attributes, list_transcripts,
                           transcript_overview, update_transcript)
from .state import forget_version, opened_version, plain, project
from .status_control import status_control


def render() -> None:
    st.header("Transcripts")
    proj = project()
    for level, msg in st.session_state.pop("ingest_messages", []):
        getattr(st, level)(plain(msg))

    uploads = st.file_uploader("Add interview files (or survey sheets: .csv/.xlsx, one answer "
                               "per row), with their recordings (same base name: P3.docx + "
                               "P3.m4a)", accept_multiple_files=True,
                               type=[s.lstrip(".") for s in SUPPORTED_SUFFIXES + SURVEY_SUFFIXES
                                     + ALLOWED_EXTENSIONS],
                               key=f"uploads_{st.session_state.get('uploads_round', 0)}")
    # Roles are free text: whatever the study calls its groups.
    role = st.text_input("Role for these files (optional; e.g. participant, manager)",
                         key="upload_role").strip()
    text_column = st.text_input("Survey sheets: column holding the answers (default: the "
                                "longest texts)", key="upload_text_column").strip()
    per_column = st.checkbox("Survey sheets: one document per answer column (instead of per row)",
                             key="upload_per_column")
    if uploads and st.button("Ingest", type="primary", key="ingest_button"):
        bar = st.progress(0.0, text="Reading files…")
        report = ingest_files(
            proj, [(u.name, u.getvalue(), None) for u in uploads],
            attributes={"role": role} if role else None, text_column=text_column or None,
            per_column=per_column,
            progress=lambda i, n, name: bar.progress(i / n, text=f"{i}/{n}: {name}"))
        many = 20  # a survey sheet can add thousands: one line for them then
        added = ([("success", f"Added {name}.") for name in report.added]
                 if len(report.added) <= many else
                 [("success", f"Added {len(report.added)} transcripts ({report.added[0]} … "
                              f"{report.added[-1]}).")])
        duplicates = ([("warning", f"Skipped duplicate: {msg}") for msg in report.duplicates]
                      if len(report.duplicates) <= many else
                      [("warning", f"Skipped {len(report.duplicates)} duplicates, e.g. "
                                   f"{report.duplicates[0]}")])
        st.session_state["ingest_messages"] = (
            added + duplicates + [("info", msg) for msg in report.notes]
            + [("error", msg) for msg in report.errors])
        # a new uploader (new key) after the ingest: the files read are not offered again
        st.session_state["uploads_round"] = st.session_state.get("uploads_round", 0) + 1
        st.rerun()

    transcripts = list_transcripts(proj)
    if not transcripts:
        st.info("No transcripts yet.")
        return
    overview = {row["name"]: row for row in transcript_overview(proj)}
    for warning in order_warnings(order_transcripts(transcripts)):
        st.warning(plain("Interview order: " + warning))
    st.dataframe(pd.DataFrame([{
        "order": overview[t.name]["order"], "order from": overview[t.name]["order_source"],
        "name": t.name, "status": overview[t.name]["status"], "format": t.source_format,
        "characters": len(t.text), "language": t.language, "turns": overview[t.name]["turns"],
        "codings": overview[t.name]["codings"], "recording": overview[t.name]["media"],
        "timed turns": overview[t.name]["timed_turns"],
        **{f"attr: {k}": v for k, v in (t.attributes or {}).items()}} for t in transcripts]),
        hide_index=True, width="stretch")
    st.caption("Order: the explicit interview order, else an interview date attribute "
               "(interview_date, date), else the name (P2 before P10). Status: marked coded, "
               "in progress (has codings), or not coded; saturation counts only coded interviews.")

    with st.expander("Set attributes from a CSV sheet"):
        st.text("Columns: name (the transcript name), interview_order (optional), and one\n"
                "column per attribute, e.g. participant, role, sector. Empty cells change nothing.")
        sheet = st.file_uploader("Attribute sheet (.csv)", type=["csv"], key="attr_sheet")
        if sheet is not None and st.button("Apply sheet", key="attr_apply"):
            try:
                n = import_attributes(proj, sheet.getvalue(), sheet.name)
            except QualcodeError as exc:
                st.error(plain(exc))
            else:
                st.session_state["ingest_messages"] = [("success", f"Attributes set on {n} "
                                                        "transcript(s).")]
                st.rerun()

    st.subheader("Edit a transcript")
    by_id = {t.id: t for t in transcripts}
    tid = st.selectbox("Transcript", list(by_id), format_func=lambda i: by_id[i].name,
                       key="edit_transcript")
    t = by_id[tid]
    status_control(proj, t)
    with st.form(f"transcript_{tid}"):
        name = st.text_input("Name", t.name)
        explicit = st.checkbox("Explicit interview order (else from the interview date or "
                               "the name)", value=t.interview_order is not None)
        order = st.number_input("Interview order", step=1, min_value=0,
                                value=t.interview_order if t.interview_order is not None else 1)
        attrs = pd.DataFrame([{"attribute": k, "value": str(v)}
                              for k, v in (t.attributes or {}).items()],
                             columns=["attribute", "value"])
        edited = st.data_editor(attrs, num_rows="dynamic", hide_index=True, key=f"attrs_{tid}")
        version = opened_version("transcript", t)
        if st.form_submit_button("Save"):
            forget_version("transcript", tid)
            new_attrs = {str(r["attribute"]).strip(): r["value"] for _, r in edited.iterrows()
                         if str(r["attribute"] or "").strip()}
            old_attrs = {str(k): v for k, v in (t.attributes or {}).items()}
            changes = {k: v for k, v in new_attrs.items() if old_attrs.get(k) != v}
            changes.update({k: None for k in old_attrs if k not in new_attrs})
            try:
                update_transcript(proj, tid, name=name, attribute_changes=changes,
                                  interview_order=int(order) if explicit else None,
                                  expected_version=version)
            except QualcodeError as exc:
                st.error(plain(exc))
            else:
                st.session_state["ingest_messages"] = [("success", "Transcript saved.")]
                st.rerun()
    _recording_box(proj, t, media_names(proj).get(tid))
    with st.expander("Delete this transcript"):
        sure = st.checkbox("Yes, delete it with all its codings", key=f"sure_{tid}")
        if st.button("Delete transcript", disabled=not sure, key=f"delete_{tid}"):
            n = delete_transcript(proj, tid)
            st.session_state["ingest_messages"] = [("success", f"Deleted ({n} codings removed).")]
            st.rerun()


def _recording_box(proj, t, attached: str | None) -> None:
    """Attach (or replace) and detach the transcript's recording."""
    with st.expander(f"Recording: {attached}" if attached else "Recording: none"):
        st.text("Audio (mp3, m4a, wav, ogg) or video (mp4, webm) of this interview; it plays "
                "beside the text on the Code page.")
        upload = st.file_uploader("Recording", type=[s.lstrip(".") for s in ALLOWED_EXTENSIONS],
                                  key=f"media_upload_{t.id}")
        if upload is not None and st.button("Attach", key=f"media_attach_{t.id}"):
            try:
                info = attach_media(proj, t.id, upload, name=upload.name)
            except QualcodeError as exc:
                st.error(plain(exc))
            else:
                st.session_state["ingest_messages"] = [("success", f"Attached {info.name}.")]
                st.rerun()
        if attached and st.button("Detach the recording", key=f"media_detach_{t.id}"):
            try:
                detach_media(proj, t.id)
            except QualcodeError as exc:
                st.error(plain(exc))
            else:
                st.session_state["ingest_messages"] = [("success", f"Detached {attached}.")]
                st.rerun()
