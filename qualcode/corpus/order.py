"""The order in which interviews were held, and where that order comes from.

Saturation is a claim about a sequence, so the order matters. It is, per transcript:

1. **explicit**: the interview order set by the researcher (front matter ``interview_order``,
   the attribute sheet, the Transcripts page, ``qualcode attributes``);
2. **date**: else an interview-date attribute (``interview_date``, ``date``, ``datum``, …) in ISO
   (2017-04-11) or a common written form (11-04-2017, 11/04/2017 — day first —, 11 April 2017,
   April 11, 2017, 11 april 2017 in Dutch);
3. **name**: else a *natural* sort of the names (P2 before P10, case-insensitive).

Explicitly ordered interviews come first, then dated ones by date, then the rest by name; ties
(two interviews with the same order number, or the same date) are broken by date and then name,
and are reported, because the position of either is then a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from natsort import natsort_keygen, ns

from ..store.models import Transcript

EXPLICIT, DATE, NAME = "explicit", "date", "name"
DATE_KEYS = ("interview_date", "interview date", "interviewdate", "date", "datum",
             "interviewdatum", "date of interview")
_natural = natsort_keygen(alg=ns.IGNORECASE)
_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y",
            "%d %B %Y", "%d %b %Y", "%B %d %Y", "%b %d %Y", "%d-%b-%Y", "%Y%m%d",
            "%d-%m-%y", "%d/%m/%y")
_DUTCH = {"januari": "january", "februari": "february", "maart": "march", "mei": "may",
          "juni": "june", "juli": "july", "augustus": "august", "oktober": "october",
          "mrt": "mar", "okt": "oct"}


def parse_date(value) -> date | None:
    """A calendar date from an attribute value, or None when it is not one."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        pass
    text = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", text.lower())
    text = re.sub(r"[a-z]+", lambda m: _DUTCH.get(m.group(0), m.group(0)), text)
    text = re.sub(r"\s*,\s*|\s+", " ", text).strip()
    for fmt in _FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def interview_date(attributes: dict | None) -> date | None:
    attrs = {str(k).strip().lower(): v for k, v in (attributes or {}).items()}
    for key in DATE_KEYS:
        if key in attrs:
            found = parse_date(attrs[key])
            if found is not None:
                return found
    return None


def natural_key(name: str):
    return _natural(name or "")


@dataclass(frozen=True)
class Placed:
    transcript: Transcript
    position: int  # 1-based place in the derived order
    source: str  # "explicit" | "date" | "name"
    date: date | None
    shared_with: tuple[str, ...] = ()  # names of interviews that share its order number or date

    @property
    def name(self) -> str:
        return self.transcript.name


def order_transcripts(transcripts: list[Transcript]) -> list[Placed]:
    """``transcripts`` in interview order, each with its position and the source of its order."""
    facts = []
    for t in transcripts:
        when = interview_date(t.attributes)
        if t.interview_order is not None:
            source, tier, value = EXPLICIT, 0, t.interview_order
        elif when is not None:
            source, tier, value = DATE, 1, 0
        else:
            source, tier, value = NAME, 2, 0
        facts.append((t, source, when, (tier, value, when or date.max, natural_key(t.name), t.id)))
    facts.sort(key=lambda f: f[3])
    groups: dict[tuple, list[str]] = {}
    for t, source, when, _ in facts:
        if source == EXPLICIT:
            groups.setdefault((EXPLICIT, t.interview_order), []).append(t.name)
        elif source == DATE:
            groups.setdefault((DATE, when), []).append(t.name)
    placed = []
    for i, (t, source, when, _) in enumerate(facts, 1):
        key = (EXPLICIT, t.interview_order) if source == EXPLICIT else (DATE, when)
        others = tuple(n for n in groups.get(key, ()) if n != t.name) if source != NAME else ()
        placed.append(Placed(t, i, source, when, others))
    return placed


def order_warnings(placed: list[Placed]) -> list[str]:
    """One sentence per group of interviews sharing a position."""
    seen: set[frozenset] = set()
    out = []
    for p in placed:
        if not p.shared_with:
            continue
        group = frozenset((p.name, *p.shared_with))
        if group in seen:
            continue
        seen.add(group)
        names = sorted(group, key=natural_key)
        what = (f"interview order {p.transcript.interview_order}" if p.source == EXPLICIT
                else f"the interview date {p.date.isoformat()}")
        out.append(f"{', '.join(names)} share {what}; their relative order is a guess "
                   "(by date, then name). Set an explicit interview order to decide it.")
    return out
