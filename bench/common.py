"""Helpers shared by the benchmark scripts: the machine line and docs/performance.md."""

import contextlib
import datetime
import functools
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PERFORMANCE_MD = ROOT / "docs" / "performance.md"


@functools.cache
def loop_seconds():
    """Seconds a ten-million-step pure-Python loop takes (the best of three): how fast
    this machine runs Python today. The machines these benches run on share their
    cores, and the same code measures up to 1.7 times slower on one day than another;
    this figure, in every report's header, says which kind of day a table comes from."""
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        total = 0
        for step in range(10_000_000):
            total += step
        best = min(best, time.perf_counter() - started)
    return best


def machine():
    """ "2026-11-24; 2 cores, AMD EPYC 7B13; Python 3.11.7; Python loop 0.62 s" for the
    report headers (``loop_seconds``)."""
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError, StopIteration):
        cpu = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    return (
        f"{datetime.date.today().isoformat()}; {os.cpu_count()} cores, {cpu}; "
        f"Python {platform.python_version()}; Python loop {loop_seconds():.2f} s"
    )


def percentile(samples, fraction):
    """The ``fraction`` percentile (0.5, 0.99, ...) of ``samples``, nearest rank."""
    ordered = sorted(samples)
    if not ordered:
        return float("nan")
    if fraction == 0.5:
        return statistics.median(ordered)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


def write_section(name, section):
    """Put ``section`` into docs/performance.md between the markers for ``name``,
    replacing what a previous run wrote there (or appending it the first time)."""
    begin, end = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
    body = f"{begin}\n{section.strip()}\n{end}"
    text = PERFORMANCE_MD.read_text() if PERFORMANCE_MD.exists() else "# Performance\n"
    if begin in text and end in text:
        text = text.split(begin)[0] + body + text.split(end, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + body + "\n"
    PERFORMANCE_MD.write_text(text)
    print(f"Wrote {PERFORMANCE_MD}", file=sys.stderr)
