"""Editors' admin actions, timed: before and after background work moved to the worker,
and at scale (--scale).

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

``--scale`` times this checkout only, on the demo data (SQLite, as ``make run`` sets it
up, and PostgreSQL) and on the demo data plus an archive of ``--posts`` posts on
PostgreSQL (bench/generate_posts.py; the database ``newsdesk_admin_<posts>`` is kept
between runs, the first run spends about seven minutes filling it), with the new posts
added to the archive's news index. Besides the four actions it times what a moderator
and an editor also wait for: approving from the page editor (which saves the
moderator's copy first), and opening the dashboard, the editor and the new-post form.
The target for every action is 300 ms of server time (issue #14):

    python bench/admin_bench.py --scale [--posts 100000] [--rounds 15] [--no-write]
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
# Also timed with --scale: what else an editor and a moderator wait for.
SCALE_ACTIONS = [
    *ACTIONS,
    "approve from the editor (publishes)",
    "open the dashboard (moderator)",
    "open the new-post form",
    "open the editor",
]
TARGET_MS = 300
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


def measure(rounds, index_slug="news", scale=False):
    import uuid

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
    index = NewsIndexPage.objects.get(slug=index_slug)
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

    def timed(client, url, data=None):
        started = time.perf_counter()
        response = client.post(url, data) if data is not None else client.get(url)
        elapsed = (time.perf_counter() - started) * 1000
        expected = (200, 302) if data is not None else (200,)
        if response.status_code not in expected:
            raise SystemExit(f"{url} answered {response.status_code}")
        if data is not None and response.status_code == 200:
            raise SystemExit(f"POST {url} was refused (the form came back with errors)")
        return elapsed

    def task_state_of(post):
        return (
            WorkflowState.objects.for_instance(post).get(status="in_progress").current_task_state
        )

    actions = SCALE_ACTIONS if scale else ACTIONS
    samples = {action: [] for action in actions}
    add_url = reverse("wagtailadmin_pages:add", args=["news", "newspage", index.pk])
    run = uuid.uuid4().hex[:8]  # a kept database may hold the posts of earlier runs
    for number in range(rounds + 1):  # the first round warms up
        slug = f"bench-story-{run}-{number}"
        times = [timed(editor, add_url, form(f"Bench story {number}", slug))]
        post = NewsPage.objects.get(slug=slug)
        edit_url = reverse("wagtailadmin_pages:edit", args=[post.pk])
        times.append(timed(editor, edit_url, form(f"Bench story {number}, updated", slug)))
        submit = form(f"Bench story {number}, updated", slug, **{"action-submit": "Submit"})
        times.append(timed(editor, edit_url, submit))
        approve_url = f"/admin/pages/workflow/action/{post.pk}/approve/{task_state_of(post).pk}/"
        times.append(timed(moderator, approve_url, {"comment": ""}))
        post.refresh_from_db()
        if not post.live:
            raise SystemExit("approving did not publish the post")
        if scale:
            # A second post, submitted untimed, approved from the page editor.
            second = f"{slug}-b"
            editor.post(add_url, form(f"Bench story {number} b", second, **{"action-submit": "1"}))
            other = NewsPage.objects.get(slug=second)
            approve_in_editor = form(
                f"Bench story {number} b",
                second,
                **{"action-workflow-action": "true", "workflow-action-name": "approve"},
            )
            other_url = reverse("wagtailadmin_pages:edit", args=[other.pk])
            times.append(timed(moderator, other_url, approve_in_editor))
            other.refresh_from_db()
            if not other.live:
                raise SystemExit("approving from the editor did not publish the post")
            times.append(timed(moderator, reverse("wagtailadmin_home")))
            times.append(timed(editor, add_url))
            times.append(timed(editor, edit_url))
        if number:
            for action, elapsed in zip(actions, times, strict=True):
                samples[action].append(elapsed)
    if persistent:  # the worker is not running: leave no queued tasks in a kept database
        from django_tasks_db.models import DBTaskResult

        DBTaskResult.objects.all().delete()
    print(json.dumps({"persistent_tasks": persistent, "samples": samples}))


# -- the comparison -----------------------------------------------------------------------


def run_checkout(project, rounds, database_url=None, extra=()):
    with tempfile.TemporaryDirectory(prefix="newsdesk-admin-bench-") as workdir:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "cms.settings.test",
            "DATABASE_URL": database_url or f"sqlite:///{workdir}/bench.sqlite3",
            "MEDIA_ROOT": f"{workdir}/media",
            "LOG_LEVEL": "ERROR",
            "PYTHONPATH": str(project),
        }
        result = subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), "--measure", str(rounds), *extra],
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise SystemExit(f"measuring in {project} failed:\n{result.stderr[-4000:]}")
        return json.loads(result.stdout.strip().splitlines()[-1])


POSTGRES_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"


def postgres_database(name, *, fresh):
    """A PostgreSQL database ``name`` on the local server (dropped first when ``fresh``)."""
    import psycopg

    with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and fresh:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        if fresh or not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    return f"postgres://postgres@127.0.0.1:5432/{name}"


def drop_postgres_database(name):
    import psycopg

    with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def fill_archive(database_url, posts):
    """Demo content plus ``posts`` generated posts in the "bench-news" index."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cms.settings.dev",
        "DATABASE_URL": database_url,
        "LOG_LEVEL": "ERROR",
    }
    subprocess.run(
        [sys.executable, str(ROOT / "bench" / "generate_posts.py"), "--count", str(posts)],
        cwd=ROOT,
        env=env,
        check=True,
    )


def scale(args, machine, percentile, write_section):
    """The --scale report: demo data on SQLite and PostgreSQL, and a big archive."""
    extra = ["--scale"]
    demo_db = "newsdesk_admin_demo"
    archive_db = f"newsdesk_admin_{args.posts}"
    setups = []
    print("Demo data, SQLite...", file=sys.stderr)
    setups.append(("demo data, SQLite", run_checkout(ROOT, args.rounds, extra=extra)))
    print("Demo data, PostgreSQL...", file=sys.stderr)
    try:
        url = postgres_database(demo_db, fresh=True)
        setups.append(("demo data, PostgreSQL", run_checkout(ROOT, args.rounds, url, extra)))
    finally:
        drop_postgres_database(demo_db)
    print(f"{args.posts:,} posts, PostgreSQL (filling the archive if needed)...", file=sys.stderr)
    url = postgres_database(archive_db, fresh=False)
    fill_archive(url, args.posts)
    archive = run_checkout(ROOT, args.rounds, url, [*extra, "--index-slug", "bench-news"])
    setups.append((f"{args.posts:,} posts, PostgreSQL", archive))

    header = "| action | " + " | ".join(f"{label} p50 / p90" for label, _ in setups) + " |"
    rows = [header, "|---|" + "---|" * len(setups)]
    worst = 0.0
    for action in SCALE_ACTIONS:
        cells = []
        for _label, result in setups:
            samples = result["samples"][action]
            p90 = percentile(samples, 0.9)
            worst = max(worst, p90)
            cells.append(f"{statistics.median(samples):.0f} / {p90:.0f}")
        rows.append(f"| {action} | " + " | ".join(cells) + " |")
    verdict = "met" if worst < TARGET_MS else "**missed**"
    command = (
        "python bench/admin_bench.py --scale"
        + (f" --posts {args.posts}" if args.posts != 100_000 else "")
        + (f" --rounds {args.rounds}" if args.rounds != 15 else "")
    )
    section = "\n".join(
        [
            "### Admin actions at scale",
            "",
            f"Command: `{command}`; {machine()}.",
            f"{args.rounds} rounds per setup; this checkout; Django's test client in "
            "process, so these are server times; the persistent task backend (tasks "
            "queued, not run: the worker's work is not in the editor's wait); 30 demo "
            f"posts, plus {args.posts:,} generated posts in the index the new posts go "
            "to for the last column; a webhook endpoint and a frontend cache whose purges "
            "take 200 ms. Times in ms, median / 90th percentile.",
            "",
            f"Target: under {TARGET_MS} ms for each action: {verdict} (slowest p90: "
            f"{worst:.0f} ms).",
            "",
            *rows,
        ]
    )
    print(section)
    if not args.no_write:
        write_section("admin-scale", section)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--before", default=DEFAULT_BEFORE, help="git revision to compare")
    parser.add_argument("--no-write", action="store_true", help="print only")
    parser.add_argument("--scale", action="store_true", help="time this checkout at scale")
    parser.add_argument("--posts", type=int, default=100_000, help="archive size (--scale)")
    parser.add_argument("--measure", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--index-slug", default="news", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure is not None:
        measure(args.measure, index_slug=args.index_slug, scale=args.scale)
        return
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    if args.posts < 1:
        parser.error("--posts must be at least 1")
    sys.path.insert(0, str(ROOT / "bench"))
    from common import machine, percentile, write_section

    if args.scale:
        scale(args, machine, percentile, write_section)
        return

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
