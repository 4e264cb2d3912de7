"""The saturation page: new concepts per interview, cumulative curve, Guest–Namey–Chen rule."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from ..codings import all_codings
from ..errors import QualcodeError
from ..analysis.saturation import project_saturation, saturation_log, saturation_table
from ..transcripts import list_transcripts
from ..quotes import role_of
from .state import plain, project


SETTINGS = "saturation_settings"  # kept apart from widget keys, which other pages drop


def saturation_settings(proj) -> dict:
    """The settings last chosen on this page, or its defaults (participants only, if any)."""
    settings = st.session_state.get(SETTINGS)
    if settings is None:
        participants = any(role_of(t) == "participant" for t in list_transcripts(proj))
        settings = {"roles": {"participant"} if participants else None}
    return dict(settings)


def render() -> None:
    st.header("Saturation")
    proj = project()
    roles = sorted({role_of(t) for t in list_transcripts(proj) if role_of(t)})
    last = st.session_state.get(SETTINGS, {})  # come back to the settings last used
    c1, c2, c3, c4 = st.columns(4)
    base = c1.number_input("Base size", min_value=1, max_value=50, value=last.get("base", 4),
                           key="sat_base")
    run = c2.number_input("Run length", min_value=1, max_value=20, value=last.get("run", 2),
                          key="sat_run")
    thresholds = [0.05, 0.0]
    threshold = c3.selectbox("New information threshold", thresholds, key="sat_threshold",
                             index=thresholds.index(last.get("threshold", 0.05)),
                             format_func=lambda x: f"≤{x:.0%}")
    units = ["interview", "participant"]
    by = c4.selectbox("Count by", units, key="sat_by", index=units.index(last.get("by", "interview")))
    if "roles" in last:
        default_roles = sorted(r for r in (last["roles"] or ()) if r in roles)
    else:
        default_roles = ["participant"] if "participant" in roles else []
    c5, c6 = st.columns([3, 1])
    chosen = c5.multiselect("Only these roles (empty: all interviews)", roles,
                            default=default_roles, key="sat_roles")
    coders = [None, *sorted({c.coder for c in all_codings(proj)})]
    coder = c6.selectbox("Coder", coders, key="sat_coder",
                         index=coders.index(last.get("coder")) if last.get("coder") in coders else 0,
                         format_func=lambda c: "all coders" if c is None else (c or "(unnamed)"))
    try:
        settings = {"base": int(base), "run": int(run), "threshold": threshold, "by": by,
                    "roles": set(chosen) or None, "coder": coder}
        result = project_saturation(proj, **settings)
        st.session_state[SETTINGS] = settings
    except QualcodeError as exc:
        st.error(plain(exc))
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
