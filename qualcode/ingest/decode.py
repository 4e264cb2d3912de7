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
            try:
                return data.decode(name), name
            except UnicodeDecodeError as exc:
                raise UndecodableError(
                    f"the file starts with a {name.upper()} byte-order mark but is not valid "
                    f"{name.upper()} (at byte {exc.start:,}: {exc.reason})") from None
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
    # Each step is skipped when a C-speed check shows it has nothing to do (the common case).
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\u2028" in text:
        text = text.replace("\u2028", "\n")
    if _has_control(text):
        text = _CONTROL.sub("", text)
    # Trailing spaces of every line, then the outer blank lines (lines now empty).
    return "\n".join([line.rstrip() for line in text.split("\n")]).strip("\n")


# The bytes that _CONTROL's characters (other than the BOM, non-characters and surrogates) are in UTF-8.
_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])


def _has_control(text: str) -> bool:
    """Whether ``_CONTROL`` matches ``text``, without a regex step per character: the UTF-8
    bytes are checked by ``bytes.translate`` and substring search, both C loops."""
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates
        return True
    if len(data.translate(None, _CONTROL_BYTES)) != len(data):
        return True
    if text.isascii() or b"\xef" not in data:  # U+FEFF, U+FFFE, U+FFFF all begin with EF
        return False
    return b"\xef\xbb\xbf" in data or b"\xef\xbf\xbe" in data or b"\xef\xbf\xbf" in data


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
