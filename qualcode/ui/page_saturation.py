"""The saturation page: new concepts per interview, cumulative curve, Guest–Namey–Chen rule."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from ..errors import QualcodeError
from ..saturation import project_saturation, saturation_log, saturation_table
from ..transcripts import list_transcripts
from ..quotes import role_of
from .state import project


def render() -> None:
    st.header("Saturation")
    proj = project()
    roles = sorted({role_of(t) for t in list_transcripts(proj) if role_of(t)})
    c1, c2, c3, c4 = st.columns(4)
    base = c1.number_input("Base size", min_value=1, max_value=50, value=4, key="sat_base")
    run = c2.number_input("Run length", min_value=1, max_value=20, value=2, key="sat_run")
    threshold = c3.selectbox("New information threshold", [0.05, 0.0], key="sat_threshold",
                             format_func=lambda x: f"≤{x:.0%}")
    by = c4.selectbox("Count by", ["interview", "participant"], key="sat_by")
    default_roles = ["participant"] if "participant" in roles else []
    chosen = st.multiselect("Only these roles (empty: all interviews)", roles,
                            default=default_roles, key="sat_roles")
    try:
        result = project_saturation(proj, base=int(base), run=int(run), threshold=threshold,
                                    by=by, roles=set(chosen) or None)
    except QualcodeError as exc:
        st.error(str(exc))
        return
    (st.success if result.point is not None else st.info)(result.summary())
    table = pd.DataFrame(saturation_table(result))
    if table.empty:
        return
    table["label"] = [f"{p}. {i}" for p, i in zip(table["position"], table["interview"])]
    x = alt.X("label:N", sort=list(table["label"]), title="Interview (in order)")
    bars = alt.Chart(table).mark_bar(opacity=0.55).encode(
        x=x, y=alt.Y("new:Q", title="New concepts"), tooltip=["interview", "new", "cumulative"])
    line = alt.Chart(table).mark_line(point=True, color="#c62828").encode(
        x=x, y=alt.Y("cumulative:Q", title="Cumulative concepts"))
    chart = alt.layer(bars, line).resolve_scale(y="independent").properties(height=320)
    if result.point is not None:
        rule = alt.Chart(pd.DataFrame({"label": [table["label"][result.point - 1]]})).mark_rule(
            strokeDash=[6, 4], color="#2e7d32").encode(x=alt.X("label:N", sort=list(table["label"])))
        chart = alt.layer(bars, line, rule).resolve_scale(y="independent").properties(height=320)
    st.altair_chart(chart, width="stretch")
    st.subheader("Per interview")
    st.dataframe(table.drop(columns=["label"]), hide_index=True, width="stretch")
    st.subheader("Log of new concepts")
    log = pd.DataFrame(saturation_log(result))
    st.dataframe(log, hide_index=True, width="stretch")
    st.download_button("Download log (CSV)", log.to_csv(index=False).encode("utf-8-sig"),
                       file_name="saturation-log.csv", mime="text/csv")
