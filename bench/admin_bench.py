"""Editors' admin actions, timed before and after background work moved to the task worker.

Times what an editor and a moderator wait for in the admin: saving a new post as a draft,
saving it again, submitting it for moderation, and approving it (which publishes it).
Each round uses a new post with a related-articles block, on a newsroom of 30 demo posts,
with a webhook endpoint and a frontend cache (a PURGE server answering after 200 ms)
configured, as a production site would have.

Runs the same rounds on two checkouts of Newsdesk: ``--before`` (a git revision, by default
the last commit before the restructure of issue #13, where indexing ran in the editor's
request and purges on a thread) and this checkout (where indexing, purges and webhook
deliveries are tasks the worker runs; with the persistent task backend, as in production).
Each is measured twice, alternately (before, after, before, after), on a fresh SQLite
database each time; requests go through Django's test client, in process, so the times are
the server's work for the request. Writes a table to docs/performance.md.

    python bench/admin_bench.py [--rounds 15] [--before a1f3921] [--no-write]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ACTIONS = ["save new draft", "save draft again", "submit for moderation", "approve (publishes)"]
# The last commit before the restructure (issue #13).
DEFAULT_BEFORE = "a1f3921"


# -- the measuring process, run inside one checkout ------------------------------------


def slow_purge_server(delay=0.2):
    class Handler(BaseHTTPRequestHandler):
        def do_PURGE(self):
            time.sleep(delay)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}"


def measure(rounds):
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import override_settings
    from django.urls import reverse
    from wagtail.models import WorkflowState
    from wagtail.test.utils.form_data import (
        inline_formset,
        nested_form_data,
        rich_text,
        streamfield,
    )

    overrides = {
        "ALLOWED_HOSTS": ["*"],
        "WAGTAILFRONTENDCACHE": {
            "bench": {
                "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
                "LOCATION": slow_purge_server(),
            }
        },
    }
    persistent = "django_tasks_db" in settings.INSTALLED_APPS
    if persistent:  # production's task backend (the test settings run tasks at once)
        overrides["TASKS"] = {
            "default": {
                "BACKEND": "django_tasks_db.DatabaseBackend",
                "QUEUES": settings.NEWSDESK_TASK_QUEUES,
            }
        }
    override_settings(**overrides).enable()
    call_command("migrate", verbosity=0)
    with open(os.devnull, "w") as quiet:
        call_command("load_demo_content", "--password", "bench-password-1", stdout=quiet)

    from django.contrib.auth import get_user_model

    from news.models import Author, NewsIndexPage, NewsPage

    try:
        from news.webhooks.models import WebhookEndpoint
    except ImportError:  # pragma: no cover - every version measured has webhooks
        WebhookEndpoint = None
    if WebhookEndpoint is not None:
        WebhookEndpoint.objects.create(
            name="bench", url="http://127.0.0.1:9/hook", events=["page.published"], secret="s" * 32
        )
    users = get_user_model().objects
    editor, moderator = Client(), Client()
    editor.force_login(users.get(username="editor"))
    moderator.force_login(users.get(username="moderator"))
    index = NewsIndexPage.objects.get(slug="news")
    author = Author.objects.order_by("pk").first()
    related = NewsPage.objects.live().order_by("pk").first()

    def form(title, slug, **extra):
        return nested_form_data(
            {
                "title": title,
                "slug": slug,
                "publication_date": "2026-11-24",
                "summary": "A summary of the story.",
                "tags": "Harbour",
                "site_disclaimer": "auto",
                "news_authors": inline_formset([{"author": author.pk}]),
                "body": streamfield(
                    [
                        ("paragraph", rich_text("<p>First paragraph of the story.</p>")),
                        (
                            "related_articles",
                            {
                                "heading": "Read more",
                                "items": streamfield([("article", related.pk)]),
                            },
                        ),
                        ("paragraph", rich_text("<p>Second paragraph of the story.</p>")),
                    ]
                ),
                **extra,
            }
        )

    def timed(client, url, data):
        started = time.perf_counter()
        response = client.post(url, data)
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code not in (200, 302):
            raise SystemExit(f"POST {url} answered {response.status_code}")
        return elapsed

    samples = {action: [] for action in ACTIONS}
    add_url = reverse("wagtailadmin_pages:add", args=["news", "newspage", index.pk])
    for number in range(rounds + 1):  # the first round warms up
        slug = f"bench-story-{number}"
        times = [timed(editor, add_url, form(f"Bench story {number}", slug))]
        post = NewsPage.objects.get(slug=slug)
        edit_url = reverse("wagtailadmin_pages:edit", args=[post.pk])
        times.append(timed(editor, edit_url, form(f"Bench story {number}, updated", slug)))
        submit = form(f"Bench story {number}, updated", slug, **{"action-submit": "Submit"})
        times.append(timed(editor, edit_url, submit))
        task_state = WorkflowState.objects.for_instance(post).get(status="in_progress")
        approve_url = (
            f"/admin/pages/workflow/action/{post.pk}/approve/{task_state.current_task_state.pk}/"
        )
        times.append(timed(moderator, approve_url, {"comment": ""}))
        post.refresh_from_db()
        if not post.live:
            raise SystemExit("approving did not publish the post")
        if number:
            for action, elapsed in zip(ACTIONS, times, strict=True):
                samples[action].append(elapsed)
    print(json.dumps({"persistent_tasks": persistent, "samples": samples}))


# -- the comparison -----------------------------------------------------------------------


def run_checkout(project, rounds):
    with tempfile.TemporaryDirectory(prefix="newsdesk-admin-bench-") as workdir:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "cms.settings.test",
            "DATABASE_URL": f"sqlite:///{workdir}/bench.sqlite3",
            "MEDIA_ROOT": f"{workdir}/media",
            "LOG_LEVEL": "ERROR",
            "PYTHONPATH": str(project),
        }
        result = subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), "--measure", str(rounds)],
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise SystemExit(f"measuring in {project} failed:\n{result.stderr[-4000:]}")
        return json.loads(result.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--before", default=DEFAULT_BEFORE, help="git revision to compare")
    parser.add_argument("--no-write", action="store_true", help="print only")
    parser.add_argument("--measure", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure is not None:
        measure(args.measure)
        return
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    sys.path.insert(0, str(ROOT / "bench"))
    from common import machine, percentile, write_section

    before_dir = Path(tempfile.mkdtemp(prefix="newsdesk-before-")) / "checkout"
    subprocess.run(
        ["git", "worktree", "add", "--detach", str(before_dir), args.before],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    results = {"before": [], "after": []}
    try:
        for repetition in range(2):
            for label, project in (("before", before_dir), ("after", ROOT)):
                print(f"Round {repetition + 1}: {label}...", file=sys.stderr)
                results[label].append(run_checkout(project, args.rounds))
    finally:
        subprocess.run(
            ["git", "worktree", "remove", "--force", str(before_dir)], cwd=ROOT, check=False
        )

    def pooled(label, action):
        return [ms for run in results[label] for ms in run["samples"][action]]

    rows = []
    for action in ACTIONS:
        before, after = pooled("before", action), pooled("after", action)
        rows.append(
            f"| {action} | {statistics.median(before):.0f} | {percentile(before, 0.9):.0f} "
            f"| {statistics.median(after):.0f} | {percentile(after, 0.9):.0f} "
            f"| {statistics.median(after) / statistics.median(before):.2f} |"
        )
    command = "python bench/admin_bench.py" + (
        f" --rounds {args.rounds}" if args.rounds != 15 else ""
    )
    section = "\n".join(
        [
            "### Admin actions: waiting for background work, before and after",
            "",
            f"Command: `{command}` (before = `{args.before}`); {machine()}.",
            f"{args.rounds} rounds per run, each checkout run twice, alternately; SQLite; "
            "Django's test client in process; 30 demo posts, a webhook endpoint and a "
            "frontend cache whose purges take 200 ms. Before: search and reference "
            "indexing in the request, purges on a thread. After: they and webhook "
            "deliveries are tasks in the database, run by the worker. Times in ms.",
            "",
            "| action | before median | before p90 | after median | after p90 | after / before |",
            "|---|---|---|---|---|---|",
            *rows,
        ]
    )
    print(section)
    if not args.no_write:
        write_section("admin-bench", section)


if __name__ == "__main__":
    main()
