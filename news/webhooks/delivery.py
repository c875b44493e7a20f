"""Sending webhook deliveries: signing, HTTP, retries with exponential backoff.

The delivery task (tasks.py) calls :func:`deliver_due`, which keeps up to ``SENDERS``
deliveries in flight side by side (so one slow receiver does not hold up the others) until
none is due. A delivery is *claimed* only when a sender is free to send it: a conditional
UPDATE of that one row gives this worker a short lease on it, so several workers never
send the same delivery at the same time. While its POST is in flight the lease is renewed;
once the try is over its outcome is recorded and the freed sender takes the next one.

Should the worker die (SIGKILL, out of memory, the machine lost), only the deliveries that
were in flight, at most ``SENDERS``, are held: the next worker sends them again once their
lease runs out (``lease_seconds()``). Deliveries not yet claimed are due as they were, so the
next worker sends them at once. Delivery is therefore *at least once*: a receiver may get a
delivery twice (it was answered but the worker died before recording it) and deduplicates
on ``X-Newsdesk-Delivery``.

Every try is recorded as a :class:`~news.webhooks.models.WebhookAttempt`; a failed try is
retried with exponential backoff (the task queues itself again for the next retry).

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

import contextlib
import datetime
import hashlib
import hmac
import http.client
import logging
import socket
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
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
# Deliveries in flight at once per worker, each on a thread of its own, so dead receivers
# cost about one timeout per SENDERS tries rather than one each in turn. Also the most a
# killed worker can leave held until their lease runs out.
SENDERS = 16


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


def tracking(connection_class, request):
    """``connection_class``, keeping the socket it connects on ``request``, so the
    watchdog in ``send`` can cut it off (urllib lets go of the connection's socket once
    the headers are in; the response reads the body from the same socket)."""

    class Tracked(connection_class):
        def connect(self):
            super().connect()
            request.newsdesk_socket = self.sock
            if getattr(request, "newsdesk_cut_off", False):  # the deadline passed meanwhile
                shut(self.sock)

    return Tracked


def shut(sock):
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


class TrackingHTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req):
        return self.do_open(tracking(http.client.HTTPConnection, req), req)


class TrackingHTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req):
        options = {"context": self._context}
        if hasattr(self, "_check_hostname"):  # Python 3.11
            options["check_hostname"] = self._check_hostname
        return self.do_open(tracking(http.client.HTTPSConnection, req), req, **options)


def cut_off(request):
    """Close the connection ``request`` is waiting on: the blocked read returns."""
    request.newsdesk_cut_off = True
    sock = getattr(request, "newsdesk_socket", None)
    if sock is not None:
        shut(sock)


_opener = urllib.request.build_opener(NoRedirects, TrackingHTTPHandler, TrackingHTTPSHandler)


def send(url, secret, event, delivery_id, body):
    """POST one delivery; returns an :class:`Outcome` and never raises.

    It takes at most ``NEWSDESK_WEBHOOK_TIMEOUT`` seconds in all: the timeout applies to
    each read of the socket, so a receiver sending its answer a byte at a time would keep
    a sender (and the lease it renews) forever; a watchdog cuts the connection off at
    the deadline instead."""
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
    timeout = settings.NEWSDESK_WEBHOOK_TIMEOUT
    watchdog = threading.Timer(timeout, cut_off, (request,))
    watchdog.daemon = True
    watchdog.start()
    try:
        with _opener.open(request, timeout=timeout) as response:
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
    finally:
        watchdog.cancel()
    if getattr(request, "newsdesk_cut_off", False):
        # The whole answer did not come in time (a status may have): a failed try.
        code, error = None, f"Timed out after {timeout} s"
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


def lease_seconds():
    """How long a claim lasts unless it is renewed: how long after a worker died the
    deliveries it had in flight are sent again. A worker renews the lease of each delivery
    it is sending every third of this, however long the receiver takes to answer.
    ``NEWSDESK_WEBHOOK_LEASE`` (30 s unless set in the environment)."""
    return settings.NEWSDESK_WEBHOOK_LEASE


def claim(delivery, now):
    """Take ``delivery`` for this worker until ``now`` plus the lease: a conditional UPDATE
    of that row, so of several workers that read it as due only one gets it. False when
    another worker got it first. The lease's end is the claim's token: only the worker
    holding it may renew it or record the outcome."""
    lease_until = now + datetime.timedelta(seconds=lease_seconds())
    claimed = WebhookDelivery.objects.filter(
        pk=delivery.pk,
        status=delivery.status,
        next_attempt_at=delivery.next_attempt_at,
    ).update(next_attempt_at=lease_until)
    if claimed == 1:
        delivery.next_attempt_at = lease_until
        return True
    return False


def give_up_inactive(delivery):
    """Mark a due delivery to an endpoint made inactive as failed instead of sending it
    (unless another worker changed it meanwhile)."""
    WebhookDelivery.objects.filter(
        pk=delivery.pk, status=delivery.status, next_attempt_at=delivery.next_attempt_at
    ).update(
        status=WebhookDelivery.Status.FAILED,
        next_attempt_at=None,
        last_error="Endpoint is inactive",
    )


def claim_next():
    """Claim the delivery that has been due longest, for one sender; None when nothing is
    due. A row another worker claimed first is no longer due, so the next read finds the
    next one."""
    while True:
        now = timezone.now()
        delivery = due_deliveries(now).first()
        if delivery is None:
            return None
        if not delivery.endpoint.is_active:
            give_up_inactive(delivery)
        elif claim(delivery, now):
            return delivery


def renew(delivery):
    """Extend the lease of a delivery still in flight; False when the lease was lost (the
    worker stalled past it and another one took the delivery over, an administrator
    re-sent it, or it was deleted). Its outcome is then not recorded either."""
    lease_until = timezone.now() + datetime.timedelta(seconds=lease_seconds())
    renewed = WebhookDelivery.objects.filter(
        pk=delivery.pk, next_attempt_at=delivery.next_attempt_at
    ).update(next_attempt_at=lease_until)
    if renewed == 1:
        delivery.next_attempt_at = lease_until
        return True
    logger.warning("Webhook delivery %s changed hands while it was being sent", delivery.pk)
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


def deliver_due(*, limit=None):
    """Send every delivery that is due, ``SENDERS`` at a time, until none is (or ``limit``
    were tried). Returns how many were tried.

    Each delivery is claimed when a sender is free for it, never ahead, so a worker holds
    at most ``SENDERS`` claims at any moment. The HTTP requests run on the pool's threads;
    claiming, renewing and recording stay on this thread (and its database connection).
    """
    tried = 0
    in_flight = {}  # future -> (delivery, when its try started)
    lost = set()  # deliveries whose lease another worker took over: not renewed again
    claim_error = None
    renew_every = max(lease_seconds() / 3, 0.1)
    renewed_at = time.monotonic()
    with ThreadPoolExecutor(max_workers=SENDERS, thread_name_prefix="webhook-sender") as pool:
        while True:
            while (
                claim_error is None
                and len(in_flight) < SENDERS
                and (limit is None or tried < limit)
            ):
                try:
                    delivery = claim_next()
                except Exception as exc:  # finish and record what is in flight first
                    claim_error = exc
                    break
                if delivery is None:
                    break
                started_at = timezone.now()
                future = pool.submit(
                    send,
                    delivery.endpoint.url,
                    delivery.endpoint.secret,
                    delivery.event,
                    delivery.pk,
                    delivery.body,
                )
                in_flight[future] = (delivery, started_at)
                tried += 1
            if not in_flight:
                break
            until_renewal = max(renewed_at + renew_every - time.monotonic(), 0)
            done, _ = wait(in_flight, timeout=until_renewal, return_when=FIRST_COMPLETED)
            for future in done:
                delivery, started_at = in_flight.pop(future)
                try:
                    record(delivery, future.result(), started_at)
                except Exception:  # one bad row must not lose the others' outcomes
                    logger.exception("Could not record webhook delivery %s", delivery.pk)
            if in_flight and time.monotonic() - renewed_at >= renew_every:
                renewed_at = time.monotonic()
                for delivery, _started_at in in_flight.values():
                    if delivery.pk in lost:
                        continue
                    try:
                        if not renew(delivery):
                            lost.add(delivery.pk)
                    except Exception:  # the database is away: try again next time
                        logger.exception("Could not renew the lease of %s", delivery.pk)
    if claim_error is not None:
        raise claim_error
    return tried


def next_due_at():
    """When the next pending or retrying delivery is due (None when there is none). For a
    delivery being sent, that is when its lease runs out."""
    pending = Q(status=WebhookDelivery.Status.PENDING) | Q(status=WebhookDelivery.Status.RETRYING)
    return (
        WebhookDelivery.objects.filter(pending, next_attempt_at__isnull=False)
        .order_by("next_attempt_at")
        .values_list("next_attempt_at", flat=True)
        .first()
    )
