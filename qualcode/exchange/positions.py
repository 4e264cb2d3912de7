"""Foreign positions onto canonical text, at the door.

qualcode stores every offset as a Python code point into the canonical ``Transcript.text``
(``qualcode.ingest.decode.normalise`` of the raw text). Other tools count differently:

* REFI-QDA means code points into the raw source text, before qualcode's canonicalisation
  (NFC, ``\\n`` line ends, control characters and trailing spaces removed) shifts them;
* NVivo writes UTF-16 code units (a BOM and both characters of CRLF count, an emoji counts 2);
* Taguette counts UTF-8 bytes of the text nodes of its HTML rendering of a document.

``normalise_with_map`` performs exactly ``normalise`` while tracking where every raw offset
lands; the converters below turn the other units into raw code points first.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate
from html.parser import HTMLParser

from ..ingest import decode
from ..ingest.decode import normalise

# The characters normalise removes; taken from it, so the two cannot drift apart silently (the
# property test checks the whole transformation against normalise itself).
_CONTROL = decode._CONTROL


# ---------------------------------------------------------------------------------------------
# raw text -> canonical text


def _boundary(i: int, n: int) -> int:
    """Index ``i`` of the ``n + 1`` boundaries of a text of ``n`` characters (negative from the
    end, as a list's); IndexError outside."""
    if i < 0:
        i += n + 1
    if not 0 <= i <= n:
        raise IndexError(i)
    return i


class EditMap:
    """The boundary map of a text of ``n`` characters after sorted, disjoint ``(start, end,
    new_length)`` replacements, held as the edits themselves (not one entry per character: a
    45 MiB source must not cost gigabytes). ``m[i]`` for ``0 <= i <= n``; inside a replaced
    range offsets are clamped."""

    __slots__ = ("n", "starts", "edits", "shifts")

    def __init__(self, n: int, edits: list[tuple[int, int, int]]):
        self.n = n
        self.edits = edits
        self.starts = [e[0] for e in edits]
        shifts, shift = [], 0
        for start, end, new in edits:
            shifts.append(shift)
            shift += new - (end - start)
        self.shifts = shifts

    def __len__(self) -> int:
        return self.n + 1

    def __getitem__(self, i: int) -> int:
        i = _boundary(i, self.n)
        k = bisect_right(self.starts, i) - 1
        if k < 0:
            return i
        start, end, new = self.edits[k]
        shift = self.shifts[k]
        if i < end:
            return start + shift + min(i - start, new)
        return i + shift + new - (end - start)

    def __iter__(self):
        return (self[i] for i in range(self.n + 1))


class ChainMap:
    """Maps applied one after the other (each a sequence of boundaries)."""

    __slots__ = ("maps",)

    def __init__(self, maps: list):
        self.maps = maps

    def __len__(self) -> int:
        return len(self.maps[0])

    def __getitem__(self, i: int) -> int:
        for m in self.maps:
            i = m[i]
        return i

    def __iter__(self):
        return (self[i] for i in range(len(self)))


class Identity:
    """The map of a step that changed nothing."""

    __slots__ = ("n",)

    def __init__(self, n: int):
        self.n = n

    def __len__(self) -> int:
        return self.n + 1

    def __getitem__(self, i: int) -> int:
        i = _boundary(i, self.n)
        return i

    def __iter__(self):
        return iter(range(self.n + 1))


def _compose(first, second):
    """Maps one after the other; None stands for the identity (a step that changed nothing)."""
    if second is None:
        return first
    if first is None:
        return second
    return ChainMap([*(first.maps if isinstance(first, ChainMap) else [first]), second])


def _edit_map(n: int, edits: list[tuple[int, int, int]]) -> EditMap:
    """The boundary map of a text of ``n`` characters after ``edits``: sorted, disjoint
    ``(start, end, new_length)`` replacements. Inside a replaced range offsets are clamped."""
    return EditMap(n, edits)


@lru_cache(maxsize=1)
def _composes_backwards() -> frozenset[str]:
    """Characters that NFC may merge into the character before them (NFC_Quick_Check=Maybe)."""
    out = set()
    for cp in range(0x110000):
        d = unicodedata.decomposition(chr(cp))
        if not d or d.startswith("<"):
            continue
        parts = d.split()
        if len(parts) == 2:
            a, b = chr(int(parts[0], 16)), chr(int(parts[1], 16))
            if unicodedata.normalize("NFC", a + b) == chr(cp):
                out.add(b)
    return frozenset(out)


@lru_cache(maxsize=4096)
def _starter(ch: str) -> bool:
    """Whether NFC can never join ``ch`` with anything before it (a safe chunk boundary)."""
    if unicodedata.combining(ch) or ch in _composes_backwards():
        return False
    if "\u1160" <= ch <= "\u11ff":  # Hangul vowel and trailing jamo compose algorithmically
        return False
    first = unicodedata.normalize("NFD", ch)[0]
    return not unicodedata.combining(first)


@lru_cache(maxsize=1)
def _unstable() -> re.Pattern:
    """Characters NFC may change or join to their neighbour (everything else maps 1:1)."""
    chars = []
    for cp in range(0x110000):
        ch = chr(cp)
        if 0xD800 <= cp <= 0xDFFF:
            continue
        if (unicodedata.combining(ch) or unicodedata.decomposition(ch)
                or 0x1100 <= cp <= 0x11FF or 0xAC00 <= cp <= 0xD7A3):
            chars.append(ch)
    chars.extend(_composes_backwards())
    ranges = []
    for cp in sorted({ord(c) for c in chars}):
        if ranges and ranges[-1][1] == cp - 1:
            ranges[-1][1] = cp
        else:
            ranges.append([cp, cp])
    cls = "".join(re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}"
                  for a, b in ranges)
    return re.compile(f"[{cls}]")


def _nfc_with_map(text: str) -> tuple[str, list[int] | None]:
    if unicodedata.is_normalized("NFC", text):
        return text, None
    n = len(text)
    edits: list[tuple[int, int, int]] = []
    out: list[str] = []
    pos = 0
    for m in _unstable().finditer(text):
        i = m.start()
        if i < pos:
            continue
        # the chunk: back to the last starter, forward over everything that may join it
        while i > pos and not _starter(text[i]):
            i -= 1
        j = max(i + 1, m.end())
        while j < n and not _starter(text[j]):
            j += 1
        chunk = text[i:j]
        done = unicodedata.normalize("NFC", chunk)
        if done != chunk:
            out.append(text[pos:i])
            out.append(done)
            edits.append((i, j, len(done)))
            pos = j
    out.append(text[pos:])
    return "".join(out), _edit_map(n, edits) if edits else None


_NEWLINE = re.compile("\r\n|\r|\u2028")


def _newlines_with_map(text: str) -> tuple[str, list[int] | None]:
    edits = [(m.start(), m.end(), 1) for m in _NEWLINE.finditer(text)]
    if not edits:
        return text, None
    return _NEWLINE.sub("\n", text), _edit_map(len(text), edits)


def _controls_with_map(text: str) -> tuple[str, list[int] | None]:
    edits = [(m.start(), m.end(), 0) for m in _CONTROL.finditer(text)]
    if not edits:
        return text, None
    return _CONTROL.sub("", text), _edit_map(len(text), edits)


def _lines_with_map(text: str) -> tuple[str, list[int] | None]:
    """Trailing white space off every line, blank lines off both ends (as normalise does)."""
    lines = text.split("\n")
    spans = []
    pos = 0
    for line in lines:
        spans.append((pos, pos + len(line.rstrip()), pos + len(line)))
        pos += len(line) + 1
    first = 0
    while first < len(spans) and spans[first][0] == spans[first][1]:
        first += 1
    last = len(spans) - 1
    while last >= first and spans[last][0] == spans[last][1]:
        last -= 1
    if first > last:
        return "", EditMap(len(text), [(0, len(text), 0)])
    edits = []
    if spans[first][0] > 0:
        edits.append((0, spans[first][0], 0))
    for a, stripped, end in spans[first:last]:
        if stripped < end:
            edits.append((stripped, end, 0))
    if spans[last][1] < len(text):
        edits.append((spans[last][1], len(text), 0))
    out = "\n".join(text[a:b] for a, b, _e in spans[first:last + 1])
    return out, _edit_map(len(text), edits) if edits else None


def normalise_with_map(raw: str) -> tuple[str, list[int]]:
    """``(normalise(raw), raw_to_canonical)``: ``raw_to_canonical[i]`` is the canonical offset
    of the boundary before raw code point ``i`` (``len(raw) + 1`` entries), so a raw span
    ``[s, e)`` is ``[m[s], m[e])`` in canonical text. Removed characters collapse onto the
    next kept one; inside a letter with combining accents offsets are clamped to the letter."""
    text, mapping = _nfc_with_map(raw)
    text, m2 = _newlines_with_map(text)
    mapping = _compose(mapping, m2)
    text, m3 = _controls_with_map(text)
    mapping = _compose(mapping, m3)
    text, m4 = _lines_with_map(text)
    mapping = _compose(mapping, m4)
    return text, mapping if mapping is not None else Identity(len(raw))


def canonical_with_map(raw: str) -> tuple[str, list[int], bool]:
    """``normalise_with_map``, checked against ``normalise`` itself. If the two ever differ
    (normalise changed), the map is rebuilt by aligning raw and canonical text; the flag
    says so."""
    text, mapping = normalise_with_map(raw)
    canonical = normalise(raw)
    if text == canonical:
        return text, mapping, False
    return canonical, align_map(raw, canonical), True


def align_map(raw: str, canonical: str) -> list[int]:
    """A raw -> canonical boundary map from a character alignment (slow path)."""
    from difflib import SequenceMatcher

    mapping = [0] * (len(raw) + 1)
    matcher = SequenceMatcher(None, raw, canonical, autojunk=False)
    filled = 0
    for a, b, size in matcher.get_matching_blocks():
        for k in range(filled, a):
            mapping[k] = b
        for k in range(size):
            mapping[a + k] = b + k
        filled = a + size
    for k in range(filled, len(raw) + 1):
        mapping[k] = len(canonical)
    # keep it monotonic
    for k in range(1, len(mapping)):
        mapping[k] = max(mapping[k], mapping[k - 1])
    return mapping


# ---------------------------------------------------------------------------------------------
# foreign units -> raw code points


@dataclass(frozen=True)
class Convention:
    """How a tool counted positions in a raw text."""

    utf16: bool = False  # UTF-16 code units (astral characters count 2) instead of code points
    bom: bool = False  # a leading BOM counts as one position
    crlf_one: bool = False  # CR LF counts as one position
    # a bare LF counts as two positions: the tool counted CR LF line ends in its own text, but
    # the plain text file has LF only (NVivo for Windows; an archive re-packed after git or an
    # editor turned CR LF into LF)
    lf_two: bool = False

    @property
    def label(self) -> str:
        unit = "UTF-16 code units" if self.utf16 else "code points"
        details = ["BOM counted" if self.bom else "BOM not counted",
                   "CRLF as one" if self.crlf_one else "CRLF as two"]
        if self.lf_two:
            details.append("LF counted as CR LF")
        return f"{unit} ({', '.join(details)})"


CODEPOINTS = Convention()
NVIVO_UTF16 = Convention(utf16=True, bom=True)


_CRLF = re.compile("\r\n")
_BARE_LF = re.compile("(?<!\r)\n")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


class UnitMap:
    """Positions in some unit over a raw text (which may start with U+FEFF) -> raw code points."""

    def __init__(self, raw: str, convention: Convention):
        self.raw = raw
        self.convention = convention
        # Only the characters whose width is not 1, sorted (not a width per character: a huge
        # source must not cost memory per character).
        widths: dict[int, int] = {}
        if raw.startswith("\ufeff") and not convention.bom:
            widths[0] = 0
        if convention.crlf_one:
            for m in _CRLF.finditer(raw):
                widths[m.start()] = 0
        if convention.utf16:
            for m in _ASTRAL.finditer(raw):
                widths[m.start()] = 2
        if convention.lf_two:
            for m in _BARE_LF.finditer(raw):
                widths[m.start()] = 2
        n = len(raw)
        # Segment k holds raw indexes (idx[k-1], idx[k]]: there units(i) = i + extra[k]
        self._first = [0]   # first raw index of each segment
        self._extra = [0]   # units minus raw index within each segment
        self._last = []     # the largest unit count of each segment but the last
        extra = 0
        for idx in sorted(widths):
            self._last.append(idx + extra)
            extra += widths[idx] - 1
            self._first.append(idx + 1)
            self._extra.append(extra)
        self.total = n + extra

    def units_before(self, i: int) -> int:
        """Units before raw index ``i`` (``0 <= i <= len(raw)``)."""
        k = bisect_right(self._first, i) - 1
        return i + self._extra[k]

    def index(self, pos: int) -> tuple[int, bool]:
        """(raw index, exact): exact is False when ``pos`` falls inside a character (half a
        surrogate pair) or beyond the text (then the index is clamped to the end). Between the
        CR and the LF of a line end counted as CR LF (``lf_two``) is exact: the end of the
        line."""
        if pos >= self.total:
            return len(self.raw), pos == self.total
        if pos <= 0:
            return 0, pos == 0
        k = bisect_left(self._last, pos)  # the first segment reaching pos
        i = max(pos - self._extra[k], self._first[k])
        if i + self._extra[k] == pos:
            return i, True
        if self.convention.lf_two and self.raw[i - 1] == "\n":
            return i - 1, True  # after the virtual CR: before the LF
        return i, False


def utf16_to_codepoint(text: str, pos: int) -> int:
    """A UTF-16 code unit offset into ``text`` as a code point offset."""
    return UnitMap(text, Convention(utf16=True, bom=True)).index(pos)[0]


def codepoint_to_utf16(text: str, pos: int) -> int:
    return len(text[:pos].encode("utf-16-le")) // 2


def utf8_to_codepoint(text: str, pos: int) -> int:
    """A UTF-8 byte offset into ``text`` as a code point offset (inside a character: after it)."""
    data = text.encode("utf-8")
    pos = max(0, min(pos, len(data)))
    while pos < len(data) and 0x80 <= data[pos] <= 0xBF:
        pos += 1
    return len(data[:pos].decode("utf-8"))


# ---------------------------------------------------------------------------------------------
# Taguette: UTF-8 bytes of the text nodes of an HTML document -> plain raw text

_BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "tr",
           "table", "ul", "ol", "dl", "dt", "dd", "caption", "thead", "tbody", "section",
           "article", "header", "footer", "body", "html"}
_SKIP = {"script", "style", "head", "title"}


class _HtmlText(HTMLParser):
    """The text nodes of an HTML document in order, turned into plain text: whitespace
    collapsed as a browser shows it (kept inside <pre>), a blank line between blocks, a line
    break for <br>, a tab between table cells. Records, per UTF-8 byte of the text nodes,
    where the character landed in the plain text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.byte_starts: list[int] = []  # UTF-8 byte offset of each text-node character
        self.char_pos: list[int | None] = []  # its index in the plain text (None: dropped)
        self.nbytes = 0
        self.pending = ""  # separator waiting for the next visible character
        self.space = False
        self.pre = 0
        self.skip = 0
        self.length = 0  # characters in out
        self.after_pre = False

    def _put(self, piece: str) -> None:
        self.out.append(piece)
        self.length += len(piece)

    def _sep(self, sep: str) -> None:
        if not self.out:
            return
        if len(sep) > len(self.pending):
            self.pending = sep
        self.space = False

    def handle_starttag(self, tag, attrs):
        self.after_pre = False
        if tag in _SKIP:
            self.skip += 1
        elif tag == "br":
            self._emit_sep("\n")
        elif tag in ("td", "th"):
            self._sep("\t")
        elif tag in _BLOCKS:
            self._sep("\n\n" if tag not in ("li", "tr", "dt", "dd") else "\n")
        if tag == "pre":
            self.pre += 1
            self.after_pre = True  # HTML drops a newline right after <pre>

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in _SKIP:
            self.skip -= 1

    def handle_endtag(self, tag):
        self.after_pre = False
        if tag in _SKIP:
            self.skip = max(0, self.skip - 1)
        elif tag in _BLOCKS:
            self._sep("\n\n" if tag not in ("li", "tr", "dt", "dd") else "\n")
        if tag == "pre":
            self.pre = max(0, self.pre - 1)

    def _emit_sep(self, sep: str) -> None:
        if self.out:
            self._put(sep)
            self.pending = ""
            self.space = False

    def handle_data(self, data):
        if self.after_pre:
            self.after_pre = False
            if data.startswith("\n"):
                data = data[1:]
                if not data:
                    return
        sizes = [1 if c < "\x80" else 2 if c < "\u0800" else 3 if c < "\U00010000" else 4
                 for c in data]
        self.byte_starts.extend(accumulate(sizes, initial=self.nbytes))
        self.byte_starts.pop()
        self.nbytes += sum(sizes)
        if self.skip:
            self.char_pos.extend([None] * len(data))
            return
        if self.pre:
            runs = [data]
        else:
            runs = _RUNS.findall(data)
        for run in runs:
            if not self.pre and run[0] in " \t\n\r\f":
                self.space = bool(self.out) and not self.pending
                self.char_pos.extend([None] * len(run))
                continue
            if self.pending:
                self._put(self.pending)
                self.pending = ""
            elif self.space:
                self._put(" ")
            self.space = False
            self.char_pos.extend(range(self.length, self.length + len(run)))
            self._put(run)


_RUNS = re.compile("[ \t\n\r\f]+|[^ \t\n\r\f]+")


@dataclass
class HtmlText:
    text: str  # the plain raw text (not yet canonical)
    byte_starts: list[int]
    char_pos: list[int | None]
    nbytes: int

    def span(self, start_byte: int, end_byte: int) -> tuple[int, int]:
        """A [start, end) span of text-node UTF-8 bytes as a span of the plain text."""
        # a position inside a multi-byte character moves to the next character (as Taguette
        # does when it extracts a highlight)
        i = bisect_left(self.byte_starts, start_byte)
        j = bisect_left(self.byte_starts, end_byte)  # characters [i, j) are in the span
        start = next((p for p in self.char_pos[i:j] if p is not None), None)
        end = next((p for p in reversed(self.char_pos[i:j]) if p is not None), None)
        if start is None or end is None:
            here = next((p for p in self.char_pos[j:] if p is not None), len(self.text))
            return here, here
        return start, end + 1


def html_text(html: str) -> HtmlText:
    """Plain text of an HTML document with the byte -> character map of its text nodes, as a
    browser (or html5lib) builds them: CR LF and lone CR read as LF first."""
    html = html.replace("\r\n", "\n").replace("\r", "\n")
    parser = _HtmlText()
    parser.feed(html)
    parser.close()
    return HtmlText("".join(parser.out), parser.byte_starts, parser.char_pos, parser.nbytes)
