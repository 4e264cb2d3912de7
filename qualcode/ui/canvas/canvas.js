// The coding canvas (a Streamlit components-v2 element): the transcript, the selection and
// palette, the highlights and the stripes. See qualcode/ui/span_selector.py for the contract.
// Pure helpers live in core.js (tested with node --test in tests/js/).
import {
  ResendQueue, SAVED_BY_ROUTE, SPEEDS, assignLanes, chunkAtOffset, chunksOverSpan, clampRate, codePoints,
  color, cutPoints, formatTime, invivoName, makeChunks, sentenceStep, snapToWords, stripeLabel,
  retryDelay, textOn, timeAtOffset, tint, turnAtTime, units, wordStep,
} from './core.js';

const LANE = 18;
// a stripe's label keeps this many pixels free below it in its lane
const LABEL_GAP = 4;
// code points of text laid out before the first paint (some screens); the rest right after it
const FIRST_SCREENS = 12000;
// … of which the first screen or so is drawn with its highlights and stripes before that paint
const FIRST_SEEN = 4000;
// after a coding saved over HTTP, the page reruns (a ``sync`` trigger) when the coder has
// done nothing else for this long (another action brings the page up to date anyway)
const SYNC_AFTER = 3000;
// on a team server a new selection is sent to the server (a rerun) once the coder has lingered
// over it this long (typing in the palette is not lingering), unless a code is applied to it
// first (see sendSelect)
const SELECT_AFTER = 1200;
// a save over HTTP that has not answered in this long is given up and sent again
const POST_TIMEOUT = 20000;

function store() {
  if (!window.__qcSpan) { window.__qcSpan = { texts: new Map(), views: new Map() }; }
  return window.__qcSpan;
}

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) { e.className = cls; }
  if (text !== undefined) { e.textContent = text; }
  return e;
}

export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  const wrap = parentElement.querySelector('.qc-span-selector');
  if (!wrap || !data) { return; }
  const S = store();
  let v = S.views.get(data.tid);
  if (!v) {
    v = { tid: data.tid, key: data.key, chunks: [], codings: new Map(), codes: new Map(),
          seq: -1, lanes: new Map(), laneCount: 1, sel: null, pending: new ResendQueue(),
          decorated: new Set(), stripes: new Map(), dragging: false, nonce: 0,
          lastServerSel: null, caret: null, anchor: null, routed: new Set(),
          haveSent: new Map(), syncDue: null };
    S.views.set(data.tid, v);
  }
  const fresh = v.wrap !== wrap;
  v.wrap = wrap;
  v.send = setTriggerValue;
  v.data = data;
  const root = wrap.querySelector('.qc-text');
  const body = wrap.querySelector('.qc-body');
  const scroller = wrap.querySelector('.qc-scroll');
  const margin = wrap.querySelector('.qc-margin');
  const palette = wrap.querySelector('.qc-palette');
  const popup = wrap.querySelector('.qc-popup');
  const density = wrap.querySelector('.qc-density');
  const gutter = wrap.querySelector('.qc-times');
  const bar = wrap.querySelector('.qc-player');
  const legend = wrap.querySelector('.qc-legend');
  root.dataset.length = String(data.length);
  root.dataset.transcript = String(data.tid);

  const act = (op) => {
    v.nonce += 1;
    op.n = `${Date.now().toString(36)}-${v.nonce}`;
    op.t = v.tid;
    if (!['select', 'resync', 'focus', 'clear', 'sync'].includes(op.op)) { v.pending.add(op.n, op, Date.now()); }
    dispatch(op);
    return op.n;
  };
  // An action goes to the server: a coding over HTTP on a team server (answered with the
  // stored coding, no rerun of the page), anything else as the ``act`` trigger (a rerun),
  // telling the server which codings it got over HTTP (``have``: page_code._held_by_browser).
  function dispatch(op) {
    if (SAVED_BY_ROUTE.includes(op.op) || op.op === 'snap') { dropSelect(); }
    if (op.op === 'snap') { v.serverSel = true; }
    if (v.data.save && !v.noRoute && SAVED_BY_ROUTE.includes(op.op)) { post(op); return; }
    if (SAVED_BY_ROUTE.includes(op.op) || op.op === 'sync') { v.serverSel = false; }
    if (v.routed.size) { op.have = [...v.routed]; v.haveSent.set(op.n, op.have); } else { delete op.have; }
    v.syncDue = null;
    clearTimeout(v.syncTimer);
    v.send('act', op);
  }
  v.dispatch = dispatch;
  v.act = act;
  // A new selection reaches the server (a rerun: the panel beside the text, the palette's
  // suggestions) at once in local mode; on a team server only when the coder lingers over it
  // (SELECT_AFTER), leaves the text (pointer or focus) or asks for something else: a coding
  // applied from the palette before then needs no rerun of the page at all.
  function sendSelect(s, e) {
    clearTimeout(v.selectTimer);
    if (!v.data.save) { v.waitingSel = null; v.serverSel = true; act({ op: 'select', start: s, end: e }); return; }
    v.waitingSel = { s, e };
    v.selectTimer = setTimeout(() => v.flushSelect(), SELECT_AFTER);
  }
  v.flushSelect = () => {
    clearTimeout(v.selectTimer);
    const w = v.waitingSel;
    v.waitingSel = null;
    if (w && v.sel && v.sel.s === w.s && v.sel.e === w.e && document.body.contains(v.wrap)) {
      v.serverSel = true;
      act({ op: 'select', start: w.s, end: w.e });
    }
  };
  function dropSelect() { clearTimeout(v.selectTimer); v.waitingSel = null; }
  // the coder is acting (typing a code's name): the selection waits for them to linger again
  v.postponeSelect = () => {
    if (!v.waitingSel) { return; }
    clearTimeout(v.selectTimer);
    v.selectTimer = setTimeout(() => v.flushSelect(), SELECT_AFTER);
  };
  function sendClear() {  // nothing to clear on the server when it never got the selection
    dropSelect();
    if (!v.data.save || v.serverSel) { v.serverSel = false; act({ op: 'clear' }); }
  }
  if (!v.leaveListener || fresh) {
    v.leaveListener = true;
    wrap.addEventListener('mouseleave', () => { if (v.waitingSel) { v.flushSelect(); } });
    wrap.addEventListener('focusout', (ev) => { if (v.waitingSel && !(ev.relatedTarget && wrap.contains(ev.relatedTarget))) { v.flushSelect(); } });
  }
  function post(op) {
    const p = v.pending.get(op.n);
    if (!p || p.inFlight) { return; }  // one request per action at a time (no double save)
    p.inFlight = true;
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), POST_TIMEOUT);
    const done = () => { clearTimeout(timer); p.inFlight = false; };
    fetch(v.data.save, { method: 'POST', credentials: 'same-origin', signal: abort.signal,
                         headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(op) })
      .then((r) => r.json().catch(() => null).then((body) => {
        done();
        if (r.ok && body && Array.isArray(body.coding)) { v.onSaved(op.n, body.coding); }
        else if (r.status === 404 && !(body && body.error)) {
          v.noRoute = true; v.send('act', op);  // no route on the way here: the trigger
        } else if (r.status >= 400 && r.status < 500 && r.status !== 408 && r.status !== 429) {
          const why = (body && body.error) || (r.status === 401 ? 'log in again' : `refused (${r.status})`);
          v.onRefused(op.n, `Not saved: ${why}`);
        }  // else (busy, down): still pending, sent again after a while
      }))
      .catch(() => { done(); });  // offline or timed out: still pending, sent again
  }
  // the server stored the coding: it replaces the optimistic one at once
  v.onSaved = (n, row) => {
    const p = v.pending.drop(n);
    if (!p) { return; }
    const [id, s, e, code, coder, memo] = row;
    const c = { id, s, e, code, coder, memo };
    v.codings.set(id, c);
    v.routed.add(id);
    if (v.removing) { v.removing.delete(id); }
    v.syncDue = Date.now() + SYNC_AFTER;
    clearTimeout(v.syncTimer);
    v.syncTimer = setTimeout(() => {
      if (v.syncDue !== null && Date.now() >= v.syncDue && !v.dragging && document.body.contains(v.wrap)) { v.act({ op: 'sync' }); }
    }, SYNC_AFTER);
    v.refresh(p.local ? [p.local, c] : [c]);
  };
  v.onRefused = (n, message) => {
    const p = v.pending.drop(n);
    if (!p) { return; }
    if (p.local) { v.refresh([p.local]); }
    const box = v.wrap.querySelector('.qc-notice');
    if (box) {
      box.textContent = message;
      box.hidden = false;
      clearTimeout(v.noticeTimer);
      v.noticeTimer = setTimeout(() => { box.hidden = true; }, 8000);
    }
  };

  // ---------------------------------------------------------------- data in
  if (data.codes) { v.codes = new Map(data.codes.map(([id, path, c]) => [id, { id, path, color: color(c) }])); v.codesV = data.codes_v; }
  if (data.codes_v && data.codes_v !== v.codesV && !data.codes) { act({ op: 'resync' }); return; }
  let rebuild = false;
  if (data.chunks) {
    S.texts.set(data.key, { chunks: data.chunks, labels: data.labels || [] });
    rebuild = true;
  }
  const cached = S.texts.get(data.key);
  if (!cached) { act({ op: 'resync' }); return; }
  const rebuilt = rebuild || fresh || v.key !== data.key || root.childElementCount === 0;
  if (rebuilt) {
    v.key = data.key;
    // the chunks cover the text: each ends where the next starts (no counting over the text)
    v.chunks = makeChunks(cached.chunks, data.length);
    v.labels = cached.labels;
    root.replaceChildren();
    v.built = 0;
    v.decorated = new Set();
    margin.replaceChildren(); v.stripes = new Map(); v.marginW = 0;
    gutter.replaceChildren(); v.timeLabels = new Map(); v.nowK = -1;
    v.caret = null; v.anchor = null; v.cps = null;
    if (v.io) { v.io.disconnect(); }
    // chunks coming into view get their highlights (once: refresh keeps decorated ones current)
    v.io = new IntersectionObserver((entries) => {
      const todo = [];
      for (const en of entries) {
        const i = Number(en.target.dataset.i);
        if (en.isIntersecting && !v.decorated.has(i)) { todo.push(i); }
      }
      if (v.restLater) { setTimeout(v.restLater, 0); v.restLater = null; }
      if (!todo.length) { return; }
      if (v.dragging) { v.redrawLater = true; for (const i of todo) { v.decorated.add(i); } return; }
      for (const i of todo) { decorate(v.chunks[i]); } layoutStripes();
    }, { root: scroller, rootMargin: '800px 0px' });
    // The first screens of text first: a long interview is laid out for the first paint only
    // as far as it can be seen, and coloured; the rest follows right after (or at once, up to
    // a chunk, when something asks for that chunk: see divOf).
    v.build = (i) => buildTo(i);
    buildTo(v.chunks.findIndex((c) => c.e >= FIRST_SCREENS));
    // the top of the text is coloured and striped for the first paint already (by the
    // refresh below, once the codings are in)
    for (const c of v.chunks) { if (c.s >= FIRST_SEEN) { break; } v.decorated.add(c.i); }
    const build = v.buildId = (v.buildId || 0) + 1;
    v.restLater = null;
    if (v.built < v.chunks.length) {
      v.restLater = () => { if (v.buildId === build) { v.build(v.chunks.length - 1); } };
      setTimeout(() => { if (v.restLater) { v.restLater(); v.restLater = null; } }, 500);
    }
    if (v.ro) { v.ro.disconnect(); }
    // Before the first paint only the first screen's stripes read the layout (of the first
    // screens of text); the density is drawn when the observer reports the laid-out width.
    let width = null;
    v.ro = new ResizeObserver((entries) => {  // new line breaks: the stripes move with the text
      const w = entries[entries.length - 1].contentRect.width;
      if (width !== null && w !== width) { v.layout(); }
      if (w !== width) { width = w; v.fresh = false; v.density(); }
    });
    v.fresh = true;
    v.ro.observe(root);
  }
  v.layout = () => layoutStripes();
  v.refresh = (changed) => refresh(changed);
  v.density = () => drawDensity(allCodings());
  let changed = rebuilt ? null : new Set();  // null: every decorated chunk is drawn anew
  if (data.full) {
    v.codings = new Map(data.full.map(([id, s, e, code, coder, memo]) => [id, { id, s, e, code, coder, memo }])); v.removing = new Set();
    v.seq = data.seq; changed = null;
  } else if (data.seq !== undefined && data.seq !== v.seq) {
    if (data.base === v.seq && (data.add || data.del)) {
      for (const id of (data.del || [])) { const c = v.codings.get(id); if (c) { changed && changed.add(c); v.codings.delete(id); } }
      for (const [id, s, e, code, coder, memo] of (data.add || [])) { const c = { id, s, e, code, coder, memo }; v.codings.set(id, c); changed && changed.add(c); if (v.removing) { v.removing.delete(id); } }
      v.seq = data.seq;
    } else { act({ op: 'resync' }); return; }
  }
  // actions the server has done are no longer pending; re-send the ones it seems to have lost
  const acked = new Set(data.acked || []);
  const settled = v.pending.settle(acked, Date.now());
  for (const p of settled.done) { if (p.local && changed !== null) { changed.add(p.local); } }
  for (const op of settled.due) { dispatch(op); }
  // codings got over HTTP that the server now knows the browser holds
  for (const [n, ids] of v.haveSent) { if (acked.has(n)) { for (const id of ids) { v.routed.delete(id); } v.haveSent.delete(n); } }
  for (const row of (data.full || data.add || [])) { v.routed.delete(row[0]); }
  if (!v.resender) {  // an action whose rerun never came (lost on the way) is sent again
    v.resender = setInterval(() => {
      if (!document.body.contains(v.wrap)) { return; }
      const op = v.pending.nextDue(Date.now());
      if (op) { v.dispatch(op); }
    }, 2000);
  }
  if (data.sel && data.sel.n !== v.lastServerSel) {
    v.lastServerSel = data.sel.n;
    if (data.sel.start === null) { v.sel && setSelection(null, 0); }
    else { setSelection(data.sel.start, data.sel.end, true); v.serverSel = true; }
  }
  if (data.times) { v.times = data.times; v.timesV = data.times_v; v.nowK = -1; }
  else if (data.times_v !== undefined && data.times_v !== v.timesV) { act({ op: 'resync' }); return; }
  if (!data.times_v) { v.times = []; }
  // the number keys 1–9 (null: a free key): they stay put, the coder pins codes on them
  v.top = (data.top || []).slice(0, 9).map((id) => (id !== null && v.codes.has(id) ? id : null));
  v.recent = (data.recent || []).filter((id) => v.codes.has(id));
  v.suggest = data.suggest || null;
  refresh(changed);
  if (!palette.hidden) { renderPalette(false); }
  setupPlayer();

  // ---------------------------------------------------------------- model helpers
  function allCodings() {
    const out = [...v.codings.values(), ...v.pending.locals()];
    return out.filter((c) => !(v.removing && v.removing.has(c.id)));
  }
  function buildTo(last) {  // the chunks up to index ``last`` (all: -1 or past the end) in the page
    if (last < 0 || last >= v.chunks.length) { last = v.chunks.length - 1; }
    if (v.built > last) { return; }
    const frag = document.createDocumentFragment();
    for (; v.built <= last; v.built += 1) {
      const c = v.chunks[v.built];
      const div = el('div', 'qc-chunk');
      div.dataset.start = String(c.s); div.dataset.end = String(c.e); div.dataset.i = String(c.i);
      const span = el('span', '', c.t);
      span.dataset.start = String(c.s); span.dataset.end = String(c.e);
      div.appendChild(span);
      frag.appendChild(div);
      c.div = div;
      v.io.observe(div);
    }
    root.appendChild(frag);
  }
  function divOf(ch) { if (ch.i >= v.built) { v.build(ch.i); } return ch.div; }
  function chunkAt(offset) { return chunkAtOffset(v.chunks, offset); }
  function chunksOver(s, e) { return chunksOverSpan(v.chunks, s, e); }
  function codeOf(c) { return v.codes.get(c.code) || { path: c.name || 'new code', color: '#bdbdbd' }; }

  // ---------------------------------------------------------------- drawing
  function refresh(changed) {
    // never redraw the text under a drag: that takes the browser's selection with it; the
    // redraw waits for the mouse to be released
    if (v.dragging) { v.redrawLater = true; return; }
    const list = allCodings();
    let todo;
    if (changed === null || changed === undefined) { todo = [...v.decorated].map((i) => v.chunks[i]); }
    else {
      const set = new Set();
      for (const c of changed) { for (const ch of chunksOver(c.s, c.e)) { if (v.decorated.has(ch.i)) { set.add(ch); } } }
      todo = [...set];
    }
    for (const ch of todo) { decorate(ch, list); }
    layoutStripes(list);
    drawLegend(list);
    if (!v.fresh) { drawDensity(list); }  // a new text: drawn once it is laid out (v.ro)
  }

  function decorate(ch, list) {
    list = list || allCodings();
    v.decorated.add(ch.i);
    const over = list.filter((c) => c.s < ch.e && c.e > ch.s);
    const labs = (v.labels || []).filter(([a, b]) => a < ch.e && b > ch.s);
    const caret = v.caret !== null && v.caret >= ch.s && v.caret <= ch.e ? v.caret : null;
    const bounds = cutPoints(ch.s, ch.e, over, labs, v.sel, caret);
    const frag = document.createDocumentFragment();
    let u0 = 0;
    for (let k = 0; k + 1 < bounds.length; k++) {
      const a = bounds[k], b = bounds[k + 1];
      if (a === b) { continue; }
      const u1 = units(ch.t, b - ch.s);
      const span = el('span', '', ch.t.slice(u0, u1));
      u0 = u1;
      span.dataset.start = String(a); span.dataset.end = String(b);
      const on = over.filter((c) => c.s <= a && b <= c.e).sort((x, y) => (x.e - x.s) - (y.e - y.s));
      if (on.length) {
        span.classList.add('qc-coded');
        const cols = on.map((c) => codeOf(c).color);
        // opaque tints (a translucent colour over white): readable on a dark page as well
        if (on.length === 1) { span.style.backgroundColor = tint(cols[0], 0xaa / 255); }
        else {
          span.classList.add('qc-overlap');
          const stops = cols.map((c, i) => `${tint(c, 0xcc / 255)} ${(100 * i / cols.length).toFixed(1)}% ${(100 * (i + 1) / cols.length).toFixed(1)}%`);
          span.style.backgroundImage = `linear-gradient(to bottom, ${stops.join(', ')})`;
        }
        span.title = on.map((c) => codeOf(c).path).join(' · ');
        span.dataset.codings = on.map((c) => c.id).join(',');
      }
      if (labs.some(([x, y]) => x <= a && b <= y)) {
        span.classList.add('qc-speaker');
      }
      if (v.sel && v.sel.s <= a && b <= v.sel.e) { span.classList.add('qc-sel'); }
      if (caret === a) { span.classList.add('qc-caret'); }
      else if (caret === b && ch.i === v.chunks.length - 1) { span.classList.add('qc-caret-after'); }
      frag.appendChild(span);
    }
    divOf(ch).replaceChildren(frag);
  }

  function locate(offset) {
    const ch = chunkAt(offset);
    const spans = divOf(ch).children;
    let lo = 0, hi = spans.length - 1;
    while (lo < hi) { const mid = (lo + hi + 1) >> 1; if (Number(spans[mid].dataset.start) <= offset) { lo = mid; } else { hi = mid - 1; } }
    const span = spans[lo];
    const node = span.firstChild;
    if (!node) { return { node: span, index: 0 }; }
    return { node, index: units(node.data, offset - Number(span.dataset.start)) };
  }
  function rangeOf(s, e) {
    const a = locate(s), b = locate(Math.max(s, e));
    const r = document.createRange();
    r.setStart(a.node, a.index); r.setEnd(b.node, b.index);
    return r;
  }

  // Stripes in lanes laid out by pixels: a stripe with its label takes its lane from its top
  // to the end of its label or of its text, whichever is lower, so neither stripes nor labels
  // ever meet. All writes first, then all reads, then the positions: one layout.
  function layoutStripes(list) {
    if (!v.decorated.size && !v.stripes.size) { return; }  // nothing shown: no layout read
    list = list || allCodings();
    const keep = new Set();
    const shown = [];
    for (const c of list) {
      const visible = chunksOver(c.s, c.e).some((ch) => v.decorated.has(ch.i));
      if (!visible) { continue; }
      keep.add(c.id);
      let st = v.stripes.get(c.id);
      const code = codeOf(c);
      if (!st) {
        st = el('div', 'qc-stripe');
        st.appendChild(el('span', 'qc-label'));
        st.onclick = (ev) => { ev.stopPropagation(); showPopup([c.id], st); };
        margin.appendChild(st);
        v.stripes.set(c.id, st);
      }
      st.dataset.coding = String(c.id);
      st.dataset.code = String(c.code);
      st.classList.toggle('qc-pending', typeof c.id === 'string');
      st.style.borderLeftColor = code.color;
      st.style.backgroundColor = code.color + '33';
      st.title = code.path;
      const label = st.firstChild;
      label.textContent = stripeLabel(code.path);
      label.style.backgroundColor = code.color;
      label.style.color = textOn(code.color);
      shown.push([c, st]);
    }
    for (const [id, st] of v.stripes) { if (!keep.has(id)) { st.remove(); v.stripes.delete(id); } }
    const top0 = margin.getBoundingClientRect().top;
    const boxes = [];
    for (const [c, st] of shown) {
      const rects = rangeOf(c.s, c.e).getClientRects();
      if (!rects.length) { continue; }
      const top = rects[0].top - top0, bottom = rects[rects.length - 1].bottom - top0;
      const labelLength = st.firstChild.offsetHeight;  // vertical text: its height is its length
      boxes.push({ id: c.id, st, top, height: Math.max(8, bottom - top - 2),
                   s: top, e: Math.max(bottom, top + 1 + labelLength) });
    }
    const { lanes, count } = assignLanes(boxes, LABEL_GAP);
    // the margin only widens while a text is shown: narrowing it would move the line breaks
    // and with them the stripes, round and round
    const width = count * LANE + 6;
    if (width > (v.marginW || 0)) { v.marginW = width; margin.style.width = `${width}px`; }
    for (const b of boxes) {
      b.st.style.top = `${b.top + 1}px`;
      b.st.style.height = `${b.height}px`;
      b.st.style.left = `${3 + lanes.get(b.id) * LANE}px`;
      b.st.dataset.lane = String(lanes.get(b.id));
    }
    layoutTimes();
  }

  // The codes in this transcript with their full names and colours (and how often each is
  // used); a click goes to the code's first coding.
  function drawLegend(list) {
    if (!legend) { return; }
    const used = new Map();
    for (const c of [...list].sort((x, y) => x.s - y.s)) {
      const key = c.code === null || c.code === undefined ? `new:${c.name}` : String(c.code);
      const u = used.get(key);
      if (u) { u.n += 1; } else { used.set(key, { c, n: 1 }); }
    }
    const sig = [...used].map(([k, u]) => `${k}:${u.n}:${codeOf(u.c).path}:${codeOf(u.c).color}`).join('|');
    if (sig === v.legendSig) { return; }
    v.legendSig = sig;
    const items = [];
    for (const [key, u] of used) {
      const code = codeOf(u.c);
      const it = el('button', 'qc-legend-item');
      it.type = 'button';
      it.dataset.code = key;
      const sw = el('span', 'qc-swatch'); sw.style.backgroundColor = code.color;
      it.appendChild(sw);
      it.appendChild(el('span', '', code.path));
      it.appendChild(el('span', 'qc-hint', `×${u.n}`));
      it.title = `${code.path}: ${u.n} coding(s) here (click: go to the first)`;
      it.onclick = () => { scrollToOffset(u.c.s); };
      items.push(it);
    }
    legend.replaceChildren(...items);
    legend.hidden = !items.length;
  }
  function scrollToOffset(off) {
    const ch = chunkAt(off);
    const div = divOf(ch);
    scroller.scrollTop = div.offsetTop + (off - ch.s) / Math.max(1, ch.e - ch.s) * div.offsetHeight - 40;
  }

  function drawDensity(list) {
    const w = density.clientWidth || 600;
    density.width = w;
    const ctx = density.getContext('2d');
    ctx.clearRect(0, 0, w, 14);
    const n = Math.max(1, Number(data.length));
    const bins = new Float32Array(w);
    for (const c of list) {
      const a = Math.floor(c.s / n * w), b = Math.max(a + 1, Math.ceil(c.e / n * w));
      for (let x = a; x < b && x < w; x++) { bins[x] += 1; }
    }
    let max = 1; for (const x of bins) { if (x > max) { max = x; } }
    ctx.fillStyle = '#1e88e5';
    for (let x = 0; x < w; x++) { if (bins[x]) { const h = 3 + 11 * bins[x] / max; ctx.fillRect(x, 14 - h, 1, h); } }
    density.onclick = (ev) => {
      const r = density.getBoundingClientRect();
      scrollToOffset(Math.floor((ev.clientX - r.left) / r.width * n));
    };
  }

  // ---------------------------------------------------------------- selection
  function boundary(node, offset) {
    if (!root.contains(node)) { return null; }
    if (node.nodeType === Node.TEXT_NODE) {
      const span = node.parentElement;
      if (!span || span.dataset.start === undefined) { return null; }
      return Number(span.dataset.start) + codePoints(node.data.slice(0, offset));
    }
    if (node.dataset && node.dataset.start !== undefined && node.tagName === 'SPAN') {
      return offset === 0 ? Number(node.dataset.start) : Number(node.dataset.end);
    }
    const kids = node.children;
    if (!kids || kids.length === 0) { return null; }
    if (offset >= kids.length) { return Number(kids[kids.length - 1].dataset.end); }
    return Number(kids[offset].dataset.start);
  }
  function pointOffset(x, y) {
    const r = root.getBoundingClientRect();
    const sr = scroller.getBoundingClientRect();
    const cx = Math.min(Math.max(x, r.left + 2), r.right - 2);
    const cy = Math.min(Math.max(y, Math.max(r.top, sr.top) + 2), Math.min(r.bottom, sr.bottom) - 2);
    let node = null, off = 0;
    if (document.caretPositionFromPoint) {
      const p = document.caretPositionFromPoint(cx, cy); if (p) { node = p.offsetNode; off = p.offset; }
    } else if (document.caretRangeFromPoint) {
      const p = document.caretRangeFromPoint(cx, cy); if (p) { node = p.startContainer; off = p.startOffset; }
    }
    return node ? boundary(node, off) : null;
  }
  // the chunks over these spans (``{s, e}``) and offsets drawn again
  function redrawOver(spans, offsets) {
    const touched = new Set();
    for (const x of spans) { if (x) { for (const ch of chunksOver(x.s, x.e)) { touched.add(ch); } } }
    for (const o of offsets) { if (o !== null && o !== undefined && v.chunks.length) { touched.add(chunkAt(o)); } }
    for (const ch of touched) { decorate(ch); }
    if (touched.size) { layoutStripes(); }
  }
  function setSelection(s, e, fromServer) {
    const old = v.sel;
    v.sel = (s !== null && e > s) ? { s, e } : null;
    if (v.sel) { v.anchor = v.sel.s; v.caret = v.sel.e; } else { v.anchor = null; }
    redrawOver([old, v.sel], []);
    if (v.sel) {
      const sel = window.getSelection();
      if (sel) { sel.removeAllRanges(); }
      openPalette();
    } else { palette.hidden = true; }
  }
  function report(ev) {
    const sel = window.getSelection();
    let s, e;
    if (sel && sel.rangeCount && !sel.isCollapsed) {
      const r = sel.getRangeAt(0);
      s = boundary(r.startContainer, r.startOffset);
      e = boundary(r.endContainer, r.endOffset);
      if (s === null || e === null) {
        // released outside the text: the end nearest to the pointer, inside the text
        const anchor = boundary(sel.anchorNode, sel.anchorOffset);
        const a = anchor !== null ? anchor : v.downAt;
        const z = pointOffset(ev.clientX, ev.clientY);
        if (a === null || a === undefined || z === null) { return; }
        s = Math.min(a, z); e = Math.max(a, z);
      }
    } else if (v.downAt !== null && v.downAt !== undefined && ev && ev.type === 'mouseup') {
      // released outside the text, or the text under the drag was redrawn meanwhile (a coding
      // confirmed by the server) and took the browser's selection with it: from press to release
      const z = pointOffset(ev.clientX, ev.clientY);
      if (z === null) { return; }
      s = Math.min(v.downAt, z); e = Math.max(v.downAt, z);
    } else { return; }
    if (e <= s) { return; }
    // whole words, unless Alt is held during the drag or the page asks for exact characters
    if (!(ev && ev.altKey) && !v.data.exact) { [s, e] = snapToWords(textCps(), s, e); }
    popup.hidden = true;
    setSelection(s, e, false);
    sendSelect(s, e);
  }
  root.onmousedown = (ev) => {
    if (ev.button !== 0) { return; }
    v.dragging = true;
    v.downAt = pointOffset(ev.clientX, ev.clientY);
    v.downX = ev.clientX; v.downY = ev.clientY;
  };
  if (!S.docListener) {
    S.docListener = true;
    document.addEventListener('mouseup', (ev) => {
      for (const view of S.views.values()) { if (view.onDocUp) { view.onDocUp(ev); } }
    }, true);
  }
  v.onDocUp = (ev) => {
    if (!v.dragging) { return; }
    v.dragging = false;
    const moved = Math.abs(ev.clientX - v.downX) + Math.abs(ev.clientY - v.downY) > 3;
    const sel = window.getSelection();
    const redraw = () => { if (v.redrawLater) { v.redrawLater = false; refresh(null); } };
    if (!moved && (!sel || sel.isCollapsed)) {
      if (root.contains(ev.target)) { v.caret = pointOffset(ev.clientX, ev.clientY); }
      redraw(); clickAt(ev); return;
    }
    setTimeout(() => { report(ev); redraw(); }, 0);
  };

  // ---------------------------------------------------------------- print
  // The whole text highlighted and striped, laid out again for the printed page's width.
  function forPrint() {
    v.build(v.chunks.length - 1);
    const list = allCodings();
    for (const ch of v.chunks) { if (!v.decorated.has(ch.i)) { decorate(ch, list); } }
    layoutStripes(list);
  }
  v.forPrint = forPrint;
  wrap.querySelector('.qc-print').onclick = () => { forPrint(); window.print(); };
  if (!S.printListener) {
    S.printListener = true;
    const all = () => { for (const view of S.views.values()) { if (view.forPrint && document.body.contains(view.wrap)) { view.forPrint(); } } };
    window.addEventListener('beforeprint', all);
    window.addEventListener('afterprint', all);
    window.matchMedia('print').addEventListener('change', all);
  }

  // ---------------------------------------------------------------- keyboard
  // ←/→ a character, Ctrl (Alt, ⌘) + ←/→ a word, ↑/↓ a sentence, Home/End the turn; with
  // Shift the selection grows or shrinks from where it started; Enter opens the palette for
  // it, Esc drops it.
  function textCps() {
    if (!v.cps) { v.cps = Array.from(v.chunks.map((c) => c.t).join('')); }
    return v.cps;
  }
  function firstShownOffset() {
    for (let i = 0; i < v.built; i++) {
      const div = v.chunks[i].div;
      if (div.offsetTop + div.offsetHeight > scroller.scrollTop) { return v.chunks[i].s; }
    }
    return 0;
  }
  function moveCaret(to, extend) {
    const before = v.caret, oldSel = v.sel;
    if (extend) { if (v.anchor === null) { v.anchor = before; } } else { v.anchor = null; }
    v.caret = to;
    v.sel = v.anchor !== null && v.anchor !== to ? { s: Math.min(v.anchor, to), e: Math.max(v.anchor, to) } : null;
    palette.hidden = true;
    popup.hidden = true;
    redrawOver([oldSel, v.sel], [before, to]);
    if (oldSel && !v.sel) { sendClear(); }
    const mark = root.querySelector('.qc-caret, .qc-caret-after');
    if (mark) { mark.scrollIntoView({ block: 'nearest' }); }
  }
  root.onkeydown = (ev) => {
    const k = ev.key;
    if (['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', 'Home', 'End'].includes(k)) {
      if (!v.chunks.length) { return; }
      ev.preventDefault();
      const t = textCps();
      const from = v.caret !== null ? v.caret : firstShownOffset();
      const dir = ['ArrowRight', 'ArrowDown', 'End'].includes(k) ? 1 : -1;
      let to;
      if (k === 'Home' || k === 'End') {
        const ch = chunkAt(dir > 0 ? from : Math.max(0, from - 1));
        to = dir > 0 ? ch.e : ch.s;
        while (dir > 0 && to > ch.s && /\s/u.test(t[to - 1])) { to -= 1; }
      } else if (k === 'ArrowUp' || k === 'ArrowDown') { to = sentenceStep(t, from, dir); }
      else if (ev.ctrlKey || ev.altKey || ev.metaKey) { to = wordStep(t, from, dir); }
      else { to = Math.max(0, Math.min(t.length, from + dir)); }
      moveCaret(to, ev.shiftKey);
    } else if (k === 'Enter' && v.sel) {
      ev.preventDefault();
      const { s, e } = v.sel;
      setSelection(s, e, false);
      sendSelect(s, e);
    } else if (k === 'Escape' && v.sel) {
      ev.preventDefault();
      setSelection(null, 0);
      sendClear();
    }
  };
  // The popup sits inside the scrolled body beside its anchor and scrolls with it: scrolling
  // (also to bring its buttons into view) never closes it; a click elsewhere does.
  scroller.onscroll = null;

  function clickAt(ev) {
    const t = ev.target && ev.target.closest ? ev.target.closest('.qc-coded') : null;
    if (t && root.contains(t)) {
      const ids = t.dataset.codings.split(',').map((x) => (/^\d+$/.test(x) ? Number(x) : x));
      showPopup(ids, t);
    } else if (!palette.contains(ev.target) && !popup.contains(ev.target)) {
      popup.hidden = true;
      if (root.contains(ev.target)) { v.caret = pointOffset(ev.clientX, ev.clientY); }
      if (v.sel && root.contains(ev.target)) { setSelection(null, 0); sendClear(); }
    }
  }

  // ---------------------------------------------------------------- popup: codings at a place
  function place(box, rect) {
    const b = body.getBoundingClientRect();
    box.style.top = `${rect.bottom - b.top + 6}px`;
    box.style.left = `${Math.max(4, Math.min(rect.left - b.left, b.width - box.offsetWidth - 8))}px`;
  }
  function showPopup(ids, anchor) {
    palette.hidden = true;
    const list = ids.map((id) => allCodings().find((c) => c.id === id)).filter(Boolean);
    const rows = [];
    for (const c of list) {
      const row = el('div', 'qc-coding');
      row.dataset.coding = String(c.id);
      const head = el('div', 'qc-item');
      const sw = el('span', 'qc-swatch'); sw.style.backgroundColor = codeOf(c).color;
      head.appendChild(sw);
      head.appendChild(el('b', '', codeOf(c).path));
      row.appendChild(head);
      row.appendChild(el('div', 'qc-hint', `chars ${c.s}–${c.e}` + (c.coder ? ` · coder ${c.coder}` : '')));
      if (c.memo) { row.appendChild(el('div', 'qc-memo', c.memo)); }
      const buttons = el('div', 'qc-row');
      if (typeof c.id === 'number') {
        const rm = el('button', '', 'Remove');
        rm.onclick = (ev) => { ev.stopPropagation(); removeCoding(c); popup.hidden = true; };
        const memo = el('button', '', 'Memo…');
        memo.onclick = (ev) => { ev.stopPropagation(); act({ op: 'focus', id: c.id }); popup.hidden = true; };
        buttons.appendChild(rm); buttons.appendChild(memo);
      }
      row.appendChild(buttons);
      rows.push(row);
    }
    if (!rows.length) { popup.hidden = true; return; }
    popup.replaceChildren(...rows);
    popup.hidden = false;
    place(popup, anchor.getBoundingClientRect());
  }
  function removeCoding(c) {
    if (!v.removing) { v.removing = new Set(); }
    v.removing.add(c.id);
    v.codings.delete(c.id);
    refresh([c]);
    act({ op: 'remove', id: c.id });
  }

  // ---------------------------------------------------------------- recording: times and player
  // The time of every timed turn stands in the gutter left of the text (interpolated ones with
  // "~"); a click plays from there. The player (an <audio>/<video> made here, its source the
  // URL the server sends after its permission check) marks the turn being spoken and, when
  // "Follow" is on, scrolls the text along. Alt+K play/pause, Alt+J back 5 s, Alt+T stamps the
  // turn at the caret with the current time; they work while the palette is closed.
  function layoutTimes() {
    const times = v.times || [];
    gutter.hidden = !times.length;
    if (!times.length) { if (gutter.childElementCount) { gutter.replaceChildren(); v.timeLabels = new Map(); } return; }
    const top0 = gutter.getBoundingClientRect().top;
    const keep = new Set();
    for (let k = 0; k < times.length; k++) {
      const [off, secs, interp] = times[k];
      const ch = chunkAt(off);
      if (!ch || !v.decorated.has(ch.i)) { continue; }
      const rects = rangeOf(off, Math.min(off + 1, Number(data.length))).getClientRects();
      if (!rects.length) { continue; }
      let lab = v.timeLabels.get(off);
      if (!lab) {
        lab = el('button', 'qc-time');
        lab.type = 'button';
        lab.onmousedown = (ev) => { ev.preventDefault(); };
        lab.onclick = (ev) => { ev.stopPropagation(); v.stopAt = null; playFrom(Number(lab.dataset.time)); };
        gutter.appendChild(lab);
        v.timeLabels.set(off, lab);
      }
      lab.dataset.offset = String(off);
      lab.dataset.time = String(secs);
      lab.dataset.k = String(k);
      lab.classList.toggle('qc-interp', Boolean(interp));
      lab.classList.toggle('qc-now', k === v.nowK);
      lab.textContent = (interp ? '~' : '') + formatTime(secs);
      lab.title = (interp ? 'Estimated between stamped turns' : 'Time of this turn')
        + (v.media ? ': click to play from here' : '');
      lab.style.top = `${rects[0].top - top0}px`;
      keep.add(off);
    }
    for (const [off, lab] of v.timeLabels) { if (!keep.has(off)) { lab.remove(); v.timeLabels.delete(off); } }
  }
  function playFrom(seconds) {
    if (!v.media) { return; }
    v.media.currentTime = Math.max(0, seconds);
    const p = v.media.play();
    if (p && p.catch) { p.catch(() => {}); }
  }
  function listen(s, e) {  // the selected passage, from its first word to its last
    const a = timeAtOffset(v.times || [], s), z = timeAtOffset(v.times || [], e);
    if (a === null || !v.media) { return; }
    v.stopAt = (z !== null && z > a) ? z : null;
    playFrom(a);
  }
  function markNow() {
    const times = v.times || [];
    if (v.media && v.stopAt !== null && v.stopAt !== undefined && v.media.currentTime >= v.stopAt) {
      v.stopAt = null; v.media.pause();
    }
    if (!v.media || !times.length) { return; }
    const k = turnAtTime(times, v.media.currentTime);
    if (k === v.nowK) { return; }
    for (const div of root.querySelectorAll('.qc-now-turn')) { div.classList.remove('qc-now-turn'); }
    for (const lab of gutter.querySelectorAll('.qc-now')) { lab.classList.remove('qc-now'); }
    v.nowK = k;
    wrap.dataset.turn = String(k);
    if (k < 0) { return; }
    const from = times[k][0], to = k + 1 < times.length ? times[k + 1][0] : Number(data.length);
    const over = chunksOver(from, Math.max(from + 1, to));
    for (const ch of over) { divOf(ch).classList.add('qc-now-turn'); }
    const lab = v.timeLabels.get(from);
    if (lab) { lab.classList.add('qc-now'); }
    if (v.follow && over.length && !v.dragging) {
      const div = divOf(over[0]);
      const top = div.offsetTop, view = scroller.scrollTop;
      if (top < view || top > view + scroller.clientHeight - 60) { scroller.scrollTop = Math.max(0, top - 40); }
    }
  }
  function caretOffset() {
    if (v.sel) { return v.sel.s; }
    return (v.caret !== null && v.caret !== undefined) ? v.caret : null;
  }
  function stamp() {
    const at = caretOffset();
    if (!v.media || at === null) { return false; }
    act({ op: 'stamp', offset: at, time: Math.round(v.media.currentTime * 1000) / 1000 });
    return true;
  }
  function setupPlayer() {
    const m = data.media;
    if (!m) {
      if (v.media) { v.media.pause(); }
      v.media = null; v.mediaUrl = null;
      bar.hidden = true; bar.replaceChildren();
      return;
    }
    if (v.media && v.mediaUrl === m.url && bar.contains(v.media)) { return; }
    if (v.media) { v.media.pause(); }
    // one recording plays at a time: another transcript's canvas (being left) stops
    for (const other of S.views.values()) { if (other !== v && other.media) { other.media.pause(); } }
    if (v.follow === undefined) { v.follow = true; }
    const media = el(m.kind === 'video' ? 'video' : 'audio', 'qc-media');
    media.controls = true;
    media.preload = 'metadata';
    media.src = m.url;
    media.playbackRate = clampRate(v.rate || 1);
    media.ontimeupdate = () => markNow();
    media.onseeked = () => markNow();
    media.onratechange = () => { v.rate = media.playbackRate; };
    let failures = 0;
    media.onerror = () => {  // refused before the login cookie was set: load it again soon
      const wait = retryDelay(failures++);
      if (wait !== null) { setTimeout(() => { if (v.media === media && media.error) { media.load(); } }, wait); }
    };
    const speed = el('select', 'qc-speed');
    speed.setAttribute('aria-label', 'Playback speed');
    for (const r of SPEEDS) {
      const o = el('option', '', `${r}×`); o.value = String(r);
      if (r === clampRate(v.rate || 1)) { o.selected = true; }
      speed.appendChild(o);
    }
    speed.onchange = () => { media.playbackRate = clampRate(speed.value); };
    const follow = el('label', 'qc-follow');
    const box = el('input'); box.type = 'checkbox'; box.checked = v.follow;
    box.onchange = () => { v.follow = box.checked; };
    follow.appendChild(box); follow.appendChild(el('span', '', ' Follow the text'));
    const stampButton = el('button', 'qc-stamp', 'Stamp turn at caret');
    stampButton.type = 'button';
    stampButton.title = 'The turn at the caret (or the selection) starts at the player\'s current time (Alt+T)';
    stampButton.onmousedown = (ev) => { ev.preventDefault(); };
    stampButton.onclick = (ev) => { ev.stopPropagation(); stamp(); };
    const row = el('div', 'qc-row');
    row.appendChild(speed); row.appendChild(follow); row.appendChild(stampButton);
    row.appendChild(el('span', 'qc-hint', 'Alt+K play/pause · Alt+J back 5 s · Alt+T stamp'));
    bar.replaceChildren(media, row);
    bar.hidden = false;
    bar.dataset.name = String(m.name || '');
    v.media = media; v.mediaUrl = m.url; v.nowK = -1;
  }
  v.onKey = (code) => {
    if (!v.media || !palette.hidden || !document.body.contains(v.wrap)) { return false; }
    if (!['KeyK', 'KeyJ', 'KeyT'].includes(code)) { return false; }
    v.stopAt = null;
    if (code === 'KeyK') { if (v.media.paused) { playFrom(v.media.currentTime); } else { v.media.pause(); } return true; }
    if (code === 'KeyJ') { v.media.currentTime = Math.max(0, v.media.currentTime - 5); return true; }
    if (code === 'KeyT') { return stamp(); }
    return false;
  };
  if (!S.sessionListener) {
    S.sessionListener = true;  // the login cookie was just set (session/session.js)
    window.addEventListener('qualcode:session', () => {
      for (const view of S.views.values()) {
        if (view.media && view.media.error) { view.media.load(); }
      }
    });
  }
  if (!S.keyListener) {
    S.keyListener = true;
    document.addEventListener('keydown', (ev) => {
      if (!ev.altKey || ev.ctrlKey || ev.metaKey) { return; }
      const t = ev.target;  // typing elsewhere on the page (a memo, a search box) keeps its keys
      if (t && (t.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName))) { return; }
      for (const view of S.views.values()) {
        if (view.onKey && view.onKey(ev.code)) { ev.preventDefault(); ev.stopPropagation(); return; }
      }
    }, true);
  }

  // ---------------------------------------------------------------- palette
  function openPalette() {
    v.query = ''; v.active = 0;
    renderPalette(true);
  }
  function candidates() {
    const q = (v.query || '').trim().toLowerCase();
    const order = [...v.recent, ...[...v.codes.keys()].filter((id) => !v.recent.includes(id))];
    let ids = order;
    if (q) {
      const words = q.split(/\s+/);
      ids = order.filter((id) => { const p = v.codes.get(id).path.toLowerCase(); return words.every((w) => p.includes(w)); });
      ids.sort((a, b) => {
        const na = v.codes.get(a).path.toLowerCase().split(' / ').pop(), nb = v.codes.get(b).path.toLowerCase().split(' / ').pop();
        return (nb.startsWith(q) ? 1 : 0) - (na.startsWith(q) ? 1 : 0);
      });
    }
    return ids;
  }
  function quoteText() {
    if (!v.sel) { return ''; }
    const parts = [];
    for (const ch of chunksOver(v.sel.s, v.sel.e)) {
      const a = units(ch.t, Math.max(0, v.sel.s - ch.s)), b = units(ch.t, Math.min(ch.e, v.sel.e) - ch.s);
      parts.push(ch.t.slice(a, b));
    }
    return parts.join('');
  }
  function suggestRow() {
    const row = el('div', 'qc-row qc-suggestions');
    const sug = v.suggest && v.sel && v.suggest.start === v.sel.s && v.suggest.end === v.sel.e ? v.suggest.ids.filter((id) => v.codes.has(id)) : [];
    if (sug.length) {
      row.appendChild(el('span', 'qc-hint', 'Suggested:'));
      for (const id of sug) {
        const b = el('button', 'qc-suggest', v.codes.get(id).path.split(' / ').pop());
        b.title = v.codes.get(id).path;
        b.onmousedown = (ev) => { ev.preventDefault(); };
        b.onclick = (ev) => { ev.stopPropagation(); apply(id); };
        row.appendChild(b);
      }
    }
    return row;
  }
  function renderPalette(focus) {
    if (!v.sel) { palette.hidden = true; return; }
    const here = `${v.sel.s}-${v.sel.e}`;
    const old = palette.querySelector('.qc-suggestions');
    if (!focus && !palette.hidden && old && palette.dataset.sel === here && palette.querySelector('input')) {
      old.replaceWith(suggestRow());  // a rerun: keep the input (and what is typed in it)
      return;
    }
    palette.dataset.sel = here;
    const input = el('input');
    input.type = 'text';
    input.placeholder = 'Type to find a code · Enter applies · 1–9 · Alt+1–9 pins · Esc';
    input.setAttribute('aria-label', 'Code to apply');
    input.value = v.query || '';
    const listBox = el('div', 'qc-list');
    const fill = () => {
      const ids = candidates();
      v.ids = ids;
      if (v.active >= ids.length + (v.query ? 1 : 0)) { v.active = 0; }
      const items = [];
      ids.slice(0, 60).forEach((id, k) => {
        const code = v.codes.get(id);
        const it = el('div', 'qc-item' + (k === v.active ? ' qc-active' : ''));
        it.dataset.code = String(id);
        const sw = el('span', 'qc-swatch'); sw.style.backgroundColor = code.color;
        it.appendChild(sw);
        const slot = v.top.indexOf(id);
        if (slot >= 0 && slot < 9) { it.appendChild(el('span', 'qc-key', String(slot + 1))); }
        it.appendChild(el('span', '', code.path));
        if (v.recent.includes(id) && !v.query) { it.appendChild(el('span', 'qc-hint', 'recent')); }
        it.onmousedown = (ev) => { ev.preventDefault(); };
        it.onclick = (ev) => { ev.stopPropagation(); apply(id); };
        items.push(it);
      });
      const q = (v.query || '').trim();
      if (q && !ids.some((id) => v.codes.get(id).path.toLowerCase() === q.toLowerCase())) {
        const it = el('div', 'qc-item' + (v.active === ids.length || !ids.length ? ' qc-active' : ''), `+ New code “${q}”`);
        it.dataset.newCode = '1';
        it.onmousedown = (ev) => { ev.preventDefault(); };
        it.onclick = (ev) => { ev.stopPropagation(); applyNew(q); };
        items.push(it);
      }
      listBox.replaceChildren(...items);
    };
    input.oninput = () => { v.query = input.value; v.active = 0; fill(); v.postponeSelect(); };
    input.onkeydown = (ev) => {
      ev.stopPropagation();
      if (ev.key === 'Escape') { ev.preventDefault(); setSelection(null, 0); sendClear(); root.focus({ preventScroll: true }); return; }
      if (ev.altKey && /^Digit[1-9]$/.test(ev.code)) {  // Alt+number: pin the active code there
        ev.preventDefault();
        const id = v.active < Math.min(v.ids.length, 60) ? v.ids[v.active] : undefined;
        if (id === undefined) { return; }
        const key = Number(ev.code.slice(5));
        v.top = v.top.map((x) => (x === id ? null : x));
        v.top[key - 1] = id;
        act({ op: 'pin', key, code: id });
        fill();
        return;
      }
      if (!input.value && /^[1-9]$/.test(ev.key)) {
        ev.preventDefault();
        const id = v.top[Number(ev.key) - 1];
        if (id !== undefined) { apply(id); }
        return;
      }
      if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
        ev.preventDefault();
        const n = Math.min(v.ids.length, 60) + (v.query ? 1 : 0);
        v.active = (v.active + (ev.key === 'ArrowDown' ? 1 : n - 1)) % Math.max(1, n);
        fill();
        return;
      }
      if (ev.key === 'Enter') {
        ev.preventDefault();
        const q = (v.query || '').trim();
        if (v.active < Math.min(v.ids.length, 60)) { apply(v.ids[v.active]); }
        else if (q) { applyNew(q); }
      }
    };
    const kids = [input, suggestRow(), listBox];
    const row = el('div', 'qc-row');
    const invivo = invivoName(quoteText());
    if (invivo) {
      const b = el('button', 'qc-invivo', `+ In-vivo code “${invivo}”`);
      b.onmousedown = (ev) => { ev.preventDefault(); };
      b.onclick = (ev) => { ev.stopPropagation(); applyNew(invivo); };
      row.appendChild(b);
    }
    if (v.media && v.times && v.times.length && timeAtOffset(v.times, v.sel.s) !== null) {
      const hear = el('button', 'qc-listen', '▶ Listen');
      hear.title = 'Play this passage from the recording';
      hear.onmousedown = (ev) => { ev.preventDefault(); };
      hear.onclick = (ev) => { ev.stopPropagation(); listen(v.sel.s, v.sel.e); };
      row.appendChild(hear);
    }
    const snap = el('button', 'qc-snap', 'Whole sentences');
    snap.title = 'Widen the selection to whole sentences of this turn';
    snap.onmousedown = (ev) => { ev.preventDefault(); };
    snap.onclick = (ev) => { ev.stopPropagation(); act({ op: 'snap', start: v.sel.s, end: v.sel.e }); };
    row.appendChild(snap);
    kids.push(row);
    kids.push(el('div', 'qc-hint', `chars ${v.sel.s}–${v.sel.e}`));
    palette.replaceChildren(...kids);
    fill();
    palette.hidden = false;
    const rects = rangeOf(v.sel.s, v.sel.e).getClientRects();
    if (rects.length) { place(palette, rects[rects.length - 1]); }
    if (focus) { input.focus({ preventScroll: true }); }
    else if (palette.contains(document.activeElement) === false && document.activeElement === document.body) { input.focus({ preventScroll: true }); }
  }
  function apply(codeId) {
    if (!v.sel) { return; }
    const { s, e } = v.sel;
    const n = act({ op: 'apply', code: codeId, start: s, end: e });
    const local = { id: 'p' + n, s, e, code: codeId };
    v.pending.get(n).local = local;
    finishApply(local);
  }
  function applyNew(name) {
    if (!v.sel) { return; }
    const { s, e } = v.sel;
    const n = act({ op: 'new', name, start: s, end: e });
    const local = { id: 'p' + n, s, e, code: null, name };
    v.pending.get(n).local = local;
    finishApply(local);
  }
  function finishApply(local) {
    palette.hidden = true;
    const old = v.sel;
    v.sel = null; v.anchor = null; v.caret = old.e;
    refresh([local, { s: old.s, e: old.e }]);
    root.focus({ preventScroll: true });
  }
}
