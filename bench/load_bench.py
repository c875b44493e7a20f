"""Load benchmark: Newsdesk under gunicorn, side by side with a bare Django JSON view.

Fills a benchmark database with --posts generated posts (bench/generate_posts.py; kept
between runs), starts gunicorn with production settings (--workers, default 2, on
127.0.0.1 only), and drives each endpoint with wrk for --duration seconds at
--connections concurrent connections, twice: *cold* (the server-side response cache off)
and *warm* (cache on, as deployed; Redis at REDIS_URL, default the local one). Reports per
endpoint: requests/s, p50 and p99 latency, database queries per request (from the
``X-Queries`` header of the benchmark middleware, cms/bench.py), worker CPU ms per
request (from /proc), and the ratio to the bare view measured in the same run; and the
workers' peak RSS. Writes the tables into docs/performance.md with the exact command,
machine and date.

    python bench/load_bench.py                                   # 1,000 posts, SQLite
    python bench/load_bench.py --database postgres --posts 100000

Needs wrk (Debian package ``wrk``; ``make bench`` installs it). wrk runs on the same
machine as the server, so both share its cores: the ratios to the bare view, measured
the same way, are the numbers to compare.
"""

import argparse
import contextlib
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from common import machine, write_section  # noqa: E402

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


def database_url(kind, posts):
    if kind == "sqlite":
        return f"sqlite:///{ROOT / 'bench' / f'load-{posts}.sqlite3'}"
    import psycopg

    name = f"newsdesk_load_{posts}"
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    return f"postgres://postgres@127.0.0.1:5432/{name}"


def production_env(database, posts, prefix, static_root):
    """The environment of the benchmarked site: production settings, the archive's
    database, Redis at REDIS_URL (keys under ``prefix``), loopback only."""
    return {
        **os.environ,
        "DATABASE_URL": database_url(database, posts),
        "MEDIA_ROOT": str(ROOT / "bench" / "media"),
        "STATIC_ROOT": static_root,
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        "CACHE_KEY_PREFIX": prefix,
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "NEWSDESK_EMBEDS_OFFLINE": "true",
        "NEWSDESK_BENCH": "true",
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "cms.settings.production",
    }


def prepare(env, posts):
    """Generate the archive (in a subprocess with dev settings) and collect static files."""
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, str(ROOT / "bench" / "generate_posts.py"), "--count", str(posts)],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "cms.settings.dev"},
        check=True,
    )
    generated = time.perf_counter() - started
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "cms.settings.production"},
        check=True,
    )
    return generated


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(base, path):
    with urllib.request.urlopen(base + path, timeout=60) as response:  # noqa: S310 - loopback
        return response.status, dict(response.headers), response.read()


def start_gunicorn(env, workers):
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "cms.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--timeout",
            "120",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited:\n{process.stderr.read().decode()[-3000:]}")
        try:
            if fetch(base, "/bench/bare/")[0] == 200:
                return process, base
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start within 60 s")


def worker_pids(master):
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master:
            pids.append(int(stat.parent.name))
    return pids


def cpu_seconds(pids):
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime + stime
    return total / CLOCK_TICKS


def peak_rss_mb(pids):
    peaks = []
    for pid in pids:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                peaks.append(int(line.split()[1]) / 1024)
    return max(peaks)


def to_ms(value):
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def latency(wrk_output, percent):
    match = re.search(rf"^\s*{percent}%\s+([\d.]+(?:us|ms|s|m))\s*$", wrk_output, re.M)
    if match is None:
        raise SystemExit(f"No {percent}% latency in wrk's output:\n{wrk_output}")
    return to_ms(match.group(1))


def reset_peak_rss(pids):
    """Start the workers' peak-RSS counters afresh (Linux: 5 > /proc/PID/clear_refs),
    so the peak reported is the one under load, not a one-off during warm-up."""
    for pid in pids:
        with contextlib.suppress(OSError):
            Path(f"/proc/{pid}/clear_refs").write_text("5")


def run_wrk(url, duration, connections, threads):
    result = subprocess.run(
        [
            "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{duration}s",
            "--timeout",
            "30s",
            "--latency",
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    out = result.stdout
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    timeouts = re.search(r"Socket errors:.*timeout (\d+)", out)
    if errors or (timeouts and int(timeouts.group(1))):
        raise SystemExit(f"{url}: errors under load\n{out}")
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        # The "Latency Distribution" lines (other lines hold percentages too).
        "p50": latency(out, 50),
        "p99": latency(out, 99),
        "requests": requests,
    }


def measure(env, endpoints, args):
    process, base = start_gunicorn(env, args.workers)
    try:
        pids = worker_pids(process.pid)
        warm = {}
        for _label, path in endpoints:
            for _ in range(20):  # renditions, connections, and the cache when it is on
                status, headers, _body = fetch(base, path)
                if status != 200:
                    raise SystemExit(f"{path} answered {status}")
            warm[path] = headers
        reset_peak_rss(pids)
        rows = []
        for label, path in endpoints:
            headers = warm[path]
            queries = int(headers.get("X-Queries", "-1"))
            before = cpu_seconds(pids)
            result = run_wrk(base + path, args.duration, args.connections, args.threads)
            cpu = cpu_seconds(pids) - before
            result.update(
                label=label,
                path=path,
                queries=queries,
                cache=headers.get("X-Cache", ""),
                cpu_ms=cpu * 1000 / result["requests"],
            )
            rows.append(result)
            print(
                f"  {label}: {result['rps']:.0f} req/s, p50 {result['p50']:.1f} ms, "
                f"p99 {result['p99']:.1f} ms, {queries} queries ({result['cache']})",
                file=sys.stderr,
            )
        return rows, peak_rss_mb(pids)
    finally:
        process.terminate()
        process.wait(timeout=30)


def table(rows):
    bare = rows[0]["rps"]
    lines = [
        "| endpoint | req/s | x bare | p50 ms | p99 ms | queries/req | worker CPU ms/req |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        lines.append(
            f"| {row['label']} | {row['rps']:.0f} | {row['rps'] / bare:.2f} | "
            f"{row['p50']:.1f} | {row['p99']:.1f} | {row['queries']} | {row['cpu_ms']:.2f} |"
        )
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--duration", type=int, default=10, help="seconds per endpoint")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    if min(args.posts, args.duration, args.connections, args.threads, args.workers) < 1:
        parser.error("--posts, --duration, --connections, --threads and --workers must be ≥ 1")
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: run `make bench` (apt-get install wrk)")

    prefix = f"newsdesk-bench-{secrets.token_hex(4)}"
    static_root = tempfile.mkdtemp(prefix="newsdesk-bench-static-")
    env = production_env(args.database, args.posts, prefix, static_root)
    print(f"Preparing {args.posts} posts ({args.database})...", file=sys.stderr)
    generated = prepare(env, args.posts)

    process, base = start_gunicorn({**env, "NEWSDESK_RESPONSE_CACHE": "false"}, 1)
    try:
        _status, _headers, body = fetch(base, "/api/v2/pages/?type=news.NewsPage&limit=1")
        newest = json.loads(body)["items"][0]
        live = json.loads(body)["meta"]["total_count"]
    finally:
        process.terminate()
        process.wait(timeout=30)
    article = "/" + newest["meta"]["html_url"].split("://", 1)[1].split("/", 1)[1]
    endpoints = [
        ("bare Django JSON view", "/bench/bare/"),
        ("API listing, every field (20 posts)", "/api/v2/pages/?type=news.NewsPage&fields=*"),
        ("API detail", f"/api/v2/pages/{newest['id']}/"),
        ("HTML article", article),
        ("home page", "/"),
        # A place name: in about 1% of the posts, like a town or a name in real news.
        ("search API", "/api/v2/pages/?type=news.NewsPage&search=Fenhaven&fields=_,title"),
        # A word in nearly every post: the worst case for ranking.
        (
            "search API, word in ~90% of posts",
            "/api/v2/pages/?type=news.NewsPage&search=harbour&fields=_,title",
        ),
    ]

    results = {}
    for mode, cache in (("cold", "false"), ("warm", "true")):
        print(f"{mode} (response cache {'on' if cache == 'true' else 'off'}):", file=sys.stderr)
        results[mode] = measure({**env, "NEWSDESK_RESPONSE_CACHE": cache}, endpoints, args)

    try:
        import redis

        client = redis.Redis.from_url(env["REDIS_URL"])
        for key in client.scan_iter(f"{prefix}:*"):
            client.delete(key)
    except Exception as exc:  # cleaning up is a courtesy, not part of the result
        print(f"Could not remove the benchmark's Redis keys: {exc}", file=sys.stderr)
    shutil.rmtree(static_root, ignore_errors=True)

    command = "python bench/load_bench.py" + (
        " --database postgres" if args.database == "postgres" else ""
    )
    defaults = {"posts": 1000, "duration": 10, "connections": 16, "threads": 2, "workers": 2}
    for name, default in defaults.items():
        if getattr(args, name) != default:
            command += f" --{name} {getattr(args, name)}"
    lines = [
        f"### Load, {args.database}, {live} live posts",
        "",
        f"Command: `{command}`; {machine()}.",
        f"gunicorn with production settings, {args.workers} workers on 127.0.0.1; wrk with "
        f"{args.threads} threads and {args.connections} connections for {args.duration} s "
        "per endpoint, on the same machine, after 20 warm-up requests per endpoint (which "
        "also create the image renditions). Peak RSS is the largest worker's, under load. "
        f"Generating the posts this run added took {generated:.0f} s (0 when they existed).",
        "",
    ]
    for mode, (rows, rss) in results.items():
        lines += [
            f"**{mode.capitalize()}** (server-side response cache "
            f"{'off' if mode == 'cold' else 'on'}); worker peak RSS {rss:.0f} MB.",
            "",
            *table(rows),
            "",
        ]
    section = "\n".join(lines)
    print(section)
    if not args.no_write:
        write_section(f"load-bench:{args.database}:{args.posts}", section)


if __name__ == "__main__":
    main()
