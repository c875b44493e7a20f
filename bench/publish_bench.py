"""Publishing under load: what readers get while a post is published.

Newsdesk under gunicorn (--workers sync workers, production settings, response cache on,
Redis at REDIS_URL) on a copy of bench/load_bench.py's archive (--posts posts, SQLite),
made for each run so the archive stays as load_bench.py measures it. --connections
readers (default 16) request, in turn, the --articles newest articles (default 50) and
the home page, which lists ten of them. After every address has been fetched once (so
it is cached), two phases:

1. **revision**: --publish-at seconds into the load, a new revision of the newest post
   (on the home page and one of the articles read) is published, its summary changed;
2. **new post**: the same load again, and a brand-new post is created and published
   (it goes to the top of the home page).

Each publish runs in a separate process, ``manage.py shell -c`` with the site's
environment: ``page.save_revision().publish()`` (and ``add_child`` first for the new
post), as the admin does; no task worker runs. For the --window seconds (default 10)
from the start of the publish it reports: the share of requests served from the cache
(``X-Cache`` HIT or STALE; every value seen is counted), the longest request and p99,
and how soon the change was served. The same is reported for the load before the
publishing process starts, as the baseline. The targets (issue 17): at least 99% of the
requests in the window from the cache, and none waiting longer than one render: the
median time of an article rendered on its own with the response cache off, measured
first, one request at a time, after a warm-up (its worker CPU too).

The readers are threads of this script, each with its own connection (http.client;
gunicorn's sync workers close it after each answer, as they do for wrk), recording every
request's start time, latency, ``X-Cache``, status and whether the body shows the change.
wrk cannot time-stamp requests from its Lua scripts, and what matters here is which
requests of the window were slow, not the peak rate; the rate the threads sustain is
reported (they share the machine's cores with the server, as wrk would).

    python bench/publish_bench.py
    python bench/publish_bench.py --posts 200 --publish-at 3 --window 4 --no-write
"""

import argparse
import http.client
import json
import secrets
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from common import machine, percentile, write_section  # noqa: E402
from load_bench import (  # noqa: E402
    cpu_seconds,
    fetch,
    prepare,
    production_env,
    start_gunicorn,
    worker_pids,
)

# Run in the site's environment by ``manage.py shell -c``; prints the publish's start and
# end (time.time()). {pk} is the newest post, {marker} what the change adds.
REVISION = """
import time
from news.models import NewsPage
page = NewsPage.objects.get(pk={pk})
page.summary = page.summary + " {marker}"
started = time.time()
page.save_revision().publish()
print("PUBLISHED", started, time.time())
"""
NEW_POST = """
import time
from django.utils import timezone
from news.models import NewsPage
newest = NewsPage.objects.get(pk={pk})
post = NewsPage(
    title="{marker}",
    slug="{marker}".lower().replace(" ", "-"),
    publication_date=timezone.localdate(),
    summary=newest.summary,
    lead_image_id=newest.lead_image_id,
    body=newest.body.raw_data,
    live=False,
)
started = time.time()
newest.get_parent().specific.add_child(instance=post)
post.save_revision().publish()
print("PUBLISHED", started, time.time())
"""
FROM_CACHE = {"HIT", "STALE"}


class Request(NamedTuple):
    started: float  # time.time()
    ms: float
    cache: str  # X-Cache, "error" when no answer came
    status: int
    path: int  # index in the paths read
    changed: bool  # the body shows the published change


def newest_articles(base, count):
    """[(id, path)] of the ``count`` newest posts, newest first, through the API."""
    posts = []
    while len(posts) < count:
        path = (
            "/api/v2/pages/?type=news.NewsPage&order=-publication_date"
            f"&limit={min(20, count - len(posts))}&offset={len(posts)}"
        )
        items = json.loads(fetch(base, path)[2])["items"]
        if not items:
            raise SystemExit(f"only {len(posts)} posts; --articles is larger")
        for item in items:
            posts.append((item["id"], "/" + item["meta"]["html_url"].split("/", 3)[3]))
    return posts


def render_time(env, args):
    """The newest --articles articles, and the median latency and worker CPU (ms) of one
    rendered with the response cache off, one request at a time, each once after a
    warm-up of each (renditions, connections)."""
    process, base = start_gunicorn({**env, "NEWSDESK_RESPONSE_CACHE": "false"}, args.workers)
    try:
        pids = worker_pids(process.pid)
        articles = newest_articles(base, args.articles)
        for _id, path in articles:
            fetch(base, path)
        latencies = []
        before = cpu_seconds(pids)
        for _id, path in articles:
            started = time.perf_counter()
            fetch(base, path)
            latencies.append((time.perf_counter() - started) * 1000)
        cpu = (cpu_seconds(pids) - before) * 1000 / len(articles)
    finally:
        process.terminate()
        process.wait(timeout=30)
    return articles, statistics.median(latencies), cpu


def copy_database(source, target):
    """An SQLite copy through the backup API (consistent with a WAL in use)."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)


def reader(port, paths, first, marker, stop, requests):
    """Request ``paths`` in turn, from number ``first``, until ``stop``; a ``Request``
    for each into ``requests``."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    number = first
    while not stop.is_set():
        index = number % len(paths)
        number += 1
        started, clock = time.time(), time.perf_counter()
        try:
            connection.request("GET", paths[index])
            response = connection.getresponse()
            body = response.read()
        except (OSError, http.client.HTTPException):
            connection.close()
            ms = (time.perf_counter() - clock) * 1000
            requests.append(Request(started, ms, "error", 0, index, False))
            continue
        ms = (time.perf_counter() - clock) * 1000
        cache = response.getheader("X-Cache", "none")
        requests.append(Request(started, ms, cache, response.status, index, marker in body))


class Publish:
    """One publish, run in a ``manage.py shell`` process; ``marker``: the text it adds."""

    def __init__(self, env, script, pk):
        self.env = env
        self.marker = f"Publish bench {secrets.token_hex(4)}"
        self.code = script.format(pk=pk, marker=self.marker)

    def __call__(self):
        """The publish's start and end (time.time())."""
        result = subprocess.run(
            [sys.executable, "manage.py", "shell", "-v", "0", "-c", self.code],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
        )
        lines = [line for line in result.stdout.splitlines() if line.startswith("PUBLISHED")]
        if result.returncode or not lines:
            raise SystemExit(f"Publishing failed:\n{result.stderr[-3000:]}")
        _word, started, done = lines[0].split()
        return float(started), float(done)


def under_load(port, paths, args, publish):
    """Read ``paths`` with --connections threads; ``publish()`` at --publish-at s; stop
    --window s after the publish started. The requests, and the times: the load's start
    and end, the publishing process's launch, the publish's start and end."""
    stop = threading.Event()
    per_thread = [[] for _ in range(args.connections)]
    marker = publish.marker.encode()
    threads = [
        threading.Thread(
            target=reader,
            args=(port, paths, number * len(paths) // args.connections, marker, stop, requests),
        )
        for number, requests in enumerate(per_thread)
    ]
    times = {"began": time.time()}
    for thread in threads:
        thread.start()
    time.sleep(args.publish_at)
    times["launched"] = time.time()
    times["published"], times["done"] = publish()
    time.sleep(max(0.0, times["published"] + args.window - time.time()) + 0.5)
    stop.set()
    for thread in threads:
        thread.join()
    times["ended"] = time.time()
    return [request for requests in per_thread for request in requests], times


def count_caches(requests):
    caches = {}
    for request in requests:
        caches[request.cache] = caches.get(request.cache, 0) + 1
    return caches


def window_figures(requests, start, end):
    """What the requests started in [start, end) got."""
    rows = [request for request in requests if start <= request.started < end]
    if not rows:
        raise SystemExit("no requests in the window")
    caches = count_caches(rows)
    latencies = [row.ms for row in rows]
    return {
        "requests": len(rows),
        "rps": len(rows) / (end - start),
        "caches": caches,
        "from_cache": sum(caches.get(value, 0) for value in FROM_CACHE) / len(rows),
        "errors": sum(1 for row in rows if row.status != 200),
        "p50": percentile(latencies, 0.5),
        "p99": percentile(latencies, 0.99),
        "max": max(latencies),
    }


def change_seen(requests, changed_path, times, window):
    """When the change was first served (ms from the publish's end; negative: before it
    returned), and how many requests for the changed page started after the publish
    returned, within the window, still got the old one."""
    path_requests = [request for request in requests if request.path == changed_path]
    changed = [request.started for request in path_requests if request.changed]
    old = [
        request
        for request in path_requests
        if not request.changed and times["done"] <= request.started < times["published"] + window
    ]
    first = (min(changed) - times["done"]) * 1000 if changed else None
    return first, len(old)


def timeline(requests, times, window):
    """Second by second around the publish (by request start), for reading the run."""
    for second in range(-2, int(window) + 1):
        start = times["published"] + second
        rows = [request for request in requests if start <= request.started < start + 1]
        longest = max((row.ms for row in rows), default=0)
        print(
            f"    {second:+d} s: {count_caches(rows)}, longest {longest:.0f} ms", file=sys.stderr
        )


def phase(name, port, paths, changed_path, args, publish):
    """Warm every path, then read them while ``publish`` runs; the figures."""
    print(f"Phase {name}: warming, then {args.connections} readers...", file=sys.stderr)
    base = f"http://127.0.0.1:{port}"
    for path in paths:
        fetch(base, path)  # stored
    not_cached = [path for path in paths if fetch(base, path)[1].get("X-Cache") != "HIT"]
    if not_cached:
        print(f"  Not served from the cache after warming: {not_cached}", file=sys.stderr)
    cpu_before = time.process_time()
    requests, times = under_load(port, paths, args, publish)
    seconds = times["ended"] - times["began"]
    result = {
        "name": name,
        "before": window_figures(requests, times["began"] + 1, times["launched"]),
        "after": window_figures(requests, times["published"], times["published"] + args.window),
        "seen": change_seen(requests, changed_path, times, args.window),
        "rps": len(requests) / seconds,
        "client_cpu": (time.process_time() - cpu_before) / seconds,
        "publish_ms": (times["done"] - times["published"]) * 1000,
    }
    after = result["after"]
    print(
        f"  {len(requests)} requests, {result['rps']:.0f}/s; publish took "
        f"{result['publish_ms']:.0f} ms; after it: {after['from_cache']:.2%} from the cache "
        f"{after['caches']}, longest {after['max']:.0f} ms; by request start, from the "
        "publish:",
        file=sys.stderr,
    )
    timeline(requests, times, args.window)
    return result


def report_lines(phases, render_ms, args):
    lines = [
        "| phase | window | requests (req/s) | from cache | X-Cache counts | errors "
        "| p50 / p99 / max ms | publish took | change first served |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for result in phases:
        first, old = result["seen"]
        for label in ("before", "after"):
            figures = result[label]
            counts = ", ".join(
                f"{key} {value}" for key, value in sorted(figures["caches"].items())
            )
            if label == "before":
                took, seen = "—", "—"
            else:
                took = f"{result['publish_ms']:.0f} ms"
                seen = "never" if first is None else f"{first:+.0f} ms after publish returned"
                seen += f"; {old} old copies after it returned"
            lines.append(
                f"| {result['name']} | {label} | {figures['requests']} ({figures['rps']:.0f}) "
                f"| {figures['from_cache']:.2%} | {counts} | {figures['errors']} "
                f"| {figures['p50']:.1f} / {figures['p99']:.1f} / {figures['max']:.0f} "
                f"| {took} | {seen} |"
            )
    targets = []
    for result in phases:
        after = result["after"]
        share_met = after["from_cache"] >= 0.99
        wait_met = after["max"] <= render_ms
        targets += [
            f"- {result['name']}: ≥ 99% from the cache in the {args.window:g} s after the "
            f"publish: {after['from_cache']:.2%}, {'met' if share_met else '**not met**'}",
            f"- {result['name']}: no request longer than one render ({render_ms:.0f} ms): "
            f"longest {after['max']:.0f} ms, {'met' if wait_met else '**not met**'}",
        ]
    return lines, targets


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--articles", type=int, default=50, help="articles read")
    parser.add_argument("--connections", type=int, default=16, help="reader threads")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--publish-at", type=float, default=10, help="seconds into the load")
    parser.add_argument("--window", type=float, default=10, help="seconds measured after")
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    if min(args.posts, args.articles, args.connections, args.workers) < 1:
        parser.error("--posts, --articles, --connections and --workers must be ≥ 1")
    if args.articles > args.posts or min(args.publish_at, args.window) <= 1:
        parser.error("--articles cannot exceed --posts; --publish-at and --window must be > 1")
    import redis

    prefix = f"newsdesk-publish-{secrets.token_hex(4)}"
    scratch = Path(tempfile.mkdtemp(prefix="newsdesk-publish-bench-"))
    env = production_env("sqlite", args.posts, prefix, str(scratch / "static"))
    print(f"Preparing {args.posts} posts...", file=sys.stderr)
    prepare(env, args.posts)
    client = redis.Redis.from_url(env["REDIS_URL"])
    try:
        # On the archive itself (renditions are made there, as load_bench.py does), with
        # Redis keys of its own.
        articles, render_ms, render_cpu = render_time(
            {**env, "CACHE_KEY_PREFIX": f"{prefix}-render"}, args
        )
        print(f"One render: {render_ms:.1f} ms ({render_cpu:.1f} ms CPU)", file=sys.stderr)
        paths = [path for _id, path in articles] + ["/"]
        copy = scratch / "publish.sqlite3"
        copy_database(env["DATABASE_URL"].removeprefix("sqlite:///"), copy)
        env = {**env, "DATABASE_URL": f"sqlite:///{copy}", "NEWSDESK_RESPONSE_CACHE": "true"}
        process, base = start_gunicorn(env, args.workers)
        port = int(base.rsplit(":", 1)[1])
        newest = articles[0][0]
        try:
            phases = [
                phase("revision", port, paths, 0, args, Publish(env, REVISION, newest)),
                # The new post shows on the home page, the last path.
                phase(
                    "new post", port, paths, len(paths) - 1, args, Publish(env, NEW_POST, newest)
                ),
            ]
        finally:
            process.terminate()
            process.wait(timeout=30)
    finally:
        try:
            for key in client.scan_iter(f"{prefix}*"):
                client.delete(key)
        except redis.RedisError as exc:  # cleaning up is a courtesy, not part of the result
            print(f"Could not remove the benchmark's Redis keys: {exc}", file=sys.stderr)
        shutil.rmtree(scratch, ignore_errors=True)

    command = "python bench/publish_bench.py"
    defaults = {"posts": 1000, "articles": 50, "connections": 16, "workers": 2}
    defaults.update(publish_at=10, window=10)
    for name, default in defaults.items():
        if getattr(args, name) != default:
            command += f" --{name.replace('_', '-')} {getattr(args, name):g}"
    table, targets = report_lines(phases, render_ms, args)
    readers = ", ".join(
        f"{result['name']} {result['rps']:.0f} req/s using {result['client_cpu']:.0%} of a core"
        for result in phases
    )
    section = "\n".join(
        [
            f"### Publishing under load, sqlite, {args.posts} posts",
            "",
            f"Command: `{command}`; {machine()}.",
            f"gunicorn with production settings, {args.workers} workers on 127.0.0.1, "
            f"response cache on (Redis). {args.connections} reader threads with a "
            f"connection each request the {args.articles} newest articles and the home "
            f"page in turn; {args.publish_at:g} s into the load a post is published from "
            "another process (`manage.py shell`: `save_revision().publish()`; no task "
            "worker runs): a new revision of the newest post (*revision*), then, in a "
            "second run, a brand-new post (*new post*). *After*: "
            f"the requests started in the {args.window:g} s from the start of the "
            "publish; *before*: from 1 s into the load until the publishing process "
            "starts. One render (an article alone, response cache off, median of "
            f"{args.articles}): {render_ms:.1f} ms, {render_cpu:.1f} ms worker CPU. "
            f"The reader threads sustained {readers}.",
            "",
            *table,
            "",
            "**Targets** (issue 17):",
            "",
            *targets,
        ]
    )
    print(section)
    if not args.no_write:
        write_section(f"publish-bench:sqlite:{args.posts}", section)


if __name__ == "__main__":
    main()
