// The network view (a Streamlit components-v2 element): codes as nodes, relations as labelled
// edges; drag a node to move it (its position is sent to the server and saved with the view),
// click a node for its quotes or an edge for its evidence (the server answers with `detail`).
// See qualcode/ui/network_view.py for the contract. User text reaches the page through
// textContent / SVG text nodes only. Pure helpers live in geometry.js (tests/js/network.test.js).
import {
  clamp, color, edgeGeometry, edgeLabel, isClick, matching, nodeRadius, points, toBox, truncate,
} from './geometry.js';

const NS = 'http://www.w3.org/2000/svg';

function svgEl(tag, attrs, text) {
  const e = document.createElementNS(NS, tag);
  for (const [k, val] of Object.entries(attrs || {})) { e.setAttribute(k, String(val)); }
  if (text !== undefined) { e.textContent = text; }
  return e;
}

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) { e.className = cls; }
  if (text !== undefined) { e.textContent = text; }
  return e;
}

function store() {
  if (!window.__qcNet) { window.__qcNet = new Map(); }
  return window.__qcNet;
}

export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  const wrap = parentElement.querySelector('.qc-network');
  if (!wrap || !data || !data.net) { return; }
  const S = store();
  let v = S.get(data.view_key);
  if (!v) {
    v = { moved: new Map(), nonce: 0, query: '' };
    S.set(data.view_key, v);
  }
  v.send = setTriggerValue;
  const svg = wrap.querySelector('.qc-net-svg');
  const edgesG = wrap.querySelector('.qc-net-edges');
  const nodesG = wrap.querySelector('.qc-net-nodes');
  const search = wrap.querySelector('.qc-net-search');
  const status = wrap.querySelector('.qc-net-status');
  const detail = wrap.querySelector('.qc-net-detail');
  const box = Number(data.net.box) || 1000;
  svg.setAttribute('viewBox', `0 0 ${box} ${box}`);

  const act = (op) => {
    v.nonce += 1;
    op.n = `${Date.now().toString(36)}-${v.nonce}`;
    v.send('act', op);
  };

  // ---------------------------------------------------------------- model
  const nodes = data.net.nodes.map((n) => ({ ...n }));
  const byId = new Map(nodes.map((n) => [n.id, n]));
  for (const n of nodes) {  // a drag not yet echoed by the server keeps its place
    const m = v.moved.get(n.id);
    if (!m) { continue; }
    if (Math.abs(m[0] - n.x) < 0.5 && Math.abs(m[1] - n.y) < 0.5) { v.moved.delete(n.id); } else { [n.x, n.y] = m; }
  }
  const edges = data.net.edges.filter((e) => byId.has(e.source) && byId.has(e.target));
  const selected = data.selected || null;

  // ---------------------------------------------------------------- drawing
  const edgeEls = new Map();
  const nodeEls = new Map();
  function drawEdge(e) {
    let g = edgeEls.get(e.id);
    if (!g) {
      g = svgEl('g', { class: `qc-edge qc-edge-${e.kind}`, 'data-id': e.id });
      g.append(svgEl('line', { class: 'qc-edge-line' }), svgEl('polygon', {}),
        svgEl('text', { 'text-anchor': 'middle', 'dominant-baseline': 'central' }),
        svgEl('line', { class: 'qc-edge-hit' }));
      const title = svgEl('title', {}, e.memo ? `${e.label}\n${e.memo}` : String(e.label ?? ''));
      g.append(title);
      if (e.kind === 'relation') {
        g.querySelector('.qc-edge-hit').addEventListener('click', (ev) => {
          ev.stopPropagation();
          act({ op: 'select', what: 'edge', id: e.id });
        });
      }
      if (e.id === selected) { g.classList.add('qc-selected'); }
      edgesG.append(g);
      edgeEls.set(e.id, g);
    }
    const a = byId.get(e.source), b = byId.get(e.target);
    const geo = edgeGeometry(a, b, nodeRadius(a), nodeRadius(b), e.directed);
    const [line, head, text, hit] = g.children;
    if (!geo) { g.setAttribute('visibility', 'hidden'); return; }
    g.removeAttribute('visibility');
    for (const l of [line, hit]) {
      l.setAttribute('x1', geo.x1.toFixed(1)); l.setAttribute('y1', geo.y1.toFixed(1));
      l.setAttribute('x2', geo.x2.toFixed(1)); l.setAttribute('y2', geo.y2.toFixed(1));
    }
    line.setAttribute('stroke-width', e.kind === 'relation' ? String(1 + Math.min(e.weight || 0, 20) * 0.15) : '1');
    if (geo.head) { head.setAttribute('points', points(geo.head)); } else { head.removeAttribute('points'); }
    text.setAttribute('x', geo.lx.toFixed(1));
    text.setAttribute('y', geo.ly.toFixed(1));
    text.textContent = truncate(edgeLabel(e), 40);
  }

  function drawNode(n) {
    const r = nodeRadius(n);
    const g = svgEl('g', { class: `qc-node qc-node-${n.kind}`, 'data-id': n.id, 'data-x': n.x, 'data-y': n.y,
      transform: `translate(${n.x} ${n.y})` });
    if (n.kind === 'code') {
      g.append(svgEl('circle', { r: r.toFixed(1), fill: color(n.color) }));
    } else {
      g.append(svgEl('rect', { x: -r, y: -r, width: 2 * r, height: 2 * r, fill: color(n.color) }));
    }
    g.append(svgEl('text', { y: (r + 13).toFixed(1), 'text-anchor': 'middle' }, truncate(n.label, 32)));
    g.append(svgEl('title', {}, n.kind === 'code' ? `${n.path} — ${n.count} coding(s)` : String(n.path ?? '')));
    if (n.id === data.net.center) { g.classList.add('qc-center'); }
    if (n.id === selected) { g.classList.add('qc-selected'); }
    g.addEventListener('pointerdown', (ev) => startDrag(ev, n, g));
    nodesG.append(g);
    nodeEls.set(n.id, g);
  }

  function place(n) {
    const g = nodeEls.get(n.id);
    g.setAttribute('transform', `translate(${n.x} ${n.y})`);
    g.dataset.x = String(n.x);
    g.dataset.y = String(n.y);
    for (const e of edges) { if (e.source === n.id || e.target === n.id) { drawEdge(e); } }
  }

  // ---------------------------------------------------------------- dragging and clicking
  function startDrag(ev, n, g) {
    if (ev.button !== 0) { return; }
    ev.preventDefault();
    const x0 = ev.clientX, y0 = ev.clientY;
    const rect = svg.getBoundingClientRect();
    const [bx, by] = toBox(ev.clientX, ev.clientY, rect, box);
    const off = [n.x - bx, n.y - by];
    g.classList.add('qc-dragging');
    svg.setPointerCapture(ev.pointerId);
    const move = (e2) => {
      if (!data.editable) { return; }
      const [px, py] = toBox(e2.clientX, e2.clientY, rect, box);
      [n.x, n.y] = clamp(px + off[0], py + off[1], box);
      place(n);
    };
    const up = (e2) => {
      svg.removeEventListener('pointermove', move);
      svg.removeEventListener('pointerup', up);
      svg.removeEventListener('pointercancel', up);
      g.classList.remove('qc-dragging');
      if (isClick(x0, y0, e2.clientX, e2.clientY)) {
        act({ op: 'select', what: 'node', id: n.id });
      } else if (data.editable) {
        v.moved.set(n.id, [n.x, n.y]);
        act({ op: 'move', id: n.id, x: n.x, y: n.y });
      }
    };
    svg.addEventListener('pointermove', move);
    svg.addEventListener('pointerup', up);
    svg.addEventListener('pointercancel', up);
  }

  // ---------------------------------------------------------------- filter by name
  function applySearch() {
    const keep = matching(nodes, edges, v.query);
    for (const [id, g] of nodeEls) { g.classList.toggle('qc-dim', keep !== null && !keep.has(id)); }
    for (const e of edges) {
      const g = edgeEls.get(e.id);
      if (g) { g.classList.toggle('qc-dim', keep !== null && !(keep.has(e.source) && keep.has(e.target))); }
    }
  }

  edgesG.replaceChildren();
  nodesG.replaceChildren();
  for (const e of edges) { drawEdge(e); }
  for (const n of nodes) { drawNode(n); }
  search.value = v.query;
  search.oninput = () => { v.query = search.value; applySearch(); };
  applySearch();
  const codes = nodes.filter((n) => n.kind === 'code').length;
  const hidden = data.net.hidden ? ` · ${data.net.hidden} more hidden by the filters` : '';
  status.textContent = `${codes} code(s), ${edges.filter((e) => e.kind === 'relation').length} relation(s)${hidden}`;
  wrap.dataset.ready = data.view_key;

  // ---------------------------------------------------------------- detail (quotes, evidence)
  const d = data.detail;
  if (!d) { detail.hidden = true; detail.replaceChildren(); return; }
  detail.hidden = false;
  detail.replaceChildren(el('h4', '', d.title));
  if (d.memo) { detail.append(el('div', 'qc-net-memo', d.memo)); }
  if (!d.items || !d.items.length) { detail.append(el('div', 'qc-net-where', d.empty || 'No quotes.')); }
  for (const item of d.items || []) {
    const q = el('div', 'qc-net-quote', `“${item.quote}”`);
    q.append(el('div', 'qc-net-where', item.where));
    detail.append(q);
  }
  if (d.more) { detail.append(el('div', 'qc-net-where', `… and ${d.more} more`)); }
}
