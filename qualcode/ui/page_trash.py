"""The trash (admins): deleted transcripts (with their codings) and codings, restorable."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ..errors import QualcodeError
from ..store.trash import list_trash, restore
from .state import admins_only, plain, project


def render() -> None:
    st.header("Trash")
    proj = project()
    if not admins_only():
        return
    if msg := st.session_state.pop("trash_flash", None):
        st.success(plain(msg))
    items = list_trash(proj)
    if not items:
        st.info("The trash is empty: deleted transcripts and codings show up here.")
        return
    st.dataframe(pd.DataFrame([{
        "deleted": i.deleted_at, "by": i.deleted_by or "(local)", "kind": i.kind,
        "what": i.label, "codings": len(i.snapshot.get("codings") or [])
        if i.kind == "transcript" else ""} for i in items],
        columns=["deleted", "by", "kind", "what", "codings"]), hide_index=True, width="stretch")
    by_id = {i.id: i for i in items}
    pick = st.selectbox("Item", list(by_id), key="trash_pick",
                        format_func=lambda i: f"{by_id[i].kind}: {by_id[i].label}")
    if st.button("Restore", key="trash_restore"):
        try:
            result = restore(proj, pick)
        except QualcodeError as exc:
            st.error(plain(exc))
        else:
            note = f" ({len(result['skipped'])} coding(s) not restored)" if result["skipped"] else ""
            st.session_state["trash_flash"] = f"Restored {result['label']}{note}."
            st.rerun()
