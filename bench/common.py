"""Helpers shared by the benchmark scripts: the machine line and docs/performance.md."""

import contextlib
import datetime
import os
import platform
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PERFORMANCE_MD = ROOT / "docs" / "performance.md"


def machine():
    """ "2026-11-24; 2 cores, AMD EPYC 7B13; Python 3.11.7" for the report headers."""
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError, StopIteration):
        cpu = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    return (
        f"{datetime.date.today().isoformat()}; {os.cpu_count()} cores, {cpu}; "
        f"Python {platform.python_version()}"
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
