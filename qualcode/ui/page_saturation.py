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
from ..analysis.sensitivity import result_text, threshold_text
from ..errors import QualcodeError
from ..coding.view import transcript_roles
from ..export.csv_files import csv_bytes
from .saturation_methods import METHODS
from .state import plain, project

SETTINGS = "saturation_settings"  # kept apart from widget keys, which other pages drop
LEVELS = [None, 1, 2, 3]
SERIES = ["found, in interview order", "expected over all orders (exact)",
          "extrapolated (iNEXT)", "95% band (iNEXT bootstrap)", "asymptote (S_obs + Q̂0)",
          "saturation point"]
COLOURS = ["#c62828", "#616161", "#1565c0", "#bdbdbd", "#6a1b9a", "#2e7d32"]


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
        "Per tension", "Log of new concepts", "Looking ahead"]
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
        data, spec = new_chart(report)
        st.vega_lite_chart(data, spec, width="stretch")
        data, spec = curve_chart(report)
        st.vega_lite_chart(data, spec, width="stretch")
        st.caption("Found: the concepts after each interview in the order held. Expected: the "
                   "mean over all orders of the same interviews (exact). Beyond the assessed "
                   "interviews: iNEXT's extrapolation; band: 95% by iNEXT's bootstrap.")
    with st.expander("Methods: formulas and sources"):
        st.markdown(METHODS)
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
                                        "result": result_text(g, result.assessed)}
                                       for g in report.grid]),
                         hide_index=True, width="stretch")
    if tabs[4].open:
        with tabs[4]:
            cats = pd.DataFrame([{"tension": c.category,
                                  "result": c.result.label or "not reached",
                                  **_ahead_columns(c.observed, c.outlook)}
                                 for c in report.categories])
            st.dataframe(cats, hide_index=True, width="stretch")
            if report.by_role:
                st.caption("Per role, over the same assessed interviews.")
                st.dataframe(pd.DataFrame([{"role": role, "interviews": n,
                                            **_ahead_columns(o.estimators.observed, o)}
                                           for role, n, o in report.by_role]),
                             hide_index=True, width="stretch")
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
    if tabs[6].open:
        with tabs[6]:
            st.caption("Per number of interviews: the expected concepts over all orders (exact, "
                       "with its SD over orders, up to the assessed interviews), then iNEXT's "
                       "extrapolation; the 95% band and sample coverage as iNEXT computes them.")
            st.dataframe(pd.DataFrame(look_ahead_table(report)), hide_index=True,
                         width="stretch")


def look_ahead_table(report: SaturationReport) -> list[dict]:
    """One row per number of interviews t = 1..2T: expected, SD, band, coverage."""
    ahead = report.outlook
    if ahead is None or not ahead.interviews:
        return []
    ext, acc = ahead.extrapolation, ahead.accumulation
    rows = []
    for i, t in enumerate(ext.sizes):
        inside = i < ahead.interviews
        rows.append({"interviews": int(t), "kind": "assessed" if inside else "extrapolated",
                     "expected concepts": round(float(ext.expected[i]), 2),
                     "SD over orders": round(float(acc.sd[i]), 2) if inside else None,
                     "95% band": f"{ext.ci_low[i]:.1f}–{ext.ci_high[i]:.1f}",
                     "sample coverage": f"{ext.coverage[i]:.1%}"})
    return rows


def _ahead_columns(observed: int, outlook) -> dict:
    """The look-ahead figures of a tension or a role, as table columns."""
    if outlook is None:
        return {"concepts": observed}
    e, more = outlook.estimators, outlook.more

    def n(v):
        return "—" if v is None else v

    return {"concepts": observed, "Chao2": round(e.chao2.chao2, 1),
            "jackknife 1": round(e.jack1, 1), "jackknife 2": round(e.jack2, 1),
            "sample coverage": "—" if outlook.coverage is None or outlook.interviews < 2
            else f"{outlook.coverage:.0%}",
            "more for 90%": n(more["concepts_90"]), "more for 95%": n(more["concepts_95"]),
            "more for 95% coverage": n(more["coverage_95"])}


def _figures(report: SaturationReport) -> None:
    """The rule's result and the order bootstrap side by side, each with what it means, then the
    estimates: completeness (of the concepts) and sample coverage (of the incidences) by name."""
    r, boot, unseen, ahead = report.result, report.bootstrap, report.unseen, report.outlook
    c1, c2 = st.columns(2)
    with c1.container(border=True):
        st.metric("Stopping rule, in interview order", r.label or (
            "not reached" if r.assessable else "not assessable"),
            help=f"{r.rule_text()}; {r.assessed} of {len(r.steps)} interview(s) assessed.")
        st.caption(plain(rule_sentence(r)))
    with c2.container(border=True):
        if boot is not None and boot.orders:
            st.metric("Random orders meeting the rule", f"{boot.share_reached:.0%}",
                      help=plain(boot.summary()))
        else:
            st.metric("Random orders meeting the rule", "—")
        st.caption(plain(bootstrap_sentence(report)))
    st.caption(DISAGREE)
    if ahead is None:
        return
    e = ahead.estimators
    c2b, c3, c4, c5, c6 = st.columns(5)
    c2b.metric("Assessed interviews", f"{r.assessed} of {len(r.steps)}")
    c3.metric("Concepts found", f"{unseen.observed}",
              help=f"In {r.assessed} assessed interview(s).")
    c4.metric("Completeness", f"{unseen.completeness:.0%}" if unseen.observed else "—",
              help=f"Concepts found / Chao2. Chao2 (bias-corrected) estimates {unseen.chao2:.1f} concepts in all, 95% "
                   f"interval {unseen.ci_low:.1f}–{unseen.ci_high:.1f}; first-order jackknife "
                   f"{e.jack1:.1f}, second-order {e.jack2:.1f}.")
    c5.metric("Sample coverage", "—" if ahead.coverage is None or ahead.interviews < 2
              else f"{ahead.coverage:.0%}",
              help="The estimated share of the concepts coded in a new interview that are "
                   "already known (Chao & Jost 2012).")
    more = ahead.more["concepts_95"]
    c6.metric("More interviews (95%)", "—" if more is None else str(more),
              help="The fewest additional interviews at which the extrapolated curve reaches "
                   "95% of its asymptote (S_obs + Q̂0).")
    for sentence in ahead.sentences():
        st.write(plain(sentence))


DISAGREE = ("How the two can disagree: the rule reads the one order in which the interviews "
            "were held; the random orders ask whether the same interviews would meet it in "
            "another order. A rule met here but in few random orders rests on the order (e.g. "
            "the richest interviews came first); a rule not met here but in most random orders "
            "means late interviews still added concepts.")


def rule_sentence(r) -> str:
    """One sentence on what the rule's result means."""
    if not r.assessable:
        return (f"Not assessable: the rule needs {r.needed} assessed interviews "
                f"({r.base} + {r.run_length}); {r.assessed} are assessed.")
    if r.point is None:
        return (f"In the order the interviews were held, no run of {r.run_length} interviews "
                f"met the rule ({r.threshold_text}).")
    if r.rule == rules.FRANCIS:
        return (f"In the order the interviews were held, the {r.run_length} interviews after "
                f"interview {r.point} brought no new concept.")
    share = "no" if r.threshold == 0 else f"at most {r.threshold:.0%} as many"
    return (f"In the order the interviews were held, the {r.run_length} interviews after "
            f"interview {r.point} added {share} new concepts as the {r.base_count} found in "
            f"the first {r.base}.".replace("added no new concepts as the", "added no new "
                                           "concept beside the"))


def bootstrap_sentence(report: SaturationReport) -> str:
    """One sentence on what the share of random orders means."""
    boot = report.bootstrap
    if boot is None or not boot.orders:
        return "The order bootstrap is switched off (0 random orders)."
    text = (f"Of {boot.orders:,} random orders of the same interviews, {boot.share_reached:.0%} "
            "meet the rule")
    if boot.median_point is not None:
        text += (f", after a median of {boot.median_point} interviews "
                 f"(5th–95th percentile {boot.p05_point}–{boot.p95_point})")
    return text + "."


def _colour(present: list[str]) -> dict:
    """The shared colour legend of the curve: one entry per series drawn, in a fixed order."""
    names = [n for n in SERIES if n in present]
    return {"type": "nominal", "title": None,
            "legend": {"orient": "bottom", "direction": "horizontal", "columns": 3,
                       "labelLimit": 300},
            "scale": {"domain": names, "range": [COLOURS[SERIES.index(n)] for n in names]}}


def _series(name: str, colour: dict) -> dict:
    return {**colour, "datum": name}


COUNT_AXIS = {"format": "d", "tickMinStep": 1}  # counts tick in whole numbers


def new_chart(report: SaturationReport) -> tuple[pd.DataFrame, dict]:
    """New concepts per interview, by position: bars on one integer axis."""
    r = report.result
    steps = r.steps[:r.assessed]
    m = len(steps)
    data = pd.DataFrame({"position": [s.position for s in steps],
                         "interview": [s.label for s in steps],
                         "new": [len(s.new) for s in steps],
                         "cumulative": [s.cumulative for s in steps]})
    data["x0"], data["x1"] = data["position"] - 0.4, data["position"] + 0.4
    x = {"field": "x0", "type": "quantitative", "scale": {"domain": [0.5, m + 0.5], "nice": False},
         "axis": {**COUNT_AXIS, "labelOverlap": True,
                  "title": "Interview (position in interview order)"}}
    tooltip = [{"field": f, "type": t} for f, t in (("position", "quantitative"),
                                                    ("interview", "nominal"),
                                                    ("new", "quantitative"),
                                                    ("cumulative", "quantitative"))]
    spec = {"height": 160, "mark": {"type": "bar", "color": "#90caf9"},
            "encoding": {"x": x, "x2": {"field": "x1"},
                         "y": {"field": "new", "type": "quantitative", "title": "New concepts",
                               "axis": COUNT_AXIS},
                         "y2": {"datum": 0}, "tooltip": tooltip}}
    return data, spec


def curve_chart(report: SaturationReport) -> tuple[pd.DataFrame, dict]:
    """Concepts found (this order), the expected curve over all orders, its extrapolation to
    twice the assessed interviews with iNEXT's 95% band, the asymptote and the saturation point,
    on one integer axis. ``(data, Vega-Lite spec)`` for st.vega_lite_chart: one table for every
    layer, written as a plain spec (Altair took 0.3 s for 200 interviews)."""
    r = report.result
    steps = r.steps[:r.assessed]
    m = len(steps)
    ahead = report.outlook
    ext = ahead.extrapolation if ahead is not None and ahead.interviews == m else None
    horizon = len(ext.sizes) if ext is not None and m >= 2 else m
    positions = list(range(1, horizon + 1))
    observed = [s.cumulative for s in steps] + [None] * (horizon - m)
    data = pd.DataFrame({"position": positions, "observed": observed,
                         "interview": [s.label for s in steps] + [""] * (horizon - m)})
    present = [SERIES[0]]
    if ext is not None and m:
        exp = [round(float(v), 3) for v in ext.expected[:horizon]]
        data["expected"] = [v if i < m else None for i, v in enumerate(exp)]
        data["sd"] = [round(float(v), 3) for v in ahead.accumulation.sd] + [None] * (horizon - m)
        data["low"] = [round(float(v), 3) for v in ext.ci_low[:horizon]]
        data["high"] = [round(float(v), 3) for v in ext.ci_high[:horizon]]
        present += [SERIES[1], SERIES[3]]
        if horizon > m:
            data["extrapolated"] = [v if i >= m - 1 else None for i, v in enumerate(exp)]
            data["coverage"] = [round(float(v), 3) for v in ext.coverage[:horizon]]
            present += [SERIES[2], SERIES[4]]
    if r.point is not None:
        present.append(SERIES[5])
    colour = _colour(present)
    title = "Interviews (positions; beyond the assessed ones: extrapolated)"
    x = {"field": "position", "type": "quantitative",
         "scale": {"domain": [0.5, horizon + 0.5], "nice": False},
         "axis": {**COUNT_AXIS, "labelOverlap": True, "title": title}}
    y = {"type": "quantitative", "title": "Concepts", "axis": COUNT_AXIS}
    tooltip = [{"field": c, "type": "quantitative" if c != "interview" else "nominal"}
               for c in data.columns]
    layers = []
    if SERIES[3] in present:
        layers.append({"mark": {"type": "area", "opacity": 0.35},
                       "encoding": {"x": x, "y": {**y, "field": "low"}, "y2": {"field": "high"},
                                    "color": _series(SERIES[3], colour), "tooltip": tooltip}})
    if SERIES[1] in present:
        layers.append({"mark": {"type": "line", "strokeDash": [4, 3]},
                       "encoding": {"x": x, "y": {**y, "field": "expected"},
                                    "color": _series(SERIES[1], colour), "tooltip": tooltip}})
    if SERIES[2] in present:
        layers.append({"mark": {"type": "line", "strokeDash": [2, 2]},
                       "encoding": {"x": x, "y": {**y, "field": "extrapolated"},
                                    "color": _series(SERIES[2], colour), "tooltip": tooltip}})
        layers.append({"data": {"values": [{"asymptote": round(ext.asymptote, 3)}]},
                       "mark": {"type": "rule", "strokeDash": [1, 3]},
                       "encoding": {"y": {**y, "field": "asymptote"},
                                    "color": _series(SERIES[4], colour)}})
    layers.append({"mark": {"type": "line", "point": m <= 40},
                   "encoding": {"x": x, "y": {**y, "field": "observed"},
                                "color": _series(SERIES[0], colour), "tooltip": tooltip}})
    if r.point is not None:
        layers.append({"data": {"values": [{"position": r.point + 0.5}]},
                       "mark": {"type": "rule", "strokeDash": [6, 4]},
                       "encoding": {"x": x, "color": _series(SERIES[5], colour)}})
    return data, {"height": 320, "layer": layers}


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
                               "axis": COUNT_AXIS},
                         "y": {"field": "cumulative", "type": "quantitative",
                               "title": "Cumulative concepts", "axis": COUNT_AXIS},
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
