"""Queue webhook deliveries for content events.

``queue_event`` is called from signal handlers (``news/signals.py``) and from comment
moderation. It only writes :class:`WebhookDelivery` rows, after the surrounding
transaction commits, so publishing never waits for a receiver: the worker sends them.
"""

import json
import uuid

from django.db import transaction
from django.utils import timezone

from news.webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookEvent


def absolute(url):
    from django.conf import settings

    if not url or url.startswith(("http://", "https://")):
        return url
    return settings.WAGTAILAPI_BASE_URL.rstrip("/") + url


def page_identity(page):
    """The page's id and type ("news.NewsPage"): all a receiver learns of a private page."""
    specific_class = page.specific_class or type(page)
    return {
        "id": page.pk,
        "type": f"{specific_class._meta.app_label}.{specific_class.__name__}",
    }


def page_payload(page):
    """What a receiver needs to refresh its copy of ``page``: id, type and URLs."""
    from django.urls import reverse

    return {
        **page_identity(page),
        "title": page.title,
        "slug": page.slug,
        "html_url": page.full_url,
        "api_url": absolute(reverse("wagtailapi:pages:detail", args=[page.pk])),
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
VISIBLE_ONLY = {WebhookEvent.PAGE_PUBLISHED, WebhookEvent.COMMENT_APPROVED}


def queue_event(event, page, *, extra=None, endpoints=None):
    """Queue ``event`` about ``page`` for every active endpoint subscribed to it.

    Receivers learn nothing readers may not see: ``page.published`` and
    ``comment.approved`` are sent only for pages readers can see (live, public, not
    expired); ``page.unpublished`` and ``page.deleted`` about a page behind a password
    or login carry only its id and type, never its title or URLs.

    ``page`` may be about to disappear (``page.deleted``): its payload is built now,
    the rows are written when the transaction commits. ``extra`` adds top-level keys
    (e.g. ``{"comment": {...}}``). Returns nothing.
    """
    from wagtail.models import Page

    from news.selectors import reader_visible

    page_data = page_id = None
    if page is not None:
        page_id = page.pk
        if event in VISIBLE_ONLY:
            if not reader_visible(Page.objects.filter(pk=page.pk)).exists():
                return
            page_data = page_payload(page)
        elif page.get_view_restrictions().exists():
            page_data = page_identity(page)
        else:
            page_data = page_payload(page)

    def write():
        targets = endpoints
        if targets is None:
            targets = [e for e in WebhookEndpoint.objects.filter(is_active=True) if e.wants(event)]
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
        WebhookDelivery.objects.bulk_create(deliveries)

    transaction.on_commit(write)


def queue_test_event(endpoint):
    """Queue a ``webhook.test`` delivery to ``endpoint`` (the admin's "Send test event")."""
    delivery_id = uuid.uuid4()
    return WebhookDelivery.objects.create(
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
