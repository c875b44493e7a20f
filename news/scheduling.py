"""Scheduled publishing: go-live and expiry times, done by the worker (``run_worker``).

What Wagtail's ``publish_scheduled`` command does (publish revisions whose go-live time has
come, unpublish objects past their expiry time), with one difference: each object is
*claimed* before it is changed, so two workers running at the same time never publish the
same revision, or unpublish the same page, twice.

A claim is a transaction that re-reads the row under a lock and acts only if it is still
due: ``SELECT ... FOR UPDATE`` on PostgreSQL, which makes the second worker wait and then
see the row no longer due; on SQLite, Newsdesk's transactions take the database's write lock
when they begin (``transaction_mode = IMMEDIATE``, cms/settings/base.py), which serialises
them the same way. One object's failure is logged and does not stop the others.
"""

import logging

from django.apps import apps
from django.db import transaction
from django.utils import timezone
from wagtail.models import DraftStateMixin, Page, Revision

logger = logging.getLogger(__name__)


def scheduled_models():
    """Page, and every other model with drafts and publishing (snippets with
    DraftStateMixin), as Wagtail's publish_scheduled covers them."""
    return [Page] + [
        model
        for model in apps.get_models()
        if issubclass(model, DraftStateMixin) and not issubclass(model, Page)
    ]


def _claim(queryset):
    """The row of ``queryset``, locked for this transaction, or None when it is gone."""
    return queryset.select_for_update().first()


def unpublish_expired():
    """Unpublish live objects whose expiry time has passed. Returns how many."""
    done = 0
    for model in scheduled_models():
        due = model.objects.filter(live=True, expire_at__lt=timezone.now()).order_by("expire_at")
        for pk in list(due.values_list("pk", flat=True)):
            try:
                with transaction.atomic():
                    obj = _claim(
                        model.objects.filter(pk=pk, live=True, expire_at__lt=timezone.now())
                    )
                    if obj is None:
                        continue  # another worker got there first
                    obj.unpublish(set_expired=True, log_action="wagtail.unpublish.scheduled")
                    done += 1
            except Exception:
                logger.exception("Could not unpublish expired %s %s", model.__name__, pk)
    return done


def publish_due_revisions():
    """Publish the revisions whose approved go-live time has come. Returns how many."""
    done = 0
    due = Revision.objects.filter(approved_go_live_at__lt=timezone.now()).order_by(
        "approved_go_live_at"
    )
    for pk in list(due.values_list("pk", flat=True)):
        try:
            with transaction.atomic():
                revision = _claim(
                    Revision.objects.filter(pk=pk, approved_go_live_at__lt=timezone.now())
                )
                if revision is None:
                    continue  # another worker published it meanwhile
                revision.publish(log_action="wagtail.publish.scheduled")
                done += 1
        except Exception:
            logger.exception("Could not publish scheduled revision %s", pk)
    return done


def run_scheduled_publishing():
    """One round: expiry first (as Wagtail does), then go-live. Returns (unpublished,
    published)."""
    return unpublish_expired(), publish_due_revisions()
