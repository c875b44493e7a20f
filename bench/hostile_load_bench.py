"""Hostile load benchmark: Newsdesk under gunicorn at 64 connections, with cache-busters.

Production settings, Redis at REDIS_URL (default the local one), --workers gunicorn
workers (default 2) on 127.0.0.1, the archive of bench/load_bench.py (--posts generated
posts, kept between runs). With wrk at --connections (default 64) it measures:

1. an article, warm (served from the response cache): the throughput to keep;
2. the same article with a random cache-buster on every request (``?cb=<random>``):
   reader pages key their cache on the parameters they read, so this must keep at least
   half of (1) with no timeouts;
3. a search asked for again and again (``/search/?q=...``), stored briefly once popular;
4. a sustained mixed load for --sustain seconds (default 60): the article, home page,
   news index, feed and popular searches, each with and without cache-busters, and the
   API listing and detail. It must finish with 0 errors and 0 timeouts.

Each wrk run counts non-2xx/3xx answers and socket errors (connect, read, write,
timeout); the table shows them. Writes the table into docs/performance.md with the
command, machine and date.

    python bench/hostile_load_bench.py
    python bench/hostile_load_bench.py --database postgres --sustain 60

Needs wrk (``make wrk``).
"""

import argparse
import json
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from common import machine, write_section  # noqa: E402
from load_bench import fetch, latency, prepare, production_env, start_gunicorn  # noqa: E402

# A random cache-buster on every request, on whichever path wrk was given.
BUSTER = """
request = function()
  return wrk.format("GET", wrk.path .. "?cb=" .. math.random(1, 2000000000))
end
"""
# The mixed load: each request one of these paths; about half of the reader pages' with a
# cache-buster (the API answers unknown parameters with a 400, so its paths get none).
MIXED = """
paths = {%(paths)s}
request = function()
  local path = paths[math.random(1, #paths)]
  if string.sub(path, 1, 5) ~= "/api/" and math.random() < 0.5 then
    local glue = string.find(path, "?", 1, true) and "&" or "?"
    path = path .. glue .. "utm_source=x&cb=" .. math.random(1, 2000000000)
  end
  return wrk.format("GET", path)
end
"""


def run(url, *, duration, connections, threads, script=None):
    """One wrk run: requests/s, latencies, and the errors it counted (never raising)."""
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s"]
    command += ["--timeout", "10s", "--latency"]
    with tempfile.TemporaryDirectory() as scratch:
        if script:
            script_path = Path(scratch) / "load.lua"
            script_path.write_text(script)
            command += ["-s", str(script_path)]
        out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    )
    counts = socket_errors.groups() if socket_errors else (0, 0, 0, 0)
    connect, read, write, timeouts = (int(count) for count in counts)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
        "p50": latency(out, 50),
        "p99": latency(out, 99),
        "errors": (int(non_2xx.group(1)) if non_2xx else 0) + connect + read + write,
        "timeouts": timeouts,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--duration", type=int, default=15, help="seconds per scenario")
    parser.add_argument("--sustain", type=int, default=60, help="seconds of mixed load")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    if min(args.posts, args.duration, args.sustain, args.connections, args.threads) < 1:
        parser.error("every number must be ≥ 1")
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: run `make wrk` (apt-get install wrk)")

    prefix = f"newsdesk-hostile-{secrets.token_hex(4)}"
    static_root = tempfile.mkdtemp(prefix="newsdesk-bench-static-")
    env = production_env(args.database, args.posts, prefix, static_root)
    print(f"Preparing {args.posts} posts ({args.database})...", file=sys.stderr)
    prepare(env, args.posts)
    process, base = start_gunicorn(env, args.workers)
    rows = []
    try:
        _status, _headers, body = fetch(base, "/api/v2/pages/?type=news.NewsPage&limit=1")
        newest = json.loads(body)["items"][0]
        article = "/" + newest["meta"]["html_url"].split("://", 1)[1].split("/", 1)[1]
        index = article.rstrip("/").rsplit("/", 1)[0] + "/"
        search = "/search/?q=harbour"
        mixed_paths = [
            article,
            "/",
            index,
            f"/api/v2/pages/{newest['id']}/",
            "/api/v2/pages/?type=news.NewsPage&fields=title",
            "/feeds/news/rss/",
            search,
            "/search/?q=council",
        ]
        for path in mixed_paths:  # renditions, connections, stored copies
            for _ in range(5):
                status, _headers, _body = fetch(base, path)
                if status != 200:
                    raise SystemExit(f"{path} answered {status}")
        common = {"connections": args.connections, "threads": args.threads}
        scenarios = [
            ("article, warm", article, None, args.duration),
            ("article, random cache-buster per request", article, BUSTER, args.duration),
            ("popular search", search, None, args.duration),
            (
                f"mixed load for {args.sustain} s, reader pages half with cache-busters",
                "/",
                MIXED % {"paths": ", ".join(json.dumps(path) for path in mixed_paths)},
                args.sustain,
            ),
        ]
        for label, path, script, duration in scenarios:
            result = run(base + path, duration=duration, script=script, **common)
            result["label"] = label
            rows.append(result)
            print(
                f"  {label}: {result['rps']:.0f} req/s, p99 {result['p99']:.0f} ms, "
                f"{result['errors']} errors, {result['timeouts']} timeouts",
                file=sys.stderr,
            )
    finally:
        process.terminate()
        process.wait(timeout=30)
        shutil.rmtree(static_root, ignore_errors=True)
        try:
            import redis

            client = redis.Redis.from_url(env["REDIS_URL"])
            for key in client.scan_iter(f"{prefix}:*"):
                client.delete(key)
        except Exception as exc:  # cleaning up is a courtesy, not part of the result
            print(f"Could not remove the benchmark's Redis keys: {exc}", file=sys.stderr)

    warm, busted = rows[0]["rps"], rows[1]["rps"]
    command = "python bench/hostile_load_bench.py"
    defaults = {"database": "sqlite", "posts": 1000, "duration": 15, "sustain": 60}
    defaults.update(connections=64, threads=2, workers=2)
    for name, default in defaults.items():
        if getattr(args, name) != default:
            command += f" --{name} {getattr(args, name)}"
    lines = [
        f"### Hostile load, {args.database}, {args.connections} connections",
        "",
        f"Command: `{command}`; {machine()}.",
        f"gunicorn with production settings and Redis, {args.workers} workers on 127.0.0.1; "
        f"wrk with {args.threads} threads and {args.connections} connections (10 s timeout), "
        "on the same machine.",
        "",
        "| scenario | req/s | p50 ms | p99 ms | errors | timeouts |",
        "|---|---|---|---|---|---|",
    ]
    for row in rows:
        lines.append(
            f"| {row['label']} | {row['rps']:.0f} | {row['p50']:.1f} | {row['p99']:.1f} | "
            f"{row['errors']} | {row['timeouts']} |"
        )
    lines += [
        "",
        f"Cache-busters keep {busted / warm:.0%} of the warm article's throughput "
        "(required: at least half, 0 timeouts).",
    ]
    section = "\n".join(lines)
    print(section)
    if not args.no_write:
        write_section(f"hostile-load-bench:{args.database}", section)
    failed = busted < warm / 2 or any(row["errors"] or row["timeouts"] for row in rows)
    if failed:
        raise SystemExit("Hostile load: below half the warm throughput, or errors/timeouts")


if __name__ == "__main__":
    main()
