"""The audit trail (admins): every insert, update and delete, who did it and when, filterable."""

from __future__ import annotations

import json
from datetime import datetime, time, timedelta

import pandas as pd
import streamlit as st

from ..store.audit import list_audit
from ..export.csv_files import csv_bytes
from .state import admins_only, project

TABLES = ["", "transcripts", "codes", "codings", "memos", "turns", "users", "trash",
          "qualcode_meta"]


def _short(value) -> str:
    if value is None:
        return ""
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 300 else text[:297] + "…"


def render() -> None:
    st.header("Audit trail")
    proj = project()
    if not admins_only():
        return
    c1, c2, c3, c4 = st.columns(4)
    user = c1.text_input("User", key="audit_user", help="exact user name; empty: everyone")
    table = c2.selectbox("What", TABLES, format_func=lambda t: t or "everything", key="audit_table")
    action = c3.selectbox("Action", ["", "insert", "update", "delete", "restore"],
                          format_func=lambda a: a or "all actions", key="audit_action")
    days = c4.number_input("Last days", min_value=1, value=30, key="audit_days")
    text = st.text_input("Containing", key="audit_text", help="text in the before or after values")
    since = datetime.combine(datetime.utcnow().date() - timedelta(days=int(days) - 1), time.min)
    entries = list_audit(proj, user=user.strip() or None, table=table or None,
                         action=action or None, since=since, text=text.strip() or None,
                         limit=2000)
    st.caption(f"{len(entries)} entries (newest first, at most 2000; times in UTC)")
    frame = pd.DataFrame([{"when": e.at, "who": e.user_name or "(local)", "action": e.action,
                           "what": e.table_name, "id": e.row_id, "before": _short(e.before),
                           "after": _short(e.after)} for e in entries],
                         columns=["when", "who", "action", "what", "id", "before", "after"])
    st.dataframe(frame, hide_index=True, width="stretch")
    st.download_button("Download as CSV", csv_bytes(frame),
                       "audit-trail.csv", "text/csv")
