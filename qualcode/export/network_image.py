"""A network view as an SVG or PNG image, for the export, the CLI and the Word report.

Drawn as the browser draws it (qualcode/ui/network/geometry.js: the same node radii, rim-to-rim
edges, arrow heads at the target, labels "type (quotes)"), in the view's 0–1000 box:

* SVG: built as an element tree with lxml, which escapes every text (code names, relation
  types) — no markup is made from user text; text stays text in the file.
* PNG: Pillow's ImageDraw at twice the size, scaled down (anti-aliasing), with matplotlib's
  DejaVu Sans (shipped with matplotlib, so present wherever qualcode runs).

Matplotlib was tried first: 550 text artists took 1.3–2.7 s for a 150-code, 400-relation view,
over the 1 s target; these two take a few hundredths of a second (bench/bench_relations.py).
"""

from __future__ import annotations

import io
import math
import re

from ..analysis.network import BOX, Network

_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
SVG_NS = "http://www.w3.org/2000/svg"
TITLE_SPACE = 40.0


def node_radius(node) -> float:
    """As geometry.js nodeRadius: codes grow with the square root of their codings."""
    if node.kind != "code":
        return 8.0
    return 14.0 + 5.0 * math.sqrt(max(node.count, 0))


def colour(value: str) -> str:
    return value if isinstance(value, str) and _COLOR.match(value) else "#cccccc"


def truncate(label: str, n: int = 32) -> str:
    label = str(label or "")
    return label if len(label) <= n else label[:n - 1] + "…"


def edge_label(edge) -> str:
    if edge.kind != "relation":
        return ""
    return f"{edge.label} ({edge.weight})" if edge.weight else str(edge.label)


def edge_geometry(a, b, ra: float, rb: float, directed: bool, head: float = 9.0):
    """As geometry.js edgeGeometry: (x1, y1, x2, y2, label x, label y, head points or None)."""
    dx, dy = b.x - a.x, b.y - a.y
    dist = math.hypot(dx, dy)
    if dist < 1e-6:
        return None
    ux, uy = dx / dist, dy / dist
    x1, y1 = a.x + ux * ra, a.y + uy * ra
    x2, y2 = b.x - ux * rb, b.y - uy * rb
    tip = None
    if directed:
        px, py, w = -uy, ux, head * 0.45
        tip = [(x2, y2), (x2 - ux * head + px * w, y2 - uy * head + py * w),
               (x2 - ux * head - px * w, y2 - uy * head - py * w)]
    return x1, y1, x2, y2, (x1 + x2) / 2, (y1 + y2) / 2, tip


def _shapes(net: Network):
    """Edges then nodes, as plain drawing instructions shared by both formats."""
    where = {n.id: n for n in net.nodes}
    edges = []
    for e in net.edges:
        a, b = where.get(e.source), where.get(e.target)
        if a is None or b is None:
            continue
        geo = edge_geometry(a, b, node_radius(a), node_radius(b), e.directed)
        if geo is not None:
            edges.append((e, geo))
    return edges, net.nodes


def _f(v: float) -> str:
    return f"{v:.1f}"


def network_svg(net: Network, title: str | None = None) -> bytes:
    from lxml import etree

    top = TITLE_SPACE if title else 0.0
    root = etree.Element(f"{{{SVG_NS}}}svg", nsmap={None: SVG_NS}, attrib={
        "viewBox": f"0 {_f(-top)} {_f(BOX)} {_f(BOX + top)}", "width": "1000",
        "height": _f(BOX + top), "font-family": "DejaVu Sans, Arial, sans-serif"})
    etree.SubElement(root, f"{{{SVG_NS}}}rect", x="0", y=_f(-top), width=_f(BOX),
                     height=_f(BOX + top), fill="#ffffff")
    if title:
        t = etree.SubElement(root, f"{{{SVG_NS}}}text", x=_f(BOX / 2), y=_f(-top / 2),
                             attrib={"text-anchor": "middle", "dominant-baseline": "central",
                                     "font-size": "18"})
        t.text = title
    edges, nodes = _shapes(net)
    g_edges = etree.SubElement(root, f"{{{SVG_NS}}}g", attrib={"class": "edges"})
    for e, (x1, y1, x2, y2, lx, ly, tip) in edges:
        g = etree.SubElement(g_edges, f"{{{SVG_NS}}}g")
        relation = e.kind == "relation"
        line = etree.SubElement(g, f"{{{SVG_NS}}}line", x1=_f(x1), y1=_f(y1), x2=_f(x2),
                                y2=_f(y2), stroke="#666666" if relation else "#bbbbbb")
        line.set("stroke-width", _f(1 + min(e.weight, 20) * 0.15) if relation else "1")
        if not relation:
            line.set("stroke-dasharray", "4 3")
        if tip:
            etree.SubElement(g, f"{{{SVG_NS}}}polygon", fill="#666666",
                             points=" ".join(f"{_f(x)},{_f(y)}" for x, y in tip))
        label = edge_label(e)
        if label:
            t = etree.SubElement(g, f"{{{SVG_NS}}}text", x=_f(lx), y=_f(ly), attrib={
                "text-anchor": "middle", "dominant-baseline": "central", "font-size": "11",
                "fill": "#333333", "stroke": "#ffffff", "stroke-width": "3",
                "paint-order": "stroke"})
            t.text = truncate(label, 40)
    g_nodes = etree.SubElement(root, f"{{{SVG_NS}}}g", attrib={"class": "nodes"})
    for n in nodes:
        r = node_radius(n)
        g = etree.SubElement(g_nodes, f"{{{SVG_NS}}}g",
                             transform=f"translate({_f(n.x)} {_f(n.y)})")
        centre = n.id == net.center
        attrs = {"fill": colour(n.color), "stroke": "#111111" if centre else "#555555",
                 "stroke-width": "3" if centre else "1"}
        if n.kind == "code":
            etree.SubElement(g, f"{{{SVG_NS}}}circle", r=_f(r), attrib=attrs)
        else:
            etree.SubElement(g, f"{{{SVG_NS}}}rect", x=_f(-r), y=_f(-r), width=_f(2 * r),
                             height=_f(2 * r), attrib=attrs)
        tip = etree.SubElement(g, f"{{{SVG_NS}}}title")
        tip.text = f"{n.path} — {n.count} coding(s)" if n.kind == "code" else n.path
        t = etree.SubElement(g, f"{{{SVG_NS}}}text", y=_f(r + 13), attrib={
            "text-anchor": "middle", "font-size": "12", "fill": "#111111",
            "stroke": "#ffffff", "stroke-width": "3", "paint-order": "stroke"})
        t.text = truncate(n.label, 32)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _font(size: int):
    from matplotlib import font_manager
    from PIL import ImageFont

    return ImageFont.truetype(font_manager.findfont("DejaVu Sans"), size)


def network_png(net: Network, title: str | None = None, dpi: int = 150) -> bytes:
    """The view as PNG; ``dpi`` sets the size (150: 1,500 pixels wide for the 1,000 box).
    Shapes are drawn at twice the size and scaled down (anti-aliasing); the labels are drawn
    after that, at the final size, on a white ground (FreeType smooths them itself)."""
    from PIL import Image, ImageDraw

    scale = dpi / 100.0
    ss = 2.0
    top = TITLE_SPACE if title else 0.0
    width, height = int(BOX * scale), int((BOX + top) * scale)
    big = Image.new("RGB", (int(width * ss), int(height * ss)), "white")
    draw = ImageDraw.Draw(big)
    k = scale * ss

    def p(x: float, y: float, f: float = k) -> tuple[float, float]:
        return x * f, (y + top) * f

    edges, nodes = _shapes(net)
    for e, (x1, y1, x2, y2, _lx, _ly, tip) in edges:
        relation = e.kind == "relation"
        w = (1 + min(e.weight, 20) * 0.15) if relation else 1.0
        draw.line([p(x1, y1), p(x2, y2)], fill="#666666" if relation else "#bbbbbb",
                  width=max(1, round(w * k)))
        if tip:
            draw.polygon([p(x, y) for x, y in tip], fill="#666666")
    for n in nodes:
        r = node_radius(n)
        centre = n.id == net.center
        box = [p(n.x - r, n.y - r), p(n.x + r, n.y + r)]
        style = {"fill": colour(n.color), "outline": "#111111" if centre else "#555555",
                 "width": max(1, round((3 if centre else 1) * k))}
        (draw.ellipse if n.kind == "code" else draw.rectangle)(box, **style)
    image = big.reduce(int(ss))  # 2×2 box average: fast and smooth enough for lines
    draw = ImageDraw.Draw(image)
    font_edge, font_node = _font(int(11 * scale)), _font(int(12 * scale))
    pad = max(1, round(scale))
    if title:
        draw.text((width / 2, top / 2 * scale), title, fill="#000000",
                  font=_font(int(18 * scale)), anchor="mm")

    def label(xy, text, font, anchor, fill) -> None:
        left, upper, right, lower = draw.textbbox(xy, text, font=font, anchor=anchor)
        draw.rectangle([left - pad, upper - pad, right + pad, lower + pad], fill="white")
        draw.text(xy, text, fill=fill, font=font, anchor=anchor)

    for e, (_x1, _y1, _x2, _y2, lx, ly, _tip) in edges:
        text = edge_label(e)
        if text:
            label(p(lx, ly, scale), truncate(text, 40), font_edge, "mm", "#333333")
    for n in nodes:
        label(p(n.x, n.y + node_radius(n) + 4, scale), truncate(n.label, 32), font_node, "ma",
              "#111111")
    out = io.BytesIO()
    image.save(out, format="PNG", dpi=(dpi, dpi), compress_level=3)
    return out.getvalue()
