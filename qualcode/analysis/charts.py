"""Altair charts of the analyses, readable from a handful up to 150 codes and 200 interviews:
axes keep the code-tree / interview order, long labels are cut with an ellipsis (full text in
the tooltip), and the chart grows with the number of rows (the page scrolls) instead of
squeezing them."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from ..coding.codings import visible_coders
from ..store.project import Project
from .codings_frame import coding_arrays
from .cooccurrence import CooccurrenceResult
from .version_cache import frozen, per_version
from .matrix import MatrixResult

LABEL_LIMIT = 300  # pixels of an axis label before it is cut
# Long code paths are cut at the front, so that the leaf name (which tells rows apart) stays.
TAIL = ("length(datum.label) > 48 ? '…' + slice(datum.label, length(datum.label) - 47)"
        " : datum.label")


def _axis(**kw) -> alt.Axis:
    """A categorical axis showing every label (one per 18 px row)."""
    return alt.Axis(labelLimit=LABEL_LIMIT, labelOverlap=False, labelExpr=TAIL, **kw)
ROW = 18  # pixels per code or interview on a categorical axis (room for an 11 px label)


class _Rows(alt.InlineData):
    """Inline rows that Altair does not check one by one against the Vega-Lite schema when the
    chart is built (0.2 s for the 2,000 rows of a density chart): they are plain numbers and
    strings made here. ``chart.to_dict()`` still validates the whole chart."""

    _class_is_valid_at_instantiation = False


def _data(frame: pd.DataFrame) -> alt.InlineData:
    """Inline data: a 150 × 150 heat map has more rows than Altair's default limit of 5,000
    for DataFrames, and the rows are small."""
    return _Rows(values=frame.to_dict("records"))


def chart_spec(chart: alt.Chart) -> dict:
    """The Vega-Lite spec of a chart of this module, for ``st.vega_lite_chart``: without
    Altair's schema validation and without passing each data row through Altair's converter
    (together 0.3-0.5 s for a density chart of 200 interviews; the encodings are fixed here),
    and without the default theme's 300-pixel view (which ``st.altair_chart`` leaves out too)."""
    bare = chart.copy(deep=False)
    bare.data = alt.Undefined
    spec = bare.to_dict(validate=False)
    if spec.get("config") == {"view": {"continuousWidth": 300, "continuousHeight": 300}}:
        del spec["config"]
    if isinstance(chart.data, alt.InlineData):  # instead of Altair's placeholder dataset
        spec.pop("datasets", None)
        spec["data"] = {"values": chart.data.values}
    return spec


def frequency_chart(result: MatrixResult, what: str = "count", kind: str | None = None):
    """Code frequencies by attribute value (e.g. per tension by role): grouped horizontal bars
    for up to 40 codes and 6 values, else a heat map."""
    table = result.table(what)
    frame = table.reset_index(names="code").melt(id_vars="code", var_name="value",
                                                  value_name=what)
    codes = list(table.index)
    values = list(table.columns)
    if kind is None:
        kind = "bar" if len(codes) <= 40 and len(values) <= 6 else "heatmap"
    y = alt.Y("code:N", sort=codes, title=None, axis=_axis())
    tooltip = ["code:N", "value:N", alt.Tooltip(f"{what}:Q", format=".1%" if what == "coverage"
                                            else "d")]
    if kind == "bar":
        return alt.Chart(_data(frame)).mark_bar().encode(
            y=y, yOffset=alt.YOffset("value:N", sort=values),
            x=alt.X(f"{what}:Q", title=what, axis=alt.Axis(format="%" if what == "coverage"
                                                           else "d")),
            color=alt.Color("value:N", sort=values, title=result.by), tooltip=tooltip,
        ).properties(height=alt.Step(max(ROW, 6 * len(values))), width="container")
    return alt.Chart(_data(frame)).mark_rect().encode(
        y=y, x=alt.X("value:N", sort=values, title=result.by,
                     axis=alt.Axis(labelLimit=160, labelAngle=-45)),
        color=alt.Color(f"{what}:Q", scale=alt.Scale(scheme="blues"), title=what),
        tooltip=tooltip,
    ).properties(height=alt.Step(ROW), width=alt.Step(ROW))


def _heatmap_cells(result: CooccurrenceResult, value: str) -> tuple[list[str], pd.DataFrame]:
    table = result.matrix("count" if value == "count" else "c")
    counts = result.matrix("count")
    labels = list(table.index)
    n = len(labels)
    frame = pd.DataFrame({
        "a": np.repeat(labels, n), "b": np.tile(labels, n),
        "value": table.to_numpy().ravel(), "count": counts.to_numpy().ravel()})
    frame = frame[(frame["a"] != frame["b"]) & (frame["count"] > 0)]
    return labels, frame


def _heatmap(data: alt.InlineData, labels: list[str], value: str) -> alt.Chart:
    axis = _axis()
    return alt.Chart(data).mark_rect().encode(
        x=alt.X("b:N", sort=labels, title=None, axis=_axis(labelAngle=-60)),
        y=alt.Y("a:N", sort=labels, title=None, axis=axis),
        color=alt.Color("value:Q", scale=alt.Scale(scheme="orangered"),
                        title="count" if value == "count" else "c-coefficient"),
        tooltip=["a:N", "b:N", "count:Q", alt.Tooltip("value:Q", format=".3f", title=value)],
    ).properties(width=alt.Step(ROW), height=alt.Step(ROW))  # one square per pair


def cooccurrence_heatmap(result: CooccurrenceResult, value: str = "count"):
    """Codes × codes, in code-tree order on both axes; colour by count or c-coefficient."""
    labels, frame = _heatmap_cells(result, value)
    return _heatmap(_data(frame), labels, value)


def cooccurrence_heatmap_spec(result: CooccurrenceResult, value: str = "count") -> dict:
    """The Vega-Lite spec of ``cooccurrence_heatmap`` as a dict, for ``st.vega_lite_chart``
    (``chart_spec``: without Altair's schema validation of every cell, which costs seconds for
    the 7,700 pairs of 150 codes), kept with the result, so a cached result draws at once."""
    def build() -> dict:
        labels, frame = _heatmap_cells(result, value)
        if value != "count":
            frame = frame.assign(value=frame["value"].round(4))
        return chart_spec(_heatmap(_data(frame), labels, value))
    return result.derived(("heatmap", value), build)


def frequency_spec(result: MatrixResult, what: str = "count") -> dict:
    """``chart_spec(frequency_chart(result, what))``, kept with the matrix (for a matrix cached
    per project version: built once per version and set of rows; the rows of results sharing
    the counts differ by the codes that only have a summary)."""
    return result.memo(("frequency_spec", what, tuple(result.codes)),
                       lambda: chart_spec(frequency_chart(result, what)))


def density_spec(project: Project, where: dict | None = None, *,
                 version: str | None = None, viewer: str | None = None) -> dict:
    """``chart_spec(density_chart(density_frame(project, where)))``; with ``version``
    (qualcode.coding.view.project_version) built once per version, filter and coders shown
    (``viewer``: under blind coding only their own codings count)."""
    coders = visible_coders(project, viewer=viewer)

    def build() -> dict:
        return chart_spec(density_chart(density_frame(project, where, coders=coders)))

    if version is None:
        return build()
    return per_version(project, "charts", ("density_spec", frozen(where), frozen(coders)),
                       build, version=version)


def density_frame(project: Project, where: dict | None = None, *,
                  coders=None) -> pd.DataFrame:
    """Codings per 1,000 characters per interview and top-level code, in interview order
    (``coders``: only theirs)."""
    data = coding_arrays(project, where=where, level=0, coders=coders)
    docs = data.corpus.select(where)
    rows = []
    if len(data):
        frame = pd.DataFrame({"tid": data.tids, "code": data.codes})
        counts = frame.groupby(["tid", "code"]).size()
        for (tid, code), count in counts.items():
            doc = data.corpus.by_id[int(tid)]
            rows.append({"interview": doc.name, "theme": data.paths.get(int(code), "?"),
                         "codings": int(count),
                         "per_1000_chars": 1000 * int(count) / max(len(doc.text), 1)})
    out = pd.DataFrame(rows, columns=["interview", "theme", "codings", "per_1000_chars"])
    out.attrs["order"] = [d.name for d in docs]
    out.attrs["themes"] = [data.paths[c] for c in data.order]
    # each theme in its codebook colour, as on the Code page (coding.view.display_colors)
    from ..coding.codes import code_tree
    from ..coding.view import display_colors

    colors = display_colors(code_tree(project))
    out.attrs["colors"] = [colors.get(c, "#9e9e9e") for c in data.order]
    return out


def density_chart(frame: pd.DataFrame, measure: str = "per_1000_chars"):
    """Coding density per interview (horizontal stacked bars by top-level code)."""
    order = frame.attrs.get("order") or sorted(set(frame["interview"]))
    themes = frame.attrs.get("themes") or sorted(set(frame["theme"]))
    return alt.Chart(_data(frame)).mark_bar().encode(
        y=alt.Y("interview:N", sort=order, title=None, axis=_axis()),
        x=alt.X(f"{measure}:Q", title="codings per 1,000 characters"
                if measure == "per_1000_chars" else "codings"),
        color=alt.Color("theme:N", sort=themes, title="theme",
                        legend=alt.Legend(labelLimit=LABEL_LIMIT),
                        scale=(alt.Scale(domain=themes, range=frame.attrs["colors"])
                               if frame.attrs.get("colors") and len(frame.attrs["colors"])
                               == len(themes) else alt.Undefined)),
        order=alt.Order("theme:N"),
        tooltip=["interview:N", "theme:N", "codings:Q",
                 alt.Tooltip("per_1000_chars:Q", format=".2f")],
    ).properties(height=alt.Step(ROW), width="container")
