"""What reading and writing REFI-QDA projects share (Project-mrt2019.xsd of the REFI-QDA 1.5
standard): the namespace, the "Include when:" / "Exclude when:" lines of a code's Description,
the origin qualcode writes for UTF-16 positions, and how a selection's name quotes its text.

A .qdpx is a zip with ``project.qde`` (the XML) and the sources (``sources/<guid>.txt``).
``refi_read`` imports the projects of NVivo, ATLAS.ti, MAXQDA, QualCoder and others;
``refi_write`` exports qualcode's; ``refi_positions`` finds which position convention a file
uses; ``refi_archive`` opens the zip and its XML within bounds.
"""

from __future__ import annotations

import re
import unicodedata

NS = "urn:QDA-XML:project:1.0"
CRITERIA = re.compile(r"^(Include when|Exclude when):\s*(.*)$", re.M)
# the origin of a project qualcode wrote with positions in UTF-16 code units (read back as such)
UTF16_ORIGIN = "qualcode (positions in UTF-16 code units)"
_ELLIPSIS = re.compile(r"(\u2026|\.\.\.)$")


def squash(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def quote_matches(name: str | None, selected: str) -> bool | None:
    """Whether a selection's name quotes the text it selects (ATLAS.ti and QualCoder name a
    quotation by its text, ATLAS.ti cut at about 100 characters with an ellipsis); None when
    the name says nothing (empty)."""
    want = squash(name or "")
    if not want:
        return None
    got = squash(selected)
    if _ELLIPSIS.search(want):
        prefix = _ELLIPSIS.sub("", want).rstrip()
        return bool(prefix) and got.startswith(prefix)
    # a long name cut without an ellipsis (qualcode before 2026-12 wrote the first 60)
    return got == want or (len(want) >= 20 and got.startswith(want))


def quote_name(text: str, limit: int = 100) -> str:
    """A selection's name as ATLAS.ti writes it: its text, cut with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"
