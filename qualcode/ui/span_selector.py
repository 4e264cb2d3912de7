"""The coding canvas: a components-v2 element that shows a transcript, lets the coder select a
span and code it from a palette at the selection, and draws the codings as highlights and as
labelled stripes in a margin.

The front-end code is in ``qualcode/ui/canvas/``: ``canvas.html``, ``canvas.css``, ``canvas.js``
(the component) and ``core.js`` (its pure functions, tested with ``node --test tests/js``); they
are read once at import and ``core.js`` is put in front of ``canvas.js`` (:func:`bundle_js`).

Safety and correctness rules (see the developers' brief):
* text, code names and memos travel as JSON data and reach the page through ``textContent``
  only; colours are checked against ``#rrggbb`` before they go into a style;
* offsets are code points: every span carries its absolute start, and JS counts code points
  (a surrogate pair is one) inside a single text node, never from ``selection.toString()``;
* ``isolate_styles=False`` (a shadow root collapses Chromium's ``getSelection()``), so all CSS
  is scoped under ``.qc-span-selector``.

Scale: the transcript text is sent once per transcript and session (the browser keeps it in a
cache keyed by transcript and content hash), codings as a compact list ``[id, start, end, code]``
and afterwards only the changes (``add``/``del`` from sequence ``base`` to ``seq``); when the
browser's copy does not match (reload, lost update) it asks for a resync. The text is cut into
chunks (by speaker turn); only chunks near the visible part are split into highlight spans and
get stripes (IntersectionObserver), so a 150,000-character interview with 1,500 codings stays
light. A new text is put in the page a few screens first (highlighted and striped at the top),
the rest right after the first paint; nothing else reads the layout before that paint.

One trigger, ``act``, carries every user action ``{n: nonce, op: ...}``: ``select``, ``apply``,
``new`` (in-vivo code), ``remove``, ``snap``, ``clear``, ``focus``, ``resync``. The browser shows the effect
at once (optimistic highlight) and re-sends an action the server has not acknowledged
(``acked`` nonces) — the server ignores nonces it has done.
"""

from __future__ import annotations

import re
from pathlib import Path

import streamlit as st

CANVAS_DIR = Path(__file__).with_name("canvas")
# one ``import {...} from './core.js';`` statement (it may span lines) at the top of canvas.js
_IMPORT_CORE = re.compile(r"^import \{[^}]*\} from '\./core\.js';\n", re.MULTILINE)
_EXPORT = re.compile(r"^export (?=(?:function|class|const) )", re.MULTILINE)


def _asset(name: str) -> str:
    return (CANVAS_DIR / name).read_text(encoding="utf-8")


def bundle_js() -> str:
    """canvas.js with core.js put in front of it: Streamlit runs a component's JavaScript as one
    module from a string, which cannot import a sibling file. core.js's ``export`` keywords are
    dropped and canvas.js's one import of it (names as they are, no ``as``) removed; anything
    else is an error here, not in the browser."""
    core, canvas = _asset("core.js"), _asset("canvas.js")
    imports = _IMPORT_CORE.findall(canvas)
    canvas = _IMPORT_CORE.sub("", canvas)
    core = _EXPORT.sub("", core)
    if len(imports) != 1 or " as " in imports[0] or re.search(r"^\s*(import|export)\b(?! default function)", core + canvas, re.MULTILINE):
        raise RuntimeError(f"{CANVAS_DIR}: canvas.js must import core.js once and nothing else")
    return f"// --- core.js\n{core}\n// --- canvas.js\n{canvas}"


HTML = _asset("canvas.html")
CSS = _asset("canvas.css")
JS = bundle_js()

_component = st.components.v2.component(
    "qualcode.span_selector", html=HTML, css=CSS, js=JS, isolate_styles=False
)


def read_action(key: str) -> dict | None:
    """The action the browser just sent (the ``act`` trigger), in the change callback."""
    value = st.session_state.get(key)
    action = value.get("act") if hasattr(value, "get") else getattr(value, "act", None)
    return action if isinstance(action, dict) else None


def span_selector(*, key: str, data: dict, on_action) -> None:
    """Mount the canvas. ``on_action(action)`` runs in the change callback with the action."""

    def _changed() -> None:
        action = read_action(key)
        if action is not None:
            on_action(action)

    _component(key=key, data=data, on_act_change=_changed)
