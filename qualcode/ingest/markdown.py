"""Markdown transcripts to plain text: the words stay, the markup goes (``**Name:**`` becomes
``Name:``, ``\\[01:46\\]`` becomes ``[01:46]``, ``## Heading`` becomes ``Heading``), so that speaker
labels and timestamps are found and a phrase search matches what the reader sees."""

from __future__ import annotations

import re

_BR = re.compile(r"^<br\s*/?>$", re.I)


def markdown_to_text(source: str) -> str:
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").parse(source)
    blocks: list[str] = []
    for token in tokens:
        if token.type == "inline":
            blocks.append(_inline(token.children or []))
        elif token.type in ("fence", "code_block", "html_block"):
            blocks.append(token.content.rstrip("\n"))
    return "\n\n".join(b for b in blocks if b.strip())


def _inline(children) -> str:
    out: list[str] = []
    for child in children:
        kind = child.type
        if kind in ("text", "code_inline"):
            out.append(child.content)
        elif kind in ("softbreak", "hardbreak"):
            out.append("\n")
        elif kind == "image":
            out.append(_inline(child.children or []))
        elif kind == "html_inline":
            out.append("\n" if _BR.match(child.content) else child.content)
    return "".join(out)
