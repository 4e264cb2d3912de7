"""The saturation page: which interviews are assessed (order and coding status), the curve with
the order-bootstrap band, the stopping rule and its sensitivity grid, the unseen-concept estimate
and the same analysis per tension (small multiples)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ..analysis import rules
from ..analysis.bootstrap import DEFAULT_ORDERS, DEFAULT_SEED
from ..analysis.saturation import saturation_log, saturation_table
from ..analysis.saturation_report import (SaturationReport, cached_order_table, cached_roles,
                                          cached_saturation_report, coder_names,
                                          saturation_version)
from ..analysis.sensitivity import threshold_text
from ..errors import QualcodeError
from ..coding.view import transcript_roles
from ..export.csv_files import csv_bytes
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
        participants = "participant" in transcript_roles(proj)  # the headers, not the texts
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


TABS = ["Order and coding status", "Per interview", "After the point", "Sensitivity grid",
        "Per tension", "Log of new concepts"]
TAB = "saturation_tab"  # the tab last open, kept apart from the widget key (dropped elsewhere)


def render() -> None:
    st.header("Saturation")
    proj = project()
    version = saturation_version(proj)  # the caches below are computed once per version
    settings = _controls(proj, cached_roles(proj, version=version))
    try:
        report = cached_saturation_report(proj, version=version, **settings)
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
        data, spec = curve_chart(report)
        st.vega_lite_chart(data, spec, width="stretch")
        st.caption(plain(report.bootstrap.summary() if report.bootstrap is not None
                         else "Order bootstrap switched off (0 random orders)."))
    # Only the open tab is built and sent (a tab click reruns the page, from the cache): the
    # tables and the small multiples of the other tabs cost the browser time on every visit.
    if "sat_tab" not in st.session_state and st.session_state.get(TAB) in TABS:
        st.session_state["sat_tab"] = st.session_state[TAB]  # back on the page: the same tab
    tabs = st.tabs(TABS, key="sat_tab", on_change="rerun")
    st.session_state[TAB] = st.session_state["sat_tab"]
    if tabs[0].open:
        with tabs[0]:
            st.caption("Saturation counts the interviews in this order: the explicit interview "
                       "order, else the interview date, else the name (P2 before P10). Only "
                       "interviews marked coded are assessed, up to the first that is not.")
            st.dataframe(pd.DataFrame(cached_order_table(proj, settings["roles"],
                                                         version=version)),
                         hide_index=True, width="stretch")
    if tabs[1].open:
        with tabs[1]:
            st.dataframe(pd.DataFrame(saturation_table(result)), hide_index=True,
                         width="stretch")
    if tabs[2].open:
        with tabs[2]:
            st.caption("Assessed interviews after X+r that still added concepts, relative to "
                       "the concepts of the base.")
            st.dataframe(pd.DataFrame([{"position": a.position, "interview": a.label,
                                        "new": len(a.new), "share of base": f"{a.share:.0%}",
                                        "new concepts": "; ".join(a.new)}
                                       for a in result.after_point],
                                      columns=["position", "interview", "new", "share of base",
                                               "new concepts"]),
                         hide_index=True, width="stretch")
    if tabs[3].open:
        with tabs[3]:
            st.caption("Guest, Namey & Chen (2020) over base × run × threshold, on the same "
                       "assessed interviews.")
            st.dataframe(pd.DataFrame([{"base": g["base"], "run": g["run"],
                                        "threshold": threshold_text(g["threshold"]),
                                        "result": g["label"] or "not reached"}
                                       for g in report.grid]),
                         hide_index=True, width="stretch")
    if tabs[4].open:
        with tabs[4]:
            cats = pd.DataFrame([{"tension": c.category,
                                  "result": c.result.label or "not reached",
                                  "concepts": c.observed} for c in report.categories])
            st.dataframe(cats, hide_index=True, width="stretch")
            if result.assessed and report.categories:
                data, spec = category_chart(report)
                st.vega_lite_chart(data, spec, width="stretch")
    if tabs[5].open:
        with tabs[5]:
            log = pd.DataFrame(saturation_log(result))
            st.dataframe(log, hide_index=True, width="stretch")
            st.download_button("Download log (CSV)",
                               csv_bytes(log),
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


def _colour(present: list[str]) -> dict:
    """The shared colour legend of the curve: one entry per series drawn, in a fixed order."""
    names = [n for n in SERIES if n in present]
    return {"type": "nominal", "title": None,
            "legend": {"orient": "bottom", "labelLimit": 300},
            "scale": {"domain": names, "range": [COLOURS[SERIES.index(n)] for n in names]}}


def _series(name: str, colour: dict) -> dict:
    return {**colour, "datum": name}


def curve_chart(report: SaturationReport) -> tuple[pd.DataFrame, dict]:
    """Bars of new concepts (left axis) and the cumulative curve with the bootstrap mean and
    95% band (right axis), by position: integer ticks stay readable at 200 interviews.
    ``(data, Vega-Lite spec)`` for st.vega_lite_chart: one table for every layer (the series
    are constant colours, not copies of the data), written as a plain spec (building it with
    Altair took 0.3 s for 200 interviews)."""
    r = report.result
    steps = r.steps[:r.assessed]
    m = len(steps)
    title = "Interview (position in interview order)"
    scale = {"domain": [0.5, m + 0.5], "nice": False}
    axis = {"format": "d", "tickMinStep": 1, "labelOverlap": True, "title": title}
    x = {"field": "position", "type": "quantitative", "scale": scale, "axis": axis}
    data = pd.DataFrame({"position": [s.position for s in steps],
                         "interview": [s.label for s in steps],
                         "new": [len(s.new) for s in steps],
                         "cumulative": [s.cumulative for s in steps]})
    data["x0"], data["x1"] = data["position"] - 0.4, data["position"] + 0.4
    boot = report.bootstrap
    band = boot is not None and boot.orders and len(boot.curve_mean) == m
    present = [SERIES[0], SERIES[1]]
    if band:
        data["low"], data["high"], data["mean"] = boot.curve_low, boot.curve_high, boot.curve_mean
        present += [SERIES[2], SERIES[3]]
    if r.point is not None:
        present.append(SERIES[4])
    colour = _colour(present)
    tooltip = [{"field": "position", "type": "quantitative"},
               {"field": "interview", "type": "nominal"},
               {"field": "new", "type": "quantitative"},
               {"field": "cumulative", "type": "quantitative"}]
    bars = {"mark": {"type": "bar"},
            "encoding": {"x": {**x, "field": "x0"}, "x2": {"field": "x1"},
                         "y": {"field": "new", "type": "quantitative", "title": "New concepts"},
                         "y2": {"datum": 0}, "color": _series(SERIES[0], colour),
                         "tooltip": tooltip}}
    cumulative_y = {"type": "quantitative", "title": "Cumulative concepts"}
    layers = []
    if band:
        layers.append({"mark": {"type": "area", "opacity": 0.4},
                       "encoding": {"x": x, "y": {**cumulative_y, "field": "low"},
                                    "y2": {"field": "high"},
                                    "color": _series(SERIES[3], colour)}})
        layers.append({"mark": {"type": "line", "strokeDash": [4, 3]},
                       "encoding": {"x": x, "y": {**cumulative_y, "field": "mean"},
                                    "color": _series(SERIES[2], colour)}})
    layers.append({"mark": {"type": "line", "point": m <= 40},
                   "encoding": {"x": x, "y": {**cumulative_y, "field": "cumulative"},
                                "color": _series(SERIES[1], colour), "tooltip": tooltip}})
    if r.point is not None:
        layers.append({"data": {"values": [{"position": r.point + 0.5}]},
                       "mark": {"type": "rule", "strokeDash": [6, 4]},
                       "encoding": {"x": x, "color": _series(SERIES[4], colour)}})
    spec = {"height": 340, "layer": [bars, {"layer": layers}],
            "resolve": {"scale": {"y": "independent"}}}
    return data, spec


def category_chart(report: SaturationReport) -> tuple[pd.DataFrame, dict]:
    """Small multiples: the cumulative curve of each tension, with its own saturation point
    (one rule per panel: the point is set on the panel's first row only)."""
    rows, panels = [], []
    for c in report.categories:
        res = c.result
        label = res.label or "not reached"
        panel = f"{c.category} · {label}"
        panels.append(panel)
        for i, s in enumerate(res.steps[:res.assessed]):
            rows.append({"tension": c.category, "position": s.position,
                         "cumulative": s.cumulative, "new": len(s.new), "result": label,
                         "panel": panel,
                         "point": (res.point + 0.5) if i == 0 and res.point is not None
                         else None})
    data = pd.DataFrame(rows, columns=["tension", "position", "cumulative", "new", "result",
                                       "panel", "point"])
    line = {"mark": {"type": "line", "color": "#c62828"},
            "encoding": {"x": {"field": "position", "type": "quantitative", "title": "Interview",
                               "axis": {"format": "d", "tickMinStep": 1}},
                         "y": {"field": "cumulative", "type": "quantitative",
                               "title": "Cumulative concepts"},
                         "tooltip": [{"field": f, "type": t} for f, t in
                                     (("tension", "nominal"), ("position", "quantitative"),
                                      ("new", "quantitative"), ("cumulative", "quantitative"),
                                      ("result", "nominal"))]}}
    rule = {"transform": [{"filter": "datum.point != null"}],
            "mark": {"type": "rule", "color": "#2e7d32", "strokeDash": [6, 4]},
            "encoding": {"x": {"field": "point", "type": "quantitative"}}}
    spec = {"facet": {"field": "panel", "type": "nominal", "title": None, "sort": panels},
            "columns": 3, "resolve": {"scale": {"y": "independent"}},
            "spec": {"layer": [line, rule], "height": 160, "width": 220}}
    return data, spec
