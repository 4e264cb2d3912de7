"""An inline components-v2 element that shows a transcript and reports the selected span.

Safety and correctness rules (see the developers' brief):
* the transcript travels as JSON data segments and is put on the page with ``textContent``
  only; no transcript or codebook text is ever turned into HTML;
* offsets are code points: each segment carries its absolute start, and JS counts code points
  (a surrogate pair is one) inside a single text node, never from ``selection.toString()``;
* ``isolate_styles=False`` (a shadow root collapses Chromium's ``getSelection()``), so all CSS
  is scoped under ``.qc-span-selector``.
"""

from __future__ import annotations

import streamlit as st

HTML = '<div class="qc-span-selector"><div class="qc-text" tabindex="0"></div></div>'

CSS = """
.qc-span-selector .qc-text {
  white-space: pre-wrap;
  font-family: Georgia, 'Times New Roman', serif;
  font-size: 1.02rem;
  line-height: 1.65;
  max-height: 34rem;
  overflow-y: auto;
  padding: 0.75rem 1rem;
  border: 1px solid rgba(128, 128, 128, 0.35);
  border-radius: 0.5rem;
  cursor: text;
  outline: none;
}
.qc-span-selector .qc-coded { border-radius: 2px; color: #111; }
.qc-span-selector .qc-speaker { font-weight: 700; font-family: sans-serif; font-size: 0.92em; }
.qc-span-selector .qc-sel { outline: 2px solid #1e88e5; background-color: rgba(30, 136, 229, 0.18); }
"""

JS = """
export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  const root = parentElement.querySelector('.qc-text');
  if (!root || !data) { return; }

  const frag = document.createDocumentFragment();
  for (const seg of data.segments) {
    const span = document.createElement('span');
    span.textContent = seg.t;
    span.dataset.start = String(seg.s);
    span.dataset.end = String(seg.e);
    if (seg.c) {
      span.classList.add('qc-coded');
      span.style.backgroundColor = seg.c;
      span.title = seg.n;
    }
    if (seg.sel) { span.classList.add('qc-sel'); }
    if (seg.lab) { span.classList.add('qc-speaker'); }
    frag.appendChild(span);
  }
  root.replaceChildren(frag);
  root.dataset.length = String(data.length);
  root.dataset.transcript = String(data.transcript);

  // Code points in a UTF-16 prefix of one text node (a surrogate pair counts once).
  const codePoints = (s) => { let n = 0; for (const _ of s) { n += 1; } return n; };

  const boundary = (node, offset) => {
    if (node.nodeType === Node.TEXT_NODE) {
      const el = node.parentElement;
      if (!el || el.parentElement !== root) { return null; }
      return Number(el.dataset.start) + codePoints(node.data.slice(0, offset));
    }
    if (node === root) {
      const kids = root.children;
      if (kids.length === 0) { return 0; }
      if (offset >= kids.length) { return Number(kids[kids.length - 1].dataset.end); }
      return Number(kids[offset].dataset.start);
    }
    if (node.parentElement === root && node.dataset && node.dataset.start !== undefined) {
      return offset === 0 ? Number(node.dataset.start) : Number(node.dataset.end);
    }
    return null;
  };

  const report = () => {
    const sel = window.getSelection();
    if (!sel || sel.rangeCount === 0 || sel.isCollapsed) { return; }
    const range = sel.getRangeAt(0);
    if (!range.intersectsNode(root)) { return; }
    let start = boundary(range.startContainer, range.startOffset);
    let end = boundary(range.endContainer, range.endOffset);
    if (start === null) { start = 0; }
    if (end === null) { end = Number(data.length); }
    if (end > start) {
      setTriggerValue('selection', { transcript: data.transcript, start: start, end: end });
    }
  };
  root.onmouseup = report;
  root.onkeyup = (ev) => { if (ev.shiftKey) { report(); } };
}
"""

_component = st.components.v2.component(
    "qualcode.span_selector", html=HTML, css=CSS, js=JS, isolate_styles=False
)


def span_selector(*, transcript_id: int, length: int, segments: list[dict], key: str,
                  on_select) -> None:
    """Mount the selector; ``on_select(transcript_id, start, end)`` runs in the change callback."""

    def _changed() -> None:
        value = st.session_state.get(key)
        selection = value.get("selection") if hasattr(value, "get") else getattr(
            value, "selection", None)
        if isinstance(selection, dict):
            try:
                on_select(int(selection["transcript"]), int(selection["start"]),
                          int(selection["end"]))
            except (KeyError, TypeError, ValueError):
                pass

    _component(key=key, data={"transcript": transcript_id, "length": length,
                              "segments": segments}, on_selection_change=_changed)
