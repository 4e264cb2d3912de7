"""A network view as an SVG or PNG image, drawn with matplotlib (Agg; SVG text kept as
``<text>`` elements, which matplotlib escapes), for the export, the CLI and the Word report.

Codes are discs sized by their number of codings and coloured as in the codebook; relations are
lines (an arrow head for a directed one) labelled with their type and evidence count; memos and
cases, when shown, are small grey squares. Edges are drawn as one LineCollection and the arrow
heads as one PolyCollection, so a 150-code, 400-relation view takes well under a second.
"""

from __future__ import annotations

import io
import math

from ..analysis.network import BOX, Network

FIGURE_INCHES = 10.0


def _radius(count: int) -> float:
    return 14.0 + 5.0 * math.sqrt(max(count, 0))


def _figure(net: Network, title: str | None):
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.collections import LineCollection, PolyCollection
    from matplotlib.figure import Figure

    fig = Figure(figsize=(FIGURE_INCHES, FIGURE_INCHES))
    ax = fig.add_axes((0, 0, 1, 0.96 if title else 1))
    ax.set_xlim(0, BOX)
    ax.set_ylim(BOX, 0)  # the browser's y runs down
    ax.set_aspect("equal")
    ax.axis("off")
    if title:
        fig.text(0.5, 0.98, title, ha="center", va="top", fontsize=12)
    where = {n.id: n for n in net.nodes}
    radius = {n.id: (_radius(n.count) if n.kind == "code" else 8.0) for n in net.nodes}
    lines, heads, widths, colours = [], [], [], []
    font = 6 if len(net.nodes) > 60 else 8
    for e in net.edges:
        a, b = where.get(e.source), where.get(e.target)
        if a is None or b is None:
            continue
        dx, dy = b.x - a.x, b.y - a.y
        dist = math.hypot(dx, dy) or 1.0
        ux, uy = dx / dist, dy / dist
        x1, y1 = a.x + ux * radius[a.id], a.y + uy * radius[a.id]
        x2, y2 = b.x - ux * radius[b.id], b.y - uy * radius[b.id]
        lines.append(((x1, y1), (x2, y2)))
        widths.append(0.8 + min(e.weight, 20) * 0.15 if e.kind == "relation" else 0.5)
        colours.append("#555555" if e.kind == "relation" else "#bbbbbb")
        if e.directed:
            size = 9.0
            px, py = -uy, ux
            heads.append(((x2, y2), (x2 - ux * size + px * size * 0.45,
                                     y2 - uy * size + py * size * 0.45),
                          (x2 - ux * size - px * size * 0.45,
                           y2 - uy * size - py * size * 0.45)))
        if e.kind == "relation":
            label = f"{e.label} ({e.weight})" if e.weight else e.label
            ax.text((x1 + x2) / 2, (y1 + y2) / 2, label, fontsize=font - 1, color="#333333",
                    ha="center", va="center", zorder=3,
                    bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none",
                          "alpha": 0.8})
    ax.add_collection(LineCollection(lines, linewidths=widths, colors=colours, zorder=1))
    if heads:
        ax.add_collection(PolyCollection(heads, facecolors="#555555", edgecolors="none",
                                         zorder=2))
    codes = [n for n in net.nodes if n.kind == "code"]
    others = [n for n in net.nodes if n.kind != "code"]
    # discs in data units, so that sizes match the browser view
    from matplotlib.collections import EllipseCollection

    if codes:
        d = [2 * radius[n.id] for n in codes]
        ax.add_collection(EllipseCollection(
            d, d, [0.0] * len(codes), units="xy", offsets=[(n.x, n.y) for n in codes],
            offset_transform=ax.transData, facecolors=[n.color for n in codes],
            edgecolors=["#222222" if n.id == net.center else "#666666" for n in codes],
            linewidths=[2.0 if n.id == net.center else 0.6 for n in codes], zorder=4))
    if others:
        ax.add_collection(PolyCollection(
            [((n.x - 8, n.y - 8), (n.x + 8, n.y - 8), (n.x + 8, n.y + 8), (n.x - 8, n.y + 8))
             for n in others], facecolors=[n.color for n in others], edgecolors="#888888",
            linewidths=0.5, zorder=4))
    for n in net.nodes:
        label = n.label if len(n.label) <= 40 else n.label[:39] + "…"
        ax.text(n.x, n.y + radius[n.id] + 4, label, fontsize=font, ha="center", va="top",
                zorder=5, color="#111111")
    return fig


def network_svg(net: Network, title: str | None = None) -> bytes:
    import matplotlib

    fig = _figure(net, title)
    buf = io.BytesIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "qualcode"}):
        fig.savefig(buf, format="svg", metadata={"Date": None})
    return buf.getvalue()


def network_png(net: Network, title: str | None = None, dpi: int = 150) -> bytes:
    fig = _figure(net, title)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()
