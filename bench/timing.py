"""The line every benchmark prints for a figure: its name, the time it took, its target and ok
or SLOW (run the benchmarks as scripts, ``python bench/bench_x.py``: this folder is then on the
import path)."""

from __future__ import annotations

import time


def report(name: str, took: float, target: float, width: int = 12, digits: int = 1) -> None:
    verdict = "ok" if took <= target else "SLOW"
    print(f"{name:<{width}} {took:7.3f} s   target {target:.{digits}f} s   {verdict}")


def timed(name: str, fn, target: float, width: int = 12, digits: int = 1):
    """Run ``fn`` once, print its time against ``target``, return its result."""
    start = time.perf_counter()
    result = fn()
    report(name, time.perf_counter() - start, target, width, digits)
    return result
