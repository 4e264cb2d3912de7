"""The network view element: a components-v2 element drawing codes as nodes and relations as
labelled edges (SVG), in which the researcher drags nodes (positions saved per view) and clicks
a node for its quotes or an edge for its evidence.

The front-end code is in ``qualcode/ui/network/``: ``network.html``, ``network.css``,
``network.js`` (the component) and ``geometry.js`` (its pure functions, tested with
``node --test tests/js``), read once at import; ``geometry.js`` is put in front of
``network.js`` (:func:`bundle_js`), as the coding canvas does.

Data in (``data``): ``view_key`` (which view; the browser keeps its not-yet-saved drags per
key), ``net`` (``qualcode.analysis.network.Network.as_dict()``), ``selected`` (a node or edge
id), ``detail`` (``{title, memo, items: [{quote, where}], more, empty}`` for the selection),
``editable`` (may drag). Text, code names and memos travel as JSON and reach the page through
``textContent`` / SVG text nodes only; colours are checked against ``#rrggbb``.

One trigger, ``act``: ``{n: nonce, op: "move", id, x, y}`` (a node dropped, box coordinates) or
``{n, op: "select", what: "node" | "edge", id}``.
"""

from __future__ import annotations

import re
from pathlib import Path

import streamlit as st

NETWORK_DIR = Path(__file__).with_name("network")
_IMPORT = re.compile(r"^import \{[^}]*\} from '\./geometry\.js';\n", re.MULTILINE)
_EXPORT = re.compile(r"^export (?=(?:function|class|const) )", re.MULTILINE)


def _asset(name: str) -> str:
    return (NETWORK_DIR / name).read_text(encoding="utf-8")


def bundle_js() -> str:
    """network.js with geometry.js in front of it (Streamlit runs one module from a string,
    which cannot import a sibling file)."""
    geometry, main = _asset("geometry.js"), _asset("network.js")
    imports = _IMPORT.findall(main)
    main = _IMPORT.sub("", main)
    geometry = _EXPORT.sub("", geometry)
    if len(imports) != 1 or " as " in imports[0] or re.search(
            r"^\s*(import|export)\b(?! default function)", geometry + main, re.MULTILINE):
        raise RuntimeError(f"{NETWORK_DIR}: network.js must import geometry.js once and "
                           "nothing else")
    return f"// --- geometry.js\n{geometry}\n// --- network.js\n{main}"


HTML = _asset("network.html")
CSS = _asset("network.css")
JS = bundle_js()

_component = st.components.v2.component(
    "qualcode.network_view", html=HTML, css=CSS, js=JS, isolate_styles=False)


def read_action(key: str) -> dict | None:
    value = st.session_state.get(key)
    action = value.get("act") if hasattr(value, "get") else getattr(value, "act", None)
    return action if isinstance(action, dict) else None


def network_view(*, key: str, data: dict, on_action) -> None:
    """Mount the element. ``on_action(action)`` runs in the change callback."""
    seen = st.session_state.setdefault(f"{key}__nonces", [])

    def _changed() -> None:
        action = read_action(key)
        if action is None or action.get("n") in seen:
            return
        seen.append(action.get("n"))
        del seen[:-50]
        on_action(action)

    _component(key=key, data=data, on_act_change=_changed)
