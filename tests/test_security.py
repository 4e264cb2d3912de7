"""No transcript or codebook text may reach the page as HTML."""

from __future__ import annotations

import re

from tests.conftest import ROOT


def test_no_unsafe_html_anywhere():
    for path in [*ROOT.joinpath("qualcode").rglob("*.py"), ROOT / "app.py"]:
        source = path.read_text(encoding="utf-8")
        assert "unsafe_allow_html" not in source, path
        assert "st.html(" not in source, path
        assert "components.v1" not in source, path


def test_span_selector_uses_text_content_only():
    from qualcode.ui import span_selector

    js = span_selector.JS
    assert "textContent" in js
    assert not re.search(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write", js)
    assert "toString()" not in js and "innerText" not in js
    # the static HTML holds no data; data arrives as JSON segments
    assert "{" not in span_selector.HTML


def test_messages_escape_markdown():
    from qualcode.ui.state import plain

    hostile = "Code '[x](javascript:alert(1))' <b>**bold**</b> $x$ :smile:"
    escaped = plain(hostile)
    assert "[x]" not in escaped and "**" not in escaped and "<b>" not in escaped
    # removing the escapes gives the text back
    assert escaped.replace("\\", "") == hostile
