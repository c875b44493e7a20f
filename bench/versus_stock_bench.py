"""Newsdesk against a stock Wagtail 8 site of the same content, in interleaved rounds.

The stock site (bench/stock/: Wagtail's project template with a news app written as the
Wagtail tutorial would, its API v2 as the docs configure it, nothing from Newsdesk) is
built by bench/stock/build.py with --posts posts of the shape bench/generate_posts.py
gives Newsdesk's archive (bench/load_bench.py's, prepared the same way: production
settings, Redis at REDIS_URL). Each site runs under gunicorn with --workers sync workers
on 127.0.0.1, Newsdesk twice (response cache on, as deployed, and off; each with Redis
keys of its own). Measured for each endpoint (the API detail of the newest post, its
HTML page, the API listing of 20 posts with the default fields and with ``fields=*``, an
API search for a place name in 1% of the posts, the home page, and a bare Django JSON
view):

- **stock**: its normal request, which is its *miss* (it has no response cache);
- **hit**: Newsdesk serving from its response cache, warmed;
- **miss**: Newsdesk with ``NEWSDESK_RESPONSE_CACHE=false``, every other cache as
  deployed and warm (20 requests per endpoint first, as load_bench.py does);
- **first render**: every cache empty, as right after a post is published: one request
  at a time, to --first-renders distinct posts (the same path again for listings, search
  and home), every Redis key of the server deleted before each (Newsdesk with its
  response cache on). The stock site is measured the same way, with its caches emptied
  too: its Django cache, where Wagtail keeps the site root paths and rendition lookups,
  is local memory in each worker, which each worker empties on ``SIGUSR2``
  (stocksite/bench.py; it stayed as it was before 2026-12-06, so stock's first render
  was its warm miss). Renditions, which are database rows, are made in a warm-up before.

stock, hit and miss are measured with wrk (--connections connections, --duration s) in
--rounds rounds; in each round every endpoint on each site in turn, the order of the
sites reversed every other round, so drift on a shared machine falls on both. Reported:
worker CPU ms per request (from /proc, from the start of a wrk run until the workers are
idle again, over the requests they served), req/s, p50/p99, queries per request (the
``X-Queries`` header), response bytes (identity encoding, as wrk asks), and ratios
Newsdesk/stock of CPU per request, medians over the rounds; then the targets of issue 17
and whether this run meets them. Writes docs/performance.md unless --no-write.

    python bench/versus_stock_bench.py                          # 1,000 posts, 3 rounds
    python bench/versus_stock_bench.py --database postgres      # Newsdesk on PostgreSQL
    python bench/versus_stock_bench.py --posts 200 --rounds 1 --duration 2 --no-write

Needs wrk (``make wrk``) and Redis. wrk runs on the same machine as the servers: compare
the ratios, which are measured the same way, rather than absolute req/s.
"""

import argparse
import json
import os
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
from pathlib import Path

import wagtail

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
STOCK = BENCH / "stock"
sys.path.insert(0, str(BENCH))

from common import machine, write_section  # noqa: E402
from load_bench import (  # noqa: E402
    cpu_seconds,
    fetch,
    free_port,
    prepare,
    production_env,
    run_wrk,
    worker_pids,
)

# (key, label, path): {type} is the site's NewsPage type, {id} and {url} a post's id and
# HTML path (the newest post's under load; --first-renders posts' for first renders).
LISTING = "/api/v2/pages/?type={type}"
ENDPOINTS = [
    ("bare", "bare Django JSON view", "/bench/bare/"),
    ("detail", "API detail", "/api/v2/pages/{id}/"),
    ("article", "HTML article", "{url}"),
    ("listing", "API listing, default fields (20)", LISTING + "&limit=20"),
    ("listing_all", "API listing, fields=* (20)", LISTING + "&limit=20&fields=*"),
    # A place name, in 1% of the posts on both sites (bench/generate_posts.py, PLACES).
    ("search", "API search, word in 1% of posts", LISTING + "&search=Fenhaven&fields=_,title"),
    ("home", "home page", "/"),
]
PER_POST = {"detail", "article"}
NEWSPAGE_TYPE = {"stock": "stocknews.NewsPage", "newsdesk": "news.NewsPage"}
# Issue 17's targets for Newsdesk's miss, as a share of stock's CPU per request.
MISS_TARGETS = {
    "detail": 0.67,
    "article": 0.67,
    "listing": 0.67,
    "listing_all": 0.2,
    "search": 0.2,
}
LABELS = {key: label for key, label, _template in ENDPOINTS}


class Server:
    """One site under gunicorn: ``base`` URL, worker ``pids``, ``stop()``."""

    def __init__(self, app, cwd, env, workers):
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 - closed by stop()
        port = free_port()
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                app,
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
                "--timeout",
                "120",
                # Several servers run side by side: none takes the shared control socket.
                "--no-control-socket",
            ],
            cwd=cwd,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=self.log,
        )
        self.base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.log.seek(0)
                raise SystemExit(f"gunicorn exited:\n{self.log.read().decode()[-3000:]}")
            try:
                if fetch(self.base, "/bench/bare/")[0] == 200:
                    self.pids = worker_pids(self.process.pid)
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise SystemExit(f"gunicorn {app} did not start within 60 s")

    def get(self, path):
        """``fetch`` of ``path``; an error answer stops the run, with the server's log."""
        try:
            return fetch(self.base, path)
        except urllib.error.HTTPError as error:
            self.log.seek(0)
            log = self.log.read().decode(errors="replace")[-3000:]
            raise SystemExit(f"{self.base}{path} answered {error.code}\n{log}") from None

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


def newest_posts(server, site, count):
    """[(id, path of the HTML page)] of the ``count`` newest posts, through the API."""
    posts = []
    while len(posts) < count:
        path = (
            f"/api/v2/pages/?type={NEWSPAGE_TYPE[site]}&order=-publication_date"
            f"&limit={min(20, count - len(posts))}&offset={len(posts)}"
        )
        items = json.loads(server.get(path)[2])["items"]
        if not items:
            raise SystemExit(f"{site} has only {len(posts)} posts; --first-renders is larger")
        for item in items:
            url = item["meta"]["html_url"]
            posts.append((item["id"], "/" + url.split("://", 1)[1].split("/", 1)[1]))
    return posts


def paths_for(site, posts):
    """{endpoint key: [path per post]} (one path, repeated, for endpoints of no post)."""
    paths = {}
    for key, _label, template in ENDPOINTS:
        paths[key] = [
            template.format(type=NEWSPAGE_TYPE[site], id=post_id, url=url)
            for post_id, url in (posts if key in PER_POST else posts[:1] * len(posts))
        ]
    return paths


def warm(server, paths, requests=20):
    """``requests`` GETs of each endpoint's first path (renditions, connections, and the
    cache when it is on), then one of every other path (renditions); the queries and
    bytes of the last answer."""
    seen = {}
    for key, endpoint_paths in paths.items():
        for _ in range(requests):
            _status, headers, body = server.get(endpoint_paths[0])
        seen[key] = {
            "queries": int(headers.get("X-Queries", "-1")),
            "bytes": len(body),
        }
        for path in dict.fromkeys(endpoint_paths[1:]):
            server.get(path)
    return seen


def idle_cpu_seconds(pids, settle=0.2):
    """The workers' CPU seconds once they have stopped using any (queued requests done)."""
    deadline = time.monotonic() + 60
    used = cpu_seconds(pids)
    while time.monotonic() < deadline:
        time.sleep(settle)
        now = cpu_seconds(pids)
        if now == used:
            return now
        used = now
    return used


def under_load(server, path, args):
    """wrk's figures and the workers' CPU ms per request: from the start of wrk until the
    workers are idle, over the requests wrk completed plus the one per connection it left
    waiting when it stopped (which the workers still serve). Counting only the completed
    ones would charge an endpoint with a few slow requests for the unfinished ones, and
    waiting for idle keeps them from running into the next measurement."""
    before = cpu_seconds(server.pids)
    result = run_wrk(server.base + path, args.duration, args.connections, args.threads)
    served = result["requests"] + args.connections
    result["cpu_ms"] = (idle_cpu_seconds(server.pids) - before) * 1000 / served
    if result["requests"] < 10:
        print(
            f"  only {result['requests']} requests: rough (a longer --duration)", file=sys.stderr
        )
    return result


def first_renders(server, paths, empty_caches):
    """Each path requested once, one at a time, after ``empty_caches()``: worker CPU ms
    per request, latencies, queries and what the response cache said."""
    latencies, queries, caches = [], [], {}
    before = cpu_seconds(server.pids)
    for path in paths:
        empty_caches()
        started = time.perf_counter()
        _status, headers, _body = server.get(path)
        latencies.append((time.perf_counter() - started) * 1000)
        queries.append(int(headers.get("X-Queries", "-1")))
        cache = headers.get("X-Cache", "-")
        caches[cache] = caches.get(cache, 0) + 1
    return {
        "cpu_ms": (idle_cpu_seconds(server.pids) - before) * 1000 / len(paths),
        "p50": statistics.median(latencies),
        "max": max(latencies),
        "queries": statistics.median(queries),
        "cache": caches,
    }


def median_of(rows, name):
    return statistics.median(row[name] for row in rows)


def summary(runs):
    """Medians over the rounds of one endpoint on one site."""
    return {name: median_of(runs, name) for name in ("cpu_ms", "rps", "p50", "p99")}


def ratio(numerator, denominator):
    return numerator / denominator if denominator else float("nan")


def targets(result):
    """Issue 17's targets, each with this run's figure: [(target, figure, met)]."""
    cpu = {
        mode: {key: row["cpu_ms"] for key, row in rows.items()} for mode, rows in result.items()
    }
    stock, hit = cpu["stock"], cpu["hit"]
    checks = [
        (f"miss ≤ {limit}x stock, {LABELS[key]}", ratio(cpu["miss"][key], stock[key]), limit)
        for key, limit in MISS_TARGETS.items()
    ]
    checks += [
        (f"first render ≤ 1.0x stock's, {LABELS[key]}", ratio(ms, cpu["stock_first"][key]), 1.0)
        for key, ms in cpu["first"].items()
    ]
    slowest = max((key for key in hit if key != "bare"), key=hit.get)
    checks += [
        (
            f"hit ≤ 1.2x bare (slowest hit: {LABELS[slowest]})",
            ratio(hit[slowest], hit["bare"]),
            1.2,
        ),
        ("Newsdesk bare ≤ 1.2x stock bare", ratio(hit["bare"], stock["bare"]), 1.2),
    ]
    lines = [(name, f"{figure:.2f}x", figure <= limit) for name, figure, limit in checks]
    for mode in ("miss", "first"):
        ms = cpu[mode]["home"]
        lines.append((f"home page cold ({mode}) < 10 ms CPU", f"{ms:.1f} ms", ms < 10))
    return lines


def tables(result, details):
    """The CPU table and the throughput table, one row per endpoint."""
    stock, hit, miss = result["stock"], result["hit"], result["miss"]
    first, stock_first = result["first"], result["stock_first"]
    cpu_lines = [
        "| endpoint | stock | Newsdesk hit | miss | first render, stock / Newsdesk "
        "| miss / stock | first / stock | queries stock / miss, first stock / Newsdesk "
        "| bytes stock / Newsdesk |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    load_lines = [
        "| endpoint | stock req/s, p50 / p99 ms | hit req/s, p50 / p99 ms "
        "| miss req/s, p50 / p99 ms | first render p50 / max ms, stock / Newsdesk |",
        "|---|---|---|---|---|",
    ]
    for key, label in LABELS.items():
        if key in first:
            first_cpu = f"{stock_first[key]['cpu_ms']:.2f} / {first[key]['cpu_ms']:.2f}"
            first_ratio = f"{ratio(first[key]['cpu_ms'], stock_first[key]['cpu_ms']):.2f}"
            first_queries = f"{stock_first[key]['queries']:.0f} / {first[key]['queries']:.0f}"
            first_latency = (
                f"{stock_first[key]['p50']:.1f} / {stock_first[key]['max']:.1f}, "
                f"{first[key]['p50']:.1f} / {first[key]['max']:.1f}"
            )
        else:  # the bare view: no cache to empty
            first_cpu = first_ratio = first_queries = first_latency = "—"
        cells = [
            label,
            *(f"{rows[key]['cpu_ms']:.2f}" for rows in (stock, hit, miss)),
            first_cpu,
            f"{ratio(miss[key]['cpu_ms'], stock[key]['cpu_ms']):.2f}",
            first_ratio,
            f"{details['stock'][key]['queries']} / {details['miss'][key]['queries']}, "
            f"{first_queries}",
            f"{details['stock'][key]['bytes']} / {details['miss'][key]['bytes']}",
        ]
        cpu_lines.append("| " + " | ".join(cells) + " |")
        cells = [
            label,
            *(
                f"{rows[key]['rps']:.0f}, {rows[key]['p50']:.1f} / {rows[key]['p99']:.1f}"
                for rows in (stock, hit, miss)
            ),
            first_latency,
        ]
        load_lines.append("| " + " | ".join(cells) + " |")
    return cpu_lines, load_lines


def delete_keys(client, pattern):
    """Delete the Redis keys matching ``pattern`` (``<CACHE_KEY_PREFIX>:*`` for all of
    one Newsdesk server's)."""
    keys = list(client.scan_iter(pattern, count=1000))
    if keys:
        client.delete(*keys)


def not_from_cache(server, paths):
    """The endpoints the hit server does not answer from its cache (bare never is)."""
    return [
        key
        for key, endpoint_paths in paths.items()
        if key != "bare" and server.get(endpoint_paths[0])[1].get("X-Cache") != "HIT"
    ]


def rounds(servers, paths, args):
    """wrk on every endpoint of every server, --rounds times, the order of the servers
    reversed every other round; medians over the rounds."""
    runs = {mode: {key: [] for key in paths[mode]} for mode in servers}
    for number in range(args.rounds):
        order = list(servers) if number % 2 == 0 else list(reversed(servers))
        print(f"Round {number + 1} of {args.rounds} ({', '.join(order)}):", file=sys.stderr)
        for key, label, _template in ENDPOINTS:
            for mode in order:
                run = under_load(servers[mode], paths[mode][key][0], args)
                runs[mode][key].append(run)
                print(
                    f"  {label}, {mode}: {run['cpu_ms']:.2f} ms CPU/req, "
                    f"{run['rps']:.0f} req/s, p50 {run['p50']:.1f} ms, p99 {run['p99']:.1f} ms",
                    file=sys.stderr,
                )
    return {
        mode: {key: summary(rows) for key, rows in mode_runs.items()}
        for mode, mode_runs in runs.items()
    }


def empty_stock(server):
    """Empty the stock site's caches: its Django cache is local memory in each worker,
    emptied by the worker on ``SIGUSR2`` (stocksite/bench.py)."""
    for pid in server.pids:
        os.kill(pid, signal.SIGUSR2)
    time.sleep(0.05)  # the idle workers run the handler at once; their CPU is counted


def first_render_figures(servers, paths, empty_newsdesk):
    """First renders of every endpoint but the bare view (no cache to empty: its first
    render is its miss), stock and Newsdesk in turn."""
    stock, newsdesk = {}, {}
    for key, label, _template in ENDPOINTS:
        if key == "bare":
            continue
        stock[key] = first_renders(
            servers["stock"], paths["stock"][key], lambda: empty_stock(servers["stock"])
        )
        newsdesk[key] = first_renders(servers["hit"], paths["hit"][key], empty_newsdesk)
        print(
            f"  {label}: stock {stock[key]['cpu_ms']:.2f} ms CPU/req, Newsdesk "
            f"{newsdesk[key]['cpu_ms']:.2f} ms CPU/req (X-Cache {newsdesk[key]['cache']})",
            file=sys.stderr,
        )
    return stock, newsdesk


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database", choices=["sqlite", "postgres"], default="sqlite", help="Newsdesk's"
    )
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=5, help="wrk seconds per measurement")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per site")
    parser.add_argument(
        "--first-renders", type=int, default=50, help="posts requested with caches empty"
    )
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    numbers = (args.posts, args.rounds, args.duration, args.connections, args.threads)
    if min(*numbers, args.workers, args.first_renders) < 1:
        parser.error("every number must be ≥ 1")
    if args.first_renders > args.posts:
        parser.error("--first-renders cannot exceed --posts")
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: run `make wrk` (apt-get install wrk)")
    import redis

    # Each Newsdesk server has keys of its own, so neither's traffic touches the other's
    # cache, and emptying the hit server's cache leaves the miss server's warm.
    prefix = f"newsdesk-versus-{secrets.token_hex(4)}"
    static_root = tempfile.mkdtemp(prefix="newsdesk-bench-static-")
    env = production_env(args.database, args.posts, prefix, static_root)
    stock_database = BENCH / f"stock-{args.posts}.sqlite3"
    stock_env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "stocksite.settings",
        "STOCK_DATABASE_PATH": str(stock_database),
        "STOCK_SECRET_KEY": secrets.token_urlsafe(50),
    }
    print(f"Preparing {args.posts} posts on each site...", file=sys.stderr)
    prepare(env, args.posts)
    subprocess.run(
        [
            sys.executable,
            str(STOCK / "build.py"),
            *("--posts", str(args.posts), "--database", str(stock_database)),
        ],
        env=stock_env,
        check=True,
    )
    client = redis.Redis.from_url(env["REDIS_URL"])

    servers = {}
    try:
        servers["stock"] = Server("stocksite.wsgi:application", STOCK, stock_env, args.workers)
        for mode, cache in (("hit", "true"), ("miss", "false")):
            mode_env = {
                **env,
                "NEWSDESK_RESPONSE_CACHE": cache,
                "CACHE_KEY_PREFIX": f"{prefix}-{mode}",
            }
            servers[mode] = Server("cms.wsgi:application", ROOT, mode_env, args.workers)
        stock_posts = newest_posts(servers["stock"], "stock", args.first_renders)
        newsdesk_posts = newest_posts(servers["miss"], "newsdesk", args.first_renders)
        paths = {
            "stock": paths_for("stock", stock_posts),
            "hit": paths_for("newsdesk", newsdesk_posts),
            "miss": paths_for("newsdesk", newsdesk_posts),
        }
        print("Warming up...", file=sys.stderr)
        details = {mode: warm(server, paths[mode]) for mode, server in servers.items()}
        if not_hits := not_from_cache(servers["hit"], paths["hit"]):
            print(f"  Not served from the cache after warming: {not_hits}", file=sys.stderr)
        result = rounds(servers, paths, args)
        if not_hits := not_from_cache(servers["hit"], paths["hit"]):
            print(f"  Not served from the cache after the rounds: {not_hits}", file=sys.stderr)
        print(f"First renders, {args.first_renders} per endpoint:", file=sys.stderr)
        result["stock_first"], result["first"] = first_render_figures(
            servers, paths, lambda: delete_keys(client, f"{prefix}-hit:*")
        )
    finally:
        for server in servers.values():
            server.stop()
        try:  # the servers' keys, and those preparing the archive wrote
            delete_keys(client, f"{prefix}*")
        except redis.RedisError as exc:  # cleaning up is a courtesy, not part of the result
            print(f"Could not remove the benchmark's Redis keys: {exc}", file=sys.stderr)
        shutil.rmtree(static_root, ignore_errors=True)

    command = "python bench/versus_stock_bench.py"
    defaults = {
        "database": "sqlite",
        "posts": 1000,
        "rounds": 3,
        "duration": 5,
        "connections": 16,
        "threads": 2,
        "workers": 2,
        "first_renders": 50,
    }
    for name, default in defaults.items():
        if getattr(args, name) != default:
            command += f" --{name.replace('_', '-')} {getattr(args, name)}"
    cpu_lines, load_lines = tables(result, details)
    target_lines = [
        f"- {name}: {figure}, {'met' if met else '**not met**'}"
        for name, figure, met in targets(result)
    ]
    section = "\n".join(
        [
            f"### Newsdesk and stock Wagtail, {args.database}, {args.posts} posts",
            "",
            f"Command: `{command}`; {machine()}.",
            f"Both sites under gunicorn, {args.workers} sync workers each on 127.0.0.1; the "
            f"stock site is bench/stock/ (Wagtail {wagtail.__version__} project template, "
            f"API v2 as documented, SQLite, local-memory cache), Newsdesk has production "
            f"settings ({args.database}, Redis). wrk with {args.threads} threads and "
            f"{args.connections} connections for {args.duration} s per measurement, "
            f"{args.rounds} interleaved rounds (medians shown), after 20 warm-up requests "
            f"per endpoint. *First render*: {args.first_renders} requests one at a time "
            "(distinct posts for the detail and article) to Newsdesk with its response "
            "cache on, every Redis key of the server deleted before each; renditions made "
            "beforehand; the stock site measured the same way, each worker's "
            "local-memory cache emptied before each (`SIGUSR2`, stocksite/bench.py).",
            "",
            "What differs beyond speed: the stock API answers Wagtail's defaults (indented "
            "JSON, rich text in the database format, the fields its `api_fields` list); "
            "Newsdesk's is compact JSON with rich text as HTML and more fields (authors, "
            "source, disclaimers, reading time, comment count), and its article page "
            "carries SEO metadata, a byline and the comments. The queries and bytes "
            "columns show the difference.",
            "",
            "**Worker CPU ms per request**, from the start of a wrk run until the workers "
            "are idle, over the requests served (wrk's, plus the one per connection left "
            "waiting when it stopped). Ratios of CPU: Newsdesk / stock (first render "
            "against stock's first render). Bytes: the response body, identity encoding.",
            "",
            *cpu_lines,
            "",
            "**Throughput and latency** (wrk, same runs).",
            "",
            *load_lines,
            "",
            "**Targets** (issue 17), from the CPU figures above:",
            "",
            *target_lines,
        ]
    )
    print(section)
    if not args.no_write:
        write_section(f"versus-stock:{args.database}:{args.posts}", section)


if __name__ == "__main__":
    main()
