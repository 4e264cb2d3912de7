"""A cheap guess between Dutch and English (the driving study mixes both), by function words."""

from __future__ import annotations

import re
from collections import Counter

_NL = set("de het een en van ik je jij we wij niet dat die is was maar ook met voor op zijn naar "
          "er om dan wel nog als bij hij zij heel mijn ons".split())
_EN = set("the a an and of i you we not that this is was but also with for on are to "
          "there then well still as at he she very my our".split())
_WORD = re.compile(r"[^\W\d_]+")
WINDOW = 2000  # characters per sample window: some 300 words, a hundred of them function words


def sample(text: str, window: int = WINDOW) -> str:
    """Three windows (start, middle, end) of a long text; a short text whole. Enough words to
    tell Dutch from English, and a fixed cost however long the transcript is."""
    if len(text) <= 3 * window:
        return text
    middle = (len(text) - window) // 2
    return "\n".join((text[:window], text[middle:middle + window], text[-window:]))


def guess_language(text: str) -> str | None:
    words = Counter(_WORD.findall(sample(text).lower()))
    nl = sum(words[w] for w in _NL)
    en = sum(words[w] for w in _EN)
    if nl == en == 0:
        return None
    return "nl" if nl >= en else "en"
