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


def page_payload(page):
    """What a receiver needs to refresh its copy of ``page``: id, type and URLs."""
    from django.urls import reverse

    specific_class = page.specific_class or type(page)
    return {
        "id": page.pk,
        "type": f"{specific_class._meta.app_label}.{specific_class.__name__}",
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


def queue_event(event, page, *, extra=None, endpoints=None):
    """Queue ``event`` about ``page`` for every active endpoint subscribed to it.

    ``page`` may be about to disappear (``page.deleted``): its payload is built now,
    the rows are written when the transaction commits. ``extra`` adds top-level keys
    (e.g. ``{"comment": {...}}``). Returns nothing.
    """
    page_data = page_payload(page) if page is not None else None
    page_id = page.pk if page is not None else None

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
