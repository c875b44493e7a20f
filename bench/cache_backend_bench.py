"""The default cache without Redis: local memory (one per process) against files (shared
by every process on the machine), issue #16 item 3.

A response-cache hit reads the versions of its cache tags (one ``get_many``) and the
stored response (one ``get``); a miss writes the response (one ``set``). This times those
calls with a 40 KB response, in one process, for each backend, and reports the cost per
hit and per store next to a typical cold render. Writes a table to docs/performance.md.

    python bench/cache_backend_bench.py [--rounds 5000] [--no-write]
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import machine, write_section  # noqa: E402

BACKENDS = {
    "local memory (per process)": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": 5000},
    },
    "files (shared on the machine)": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "OPTIONS": {"MAX_ENTRIES": 5000},
    },
}


def time_calls(cache, rounds):
    body = os.urandom(20_000).hex().encode()  # 40 KB, like a rendered article
    tags = {f"newsdesk:tag:{name}": os.urandom(8).hex() for name in ("tree", "listings", "page:7")}
    cache.set_many(tags, timeout=None)
    cache.set("response", {"body": body, "versions": tags}, timeout=3600)
    hits, stores = [], []
    for number in range(rounds):
        started = time.perf_counter()
        cache.get_many(list(tags))
        cache.get("response")
        hits.append(time.perf_counter() - started)
        started = time.perf_counter()
        cache.set(f"response-{number % 500}", {"body": body, "versions": tags}, timeout=3600)
        stores.append(time.perf_counter() - started)
    return statistics.median(hits) * 1000, statistics.median(stores) * 1000


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5000)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()

    import django
    from django.conf import settings

    directory = tempfile.mkdtemp(prefix="newsdesk-cache-bench-")
    caches = {}
    for number, config in enumerate(BACKENDS.values()):
        caches[f"c{number}"] = {**config, "LOCATION": str(Path(directory) / f"c{number}")}
    settings.configure(CACHES={"default": BACKENDS[next(iter(BACKENDS))], **caches})
    django.setup()
    from django.core.cache import caches as handler

    rows, results = [], []
    for number, name in enumerate(BACKENDS):
        hit, store = time_calls(handler[f"c{number}"], args.rounds)
        results.append((hit, store))
        rows.append(f"| {name} | {hit:.3f} | {store:.3f} |")
        print(rows[-1])
    (memory_hit, memory_store), (file_hit, file_store) = results
    section = "\n".join(
        [
            "### Default cache without Redis",
            "",
            f"`python bench/cache_backend_bench.py --rounds {args.rounds}` ({machine()}): "
            "median milliseconds of a response-cache hit's cache calls (versions and a "
            "40 KB response) and of storing a response.",
            "",
            "| backend | hit ms | store ms |",
            "|---|---|---|",
            *rows,
            "",
            f"Files add {file_hit - memory_hit:.2f} ms to a hit and "
            f"{file_store - memory_store:.1f} ms to storing a response (which happens on a "
            "miss, after a render of tens of milliseconds), and keep every process on the "
            "machine consistent: a post the worker, the shell or an import publishes shows "
            "at once in `make run`. Local memory saves that and serves stale copies in "
            "every other process for up to NEWSDESK_CACHE_TIMEOUT (an hour). The default "
            "without Redis is files (cms/settings/base.py); production sets REDIS_URL "
            "(`check --deploy` warns otherwise, newsdesk.W001).",
        ]
    )
    if not args.no_write:
        write_section("cache-backend-bench", section)


if __name__ == "__main__":
    main()
