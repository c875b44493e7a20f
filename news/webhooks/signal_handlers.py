"""What the webhooks app subscribes to, connected in ``WebhooksConfig.ready()``.

Pages announce through Wagtail's page signals (connected per page model) and
``news.signals.page_deleted``; comments through ``news.signals.comment_approved``
(``sender="comments.Comment"``, by name: the webhooks and comments apps never import each
other). Each handler only queues deliveries (events.py), after the transaction commits.
"""

from wagtail.models import get_page_models
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

from news.lifecycle import is_being_deleted
from news.signals import comment_approved, page_deleted, worker_round
from news.webhooks.events import comment_payload, queue_event, site_path
from news.webhooks.models import WebhookEvent
from news.webhooks.tasks import requeue_overdue_deliveries


def page_published_hook(sender, instance, **kwargs):
    queue_event(WebhookEvent.PAGE_PUBLISHED, instance)


def page_unpublished_hook(sender, instance, **kwargs):
    if is_being_deleted(instance):
        return  # Wagtail unpublishes a live page it deletes; page.deleted covers it
    queue_event(WebhookEvent.PAGE_UNPUBLISHED, instance)


def page_deleted_hook(sender, page, **kwargs):
    queue_event(WebhookEvent.PAGE_DELETED, page)


def page_moved_hook(sender, instance, url_path_before=None, url_path_after=None, **kwargs):
    """A live page moved to another parent (Wagtail sends this for every move)."""
    if instance.live and url_path_before and url_path_before != url_path_after:
        queue_event(WebhookEvent.PAGE_MOVED, instance, old_path=site_path(url_path_before))


def page_slug_changed_hook(sender, instance, instance_before, **kwargs):
    """A live page's slug changed (Wagtail sends this after the save commits)."""
    if instance.live:
        queue_event(
            WebhookEvent.PAGE_MOVED, instance, old_path=site_path(instance_before.url_path)
        )


def comment_approved_hook(sender, comment, page, **kwargs):
    queue_event(WebhookEvent.COMMENT_APPROVED, page, extra={"comment": comment_payload(comment)})


def connect():
    for model in get_page_models():
        page_published.connect(page_published_hook, sender=model)
        page_unpublished.connect(page_unpublished_hook, sender=model)
        page_deleted.connect(page_deleted_hook, sender=model)
        post_page_move.connect(page_moved_hook, sender=model)
        page_slug_changed.connect(page_slug_changed_hook, sender=model)
    comment_approved.connect(comment_approved_hook, sender="comments.Comment")
    worker_round.connect(requeue_overdue_deliveries)
