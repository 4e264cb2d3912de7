"""Which position convention a REFI-QDA file uses: code points (as the standard says), NVivo's
UTF-16 code units, a BOM or CR LF counted or not; detected from the selections themselves."""

from __future__ import annotations

import re
from collections import defaultdict

from .positions import CODEPOINTS, NVIVO_UTF16, Convention, UnitMap
from .refi_common import quote_matches

# --positions of ``qualcode import``: None means detect
POSITIONS = {"auto": None, "codepoint": CODEPOINTS, "utf16": NVIVO_UTF16}
_BARE_LF = re.compile("(?<!\r)\n")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def detect_convention(raws: dict[str, str], selections, tool: str) -> Convention:
    """The position convention that fits the selections best: none past the end of its text,
    none inside a surrogate pair, most selections on the text their name quotes (ATLAS.ti,
    QualCoder), fewest cutting a word; ties go to the file's origin (NVivo writes UTF-16 code
    units and counts CR LF as two, also when the plain text file has bare LF line ends;
    ATLAS.ti and MAXQDA count a CR LF of the file as one) and then to REFI's code points."""
    any_bom = any(r.startswith("\ufeff") for r in raws.values())
    any_crlf = any("\r\n" in r for r in raws.values())
    any_lf = any(_BARE_LF.search(r) for r in raws.values())
    any_astral = any(_ASTRAL.search(r) for r in raws.values())
    candidates = []
    for utf16 in ((False, True) if any_astral else (False,)):
        for bom in ((False, True) if any_bom else (False,)):
            for crlf_one in ((False, True) if any_crlf else (False,)):
                for lf_two in ((False, True) if any_lf else (False,)):
                    candidates.append(Convention(utf16=utf16, bom=bom, crlf_one=crlf_one,
                                                 lf_two=lf_two))
    low = tool.lower()
    nvivo = "nvivo" in low or "utf-16" in low
    if nvivo:
        # NVivo counts CR LF as two; for Windows its text has CR LF even where the file has LF
        preferred = Convention(utf16=True, bom=True, lf_two="windows" in low and any_lf)
    elif ("atlas" in low or "maxqda" in low) and any_crlf:
        preferred = Convention(crlf_one=True)
    else:
        preferred = CODEPOINTS

    def prior(c: Convention) -> tuple:
        return (c != preferred, c.utf16 != preferred.utf16, c.lf_two != preferred.lf_two,
                c.bom != preferred.bom, c.crlf_one != preferred.crlf_one)

    if len(candidates) == 1:
        return candidates[0]
    by_source = defaultdict(list)
    for sel in selections:
        if sel.start is not None and sel.source in raws:
            by_source[sel.source].append(sel)
    best, best_score = None, None
    for c in candidates:
        score = 0
        for g, sels in by_source.items():
            raw = raws[g]
            units = UnitMap(raw, c)
            for sel in sels:
                a, b = sorted((sel.start, sel.end))
                for p in (a, b):
                    i, exact = units.index(p)
                    if p > units.total or p < 0:
                        score += 1000
                    elif not exact:
                        score += 100
                    elif 0 < i < len(raw) and raw[i - 1].isalnum() and raw[i].isalnum():
                        score += 1
                if sel.name and 0 <= a and b <= units.total:
                    if quote_matches(sel.name, raw[units.index(a)[0]:units.index(b)[0]]) is False:
                        score += 20
        key = (score, prior(c))
        if best_score is None or key < best_score:
            best, best_score = c, key
    return best or preferred
