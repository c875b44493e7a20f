"""Webhook endpoints and the log of every delivery made to them.

An administrator registers an endpoint (URL, secret, event types) in the admin. When
something happens to published content, a :class:`WebhookDelivery` row is written once the
transaction commits (``news/webhooks/events.py``); the delivery task (tasks.py, run by the
task worker) sends it, retrying with exponential backoff, and records every try as a
:class:`WebhookAttempt`.

The tables keep the names they had when webhooks were part of the news app
(``news_webhook...``); migration 0001 moved the models without touching their rows.
"""

import secrets
import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def new_secret():
    return secrets.token_urlsafe(32)


class WebhookEvent(models.TextChoices):
    PAGE_PUBLISHED = "page.published", _("Page published")
    PAGE_UNPUBLISHED = "page.unpublished", _("Page unpublished")
    PAGE_DELETED = "page.deleted", _("Page deleted")
    # A live page moved or its slug changed: its new path and the one it had.
    PAGE_MOVED = "page.moved", _("Page moved or renamed")
    COMMENT_APPROVED = "comment.approved", _("Comment approved")
    # Sent only by the "Send test event" button.
    TEST = "webhook.test", _("Test event")


SUBSCRIBABLE_EVENTS = [choice for choice in WebhookEvent.choices if choice[0] != WebhookEvent.TEST]


class WebhookEndpoint(models.Model):
    name = models.CharField(max_length=100, help_text=_("Who receives this, e.g. 'Next.js site'."))
    url = models.URLField(
        max_length=500, help_text=_("Deliveries are POSTed here as JSON (http or https).")
    )
    secret = models.CharField(
        max_length=200,
        default=new_secret,
        help_text=_(
            "Shared secret for the X-Newsdesk-Signature header (HMAC-SHA256 of the body). "
            "A random one is filled in; give the receiver the same value."
        ),
    )
    events = models.JSONField(
        default=list,
        help_text=_("Which events are sent to this endpoint."),
    )
    is_active = models.BooleanField(
        default=True, help_text=_("Inactive endpoints receive nothing (queued retries stop).")
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        db_table = "news_webhookendpoint"
        ordering = ["name"]
        verbose_name = _("webhook endpoint")

    def __str__(self):
        return self.name

    def wants(self, event):
        return event == WebhookEvent.TEST or event in (self.events or [])


class WebhookDelivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        RETRYING = "retrying", _("Retrying")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.CharField(max_length=40, choices=WebhookEvent.choices)
    # The exact bytes that are sent (and signed), kept as text so a re-send is identical.
    body = models.TextField()
    page_id = models.PositiveIntegerField(null=True, blank=True, db_index=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now, null=True, blank=True)
    last_response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "news_webhookdelivery"
        ordering = ["-created_at"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="webhook_due_idx")]

    def __str__(self):
        return f"{self.event} to {self.endpoint} ({self.get_status_display()})"


class WebhookAttempt(models.Model):
    delivery = models.ForeignKey(
        WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log"
    )
    number = models.PositiveSmallIntegerField()
    started_at = models.DateTimeField(default=timezone.now)
    duration_ms = models.PositiveIntegerField(default=0)
    response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        db_table = "news_webhookattempt"
        ordering = ["delivery", "number"]
        verbose_name = _("webhook attempt")

    def __str__(self):
        return f"Attempt {self.number} of {self.delivery_id}"

    @property
    def succeeded(self):
        return self.response_code is not None and 200 <= self.response_code < 300
