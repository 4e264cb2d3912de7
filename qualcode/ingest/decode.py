"""Bytes to text: encoding detection and the normalisation that defines canonical text."""

from __future__ import annotations

import codecs
import re
import unicodedata

from charset_normalizer import from_bytes

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufeff\ud800-\udfff\ufffe\uffff]")


class UndecodableError(ValueError):
    pass


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Return (text, encoding name): a BOM, else strict UTF-8, else Windows-1252, else detection."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return data.decode(name), name
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if b"\x00" not in data:
        # Interviews from Western European Windows machines: statistical detection guesses
        # wrongly on short texts, so Windows-1252 wins whenever it decodes cleanly.
        try:
            return data.decode("cp1252"), "cp1252"
        except UnicodeDecodeError:
            pass
    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise UndecodableError("cannot determine the text encoding (is this a binary file?)")
    text = str(best)
    if "\x00" in text:
        raise UndecodableError("looks like a binary file, not text")
    return text, best.encoding


def normalise(text: str) -> str:
    """Canonical text: NFC, \\n line ends, no control characters, no trailing spaces, no outer blank lines."""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n")
    text = _CONTROL.sub("", text)
    lines = [line.rstrip() for line in text.split("\n")]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines)


def align_offsets(raw: str, canonical: str, positions: list[int]) -> list[int]:
    """Map offsets into ``raw`` onto ``canonical == normalise(raw)`` of a text whose pieces were
    already NFC (so normalising only deleted characters: control characters, trailing spaces,
    outer blank lines). One forward walk over both texts; positions need not be sorted."""
    if raw == canonical or not positions:
        return [min(p, len(canonical)) for p in positions]
    order = sorted(range(len(positions)), key=positions.__getitem__)
    out = [0] * len(positions)
    i = j = 0
    k = 0
    n_raw, n_can = len(raw), len(canonical)
    while k < len(order):
        target = positions[order[k]]
        while i < target and i < n_raw:
            if j < n_can and raw[i] == canonical[j]:
                j += 1
            i += 1
        out[order[k]] = min(j, n_can)
        k += 1
    return out
