// Pure functions of the coding canvas: no DOM, no browser. canvas.js imports them; node's
// test runner tests them (tests/js/). Offsets are code points into the stored text, always.

const COLOR = /^#[0-9a-fA-F]{6}$/;

// An action not acknowledged by the server after this many milliseconds is sent again.
export const RESEND_AFTER = 4000;

// Actions the canvas saves over HTTP (``POST /api/codings`` on a team server) rather than as a
// trigger that reruns the page.
export const SAVED_BY_ROUTE = ['apply', 'new'];

// Code points in a string (a surrogate pair counts once).
export function codePoints(s) {
  let n = 0;
  // eslint-disable-next-line no-unused-vars
  for (const _ of s) { n += 1; }
  return n;
}

// UTF-16 index of code point ``cp`` in ``s``.
export function units(s, cp) {
  if (!/[\uD800-\uDFFF]/.test(s)) { return Math.min(cp, s.length); }
  let i = 0, n = 0;
  while (n < cp && i < s.length) { const c = s.charCodeAt(i); i += (c >= 0xD800 && c <= 0xDBFF) ? 2 : 1; n += 1; }
  return i;
}

// A colour safe to put in a style: ``#rrggbb`` or a neutral grey.
export function color(c) { return (typeof c === 'string' && COLOR.test(c)) ? c : '#cccccc'; }

// The chunks of a text from the server's ``[[start, text], ...]``: each ends where the next
// starts, the last at ``length`` (no counting over the text).
export function makeChunks(cs, length) {
  return cs.map(([s, t], i) => ({ i, s, t, e: i + 1 < cs.length ? cs[i + 1][0] : Number(length) }));
}

// The chunk holding code point ``offset`` (binary search; the first one before the text).
export function chunkAtOffset(chunks, offset) {
  let lo = 0, hi = chunks.length - 1;
  while (lo < hi) { const mid = (lo + hi + 1) >> 1; if (chunks[mid].s <= offset) { lo = mid; } else { hi = mid - 1; } }
  return chunks[lo];
}

// The chunks a span ``[s, e)`` touches (at least the one holding ``s``).
export function chunksOverSpan(chunks, s, e) {
  const out = [];
  if (!chunks.length) { return out; }
  for (let c = chunkAtOffset(chunks, s); c && c.s < Math.max(e, s + 1); c = chunks[c.i + 1]) { out.push(c); }
  return out;
}

// Lanes of the margin stripes: intervals ``{ id, s, e }`` (offsets, or pixels from the top of
// the margin) sorted by start (longer first), each in the first lane whose last interval ended
// at least ``gap`` before it starts. Returns ``{ lanes: Map(id -> lane), count }``.
export function assignLanes(list, gap = 0) {
  const sorted = [...list].sort((a, b) => a.s - b.s || b.e - a.e);
  const ends = [];
  const lanes = new Map();
  for (const c of sorted) {
    let lane = ends.findIndex((e) => e + gap <= c.s);
    if (lane < 0) { lane = ends.length; ends.push(c.e); } else { ends[lane] = c.e; }
    lanes.set(c.id, lane);
  }
  return { lanes, count: Math.max(1, ends.length) };
}

// The boundaries a chunk ``[s, e)`` is cut at for its highlight spans: its ends, the ends of
// the codings and speaker labels over it, of the selection and the keyboard caret, sorted.
export function cutPoints(s, e, codings, labels, sel, caret = null) {
  const cuts = new Set([s, e]);
  for (const c of codings) { cuts.add(Math.max(s, c.s)); cuts.add(Math.min(e, c.e)); }
  for (const [a, b] of labels) { cuts.add(Math.max(s, a)); cuts.add(Math.min(e, b)); }
  if (sel && sel.s < e && sel.e > s) { cuts.add(Math.max(s, sel.s)); cuts.add(Math.min(e, sel.e)); }
  if (caret !== null && caret >= s && caret <= e) { cuts.add(caret); }
  return [...cuts].sort((a, b) => a - b);
}

// The actions sent to the server and not yet acknowledged. Each entry is ``{ op, at }`` (plus
// ``local``: the optimistic coding it shows meanwhile); ``settle`` takes out the acknowledged
// ones and hands back those waiting too long, to be sent again.
export class ResendQueue {
  constructor(after = RESEND_AFTER) { this.after = after; this.items = new Map(); }

  add(n, op, now) { const p = { op, at: now }; this.items.set(n, p); return p; }

  get(n) { return this.items.get(n); }

  // take entry ``n`` out (answered by the server another way: the coding route); the entry or
  // undefined
  drop(n) { const p = this.items.get(n); this.items.delete(n); return p; }

  get size() { return this.items.size; }

  // the optimistic codings of the actions still waiting
  locals() {
    const out = [];
    for (const p of this.items.values()) { if (p.local) { out.push(p.local); } }
    return out;
  }

  // ``acked``: a Set of nonces the server has done. Returns ``{ done, due }``: the entries
  // acknowledged (now out of the queue) and the ops to send again (stamped ``now``).
  settle(acked, now) {
    const done = [], due = [];
    for (const [n, p] of this.items) {
      if (acked.has(n)) { this.items.delete(n); done.push(p); }
      else if (now - p.at > this.after) { p.at = now; due.push(p.op); }
    }
    return { done, due };
  }

  // The first op waiting too long (stamped ``now``), or null: one re-send per tick.
  nextDue(now) {
    for (const p of this.items.values()) {
      if (now - p.at > this.after) { p.at = now; return p.op; }
    }
    return null;
  }
}

// --- the recording: times of turns ``[[offset, seconds, interpolated], ...]`` in text order

// "1:02:03" / "02:03" for a number of seconds (whole seconds, rounded down).
export function formatTime(seconds) {
  const s = Math.max(0, Math.floor(Number(seconds) || 0));
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  const two = (x) => String(x).padStart(2, '0');
  return h ? `${h}:${two(m)}:${two(r)}` : `${two(m)}:${two(r)}`;
}

// Index of the turn being spoken at ``t`` seconds: the last turn whose time is at or before
// ``t`` (times rise with the text); -1 before the first.
export function turnAtTime(times, t) {
  let lo = 0, hi = times.length - 1, found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (times[mid][1] <= t) { found = mid; lo = mid + 1; } else { hi = mid - 1; }
  }
  return found;
}

// The playback speeds offered (0.5–2×), and a wanted speed brought into that range.
export const SPEEDS = [0.5, 0.75, 1, 1.25, 1.5, 1.75, 2];
export function clampRate(r) {
  const x = Number(r);
  return Number.isFinite(x) ? Math.min(2, Math.max(0.5, x)) : 1;
}

// Milliseconds before loading a recording again after its attempt-th failure (0, 1, …), or
// null: give up. Right after logging in the route answers 401 until the login cookie is set
// (qualcode/ui/handoff.py); the 'qualcode:session' event reloads at once when it is.
export function retryDelay(attempt) {
  return attempt >= 0 && attempt < 5 ? 250 * 2 ** attempt : null;
}

// ---------------------------------------------------------------- colours

function rgb(hex) { const c = color(hex); return [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16)); }
function hex2(n) { return Math.round(Math.max(0, Math.min(255, n))).toString(16).padStart(2, '0'); }

// ``hex`` laid at ``alpha`` over white, as an opaque colour: the same tint as a translucent
// highlight on a white page, and still a light tint (dark text stays readable) on a dark one.
export function tint(hex, alpha) {
  return '#' + rgb(hex).map((x) => hex2(255 - (255 - x) * alpha)).join('');
}

// WCAG 2 relative luminance and contrast ratio of two ``#rrggbb`` colours.
export function luminance(hex) {
  const [r, g, b] = rgb(hex).map((x) => { const c = x / 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
export function contrast(a, b) {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}
// The text colour (black or white) readable on a background ``hex``: at least 4.5:1 (WCAG AA)
// on any colour.
export function textOn(hex) {
  return contrast('#000000', hex) >= contrast('#ffffff', hex) ? '#000000' : '#ffffff';
}

// ---------------------------------------------------------------- words and sentences
// ``cps``: the text as an array of code points (``Array.from(text)``), so indexes are offsets.

const WORD = /^[\p{L}\p{N}\p{M}_]$/u;
const JOINER = /^['’\-‐.]$/u;   // inside a word: "shout-out", "don't", "e.g" (between word characters)
const TERMINAL = /^[.!?…]$/u;
const CLOSER = /^["'”’)\]»]$/u;

function wordChar(cps, i) {
  if (i < 0 || i >= cps.length) { return false; }
  if (WORD.test(cps[i])) { return true; }
  return JOINER.test(cps[i]) && i > 0 && WORD.test(cps[i - 1]) && i + 1 < cps.length && WORD.test(cps[i + 1]);
}

// Whether offset ``i`` lies inside a word (a word character on either side).
export function insideWord(cps, i) { return wordChar(cps, i - 1) && wordChar(cps, i); }

// ``[s, e)`` widened to whole words (never past ``lo``/``hi``): a drag that starts or ends
// mid-word takes the whole word.
export function snapToWords(cps, s, e, lo = 0, hi = cps.length) {
  while (s > lo && insideWord(cps, s)) { s -= 1; }
  while (e < hi && insideWord(cps, e)) { e += 1; }
  return [s, e];
}

// The caret moved by a word: forward to the end of the next word, back to the start of the
// previous one.
export function wordStep(cps, i, dir) {
  if (dir > 0) {
    while (i < cps.length && !wordChar(cps, i)) { i += 1; }
    while (i < cps.length && wordChar(cps, i)) { i += 1; }
  } else {
    while (i > 0 && !wordChar(cps, i - 1)) { i -= 1; }
    while (i > 0 && wordChar(cps, i - 1)) { i -= 1; }
  }
  return i;
}

// Whether a sentence ends at offset ``i`` (after its final punctuation and closing quotes,
// before white space) or a line ends there.
function sentenceEnd(cps, i) {
  if (i >= cps.length) { return true; }
  if (cps[i] === '\n') { return i > 0 && cps[i - 1] !== '\n'; }
  if (!/\s/u.test(cps[i])) { return false; }
  let k = i - 1;
  while (k >= 0 && CLOSER.test(cps[k])) { k -= 1; }
  return k >= 0 && TERMINAL.test(cps[k]);
}

// Whether a sentence starts at offset ``k``: the text's start, or a non-space after white
// space that follows a sentence's end or holds a line break.
function sentenceStart(cps, k) {
  if (k <= 0) { return true; }
  if (k >= cps.length || /\s/u.test(cps[k])) { return false; }
  let j = k;
  while (j > 0 && /\s/u.test(cps[j - 1])) { j -= 1; }
  if (j === k) { return false; }
  return j === 0 || sentenceEnd(cps, j) || cps.slice(j, k).includes('\n');
}

// The caret moved by a sentence: forward to the end of this (or the next) sentence, back to
// the start of this (or the previous) one.
export function sentenceStep(cps, i, dir) {
  let k = i;
  if (dir > 0) {
    while (k < cps.length && /\s/u.test(cps[k])) { k += 1; }
    for (k += 1; k < cps.length; k += 1) { if (sentenceEnd(cps, k)) { break; } }
    return Math.min(k, cps.length);
  }
  for (k -= 1; k > 0; k -= 1) { if (sentenceStart(cps, k)) { break; } }
  return Math.max(0, k);
}

// An in-vivo code name from a quote: white space folded, "/" (the path separator) made "-",
// at most ``max`` code points, cut at a word boundary (a single longer word: cut hard).
export function invivoName(quote, max = 60) {
  const words = quote.replace(/\s+/g, ' ').trim().replace(/\//g, '-');
  const cps = Array.from(words);
  if (cps.length <= max) { return words; }
  let cut = max;
  while (cut > 0 && !/\s/u.test(cps[cut])) { cut -= 1; }
  if (cut === 0) { cut = max; }
  return cps.slice(0, cut).join('').replace(/[\s,;:–—-]+$/u, '').trim();
}

// A stripe's label: the code's own name (the last part of its path), at most ``max`` code
// points (the full path is on hover and in the legend).
export function stripeLabel(path, max = 32) {
  const name = path.split(' / ').pop();
  const cps = Array.from(name);
  return cps.length <= max ? name : cps.slice(0, max - 1).join('').trimEnd() + '…';
}

// Seconds into the recording at a character ``offset``: straight-line between the times of
// the turns around it (the next turn's start closes a turn); null before the first time.
export function timeAtOffset(times, offset) {
  let lo = 0, hi = times.length - 1, k = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (times[mid][0] <= offset) { k = mid; lo = mid + 1; } else { hi = mid - 1; }
  }
  if (k < 0) { return null; }
  const [o0, t0] = times[k];
  if (k + 1 >= times.length) { return t0; }
  const [o1, t1] = times[k + 1];
  return o1 > o0 ? t0 + (t1 - t0) * (offset - o0) / (o1 - o0) : t0;
}
