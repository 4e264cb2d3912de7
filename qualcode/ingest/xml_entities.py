"""Entity references left unresolved in parsed XML.

qualcode parses XML with ``resolve_entities=False`` (no XXE). lxml then keeps an entity a file
declares for itself (``<!ENTITY xxe SYSTEM "file:///etc/passwd">`` … ``&xxe;``) as an entity
node, and ``element.text`` stops in front of it: the text after it would be silently lost.
``inline_entities`` puts each such reference back as its literal text ("&xxe;"), so nothing
after it is cut, and says which names it met (the caller warns or refuses)."""

from __future__ import annotations

from lxml import etree


def inline_entities(root) -> list[str]:
    """Replace every unresolved entity node under ``root`` by the literal ``&name;`` text
    (joined with the text around it); the names met, in order, without repeats."""
    names: list[str] = []
    for node in list(root.iter(etree.Entity)):
        literal = node.text or f"&{node.name};"
        if node.name not in names:
            names.append(node.name)
        parent = node.getparent()
        if parent is None:
            continue
        before = node.getprevious()
        text = literal + (node.tail or "")
        if before is not None:
            before.tail = (before.tail or "") + text
        else:
            parent.text = (parent.text or "") + text
        parent.remove(node)
    return names
