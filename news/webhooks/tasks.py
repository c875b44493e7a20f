"""The delivery task: webhook deliveries sent by the task worker (``manage.py run_worker``).

``deliver_due_webhooks`` is a delivery round: it sends the deliveries that are due, up to
``ROUND_SIZE`` (delivery.py: each claimed when a sender is free for it, sent side by side,
recorded). It is queued when deliveries are written (events.py), when the admin re-sends
one, and by itself: after each round it queues itself again for when the next delivery is
due (at once when the round stopped at ``ROUND_SIZE``; at a retry's time, the delivery log
showing *Retrying* meanwhile; or when the lease of a delivery another worker is sending
runs out), unless a round is already waiting to run by then. So concurrent tasks merge
into one, and a delivery a killed worker left claimed is sent again when its lease runs
out. A round is bounded so that a worker told to stop (SIGTERM) finishes it soon.

As a safety net, the worker's every scheduling round (``news.signals.worker_round``) queues
a round when a delivery is due and no round is waiting to run: its task was lost (a worker
on another machine killed mid-round, a backend without deferred tasks).
"""

from django.db.models import Q
from django.utils import timezone
from django_tasks import task
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult, get_date_max

from news.webhooks.delivery import SENDERS, deliver_due, next_due_at

# Deliveries tried per round at most; the next round is queued at once when more are due.
ROUND_SIZE = 4 * SENDERS


# Its own queue: the worker runs it on a thread of its own (cms/settings/base.py, TASKS).
@task(queue_name="webhooks")
def deliver_due_webhooks():
    tried = deliver_due(limit=ROUND_SIZE)
    queue_next_round()
    return tried


def queue_delivery_round():
    """Queue the delivery task, unless one is already waiting to run: a round sends what
    is due when it runs (and queues the next when there is more), so publishing a hundred
    posts at once queues one task, not a hundred. (Only the database backend can tell;
    others get a task each time.)"""
    backend = deliver_due_webhooks.get_backend()
    if isinstance(backend, DatabaseBackend):
        waiting = DBTaskResult.objects.ready().filter(
            backend_name=backend.alias, task_path=deliver_due_webhooks.module_path
        )
        if waiting.exists():
            return
    deliver_due_webhooks.enqueue()


def queue_next_round():
    """Queue the task for when the next delivery is due, where the backend can defer tasks
    and no round is waiting to run by then; otherwise the worker's rounds pick it up
    (requeue_overdue_deliveries)."""
    due = next_due_at()
    if due is None:
        return
    backend = deliver_due_webhooks.get_backend()
    if not backend.supports_defer:
        return
    run_after = max(due, timezone.now())
    if isinstance(backend, DatabaseBackend):
        waiting = DBTaskResult.objects.filter(
            Q(run_after__lte=run_after) | Q(run_after=get_date_max()),
            status="READY",
            backend_name=backend.alias,
            task_path=deliver_due_webhooks.module_path,
        )
        if waiting.exists():
            return
    deliver_due_webhooks.using(run_after=run_after).enqueue()


def requeue_overdue_deliveries(**kwargs):
    """``worker_round`` receiver: queue a round for deliveries whose task was lost. While
    a round is running elsewhere this may queue one more, which sends beside it or finds
    nothing left: claims keep them from sending the same delivery."""
    due = next_due_at()
    if due is not None and due <= timezone.now():
        queue_delivery_round()
