"""Queue webhook deliveries for content events.

``queue_event`` is called by the webhooks app's signal handlers (signal_handlers.py) when
pages and comments announce a change. It writes :class:`WebhookDelivery` rows after the
surrounding transaction commits and queues the delivery task (tasks.py), so publishing
never waits for a receiver: the task worker sends them.
"""

import json
import uuid
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page

from cms.core.site_urls import absolute_url
from news.visibility import reader_visible
from news.webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from news.webhooks.tasks import queue_delivery_round


def page_identity(page):
    """The page's id and type ("news.NewsPage"): all a receiver learns of a private page."""
    specific_class = page.specific_class or type(page)
    return {
        "id": page.pk,
        "type": f"{specific_class._meta.app_label}.{specific_class.__name__}",
    }


def page_path(page):
    """The page's path on its site (``/news/harbour-wall/``), or None when it has none."""
    parts = page.get_url_parts()
    return parts[2] if parts else None


def site_path(url_path):
    """A Wagtail ``url_path`` (``/home/news/harbour-wall/``, from the tree root) as the
    path on its site (``/news/harbour-wall/``)."""
    return "/" + url_path.strip("/").partition("/")[2] + ("/" if url_path.count("/") > 2 else "")


def listing_paths(page, *, parent=None):
    """The paths of the reader pages that list ``page``, besides its own: its ancestors
    (the home page, the news index), and for a post its tag pages and its month archive
    under each news index above it. What a frontend revalidates along with the page.
    ``parent``: list it as if it were under that page (where a moved page was)."""
    page = page.specific
    paths = []
    tags = list(page.tags.values_list("slug", flat=True)) if hasattr(page, "tags") else []
    date = getattr(page, "publication_date", None)
    ancestors = (
        parent.get_ancestors(inclusive=True) if parent is not None else page.get_ancestors()
    )
    for ancestor in ancestors.filter(depth__gt=1).specific():
        path = page_path(ancestor)
        if path is None:
            continue
        paths.append(path)
        if hasattr(ancestor, "reverse_subpage"):  # a news index's own routes
            paths += [path + ancestor.reverse_subpage("tag", args=[tag]) for tag in tags]
            if date is not None:
                paths.append(
                    path + ancestor.reverse_subpage("month", args=[f"{date:%Y}", f"{date:%m}"])
                )
    return list(dict.fromkeys(paths))


def page_payload(page, *, old_path=None):
    """What a receiver needs to refresh its copy of ``page``: id, type, URLs and the
    paths to revalidate (its own, the listings that show it, and after a move or a slug
    change the path it had)."""
    return {
        **page_identity(page),
        "title": page.title,
        "slug": page.slug,
        "html_url": page.full_url,
        "api_url": absolute_url(
            reverse("wagtailapi:pages:detail", args=[page.pk]), site=page.get_site()
        ),
        "path": page_path(page),
        "listing_paths": listing_paths(page),
        "old_path": old_path,
    }


def comment_payload(comment):
    """What receivers learn about an approved comment: never the e-mail address."""
    return {
        "id": comment.pk,
        "author_name": comment.author_name,
        "submitted_at": comment.submitted_at.isoformat(),
        "parent_id": comment.parent_id,
    }


def build_body(event, delivery_id, page_data=None, extra=None):
    document = {
        "event": str(event),
        "delivery_id": str(delivery_id),
        "timestamp": timezone.now().isoformat(),
        "page": page_data,
    }
    if extra:
        document.update(extra)
    return json.dumps(document, sort_keys=True, separators=(",", ":"))


# Events about something readers can see now; the others may concern pages readers never
# saw (e.g. a post behind a password being unpublished).
VISIBLE_ONLY = {
    WebhookEvent.PAGE_PUBLISHED,
    WebhookEvent.PAGE_MOVED,
    WebhookEvent.COMMENT_APPROVED,
}


_endpoints_read_once = ContextVar("webhook_endpoints_read_once", default=None)


@contextmanager
def endpoints_read_once():
    """Inside, ``queue_event`` reads the active endpoints once, not once per event: for
    code that sends one ``page_published`` per page of a bulk write (the importer's
    batches). An endpoint added meanwhile is seen by the next block."""
    token = _endpoints_read_once.set([])
    try:
        yield
    finally:
        _endpoints_read_once.reset(token)


def active_endpoints():
    """The active endpoints (read once inside ``endpoints_read_once``)."""
    read = _endpoints_read_once.get()
    if read is None:
        return list(WebhookEndpoint.objects.filter(is_active=True))
    if not read:
        read.append(list(WebhookEndpoint.objects.filter(is_active=True)))
    return read[0]


def queue_event(event, page, *, extra=None, endpoints=None, old_path=None, old_listings=()):
    """Queue ``event`` about ``page`` for every active endpoint subscribed to it.

    Receivers learn nothing readers may not see: ``page.published`` and
    ``comment.approved`` are sent only for pages readers can see (live, public, not
    expired); ``page.unpublished`` and ``page.deleted`` about a page behind a password
    or login carry only its id and type, never its title or URLs.

    ``page`` may be about to disappear (``page.deleted``): its payload is built now,
    the rows are written when the transaction commits. ``extra`` adds top-level keys
    (e.g. ``{"comment": {...}}``); ``old_path`` and ``old_listings`` are the path a moved
    page had and the listings that showed it there, which the caller passes only when
    readers could see it there (they are sent even when only the page's identity is).
    Returns nothing.
    """
    if endpoints is None and not any(endpoint.wants(event) for endpoint in active_endpoints()):
        # Nobody to tell: building the payload (the page's URLs, its listings, a
        # visibility query) is most of the cost of publishing a page, e.g. in an import.
        return
    page_data = page_id = None
    if page is not None:
        page_id = page.pk
        if event in VISIBLE_ONLY:
            if not reader_visible(Page.objects.filter(pk=page.pk)).exists():
                return
            page_data = page_payload(page, old_path=old_path)
        elif page.get_view_restrictions().exists():
            page_data = page_identity(page)
            if old_path is not None:
                page_data = {**page_data, "old_path": old_path}
        else:
            page_data = page_payload(page, old_path=old_path)
        if old_listings and page_data is not None:
            merged = [*page_data.get("listing_paths", []), *old_listings]
            page_data = {**page_data, "listing_paths": list(dict.fromkeys(merged))}

    def write():
        targets = endpoints
        if targets is None:
            targets = [e for e in active_endpoints() if e.wants(event)]
        deliveries = []
        for endpoint in targets:
            delivery_id = uuid.uuid4()
            deliveries.append(
                WebhookDelivery(
                    id=delivery_id,
                    endpoint=endpoint,
                    event=event,
                    page_id=page_id,
                    body=build_body(event, delivery_id, page_data, extra),
                )
            )
        if deliveries:
            WebhookDelivery.objects.bulk_create(deliveries)
            queue_delivery_round()

    transaction.on_commit(write, robust=True)


def queue_test_event(endpoint):
    """Queue a ``webhook.test`` delivery to ``endpoint`` (the admin's "Send test event")."""
    delivery_id = uuid.uuid4()
    delivery = WebhookDelivery.objects.create(
        id=delivery_id,
        endpoint=endpoint,
        event=WebhookEvent.TEST,
        body=build_body(
            WebhookEvent.TEST,
            delivery_id,
            None,
            {"message": f"Test event from Newsdesk to {endpoint.name}"},
        ),
    )
    transaction.on_commit(queue_delivery_round, robust=True)
    return delivery


def resend(delivery):
    """Queue ``delivery`` again, now, with a fresh set of tries (the admin's "Re-send").
    The body and delivery id stay the same, so receivers can deduplicate."""
    delivery.status = WebhookDelivery.Status.PENDING
    delivery.attempts = 0
    delivery.next_attempt_at = timezone.now()
    delivery.save(update_fields=["status", "attempts", "next_attempt_at"])
    transaction.on_commit(queue_delivery_round, robust=True)
