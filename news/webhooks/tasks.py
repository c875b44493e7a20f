"""The delivery task: webhook deliveries sent by the task worker (``manage.py run_worker``).

``deliver_due_webhooks`` sends every delivery that is due (delivery.py: claimed, sent side
by side, recorded). It is queued when deliveries are written (events.py), when the admin
re-sends one, and, for retries, by itself: after a round that tried something, it queues
itself again for when the next retry is due (the persistent backend runs it then; the
delivery log shows *Retrying* meanwhile). A round that found nothing to do queues nothing,
so concurrent tasks merge into one.

As a safety net, the worker's every scheduling round (``news.signals.worker_round``) queues
the task when a delivery is overdue by more than a claim lasts: its task was lost (a worker
stopped mid-send, a backend without deferred tasks).
"""

import datetime

from django.utils import timezone
from django_tasks import task
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from news.webhooks.delivery import BATCH_SIZE, deliver_due, lease_seconds, next_due_at


# Its own queue: the worker runs it on a thread of its own (cms/settings/base.py, TASKS).
@task(queue_name="webhooks")
def deliver_due_webhooks():
    tried = 0
    while True:
        sent = deliver_due()
        tried += sent
        if sent < BATCH_SIZE:  # a full batch may mean more are waiting
            break
    if tried:
        queue_next_round()
    return tried


def queue_delivery_round():
    """Queue the delivery task, unless one is already waiting to run: a round sends every
    delivery due when it runs, so publishing a hundred posts at once queues one task, not a
    hundred. (Only the database backend can tell; others get a task each time.)"""
    backend = deliver_due_webhooks.get_backend()
    if isinstance(backend, DatabaseBackend):
        waiting = DBTaskResult.objects.ready().filter(
            backend_name=backend.alias, task_path=deliver_due_webhooks.module_path
        )
        if waiting.exists():
            return
    deliver_due_webhooks.enqueue()


def queue_next_round():
    """Queue the task for when the next retry is due, where the backend can defer tasks;
    otherwise the worker's rounds pick it up (requeue_overdue_deliveries)."""
    due = next_due_at()
    if due is None:
        return
    if not deliver_due_webhooks.get_backend().supports_defer:
        return
    deliver_due_webhooks.using(run_after=max(due, timezone.now())).enqueue()


def requeue_overdue_deliveries(**kwargs):
    """``worker_round`` receiver: queue the task for deliveries whose task was lost."""
    grace = lease_seconds() if deliver_due_webhooks.get_backend().supports_defer else 0
    due = next_due_at()
    if due is not None and due <= timezone.now() - datetime.timedelta(seconds=grace):
        queue_delivery_round()
