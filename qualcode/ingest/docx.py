"""Word .docx to canonical text, read straight from ``word/document.xml`` (after the zip checks),
with the anchors of Word comments (``commentRangeStart``/``commentRangeEnd``) located in the same
pass, so that they land on the right code points of the canonical text.

Paragraphs are separated by a blank line (unlabelled text becomes one turn per paragraph); a
tab (``<w:tab/>``) stays a tab, so tab-indented ``MODERATOR:`` labels are found; a line break is a
line end. A two-column table row whose first cell is short reads as ``Speaker: words``.
Deleted tracked changes and the fallback copies of text boxes are not text.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from lxml import etree

from .xml_entities import inline_entities

from .decode import align_offsets, normalise
from .limits import LimitError, check_zip, read_member

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
W15 = "http://schemas.microsoft.com/office/word/2012/wordml"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


P, TBL, TR, TC, T = _w("p"), _w("tbl"), _w("tr"), _w("tc"), _w("t")
TAB, BR, CR, NBH = _w("tab"), _w("br"), _w("cr"), _w("noBreakHyphen")
CRS, CRE, CREF = _w("commentRangeStart"), _w("commentRangeEnd"), _w("commentReference")
_PARA_TAGS = (T, TAB, BR, CR, NBH, CRS, CRE, CREF)
_SKIP_BLOCKS = {_w("sectPr"), _w("tblPr"), _w("tblGrid"), _w("trPr"), _w("tcPr"), _w("pPr"),
                _w("del"), _w("moveFrom")}
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


class DocxError(ValueError):
    pass


@dataclass
class WordComment:
    """A Word comment: its text, author and the span of canonical text it is anchored to."""
    id: str
    author: str
    text: str
    start: int
    end: int
    is_reply: bool = False


@dataclass
class _Para:
    text: str = ""
    marks: list = field(default_factory=list)  # (offset in text, kind "s"/"e"/"r", comment id)


def _paragraph(p) -> _Para:
    pieces: list[str] = []
    marks: list = []
    n = 0
    for el in p.iter(*_PARA_TAGS):
        tag = el.tag
        if tag == T:
            s = el.text or ""
            if s:
                if not s.isascii():
                    s = unicodedata.normalize("NFC", s)
                pieces.append(s)
                n += len(s)
        elif tag == TAB:
            if el.getparent() is not None and el.getparent().tag == _w("tabs"):
                continue  # a tab stop definition in the paragraph properties
            pieces.append("\t")
            n += 1
        elif tag in (BR, CR):
            pieces.append("\n")
            n += 1
        elif tag == NBH:
            pieces.append("-")
            n += 1
        else:
            kind = "s" if tag == CRS else "e" if tag == CRE else "r"
            marks.append((n, kind, el.get(_w("id"))))
    return _Para("".join(pieces), marks)


def _join(paras: list[_Para], sep: str) -> _Para:
    out = _Para()
    for i, para in enumerate(paras):
        if i:
            out.text += sep
        base = len(out.text)
        out.marks.extend((base + pos, kind, cid) for pos, kind, cid in para.marks)
        out.text += para.text
    return out


def _blocks(parent, out: list[_Para]) -> None:
    for child in parent:
        tag = child.tag
        if tag == P:
            out.append(_paragraph(child))
        elif tag == TBL:
            _table(child, out)
        elif isinstance(tag, str) and tag not in _SKIP_BLOCKS:
            _blocks(child, out)  # content controls, custom XML, inserted blocks


def _table(tbl, out: list[_Para]) -> None:
    for tr in tbl.iter(TR):
        if tr.getparent() is not tbl and tr.getparent().getparent() is not tbl:
            continue  # a row of a nested table: read with its cell
        cells = []
        for tc in tr.iter(TC):
            if tc.getparent() is not tr:
                continue
            paras: list[_Para] = []
            _blocks(tc, paras)
            cell = _join([q for q in paras if q.text.strip() or q.marks], "\n")
            if cell.text.strip() or cell.marks:
                cells.append(cell)
        if len(cells) == 2 and 0 < len(cells[0].text.strip()) <= 40 and "\n" not in cells[0].text.strip():
            label = _Para(cells[0].text.strip().rstrip(":") + ":", [(0, k, c) for _p, k, c in cells[0].marks])
            out.append(_join([label, cells[1]], " "))
        elif cells:
            out.append(_join(cells, "\t"))


def read_docx(data: bytes) -> tuple[str, list[WordComment]]:
    """Canonical text of a .docx and its comments anchored in that text."""
    try:
        archive = check_zip(data, "Word .docx file")
    except LimitError as exc:
        raise DocxError(str(exc)) from None
    xml = read_member(archive, "word/document.xml", "Word .docx file")
    if xml is None:
        raise DocxError("not a Word .docx file (no word/document.xml; another format renamed?)")
    try:
        root = etree.fromstring(xml, parser=_PARSER)
    except etree.XMLSyntaxError as exc:
        raise DocxError(f"the Word file is damaged ({exc})") from None
    entities = inline_entities(root)
    if entities:  # Word never writes a DTD: a crafted file; refused rather than cut short
        raise DocxError("the Word file declares its own XML entities ("
                        + ", ".join(f"&{n};" for n in entities[:5]) + "), which Word never "
                        "writes; refused (they are never resolved)")
    # Not text: fallback copies of text boxes, deleted and moved-away tracked changes.
    for gone in list(root.iter(f"{{{MC}}}Fallback", _w("del"), _w("moveFrom"))):
        parent = gone.getparent()
        if parent is not None:
            parent.remove(gone)
    body = root.find(_w("body"))
    paras: list[_Para] = []
    if body is not None:
        _blocks(body, paras)
    kept = [q for q in paras if q.text.strip() or q.marks]
    # Empty paragraphs carrying only comment marks still place them; their text is "".
    raw = _join(kept, "\n\n")
    text = normalise(raw.text)
    positions = align_offsets(raw.text, text, [pos for pos, _k, _c in raw.marks])
    comments = _comments(archive, raw.marks, positions, text)
    return text, comments


def _comments(archive, marks, positions, text: str) -> list[WordComment]:
    xml = read_member(archive, "word/comments.xml", "Word .docx file")
    if xml is None:
        return []
    try:
        root = etree.fromstring(xml, parser=_PARSER)
        inline_entities(root)
    except etree.XMLSyntaxError as exc:
        raise DocxError(f"the comments of the Word file are damaged ({exc})") from None
    replies = _reply_paragraphs(archive)
    starts: dict[str, int] = {}
    ends: dict[str, int] = {}
    refs: dict[str, int] = {}
    for (_pos, kind, cid), at in zip(marks, positions):
        target = starts if kind == "s" else ends if kind == "e" else refs
        target.setdefault(cid, at)
    out = []
    for el in root.iter(_w("comment")):
        cid = el.get(_w("id"))
        paras = [_paragraph(p) for p in el.iter(P)]
        body = "\n".join(p.text for p in paras).strip()
        last_id = None
        for p in el.iter(P):
            last_id = p.get(f"{{{W14}}}paraId") or last_id
        start = starts.get(cid, refs.get(cid))
        end = ends.get(cid, refs.get(cid))
        if start is None and end is None:
            continue  # not anchored in the body (a header, footnote or deleted text)
        start = end if start is None else start
        end = start if end is None or end < start else end
        if start == end:  # a point comment: the paragraph it sits in
            start = text.rfind("\n\n", 0, start) + 1
            start = start + 1 if start else 0
            nxt = text.find("\n\n", end)
            end = len(text) if nxt < 0 else nxt
        author = (el.get(_w("author")) or el.get(_w("initials")) or "").strip()
        out.append(WordComment(cid, author, body, start, end, is_reply=last_id in replies))
    return out


def _reply_paragraphs(archive) -> set[str]:
    """paraIds of comments that answer another comment (word/commentsExtended.xml)."""
    xml = read_member(archive, "word/commentsExtended.xml", "Word .docx file")
    if not xml:
        return set()
    try:
        root = etree.fromstring(xml, parser=_PARSER)
    except etree.XMLSyntaxError:
        return set()
    return {el.get(f"{{{W15}}}paraId") for el in root.iter(f"{{{W15}}}commentEx")
            if el.get(f"{{{W15}}}paraIdParent")}
