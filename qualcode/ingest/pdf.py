"""PDF (with a text layer) to canonical text.

Extraction is pdfminer.six's layout analysis, chosen over pypdf for quality: it places word
spaces from the glyph positions (pypdf gave TAB-separated words for transcripts exported by QDA
tools) and groups lines into text boxes with their coordinates, which is what the clean-up
below needs:

* repeated headers and footers (the same line, digits aside, at the top or bottom of most pages)
  and page numbers (``7``, ``2/6``, ``Page 2 of 6``, ``- 3 -``) are removed;
* paragraph or line numbers in a margin column (a number alone left of the text column, or
  right of it, as QDA tools print them) are removed, also where the layout glued one to the
  start of a line; a numbered list inside the text column keeps its numbers;
* hard-wrapped lines inside a paragraph are joined with a space (a line that starts with a
  speaker label or a timestamp, or follows a short line, starts a new line); text boxes are
  paragraphs, separated by a blank line, and a paragraph running over a page break is joined;
* tabs become spaces.

Every FlateDecode stream is inflated under a size limit (pdfminer has none of its own), so a
PDF bomb is refused with a clear error instead of filling the memory.
"""

from __future__ import annotations

import io
import re
import threading
import zlib
from dataclasses import dataclass

from .speakers import _HEADER, _INLINE

MAX_STREAM = 128 * 2**20  # one decompressed stream
MAX_TOTAL = 512 * 2**20  # all streams of one PDF together


class PdfError(ValueError):
    pass


class PdfTooLarge(PdfError):
    pass


_budget = threading.local()


def _spend(n: int) -> None:
    left = getattr(_budget, "left", None)
    if n > MAX_STREAM:
        raise PdfTooLarge(f"the PDF holds a compressed stream of more than {MAX_STREAM // 2**20} "
                          "MiB (over the decompression limit; a PDF bomb?)")
    if left is not None:
        _budget.left = left - n
        if _budget.left < 0:
            raise PdfTooLarge(f"the PDF decompresses to more than {MAX_TOTAL // 2**20} MiB "
                              "(over the decompression limit; a PDF bomb?)")


class _BoundedDecompressor:
    def __init__(self, *args):
        self._d = zlib.decompressobj(*args)
        self._out = 0

    def decompress(self, data, max_length=0):
        limit = MAX_STREAM + 1 - self._out
        if max_length:
            limit = min(limit, max_length)
        out = self._d.decompress(data, limit)
        self._out += len(out)
        _spend(len(out))
        if self._out > MAX_STREAM:
            _spend(self._out)
        return out

    def flush(self, *args):
        out = self._d.flush(*args)
        _spend(len(out))
        return out

    def __getattr__(self, name):
        return getattr(self._d, name)


class _BoundedZlib:
    """Stands in for the ``zlib`` module inside pdfminer: same calls, bounded output."""
    error = zlib.error

    @staticmethod
    def decompress(data, *args):
        d = _BoundedDecompressor()
        out = d.decompress(data)
        if d.unconsumed_tail:
            raise PdfTooLarge(f"the PDF holds a compressed stream of more than "
                              f"{MAX_STREAM // 2**20} MiB (over the decompression limit)")
        return out + d.flush()

    decompressobj = _BoundedDecompressor

    def __getattr__(self, name):
        return getattr(zlib, name)


def _install() -> None:
    import pdfminer.pdftypes

    if not isinstance(pdfminer.pdftypes.zlib, _BoundedZlib):
        pdfminer.pdftypes.zlib = _BoundedZlib()


@dataclass
class _Line:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    page: int


_PAGE_NUMBER = re.compile(
    r"^(?:[-–—]\s*)?(?:(?:page|p\.|pag\.|pagina|seite|blz\.?|bladzijde)\s*)?\d{1,4}"
    r"(?:\s*(?:/|of|van|von|de|sur)\s*\d{1,4})?(?:\s*[-–—])?$", re.IGNORECASE)
_EDGE = 3
# Glyphs pdfminer cannot map print as "(cid:N)": a TAB (9) or other blank separates words.
_CID = re.compile(r"\(cid:(\d+)\)")


def _cid(m: re.Match) -> str:
    return " " if m.group(1) in ("9", "10", "13", "32", "160") else ""
  # lines at the top and at the bottom of a page that may be header/footer


def _pages(data: bytes) -> list[list[_Line]]:
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams, LTFigure, LTTextContainer, LTTextLine

    _install()
    pages: list[list[_Line]] = []
    _budget.left = MAX_TOTAL
    try:
        for page in extract_pages(io.BytesIO(data), laparams=LAParams(all_texts=True)):
            lines: list[_Line] = []

            def walk(container) -> None:  # text boxes, also inside figures (form XObjects)
                for element in container:
                    if isinstance(element, LTTextLine):
                        text = _CID.sub(_cid, element.get_text().replace("\n", " "))
                        text = re.sub(r"[ \t\u00a0]+", " ", text).strip()
                        if text:
                            lines.append(_Line(text, element.x0, element.x1, element.y1,
                                               element.y0, len(pages)))
                    elif isinstance(element, (LTTextContainer, LTFigure)):
                        walk(element)

            walk(page)
            pages.append(lines)
    finally:
        _budget.left = None
    return pages


def _strip_furniture(pages: list[list[_Line]]) -> list[list[_Line]]:
    """Remove running headers/footers and page numbers from the top and bottom of each page.
    A line repeated on most pages is furniture; one that repeats only with other digits is
    too ("Interview 3 – page 2"), unless it looks like a speaker line ("Anna de Vries 0:03")."""
    def edges(lines):
        ordered = sorted(range(len(lines)), key=lambda i: -lines[i].top)
        return set(ordered[:_EDGE]) | set(ordered[-_EDGE:])

    def key(text):
        return re.sub(r"\d+", "#", text.casefold())

    exact: dict[str, int] = {}
    loose: dict[str, int] = {}
    page_edges = []
    for lines in pages:
        idx = edges(lines)
        page_edges.append(idx)
        for text in {lines[i].text for i in idx}:
            exact[text] = exact.get(text, 0) + 1
        for k in {key(lines[i].text) for i in idx}:
            loose[k] = loose.get(k, 0) + 1
    need = max(2, len(pages) / 2)

    def furniture(line: _Line) -> bool:
        if _PAGE_NUMBER.match(line.text) or (len(pages) >= 2 and exact[line.text] >= need):
            return True
        k = key(line.text)
        return (len(pages) >= 2 and k != line.text.casefold() and loose[k] >= need
                and not _starts_turn(line.text))

    return [[line for i, line in enumerate(lines) if not (i in idx and furniture(line))]
            for lines, idx in zip(pages, page_edges)]


def _starts_turn(text: str) -> bool:
    return bool(_INLINE.match(text) or _HEADER.match(text) or re.match(r"^[\[(]?\d{1,3}:\d{2}", text))


def read_pdf(data: bytes) -> str:
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.psexceptions import PSException
    from pdfminer.pdfexceptions import PDFException

    try:
        pages = _pages(data)
    except PdfTooLarge:
        raise
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise PdfError(f"the PDF is encrypted ({exc or 'a password is needed'})") from None
    except (PDFException, PSException, ValueError, KeyError, TypeError, AttributeError,
            IndexError, AssertionError, zlib.error, RecursionError) as exc:
        raise PdfError(f"not a readable PDF ({type(exc).__name__}: {exc})") from None
    pages = _strip_furniture(_strip_margin(pages))
    return _paragraphs([line for lines in pages for line in lines])


_NUMBER_ONLY = re.compile(r"^\(?\d{1,5}[.)]?$")
_GLUED_NUMBER = re.compile(r"^(\d{1,5})\s+(?=\S)")


def _strip_margin(pages: list[list[_Line]]) -> list[list[_Line]]:
    """Remove paragraph/line numbers printed in a margin column: a line that is only a number
    and lies wholly left of the text column's left edge (or right of its right edge), and a
    number glued to a line that starts left of the text column. The text column is where most
    lines start (the most common left edge of lines that are not just a number)."""
    body = [line for lines in pages for line in lines if not _NUMBER_ONLY.match(line.text)]
    if not body:
        return pages
    starts: dict[int, int] = {}
    for line in body:
        starts[round(line.x0)] = starts.get(round(line.x0), 0) + 1
    left = min(x for x, n in starts.items() if n == max(starts.values()))
    ends = sorted(line.x1 for line in body)
    right = ends[int(len(ends) * 0.95)] if len(ends) >= 20 else ends[-1]
    out = []
    for lines in pages:
        kept = []
        for line in lines:
            if _NUMBER_ONLY.match(line.text) and (line.x1 <= left + 1 or line.x0 >= right - 1):
                continue  # a margin number
            m = _GLUED_NUMBER.match(line.text) if line.x0 < left - 3 else None
            if m:  # "12 Interviewer: ..." where the margin number was read into the line
                line = _Line(line.text[m.end():], left, line.x1, line.top, line.bottom,
                             line.page)
            kept.append(line)
        out.append(kept)
    return out


def _paragraphs(lines: list[_Line]) -> str:
    """Join hard-wrapped lines: a full-width line continues on the next line (also over a page
    break); a larger gap than the usual line spacing, a short line or a speaker label ends it."""
    if not lines:
        return ""
    # The text block's right edge: most lines reach it (an odd wide line does not move it).
    ends = sorted(line.x1 for line in lines)
    right = ends[int(len(ends) * 0.9)] if len(ends) >= 10 else ends[-1]
    left = min(line.x0 for line in lines)
    width = max(right - left, 1.0)
    gaps = sorted(a.bottom - b.top for a, b in zip(lines, lines[1:])
                  if a.page == b.page and a.bottom > b.top)
    usual = gaps[len(gaps) // 2] if gaps else 0.0
    out: list[str] = [lines[0].text]
    for prev, line in zip(lines, lines[1:]):
        height = max(prev.top - prev.bottom, 1.0)
        same_page = prev.page == line.page
        gap = prev.bottom - line.top
        big_gap = same_page and (gap > usual + 0.4 * height or gap < -height)
        full = prev.x1 >= right - 0.12 * width
        if _HEADER.match(prev.text):  # "Anna de Vries  0:03": the words follow on a new line
            sep = "\n"
        elif _starts_turn(line.text):
            sep = "\n\n" if big_gap or not same_page else "\n"
        elif big_gap:
            sep = "\n\n"
        elif full:
            sep = "" if prev.text.endswith("-") and line.text[:1].islower() else " "
        else:
            sep = "\n" if same_page else "\n\n"
        out.append(sep)
        out.append(line.text)
    return "".join(out)
