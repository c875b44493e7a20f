"""The Newsdesk worker: the task worker and scheduled publishing, in one process.

Runs until stopped (SIGINT/SIGTERM finish the current round and task, then exit):

- **tasks** queued through Django's task framework in the database (django-tasks-db,
  ``TASKS`` in cms/settings/base.py): Wagtail's own (search and reference index updates,
  frontend-cache purges, image file deletion) and Newsdesk's (webhook deliveries with
  their retries, re-indexing posts that link to a changed page). Each queue of the backend
  (``QUEUES``: ``default``, ``webhooks``, ``purges``) has a thread of its own that runs its
  tasks one at a time, so a webhook receiver or a cache server that never answers does not
  hold up indexing; the threads poll every ``--task-interval`` seconds when there is
  nothing to do (default 1). Tasks this machine's earlier worker left running when it was
  killed are run again when the worker starts;
- **scheduled publishing** every ``--interval`` seconds (default 30): posts whose go-live
  time has come are published and posts past their expiry time unpublished
  (news/scheduling.py; two workers never publish the same revision twice); then
  ``news.signals.worker_round`` lets subsystems do their housekeeping (e.g. queueing webhook
  deliveries whose task was lost); and once an hour the results of tasks finished more than
  NEWSDESK_TASK_RESULTS_KEEP_DAYS days ago (default 14) are deleted, so the task table
  does not grow for ever.

    python manage.py run_worker              # loop
    python manage.py run_worker --once       # one round, then every task that is due; exit

One worker per deployment is enough; more share the work (each task and each scheduled
revision is claimed by one worker). With the immediate task backend (the test settings)
tasks run where they are queued, in the worker too (its housekeeping may send webhooks).
"""

import logging
import os
import signal
import socket
import threading
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import OperationalError, close_old_connections, connections
from django_tasks import task_backends
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.management.commands.db_worker import Worker as DatabaseTaskWorker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from news.scheduling import run_scheduled_publishing
from news.signals import worker_round

logger = logging.getLogger(__name__)


def refresh_connections():
    """Drop database connections that are past CONN_MAX_AGE or broken, as Django does
    between requests, so a long-running worker survives database restarts. Never inside
    a transaction (e.g. when the worker is called from a test)."""
    if not any(connection.in_atomic_block for connection in connections.all()):
        close_old_connections()


def scheduling_round():
    """Scheduled publishing, then the subsystems' housekeeping. Raises when publishing
    failed as a whole; a failing housekeeping receiver is logged."""
    unpublished, published = run_scheduled_publishing()
    if unpublished or published:
        logger.info("Scheduled publishing: %d published, %d unpublished", published, unpublished)
    for receiver, result in worker_round.send_robust(sender=Command):
        if isinstance(result, Exception):
            logger.error("Worker housekeeping %r failed", receiver, exc_info=result)


PRUNE_EVERY_SECONDS = 3600


def prune_finished_tasks(backend):
    """Delete the results of tasks that finished (or failed) long enough ago."""
    call_command(
        "prune_db_task_results",
        backend=backend,
        queue_name="*",
        min_age_days=settings.NEWSDESK_TASK_RESULTS_KEEP_DAYS,
        verbosity=0,
    )


def this_hosts_worker_prefix():
    return f"{socket.gethostname()}:"


def requeue_abandoned_tasks(backend):
    """Queue again the tasks an earlier worker on this machine was running when it was
    killed (its process is gone), so they are not left *running* for ever. Tasks are
    written to be run again safely (indexing, purges, claimed deliveries)."""
    prefix = this_hosts_worker_prefix()
    abandoned = []
    running = DBTaskResult.objects.filter(backend_name=backend.alias, status="RUNNING")
    for result in running.only("pk", "worker_ids"):
        worker = (result.worker_ids or [""])[-1]
        if not worker.startswith(prefix):
            continue  # another machine's worker: it recovers its own
        pid = worker[len(prefix) :].split(":", 1)[0]
        if pid.isdigit() and not process_exists(int(pid)):
            abandoned.append(result.pk)
    if abandoned:
        DBTaskResult.objects.filter(pk__in=abandoned, status="RUNNING").update(
            status="READY", started_at=None
        )
        logger.warning("Queued %d task(s) a stopped worker left running", len(abandoned))
    return len(abandoned)


def process_exists(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True


class TaskRunner:
    """Takes the due tasks of one queue (``None``: every queue) of a database task backend
    and runs them, one at a time.

    Claiming and running are django-tasks-db's own (the row is locked and marked
    running, then ``Worker.run_task`` runs it and records the result), so a task is run
    by one worker only; the loop around them is Newsdesk's, because it must not close
    database connections while a transaction is open (django-tasks-db's loop does).
    """

    def __init__(self, backend, name, queue=None):
        self.backend = backend
        self.queue = queue
        worker_id = f"{this_hosts_worker_prefix()}{os.getpid()}:{name}"[:64]
        self.worker = DatabaseTaskWorker(
            queue_names=[queue] if queue else ["*"],
            interval=0,
            batch=True,
            backend_name=backend.alias,
            startup_delay=False,
            max_tasks=None,
            worker_id=worker_id,
            excluded_queue_names=[],
        )

    def claim_next(self):
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend.alias)
        if self.queue is not None:
            tasks = tasks.filter(queue_name=self.queue)
        try:
            with exclusive_transaction(tasks.db):
                task_result = tasks.get_locked()
                if task_result is not None:
                    task_result.claim(self.worker.worker_id)
                return task_result
        except OperationalError as error:
            if is_locked_database_exception(error):
                return None  # SQLite busy: try again next time
            raise

    def run_next(self):
        """Run the next due task; False when there was none."""
        task_result = self.claim_next()
        if task_result is None:
            return False
        self.worker.run_task(task_result)  # records success or failure, never raises
        return True

    def run_all_due(self, should_stop=lambda: False):
        ran = 0
        while not should_stop() and self.run_next():
            ran += 1
        return ran


class Command(BaseCommand):
    help = "Run Newsdesk's task worker and scheduled publishing until stopped."

    def add_arguments(self, parser):
        parser.add_argument(
            "--interval",
            type=float,
            default=30.0,
            help="Seconds between scheduled-publishing rounds (default 30; at least 1)",
        )
        parser.add_argument(
            "--task-interval",
            type=float,
            default=1.0,
            help="Seconds a task thread waits when no task is due (default 1; at least 0.1)",
        )
        parser.add_argument(
            "--delivery-interval",
            type=float,
            help="Deprecated (webhook deliveries are tasks now): use --task-interval",
        )
        parser.add_argument(
            "--once",
            action="store_true",
            help="One scheduling round, then every task that is due; then exit",
        )

    def handle(self, *args, interval, task_interval, once, delivery_interval=None, **options):
        if delivery_interval is not None:
            self.stderr.write(
                "--delivery-interval is deprecated: webhook deliveries are tasks now; "
                "using it as --task-interval."
            )
            task_interval = delivery_interval
        if interval < 1:
            raise CommandError(f"--interval must be at least 1 second, not {interval:g}")
        if task_interval < 0.1:
            raise CommandError(
                f"--task-interval must be at least 0.1 seconds, not {task_interval:g}"
            )
        backend = task_backends["default"]
        runs_tasks = isinstance(backend, DatabaseBackend)
        if runs_tasks:
            recovered = requeue_abandoned_tasks(backend)
            if recovered:
                self.stdout.write(f"Queued {recovered} task(s) a stopped worker left running.")
        if once:
            self.run_once(backend if runs_tasks else None)
            return
        self.stopping = False

        def stop(signum, frame):
            self.stopping = True
            self.stdout.write("Stopping after the current round...")

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        loops = [
            (
                "scheduled publishing",
                self.scheduling_loop,
                interval,
                backend if runs_tasks else None,
            )
        ]
        queues = sorted(backend.queues) if runs_tasks else []
        loops += [
            (f"tasks:{queue}", self.task_loop, task_interval, backend, queue) for queue in queues
        ]
        self.stdout.write(
            f"Newsdesk worker running: scheduled publishing every {interval:g}s"
            + (
                f"; tasks of the {', '.join(queues)} queue(s) as they are due."
                if runs_tasks
                else f"; tasks run as they are queued ({type(backend).__name__})."
            )
            + " Ctrl+C to stop."
        )
        # Each loop has its own thread (and database connection), so tasks waiting on
        # the network never delay a post's scheduled publishing, and the other way round.
        threads = [
            threading.Thread(target=target, args=(name, *rest), name=name, daemon=True)
            for name, target, *rest in loops
        ]
        for thread in threads:
            thread.start()
        while not self.stopping and all(thread.is_alive() for thread in threads):
            time.sleep(0.1)
        self.stopping = True
        for thread in threads:
            thread.join()
        self.stdout.write("Worker stopped.")

    def run_once(self, backend):
        failures = 0
        refresh_connections()
        try:
            scheduling_round()
        except Exception:
            failures += 1
            logger.exception("Scheduled publishing failed")
        if backend is not None:
            refresh_connections()
            TaskRunner(backend, "once").run_all_due()
            prune_finished_tasks(backend)
        refresh_connections()
        if failures:
            raise CommandError("Scheduled publishing failed; see the log above")

    def wait(self, seconds, started):
        while not self.stopping and time.monotonic() < started + seconds:
            time.sleep(0.1)

    def scheduling_loop(self, name, interval, backend):
        pruned_at = None
        try:
            while not self.stopping:
                started = time.monotonic()
                refresh_connections()
                try:
                    scheduling_round()
                except Exception:
                    logger.exception("Scheduled publishing failed; trying again next round")
                if backend is not None and (
                    pruned_at is None or started - pruned_at >= PRUNE_EVERY_SECONDS
                ):
                    try:
                        prune_finished_tasks(backend)
                    except Exception:
                        logger.exception("Pruning finished task results failed")
                    pruned_at = started
                self.wait(interval, started)
        finally:
            connections.close_all()  # this thread's connections

    def task_loop(self, name, interval, backend, queue):
        runner = TaskRunner(backend, name, queue)
        try:
            while not self.stopping:
                started = time.monotonic()
                refresh_connections()
                try:
                    ran = runner.run_all_due(should_stop=lambda: self.stopping)
                except Exception:
                    logger.exception("Taking a task failed; trying again shortly")
                    ran = 0
                if not ran:
                    self.wait(interval, started)
        finally:
            connections.close_all()
