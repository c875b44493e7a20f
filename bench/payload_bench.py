"""API payload sizes and encoding time: Wagtail's indented JSON against Newsdesk's compact,
gzip-encoded responses (issue #15).

On the demo content in a throwaway SQLite database, requests the listings and details a
frontend makes through Django's test client, with the response cache off (every request
renders), and reports for each: the body Wagtail's stock v2 renderer would write
(``indent=4``), the compact body Newsdesk writes, its gzip encoding (what a browser
receives), and the time to encode the same data both ways. Writes a table to
docs/performance.md.

    python bench/payload_bench.py [--rounds 20] [--no-write]
"""

import argparse
import gzip
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REQUESTS = [
    ("listing, 10 posts, every field", "/api/v2/pages/?type=news.NewsPage&fields=*&limit=10"),
    (
        "listing, 20 posts, card fields",
        "/api/v2/pages/?type=news.NewsPage&fields=_,title,summary,publication_date,lead_image&limit=20",
    ),
    (
        "article by slug with body_html",
        "/api/v2/pages/?type=news.NewsPage&slug={slug}&fields=body_html",
    ),
    ("article detail", "/api/v2/pages/{id}/"),
]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    workdir = tempfile.mkdtemp(prefix="newsdesk-payload-bench-")
    os.environ.update(
        DJANGO_SETTINGS_MODULE="cms.settings.test",
        DATABASE_URL=f"sqlite:///{workdir}/bench.sqlite3",
        MEDIA_ROOT=f"{workdir}/media",
        LOG_LEVEL="ERROR",
    )
    sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
    import django

    django.setup()
    from common import machine, write_section
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import override_settings
    from rest_framework.renderers import JSONRenderer

    from news.models import NewsPage

    override_settings(ALLOWED_HOSTS=["*"], NEWSDESK_RESPONSE_CACHE=False).enable()
    call_command("migrate", verbosity=0)
    with open(os.devnull, "w") as quiet:
        call_command("load_demo_content", "--password", "bench-password-1", stdout=quiet)
    post = NewsPage.objects.live().order_by("-publication_date").first()
    client = Client()
    renderer = JSONRenderer()

    def encode_ms(data, indent):
        context = {"indent": indent} if indent else {}
        samples = []
        for _ in range(args.rounds):
            started = time.perf_counter()
            renderer.render(data, renderer_context=context)
            samples.append((time.perf_counter() - started) * 1000)
        return statistics.median(samples)

    rows = [
        "| request | Wagtail (indent 4) | Newsdesk compact | gzip on the wire | "
        "encode, indent 4 | encode, compact |",
        "|---|---|---|---|---|---|",
    ]
    for label, url in REQUESTS:
        url = url.format(slug=post.slug, id=post.pk)
        response = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
        if response.status_code != 200 or response.get("Content-Encoding") != "gzip":
            raise SystemExit(f"{url} answered {response.status_code} without gzip")
        compact = gzip.decompress(response.content)
        data = json.loads(compact)
        indented = renderer.render(data, renderer_context={"indent": 4})
        rows.append(
            f"| {label} | {len(indented) / 1024:.1f} KB | {len(compact) / 1024:.1f} KB | "
            f"{len(response.content) / 1024:.1f} KB | {encode_ms(data, 4):.2f} ms | "
            f"{encode_ms(data, None):.2f} ms |"
        )
    section = "\n".join(
        [
            "### API payloads: indented, compact, gzip",
            "",
            f"Command: `python bench/payload_bench.py`; {machine()}.",
            f"Demo content on SQLite; Django's test client; encode times are the median of "
            f"{args.rounds} runs of DRF's JSON renderer on the same data.",
            "",
            *rows,
        ]
    )
    print(section)
    if not args.no_write:
        write_section("payload-bench", section)


if __name__ == "__main__":
    main()
