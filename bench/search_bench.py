"""Search speed over a generated archive, on SQLite or PostgreSQL.

Fills a benchmark database with N posts (bench/generate_posts.py; kept between runs),
then times typical reader queries through the search page (/search/?q=, full HTML
response) and the API (/api/v2/pages/?type=news.NewsPage&search=), in process with
Django's test client: median and 95th percentile over --repeat runs after one warm-up.
Writes a table into docs/performance.md with the exact command, machine and date.

    python bench/search_bench.py                       # SQLite file bench/search.sqlite3
    python bench/search_bench.py --database postgres   # database newsdesk_bench on 127.0.0.1
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from common import machine, write_section  # noqa: E402

QUERIES = [
    ("one word", {"q": "harbour"}),
    ("two words", {"q": "ferry strike"}),
    ("stemmed", {"q": "storms"}),
    ("four words", {"q": "solar energy grant council"}),
    ("word + tag", {"q": "flood", "tag": "climate"}),
    ("word + dates", {"q": "budget", "date_from": "2020-01-01", "date_to": "2024-12-31"}),
]
POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/newsdesk_bench"


def prepare_database(kind):
    if kind == "postgres":
        import psycopg

        with psycopg.connect(
            "postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True
        ) as conn:
            exists = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = 'newsdesk_bench'"
            ).fetchone()
            if not exists:
                conn.execute("CREATE DATABASE newsdesk_bench")
        os.environ["DATABASE_URL"] = POSTGRES_URL
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{ROOT / 'bench' / 'search.sqlite3'}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "cms.settings.test"
    # Time the search itself: repeated identical requests would be response-cache hits.
    os.environ["NEWSDESK_RESPONSE_CACHE"] = "false"


def timed(client, url, params, repeat):
    client.get(url, params)  # warm-up
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url, params)
        samples.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url} {params} answered {response.status_code}")
    samples.sort()
    p95 = samples[min(len(samples) - 1, round(0.95 * len(samples)) - 1)]
    return statistics.median(samples), p95


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    if args.posts < 1 or args.repeat < 1:
        parser.error("--posts and --repeat must be at least 1")

    prepare_database(args.database)
    from generate_posts import generate, setup_django

    setup_django()
    print(f"Preparing {args.posts} posts ({args.database})...", file=sys.stderr)
    generate(args.posts)
    os.environ["SEARCH_AUTO_UPDATE"] = "true"

    from django.test import Client

    from news.models import NewsPage

    client = Client()
    total = NewsPage.objects.live().count()
    rows = []
    for label, params in QUERIES:
        page_median, page_p95 = timed(client, "/search/", params, args.repeat)
        api_params = {"type": "news.NewsPage", "search": params["q"], "fields": "_,title"}
        if "tag" in params:
            api_params["tags"] = params["tag"]
        if "date_from" in params:
            api_params["published_after"] = params["date_from"]
            api_params["published_before"] = params["date_to"]
        api_median, api_p95 = timed(client, "/api/v2/pages/", api_params, args.repeat)
        query = "&".join(f"{key}={value}" for key, value in params.items())
        rows.append(
            f"| {label} | `{query}` | {page_median:.0f} | {page_p95:.0f} "
            f"| {api_median:.0f} | {api_p95:.0f} |"
        )

    command = "python bench/search_bench.py" + (
        " --database postgres" if args.database == "postgres" else ""
    )
    if args.posts != 5000:
        command += f" --posts {args.posts}"
    section = "\n".join(
        [
            f"### Search, {args.database}, {total} live posts",
            "",
            f"Command: `{command}` (repeat {args.repeat}); {machine()}.",
            "",
            "| query | parameters | page median ms | page p95 ms | API median ms | API p95 ms |",
            "|---|---|---|---|---|---|",
            *rows,
        ]
    )
    print(section)
    if not args.no_write:
        write_section(f"search-bench:{args.database}", section)


if __name__ == "__main__":
    main()
