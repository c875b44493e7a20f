"""What the webhooks app subscribes to, connected in ``WebhooksConfig.ready()``.

Pages announce through Wagtail's page signals (connected per page model) and
``news.signals.page_deleted``; comments through ``news.signals.comment_approved``
(``sender="comments.Comment"``, by name: the webhooks and comments apps never import each
other). Each handler only queues deliveries (events.py), after the transaction commits.
"""

from wagtail.models import Page, get_page_models
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

from news.lifecycle import is_being_deleted
from news.signals import comment_approved, page_deleted, worker_round
from news.visibility import reader_visible
from news.webhooks.events import comment_payload, listing_paths, queue_event, site_path
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


def was_public_under(parent):
    """Whether readers could see a page under ``parent``: no view restriction on it or
    above it."""
    return parent is not None and not parent.get_view_restrictions().exists()


def page_moved_hook(
    sender, instance, parent_page_before=None, url_path_before=None, url_path_after=None, **kwargs
):
    """A live page moved to another parent (Wagtail sends this for every move).

    Still visible: ``page.moved`` with the path it had and the listings there too, when
    readers could see it there. No longer visible (moved into a private section):
    ``page.unpublished``, which is what readers see, with the public path it had."""
    if not instance.live or not url_path_before or url_path_before == url_path_after:
        return
    old_public = was_public_under(parent_page_before)
    old_path = site_path(url_path_before) if old_public else None
    old_listings = listing_paths(instance, parent=parent_page_before) if old_public else ()
    visible = reader_visible(Page.objects.filter(pk=instance.pk)).exists()
    if visible:
        queue_event(
            WebhookEvent.PAGE_MOVED, instance, old_path=old_path, old_listings=old_listings
        )
    elif old_public:
        queue_event(
            WebhookEvent.PAGE_UNPUBLISHED, instance, old_path=old_path, old_listings=old_listings
        )


def page_slug_changed_hook(sender, instance, instance_before, **kwargs):
    """A live page's slug changed (Wagtail sends this after the save commits). A draft's
    first publish changes the slug of a page that was never live: its old path was never
    public, so nothing is sent."""
    if instance.live and instance_before.live:
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
