"""The Newsdesk background worker.

Runs the jobs that must happen without a person pressing a button, until stopped
(SIGINT/SIGTERM finish the current round, then exit):

- publish posts whose go-live time has come and unpublish posts past their expiry time
  (Wagtail's ``publish_scheduled``), every ``--interval`` seconds (default 30);
- send webhook deliveries that are due, and retry failed ones with backoff
  (news/webhooks/delivery.py), every ``--delivery-interval`` seconds (default 1).

    python manage.py run_worker              # loop
    python manage.py run_worker --once       # one round of every job, e.g. from cron

One worker per deployment is enough. More do no harm: a webhook delivery is claimed by
one worker before it is sent, so none is sent twice at the same time.
"""

import logging
import signal
import threading
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections, connections

logger = logging.getLogger(__name__)


def run_scheduled_publishing():
    """Publish what is due and expire what has expired. Returns nothing; raises on error."""
    call_command("publish_scheduled", verbosity=0)


def run_webhook_deliveries():
    """Send the webhook deliveries that are due."""
    from news.webhooks.delivery import deliver_due

    while deliver_due():  # a full batch may mean more are waiting
        pass


# (name, function, option holding its interval in seconds)
JOBS = [
    ("scheduled publishing", run_scheduled_publishing, "interval"),
    ("webhook deliveries", run_webhook_deliveries, "delivery_interval"),
]


def refresh_connections():
    """Drop database connections that are past CONN_MAX_AGE or broken, as Django does
    between requests, so a long-running worker survives database restarts. Never inside
    a transaction (e.g. when the worker is called from a test)."""
    if not any(connection.in_atomic_block for connection in connections.all()):
        close_old_connections()


class Command(BaseCommand):
    help = "Run Newsdesk's background jobs (scheduled publishing, webhooks) in a loop."

    def add_arguments(self, parser):
        parser.add_argument(
            "--interval",
            type=float,
            default=30.0,
            help="Seconds between scheduled-publishing rounds (default 30; at least 1)",
        )
        parser.add_argument(
            "--delivery-interval",
            type=float,
            default=1.0,
            help="Seconds between webhook delivery rounds (default 1; at least 0.1)",
        )
        parser.add_argument("--once", action="store_true", help="Run one round and exit")

    def handle(self, *args, interval, delivery_interval, once, **options):
        if interval < 1:
            raise CommandError(f"--interval must be at least 1 second, not {interval:g}")
        if delivery_interval < 0.1:
            raise CommandError(
                f"--delivery-interval must be at least 0.1 seconds, not {delivery_interval:g}"
            )
        intervals = {"interval": interval, "delivery_interval": delivery_interval}
        if once:
            failures = self.run_round(JOBS)
            if failures:
                raise CommandError(f"{failures} job(s) failed; see the log above")
            return

        self.stopping = False

        def stop(signum, frame):
            self.stopping = True
            self.stdout.write("Stopping after the current round...")

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        self.stdout.write(
            f"Newsdesk worker running: scheduled publishing every {interval:g}s, "
            f"webhook deliveries every {delivery_interval:g}s. Ctrl+C to stop."
        )
        # Each job loops on its own thread (with its own database connection), so a
        # round of webhook deliveries waiting on dead receivers never delays a post's
        # scheduled publishing, and the other way round.
        threads = [
            threading.Thread(
                target=self.job_loop, args=(job, intervals[job[2]]), name=job[0], daemon=True
            )
            for job in JOBS
        ]
        for thread in threads:
            thread.start()
        while not self.stopping and any(thread.is_alive() for thread in threads):
            time.sleep(0.1)
        self.stopping = True
        for thread in threads:
            thread.join()
        self.stdout.write("Worker stopped.")

    def job_loop(self, job, interval):
        try:
            while not self.stopping:
                started = time.monotonic()
                self.run_round([job])
                while not self.stopping and time.monotonic() < started + interval:
                    time.sleep(0.1)
        finally:
            connections.close_all()  # this thread's connections

    def run_round(self, jobs):
        """Run ``jobs`` once; a failing job is logged and does not stop the others."""
        failures = 0
        for name, job, _option in jobs:
            refresh_connections()
            try:
                job()
            except Exception:
                failures += 1
                logger.exception("Worker job %r failed", name)
        refresh_connections()
        return failures
