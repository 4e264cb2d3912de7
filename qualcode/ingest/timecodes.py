"""Timecodes as they appear in transcripts and subtitle files, to and from seconds."""

from __future__ import annotations

import re

# Hours may have any number of digits: WebVTT allows 100 hours and more.
_TC = re.compile(r"^(?:(\d+):)?(\d{1,2}):(\d{2})(?:[.,](\d{1,3}))?$")


def parse_timecode(value: str) -> float:
    """``01:02:03.5``, ``01:02:03,500``, ``2:03`` -> seconds. Raises ValueError otherwise."""
    m = _TC.match(value.strip())
    if not m:
        raise ValueError(f"not a timecode: {value!r}")
    hours, minutes, seconds, frac = m.groups()
    total = int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds)
    if frac:
        total += int(frac.ljust(3, "0")) / 1000
    return float(total)


def format_timecode(seconds: float | None) -> str:
    if seconds is None:
        return ""
    whole = int(seconds)
    return f"{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}"
