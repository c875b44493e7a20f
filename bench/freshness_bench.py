"""Publishing speed with and without webhook receivers, including one that never answers.

Publishes the same post --repeat times through the admin's Publish button (Django's
test client, in process, signed in as an administrator) in three set-ups:

- no webhook endpoint;
- an endpoint whose receiver accepts the connection and never answers;
- an endpoint whose receiver answers 200 after 5 seconds.

Publishing only queues deliveries (the task worker sends them; the bench uses the
persistent task backend, as production does), so the three columns should be the same.
Then times one worker round against the silent receiver, which is where the waiting
happens (up to NEWSDESK_WEBHOOK_TIMEOUT). Uses a throwaway SQLite database.
Writes a table into docs/performance.md with the exact command, machine and date.

    python bench/freshness_bench.py [--repeat 15] [--no-write]
"""

import argparse
import os
import socket
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from common import machine, percentile, write_section  # noqa: E402


def silent_receiver():
    server = socket.create_server(("127.0.0.1", 0))
    held = []

    def accept():
        while True:
            try:
                held.append(server.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    return f"http://127.0.0.1:{server.getsockname()[1]}/never", server


def slow_receiver():
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            time.sleep(5)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/slow", server


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")

    workdir = tempfile.mkdtemp(prefix="newsdesk-freshness-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/bench.sqlite3"
    os.environ["DJANGO_SETTINGS_MODULE"] = "cms.settings.test"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import override_settings
    from django.urls import reverse
    from wagtail.models import Site
    from wagtail.test.utils.form_data import (
        inline_formset,
        nested_form_data,
        rich_text,
        streamfield,
    )

    # Production's task backend: tasks wait in the database for the worker.
    override_settings(
        ALLOWED_HOSTS=["*"],
        TASKS={
            "default": {
                "BACKEND": "django_tasks_db.DatabaseBackend",
                "QUEUES": settings.NEWSDESK_TASK_QUEUES,
            }
        },
    ).enable()
    print("Migrating a throwaway database...", file=sys.stderr)
    call_command("migrate", verbosity=0)

    from django.contrib.auth import get_user_model

    from news.models import Author, NewsIndexPage, NewsPage
    from news.webhooks.models import WebhookDelivery, WebhookEndpoint

    home = Site.objects.get(is_default_site=True).root_page
    index = home.add_child(instance=NewsIndexPage(title="News", slug="news"))
    author = Author.objects.create(name="Bench Reporter")
    admin = get_user_model().objects.create_superuser("bench", "bench@example.com", "pw")
    client = Client()
    client.force_login(admin)

    def form(title):
        return nested_form_data(
            {
                "title": title,
                "slug": "bench-post",
                "publication_date": "2026-11-24",
                "summary": "Summary.",
                "tags": "",
                "news_authors": inline_formset([{"author": author.pk}]),
                "body": streamfield([("paragraph", rich_text("<p>Body.</p>"))]),
                "action-publish": "Publish",
            }
        )

    response = client.post(
        reverse("wagtailadmin_pages:add", args=["news", "newspage", index.pk]), form("Bench post")
    )
    if response.status_code != 302:
        raise SystemExit(f"Creating the bench post failed (HTTP {response.status_code})")
    post = NewsPage.objects.get(slug="bench-post")
    edit_url = reverse("wagtailadmin_pages:edit", args=[post.pk])

    silent_url, silent = silent_receiver()
    slow_url, slow = slow_receiver()
    silent_endpoint = WebhookEndpoint.objects.create(
        name="silent", url=silent_url, events=["page.published"], secret="x" * 32
    )
    slow_endpoint = WebhookEndpoint.objects.create(
        name="slow", url=slow_url, events=["page.published"], secret="y" * 32
    )
    setups = [
        ("no webhook endpoint", []),
        ("receiver never answers", [silent_endpoint]),
        ("receiver answers after 5 s", [slow_endpoint]),
    ]
    samples = {label: [] for label, _ in setups}
    queued = dict.fromkeys(samples, 0)
    # Interleaved, so a database that grows with every revision affects each set-up alike.
    for n in range(args.repeat + 1):
        for label, active in setups:
            WebhookEndpoint.objects.update(is_active=False)
            WebhookEndpoint.objects.filter(pk__in=[e.pk for e in active]).update(is_active=True)
            before = WebhookDelivery.objects.count()
            started = time.perf_counter()
            response = client.post(edit_url, form(f"{label} {n}"))
            elapsed = (time.perf_counter() - started) * 1000
            if response.status_code != 302:
                raise SystemExit(f"Publishing failed (HTTP {response.status_code})")
            if n:  # the first round is a warm-up
                samples[label].append(elapsed)
                queued[label] += WebhookDelivery.objects.count() - before
    results = [(label, samples[label], queued[label]) for label, _ in setups]
    endpoint = silent_endpoint

    # Where the waiting goes: one worker round sends the queued deliveries side by side.
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(is_active=True)
    WebhookDelivery.objects.exclude(endpoint=endpoint).delete()
    started = time.perf_counter()
    from news.webhooks.delivery import deliver_due

    sent = deliver_due()
    worker_seconds = time.perf_counter() - started

    rows = [
        f"| {label} | {percentile(samples, 0.5):.0f} | {percentile(samples, 0.95):.0f} "
        f"| {queued} |"
        for label, samples, queued in results
    ]
    section = "\n".join(
        [
            "### Publishing with webhook receivers",
            "",
            f"Command: `python bench/freshness_bench.py` (repeat {args.repeat}); {machine()}.",
            "Admin Publish button, in process, SQLite; times in ms.",
            "",
            "| set-up | publish median ms | publish p95 ms | deliveries queued |",
            "|---|---|---|---|",
            *rows,
            "",
            f"One worker round then sent {sent} deliveries to the silent receiver in "
            f"{worker_seconds:.1f} s (timeout {settings.NEWSDESK_WEBHOOK_TIMEOUT} s, "
            "deliveries sent side by side).",
        ]
    )
    print(section)
    silent.close()
    slow.shutdown()
    if not args.no_write:
        write_section("freshness-bench", section)


if __name__ == "__main__":
    main()
