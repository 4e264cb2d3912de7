"""Column widths of a Word table from its content, so that no word is broken inside ("Participa|nt",
"Cumulat|ive") and short columns (a location, a count) stay on one line where they can.

Text width is estimated from the number of characters, on the safe side: 0.62 em a character
(0.68 bold), which covers Calibri in Word and the wider fonts LibreOffice may put in its place,
plus the cell's left and right margins. Each column gets at
least its longest word and at most its longest line; the widest column (the quotes) flexes: it
gets what the others leave but at least a good share of the page, the others wrapping at a cap
first and down to their longest word if the page is still too narrow. The rendering is checked with LibreOffice (tests/test_docx_widths.py)."""

from __future__ import annotations

PAD = 0.26          # inches: the cell margins (Word 0.08", LibreOffice up to 0.1" a side) and slack
EM = 1 / 72         # inches per point


def text_width(text: str, font_pt: float = 9, bold: bool = False) -> float:
    """Estimated width in inches of ``text`` on one line."""
    return len(text) * font_pt * EM * (0.68 if bold else 0.62)


def content_widths(headers, rows, total: float, font_pt: float = 9,
                   flex: int | None = None, cap: float = 0.3,
                   floor: float = 0.3) -> list[float]:
    """Widths in inches (summing to ``total``) of the columns of a table with ``headers`` (bold)
    and body ``rows``. ``flex``: the column that takes the remaining width (default: the one
    with the longest line), at least ``floor`` × ``total`` when its text is that long; the
    others are at most ``cap`` × ``total`` wide unless their longest word needs more, and
    narrower (down to their longest word) when the flexing column needs the room."""
    n = len(headers)
    if n == 0:
        return []
    words = [text_width(max(str(h).split() or [""], key=len), font_pt, True) for h in headers]
    lines = [text_width(str(h), font_pt, True) for h in headers]
    for row in rows:
        for i, value in enumerate(list(row)[:n]):
            s = "" if value is None else str(value)
            for line in s.splitlines() or [""]:
                lines[i] = max(lines[i], text_width(line, font_pt))
                longest = max(line.split() or [""], key=len)
                words[i] = max(words[i], text_width(longest, font_pt))
    least = [w + PAD for w in words]
    most = [max(line + PAD, low) for line, low in zip(lines, least)]
    if flex is None:
        flex = max(range(n), key=lambda i: most[i])
    widths = [max(least[i], min(most[i], cap * total)) for i in range(n)]
    rest = total - sum(w for i, w in enumerate(widths) if i != flex)
    widths[flex] = max(least[flex], min(most[flex], max(floor * total, rest)))
    if sum(widths) > total:  # too wide: the other columns give back down to their longest word
        over = sum(widths) - total
        give = [widths[i] - least[i] if i != flex else 0.0 for i in range(n)]
        room = sum(give)
        if room > 0:
            share = min(1.0, over / room)
            widths = [w - g * share for w, g in zip(widths, give)]
    if sum(widths) > total:  # words longer than the page allows: everything scaled down
        scale = total / sum(widths)
        widths = [w * scale for w in widths]
    if sum(widths) < total:  # room left (a narrow table): the flexing column takes it
        widths[flex] += total - sum(widths)
    return [round(w, 3) for w in widths]
