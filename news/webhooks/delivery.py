"""Sending webhook deliveries: signing, HTTP, retries with exponential backoff.

The delivery task (tasks.py) calls :func:`deliver_due`. Each due delivery is *claimed*
with a conditional UPDATE before it is sent, so several workers never send the same
delivery at the same time, then POSTed on a small thread pool so one slow receiver does
not hold up the others. Every try is recorded as a
:class:`~news.webhooks.models.WebhookAttempt`; a failed try is retried with exponential
backoff (the task queues itself again for the next retry).

What a receiver gets::

    POST <endpoint URL>
    Content-Type: application/json
    User-Agent: Newsdesk-Webhooks/1
    X-Newsdesk-Event: page.published
    X-Newsdesk-Delivery: 5f0c...            (the same on every retry: deduplicate on it)
    X-Newsdesk-Signature: sha256=<hex HMAC-SHA256 of the raw body, keyed by the secret>

    {"delivery_id": "...", "event": "page.published", "page": {...}, "timestamp": "..."}

See docs/webhooks.md for the verification snippet receivers should use.
"""

import datetime
import hashlib
import hmac
import logging
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from news.webhooks.models import WebhookAttempt, WebhookDelivery

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Newsdesk-Signature"
EVENT_HEADER = "X-Newsdesk-Event"
DELIVERY_HEADER = "X-Newsdesk-Delivery"
USER_AGENT = "Newsdesk-Webhooks/1"
# Deliveries sent per round, all at once on their own threads, so a round lasts at most
# about one timeout however many receivers are dead; the rest wait for the next round.
BATCH_SIZE = 16
SENDERS = BATCH_SIZE


def sign(secret, body):
    """The signature header value for ``body`` (bytes) under ``secret``."""
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def retry_delay(attempts):
    """Seconds to wait after the ``attempts``-th failed try: base, 2 x base, 4 x base, ..."""
    base = settings.NEWSDESK_WEBHOOK_RETRY_BASE
    return min(base * 2 ** max(attempts - 1, 0), settings.NEWSDESK_WEBHOOK_RETRY_MAX)


@dataclass
class Outcome:
    response_code: int | None
    error: str
    duration_ms: int

    @property
    def succeeded(self):
        return self.response_code is not None and 200 <= self.response_code < 300


class NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is reported as the receiver's answer, never followed: following it
    would turn the POST into a GET somewhere the administrator did not configure."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_opener = urllib.request.build_opener(NoRedirects)


def send(url, secret, event, delivery_id, body):
    """POST one delivery; returns an :class:`Outcome` and never raises."""
    data = body.encode()
    request = urllib.request.Request(  # noqa: S310 - an administrator's http(s) URL
        url,
        data=data,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            EVENT_HEADER: event,
            DELIVERY_HEADER: str(delivery_id),
            SIGNATURE_HEADER: sign(secret, data),
        },
    )
    started = time.monotonic()
    code, error = None, ""
    try:
        with _opener.open(request, timeout=settings.NEWSDESK_WEBHOOK_TIMEOUT) as response:
            code = response.status
            response.read(64 * 1024)
    except urllib.error.HTTPError as exc:
        code = exc.code
        error = f"HTTP {exc.code} {exc.reason}"
    except TimeoutError:
        error = f"Timed out after {settings.NEWSDESK_WEBHOOK_TIMEOUT} s"
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, TimeoutError):
            error = f"Timed out after {settings.NEWSDESK_WEBHOOK_TIMEOUT} s"
        else:
            error = f"Could not connect: {reason}"
    except Exception as exc:  # a broken receiver must not stop the worker
        error = f"{type(exc).__name__}: {exc}"
    if code is not None and not 200 <= code < 300 and not error:
        error = f"HTTP {code}"
    duration_ms = int((time.monotonic() - started) * 1000)
    return Outcome(code, error[:2000], duration_ms)


def due_deliveries(now):
    pending = Q(status=WebhookDelivery.Status.PENDING) | Q(status=WebhookDelivery.Status.RETRYING)
    return (
        WebhookDelivery.objects.filter(pending, next_attempt_at__lte=now)
        .select_related("endpoint")
        .order_by("next_attempt_at")
    )


def claim(delivery, now):
    """Take ``delivery`` for this worker for longer than a try can take (the lease).
    False when another worker got it first. The lease's end is the claim's token:
    only the worker holding it may record the outcome."""
    lease = datetime.timedelta(seconds=lease_seconds())
    lease_until = now + lease
    claimed = WebhookDelivery.objects.filter(
        pk=delivery.pk,
        status=delivery.status,
        next_attempt_at=delivery.next_attempt_at,
    ).update(next_attempt_at=lease_until)
    if claimed == 1:
        delivery.next_attempt_at = lease_until
        return True
    return False


def record(delivery, outcome, started_at):
    """Store one try's outcome and decide what happens next; nothing when the lease
    was lost (another worker took the delivery over, or it was deleted meanwhile)."""
    lease_until = delivery.next_attempt_at
    delivery.attempts += 1
    delivery.last_response_code = outcome.response_code
    delivery.last_error = outcome.error
    if outcome.succeeded:
        delivery.status = WebhookDelivery.Status.DELIVERED
        delivery.delivered_at = timezone.now()
        delivery.next_attempt_at = None
    elif delivery.attempts >= settings.NEWSDESK_WEBHOOK_MAX_ATTEMPTS:
        delivery.status = WebhookDelivery.Status.FAILED
        delivery.next_attempt_at = None
        logger.warning(
            "Webhook delivery %s to %s failed %d times; giving up: %s",
            delivery.pk,
            delivery.endpoint.url,
            delivery.attempts,
            outcome.error,
        )
    else:
        delivery.status = WebhookDelivery.Status.RETRYING
        delivery.next_attempt_at = timezone.now() + datetime.timedelta(
            seconds=retry_delay(delivery.attempts)
        )
    with transaction.atomic():
        updated = WebhookDelivery.objects.filter(
            pk=delivery.pk, next_attempt_at=lease_until
        ).update(
            attempts=delivery.attempts,
            last_response_code=delivery.last_response_code,
            last_error=delivery.last_error,
            status=delivery.status,
            delivered_at=delivery.delivered_at,
            next_attempt_at=delivery.next_attempt_at,
        )
        if not updated:
            logger.warning("Webhook delivery %s changed hands; not recording", delivery.pk)
            return
        WebhookAttempt.objects.create(
            delivery=delivery,
            # Counts every try, also those before a re-send.
            number=WebhookAttempt.objects.filter(delivery=delivery).count() + 1,
            started_at=started_at,
            duration_ms=outcome.duration_ms,
            response_code=outcome.response_code,
            error=outcome.error,
        )


def deliver_due(*, limit=BATCH_SIZE):
    """Send every delivery that is due (up to ``limit``). Returns how many were tried."""
    now = timezone.now()
    batch = []
    for delivery in due_deliveries(now)[:limit]:
        if not delivery.endpoint.is_active:
            delivery.status = WebhookDelivery.Status.FAILED
            delivery.next_attempt_at = None
            delivery.last_error = "Endpoint is inactive"
            delivery.save(update_fields=["status", "next_attempt_at", "last_error"])
            continue
        if claim(delivery, now):
            batch.append(delivery)
    if not batch:
        return 0

    started_at = timezone.now()
    # HTTP on threads; database writes stay on this thread (and its connection).
    with ThreadPoolExecutor(max_workers=min(SENDERS, len(batch))) as pool:
        outcomes = list(
            pool.map(
                lambda d: send(d.endpoint.url, d.endpoint.secret, d.event, d.pk, d.body),
                batch,
            )
        )
    for delivery, outcome in zip(batch, outcomes, strict=True):
        try:
            record(delivery, outcome, started_at)
        except Exception:  # one bad row must not lose the others' outcomes
            logger.exception("Could not record webhook delivery %s", delivery.pk)
    return len(batch)


def next_due_at():
    """When the next pending or retrying delivery is due (None when there is none)."""
    pending = Q(status=WebhookDelivery.Status.PENDING) | Q(status=WebhookDelivery.Status.RETRYING)
    return (
        WebhookDelivery.objects.filter(pending, next_attempt_at__isnull=False)
        .order_by("next_attempt_at")
        .values_list("next_attempt_at", flat=True)
        .first()
    )


def lease_seconds():
    """How long a claim lasts: longer than a try can take."""
    return 3 * settings.NEWSDESK_WEBHOOK_TIMEOUT + 60
