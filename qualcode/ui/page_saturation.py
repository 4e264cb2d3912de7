"""The saturation page: which interviews are assessed (order and coding status), the curve with
the order-bootstrap band, the stopping rule and its sensitivity grid, the unseen-concept estimate
and the same analysis per tension (small multiples)."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from ..analysis import rules
from ..analysis.bootstrap import DEFAULT_ORDERS, DEFAULT_SEED
from ..analysis.saturation import saturation_log, saturation_table
from ..analysis.saturation_report import (SaturationReport, coder_names, order_table,
                                          saturation_report)
from ..analysis.sensitivity import threshold_text
from ..errors import QualcodeError
from ..quotes import role_of
from ..transcripts import list_transcripts
from .state import plain, project

SETTINGS = "saturation_settings"  # kept apart from widget keys, which other pages drop
LEVELS = [None, 1, 2, 3]
SERIES = ["new concepts", "cumulative concepts", "mean over random orders",
          "95% band over random orders", "saturation point"]
COLOURS = ["#90caf9", "#c62828", "#616161", "#bdbdbd", "#2e7d32"]


def saturation_settings(proj) -> dict:
    """The settings last chosen on this page, or its defaults (participants only, if any)."""
    settings = st.session_state.get(SETTINGS)
    if settings is None:
        participants = any(role_of(t) == "participant" for t in list_transcripts(proj))
        settings = {"roles": {"participant"} if participants else None}
    return dict(settings)


def _controls(proj, roles: list[str]) -> dict:
    last = st.session_state.get(SETTINGS, {})  # come back to the settings last used
    c0, c1, c2, c3, c4 = st.columns([2, 1, 1, 1, 1])
    rule = c0.selectbox("Stopping rule", list(rules.RULES), key="sat_rule",
                        index=list(rules.RULES).index(last.get("rule", rules.GUEST)),
                        format_func=rules.RULE_NAMES.get)
    default_base, default_run = rules.DEFAULTS[rule]
    same_rule = last.get("rule", rules.GUEST) == rule
    base = c1.number_input("Initial sample" if rule == rules.FRANCIS else "Base size",
                           min_value=1, max_value=500, key=f"sat_base_{rule}",
                           value=last.get("base") if same_rule and last.get("base") else
                           default_base)
    run = c2.number_input("Stopping criterion" if rule == rules.FRANCIS else "Run length",
                          min_value=1, max_value=100, key=f"sat_run_{rule}",
                          value=last.get("run") if same_rule and last.get("run") else default_run)
    thresholds = [0.05, 0.0]
    threshold = c3.selectbox("New information threshold", thresholds, key="sat_threshold",
                             index=thresholds.index(last.get("threshold", 0.05)),
                             format_func=threshold_text, disabled=rule == rules.FRANCIS)
    step = c4.selectbox("Window", list(rules.STEPS), key="sat_step",
                        index=list(rules.STEPS).index(last.get("step", rules.SLIDE)),
                        format_func={"slide": "slides by one", "run": "steps by the run"}.get,
                        disabled=rule == rules.FRANCIS)
    if "roles" in last:
        default_roles = sorted(r for r in (last["roles"] or ()) if r in roles)
    else:
        default_roles = ["participant"] if "participant" in roles else []
    c5, c6, c7, c8 = st.columns([3, 1, 1, 1])
    chosen = c5.multiselect("Only these roles (empty: all interviews)", roles,
                            default=default_roles, key="sat_roles")
    units = ["interview", "participant"]
    by = c6.selectbox("Count by", units, key="sat_by", index=units.index(last.get("by", "interview")))
    coders = [None, *coder_names(proj)]
    coder = c7.selectbox("Coder", coders, key="sat_coder",
                         index=coders.index(last.get("coder")) if last.get("coder") in coders else 0,
                         format_func=lambda c: "all coders" if c is None else (c or "(unnamed)"))
    level = c8.selectbox("Concepts", LEVELS, key="sat_level",
                         index=LEVELS.index(last.get("level")) if last.get("level") in LEVELS else 0,
                         format_func=lambda d: "every code" if d is None else
                         ("top-level codes" if d == 1 else f"codes to depth {d}"))
    c9, c10, c11 = st.columns([2, 1, 1])
    include = c9.checkbox("Also count interviews whose coding is in progress",
                          value=last.get("include_in_progress", False), key="sat_in_progress",
                          help="By default only interviews marked coded are assessed, up to the "
                               "first one in interview order that is not.")
    orders = c10.number_input("Random orders (bootstrap)", min_value=0, max_value=20000, step=100,
                              value=last.get("bootstrap", DEFAULT_ORDERS), key="sat_orders")
    seed = c11.number_input("Seed", min_value=0, value=last.get("seed", DEFAULT_SEED),
                            key="sat_seed")
    return {"rule": rule, "base": int(base), "run": int(run), "threshold": threshold,
            "step": step, "by": by, "roles": set(chosen) or None, "coder": coder,
            "level": level, "include_in_progress": include, "bootstrap": int(orders),
            "seed": int(seed)}


def render() -> None:
    st.header("Saturation")
    proj = project()
    roles = sorted({role_of(t) for t in list_transcripts(proj) if role_of(t)})
    settings = _controls(proj, roles)
    try:
        report = saturation_report(proj, **settings)
        st.session_state[SETTINGS] = settings
    except QualcodeError as exc:
        st.error(plain(exc))
        return
    result = report.result
    if result.point is not None:
        st.success(plain(result.statement()))
    elif result.assessable:
        st.info(plain(result.statement()))
    else:
        st.warning(plain(result.statement()))
    if result.after_point:
        st.warning(plain(result.after_text()))
    elif result.point is not None:
        st.caption(plain(result.after_text()))
    for warning in report.warnings:
        st.warning(plain("Interview order: " + warning))
    _figures(report)
    if result.assessed:
        st.altair_chart(curve_chart(report), width="stretch")
        st.caption(plain(report.bootstrap.summary() if report.bootstrap is not None
                         else "Order bootstrap switched off (0 random orders)."))
    tabs = st.tabs(["Order and coding status", "Per interview", "After the point",
                    "Sensitivity grid", "Per tension", "Log of new concepts"])
    with tabs[0]:
        st.caption("Saturation counts the interviews in this order: the explicit interview "
                   "order, else the interview date, else the name (P2 before P10). Only "
                   "interviews marked coded are assessed, up to the first that is not.")
        st.dataframe(pd.DataFrame(order_table(proj, settings["roles"])), hide_index=True,
                     width="stretch")
    with tabs[1]:
        table = pd.DataFrame(saturation_table(result))
        st.dataframe(table, hide_index=True, width="stretch")
    with tabs[2]:
        st.caption("Assessed interviews after X+r that still added concepts, relative to the "
                   "concepts of the base.")
        st.dataframe(pd.DataFrame([{"position": a.position, "interview": a.label,
                                    "new": len(a.new), "share of base": f"{a.share:.0%}",
                                    "new concepts": "; ".join(a.new)}
                                   for a in result.after_point],
                                  columns=["position", "interview", "new", "share of base",
                                           "new concepts"]),
                     hide_index=True, width="stretch")
    with tabs[3]:
        st.caption("Guest, Namey & Chen (2020) over base × run × threshold, on the same "
                   "assessed interviews.")
        st.dataframe(pd.DataFrame([{"base": g["base"], "run": g["run"],
                                    "threshold": threshold_text(g["threshold"]),
                                    "result": g["label"] or "not reached"} for g in report.grid]),
                     hide_index=True, width="stretch")
    with tabs[4]:
        cats = pd.DataFrame([{"tension": c.category, "result": c.result.label or "not reached",
                              "concepts": c.observed} for c in report.categories])
        st.dataframe(cats, hide_index=True, width="stretch")
        if result.assessed and report.categories:
            st.altair_chart(category_chart(report), width="stretch")
    with tabs[5]:
        log = pd.DataFrame(saturation_log(result))
        st.dataframe(log, hide_index=True, width="stretch")
        st.download_button("Download log (CSV)", log.to_csv(index=False).encode("utf-8-sig"),
                           file_name="saturation-log.csv", mime="text/csv")


def _figures(report: SaturationReport) -> None:
    r, boot, unseen = report.result, report.bootstrap, report.unseen
    c1, c2, c3, c4 = st.columns(4)
    c1.metric("Assessed interviews", f"{r.assessed} of {len(r.steps)}")
    c2.metric("Saturation", r.label or "not reached")
    if boot is not None and boot.orders:
        c3.metric("Random orders reaching it", f"{boot.share_reached:.0%}",
                  help="Share of random interview orders in which the rule is met; X median "
                       f"{boot.median_point}, 5th–95th percentile {boot.p05_point}–"
                       f"{boot.p95_point}.")
    else:
        c3.metric("Random orders reaching it", "—")
    c4.metric("Concepts: observed / estimated", f"{unseen.observed} / {unseen.chao2:.1f}",
              help="Bias-corrected Chao2 with its 95% interval "
                   f"{unseen.ci_low:.1f}–{unseen.ci_high:.1f}; coverage {unseen.coverage:.0%}.")
    st.caption(plain(unseen.summary()))


def _colour(series: list[str]) -> alt.Color:
    return alt.Color("series:N", title=None, legend=alt.Legend(orient="bottom", labelLimit=300),
                     scale=alt.Scale(domain=SERIES, range=COLOURS))


def curve_chart(report: SaturationReport) -> alt.LayerChart:
    """Bars of new concepts (left axis) and the cumulative curve with the bootstrap mean and
    95% band (right axis), by position: integer ticks stay readable at 200 interviews."""
    r = report.result
    steps = r.steps[:r.assessed]
    m = len(steps)
    x = alt.X("position:Q", title="Interview (position in interview order)",
              scale=alt.Scale(domain=[0.5, m + 0.5], nice=False),
              axis=alt.Axis(format="d", tickMinStep=1, labelOverlap=True))
    rows = pd.DataFrame({"position": [s.position for s in steps],
                         "interview": [s.label for s in steps],
                         "new": [len(s.new) for s in steps],
                         "cumulative": [s.cumulative for s in steps]})
    rows["x0"], rows["x1"] = rows["position"] - 0.4, rows["position"] + 0.4
    bars = alt.Chart(rows.assign(series=SERIES[0])).mark_bar().encode(
        x=alt.X("x0:Q", scale=alt.Scale(domain=[0.5, m + 0.5], nice=False),
                axis=alt.Axis(format="d", tickMinStep=1, labelOverlap=True,
                              title="Interview (position in interview order)")),
        x2="x1:Q", y=alt.Y("new:Q", title="New concepts"), y2=alt.datum(0),
        color=_colour(SERIES),
        tooltip=["position", "interview", "new", "cumulative"])
    layers = []
    boot = report.bootstrap
    if boot is not None and boot.orders and len(boot.curve_mean) == m:
        band = pd.DataFrame({"position": rows["position"], "low": boot.curve_low,
                             "high": boot.curve_high, "mean": boot.curve_mean})
        layers.append(alt.Chart(band.assign(series=SERIES[3])).mark_area(opacity=0.4).encode(
            x=x, y=alt.Y("low:Q", title="Cumulative concepts"), y2="high:Q",
            color=_colour(SERIES)))
        layers.append(alt.Chart(band.assign(series=SERIES[2])).mark_line(
            strokeDash=[4, 3]).encode(x=x, y="mean:Q", color=_colour(SERIES)))
    layers.append(alt.Chart(rows.assign(series=SERIES[1])).mark_line(
        point=m <= 40).encode(x=x, y=alt.Y("cumulative:Q", title="Cumulative concepts"),
                              color=_colour(SERIES),
                              tooltip=["position", "interview", "new", "cumulative"]))
    if r.point is not None:
        layers.append(alt.Chart(pd.DataFrame({"position": [r.point + 0.5],
                                              "series": [SERIES[4]]})).mark_rule(
            strokeDash=[6, 4]).encode(x=x, color=_colour(SERIES)))
    return alt.layer(bars, alt.layer(*layers)).resolve_scale(y="independent").properties(
        height=340)


def category_chart(report: SaturationReport) -> alt.FacetChart:
    """Small multiples: the cumulative curve of each tension, with its own saturation point."""
    rows, rules_ = [], []
    for c in report.categories:
        res = c.result
        for s in res.steps[:res.assessed]:
            rows.append({"tension": c.category, "position": s.position,
                         "cumulative": s.cumulative, "new": len(s.new)})
        rules_.append({"tension": c.category, "result": res.label or "not reached",
                       "panel": f"{c.category} · {res.label or 'not reached'}",
                       "point": (res.point + 0.5) if res.point is not None else None})
    data = pd.DataFrame(rows).merge(pd.DataFrame(rules_), on="tension")
    base = alt.Chart(data)
    line = base.mark_line(color="#c62828").encode(
        x=alt.X("position:Q", title="Interview", axis=alt.Axis(format="d", tickMinStep=1)),
        y=alt.Y("cumulative:Q", title="Cumulative concepts"),
        tooltip=["tension", "position", "new", "cumulative", "result"])
    rule = base.transform_filter("datum.point != null").mark_rule(
        color="#2e7d32", strokeDash=[6, 4]).encode(x="point:Q")
    return alt.layer(line, rule).properties(height=160, width=220).facet(
        facet=alt.Facet("panel:N", title=None, sort=[r["panel"] for r in rules_]),
        columns=3).resolve_scale(y="independent")
