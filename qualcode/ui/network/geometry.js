// Pure functions of the network view: no DOM, no browser. network.js imports them; node's test
// runner tests them (tests/js/network.test.js). Coordinates are in the view's box (0–box).

const COLOR = /^#[0-9a-fA-F]{6}$/;

// A colour for a style: #rrggbb as given, anything else a neutral grey.
export function color(c) { return (typeof c === 'string' && COLOR.test(c)) ? c : '#cccccc'; }

// Radius of a node: codes grow with the square root of their number of codings (area ~ count).
export function nodeRadius(node) {
  if (!node || node.kind !== 'code') { return 8; }
  const n = Math.max(0, Number(node.count) || 0);
  return 14 + 5 * Math.sqrt(n);
}

// A point kept inside the box (a node dragged outside stays at the edge).
export function clamp(x, y, box) {
  const c = (v) => Math.min(Math.max(Number.isFinite(v) ? v : 0, 0), box);
  return [Math.round(c(x) * 10) / 10, Math.round(c(y) * 10) / 10];
}

// Where an edge is drawn between two nodes: from rim to rim, the arrow head (directed) at the
// target's rim, the label at the middle. null when the nodes overlap entirely.
export function edgeGeometry(a, b, ra, rb, directed, head = 9) {
  const dx = b.x - a.x, dy = b.y - a.y;
  const dist = Math.hypot(dx, dy);
  if (dist < 1e-6) { return null; }
  const ux = dx / dist, uy = dy / dist;
  const x1 = a.x + ux * ra, y1 = a.y + uy * ra;
  const x2 = b.x - ux * rb, y2 = b.y - uy * rb;
  const out = { x1, y1, x2, y2, lx: (x1 + x2) / 2, ly: (y1 + y2) / 2, head: null };
  if (directed) {
    const px = -uy, py = ux, w = head * 0.45;
    out.head = [[x2, y2], [x2 - ux * head + px * w, y2 - uy * head + py * w],
      [x2 - ux * head - px * w, y2 - uy * head - py * w]];
  }
  return out;
}

// The SVG "points" attribute of a polygon.
export function points(pts) { return pts.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(' '); }

// A label cut to n characters (code points), with an ellipsis.
export function truncate(label, n = 32) {
  const chars = Array.from(String(label ?? ''));
  return chars.length <= n ? chars.join('') : `${chars.slice(0, n - 1).join('')}…`;
}

// The text of an edge label: "type (weight)", the weight left out when 0.
export function edgeLabel(edge) {
  if (edge.kind && edge.kind !== 'relation') { return ''; }
  return edge.weight ? `${edge.label} (${edge.weight})` : String(edge.label ?? '');
}

// Ids of the nodes whose label or path contains the query (case-insensitive), with their
// direct neighbours; null for an empty query (everything shown).
export function matching(nodes, edges, query) {
  const q = String(query ?? '').trim().toLowerCase();
  if (!q) { return null; }
  const hit = new Set(nodes.filter((n) => `${n.label}\n${n.path}`.toLowerCase().includes(q)).map((n) => n.id));
  const out = new Set(hit);
  for (const e of edges) {
    if (hit.has(e.source)) { out.add(e.target); }
    if (hit.has(e.target)) { out.add(e.source); }
  }
  return out;
}

// Whether a pointer that went down at (x0, y0) and up at (x1, y1) (screen pixels) was a click
// rather than a drag.
export function isClick(x0, y0, x1, y1, slop = 4) { return Math.hypot(x1 - x0, y1 - y0) <= slop; }

// A mapped point from screen pixels into the box, given the SVG's bounding rectangle (the
// view box is square, drawn with preserveAspectRatio xMidYMid meet).
export function toBox(clientX, clientY, rect, box) {
  const scale = Math.min(rect.width, rect.height) / box;
  const ox = rect.left + (rect.width - box * scale) / 2;
  const oy = rect.top + (rect.height - box * scale) / 2;
  return [(clientX - ox) / scale, (clientY - oy) / scale];
}
