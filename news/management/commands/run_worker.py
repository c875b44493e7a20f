"""The Newsdesk background worker.

Runs the jobs that must happen without a person pressing a button, every ``--interval``
seconds until stopped (SIGINT/SIGTERM finish the current round, then exit):

- publish posts whose go-live time has come and unpublish posts past their expiry time
  (Wagtail's ``publish_scheduled``).

    python manage.py run_worker              # loop, every 30 seconds
    python manage.py run_worker --once       # one round, e.g. from cron

Run exactly one worker per deployment (more do no harm, just no good).
"""

import logging
import signal
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections, connections

logger = logging.getLogger(__name__)


def run_scheduled_publishing():
    """Publish what is due and expire what has expired. Returns nothing; raises on error."""
    call_command("publish_scheduled", verbosity=0)


JOBS = [("scheduled publishing", run_scheduled_publishing)]


def refresh_connections():
    """Drop database connections that are past CONN_MAX_AGE or broken, as Django does
    between requests, so a long-running worker survives database restarts. Never inside
    a transaction (e.g. when the worker is called from a test)."""
    if not any(connection.in_atomic_block for connection in connections.all()):
        close_old_connections()


class Command(BaseCommand):
    help = "Run Newsdesk's background jobs (scheduled publishing and expiry) in a loop."

    def add_arguments(self, parser):
        parser.add_argument(
            "--interval",
            type=float,
            default=30.0,
            help="Seconds between rounds (default 30; at least 1)",
        )
        parser.add_argument("--once", action="store_true", help="Run one round and exit")

    def handle(self, *args, interval, once, **options):
        if interval < 1:
            raise CommandError(f"--interval must be at least 1 second, not {interval:g}")
        if once:
            failures = self.run_round()
            if failures:
                raise CommandError(f"{failures} job(s) failed; see the log above")
            return

        self.stopping = False

        def stop(signum, frame):
            self.stopping = True
            self.stdout.write("Stopping after the current round...")

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        self.stdout.write(f"Newsdesk worker running every {interval:g}s. Ctrl+C to stop.")
        while not self.stopping:
            self.run_round()
            deadline = time.monotonic() + interval
            while not self.stopping and time.monotonic() < deadline:
                time.sleep(min(0.5, interval))
        self.stdout.write("Worker stopped.")

    def run_round(self):
        """Run every job once; a failing job is logged and does not stop the others."""
        failures = 0
        for name, job in JOBS:
            refresh_connections()
            try:
                job()
            except Exception:
                failures += 1
                logger.exception("Worker job %r failed", name)
        refresh_connections()
        return failures
