"""The reader comment and its queryset (the comments app's content layer).

A comment is written by a reader (or an importer) and stays ``pending`` until a
moderator approves, rejects or marks it as spam. Readers only ever see
``Comment.objects.visible()``: approved comments, and approved replies under an approved
comment. Threads are one level deep: a reply to a reply is attached to the top-level
comment.

A change of status is saved with ``Comment.save()`` or ``CommentQuerySet.moderate()``
(bulk moderation, which announces the changes with ``news.comments.signals.moderated``);
deletion with ``delete()``. The comments app's signal handlers hand every change to
``news.comments.moderation``, the one place where cached pages are refreshed and the
approval is announced to subscribers (webhooks). ``QuerySet.update(status=...)`` and
``bulk_create`` bypass it; do not use them to moderate.

The table keeps the name it had when comments were part of the news app
(``news_comment``); migration 0001 moved the model without touching its rows. A comment
belongs to a page readers may comment on: a news post or a standard page (About, ...),
the page types with a ``comments_enabled`` field (``commentable_page_models()``);
migration 0002 widened ``page`` from news posts to every page, keeping every row.
"""

import re

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log
from wagtail.models import get_page_models

from news.comments.signals import moderated

SAFE_URL = re.compile(r"^https?://", re.IGNORECASE)
# The admin history entry for a status change made by moderation (wagtail_hooks.py).
MODERATE_LOG_ACTION = "newsdesk.comment.moderate"
#: The field that makes a page type one readers may comment on (and switches it per page).
COMMENTS_SWITCH = "comments_enabled"


def commentable_page_models():
    """The page types readers may comment on: those with a ``comments_enabled`` field
    (``news.NewsPage``, ``home.StandardPage``). Found by the field rather than listed by
    name, so the comments app imports no page app but the news one."""
    return [
        model
        for model in get_page_models()
        if not model._meta.abstract
        and any(field.name == COMMENTS_SWITCH for field in model._meta.concrete_fields)
    ]


def page_noun(page):
    """What readers call ``page`` in messages: a "post" (dated news) or a "page"."""
    return "post" if hasattr(page, "publication_date") else "page"


class CommentQuerySet(models.QuerySet):
    def visible(self):
        """What readers may see: approved, and (for a reply) under an approved comment."""
        approved = Comment.Status.APPROVED
        return self.filter(status=approved).filter(
            Q(parent__isnull=True) | Q(parent__status=approved)
        )

    def moderate(self, status, *, user=None):
        """Give every comment in the queryset ``status``; returns how many changed.

        Records who moderated and when, and announces the changes (``signals.moderated``)
        in the same transaction.
        """
        status = Comment.Status(status)
        now = timezone.now()
        with transaction.atomic():
            comments = list(self.exclude(status=status).select_related("page"))
            if not comments:
                return 0
            Comment.objects.filter(pk__in=[comment.pk for comment in comments]).update(
                status=status, moderated_at=now, moderated_by=user
            )
            changes = []
            for comment in comments:
                changes.append((comment, comment.status))
                comment.status = comment._loaded_status = status
                comment.moderated_at, comment.moderated_by = now, user
                log(comment, MODERATE_LOG_ACTION, user=user, data={"status": status.value})
            moderated.send(sender=Comment, changes=changes)
        return len(comments)


class Comment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        SPAM = "spam", _("Spam")

    # A news post or a standard page: any page type with a ``comments_enabled`` field
    # (``commentable_page_models()``); ``page.specific`` is the post or page itself.
    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="comments")
    # One level of threading: a reply to a reply is attached to the top-level comment.
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="replies",
        verbose_name=_("reply to"),
    )
    author_name = models.CharField(_("name"), max_length=100)
    # The reader form and the API require it; imported comments may lack it. Never public.
    author_email = models.EmailField(_("e-mail"), blank=True)
    author_url = models.URLField(_("website"), max_length=500, blank=True)
    body = models.TextField(_("comment"), help_text=_("Plain text; shown to readers escaped"))
    submitted_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    # Set by importers, e.g. "blogger:<id>"; unique when not empty.
    source_id = models.CharField(max_length=255, blank=True)

    user_agent = models.CharField(max_length=500, blank=True)
    moderated_at = models.DateTimeField(null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = CommentQuerySet.as_manager()

    # The status as last read from the database, or as last saved and handled by the
    # signal handlers (None: not saved yet). They compare it with ``status`` to tell a
    # change of status from an edit.
    _loaded_status = None

    class Meta:
        db_table = "news_comment"
        ordering = ["submitted_at", "pk"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        indexes = [
            models.Index(
                fields=["page", "status", "submitted_at"], name="comment_page_status_idx"
            ),
            models.Index(fields=["status", "submitted_at"], name="comment_status_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["source_id"],
                condition=~Q(source_id=""),
                name="comment_unique_source_id",
            )
        ]

    def __str__(self):
        excerpt = Truncator(" ".join(self.body.split())).chars(60)
        return f"{self.author_name}: {excerpt}"

    def save(self, *args, **kwargs):
        self.attach_to_thread()
        with transaction.atomic():  # the save and what follows from it (signal handlers)
            super().save(*args, **kwargs)

    save.alters_data = True

    def set_status(self, status, *, user=None):
        """Moderate this one comment (same effect as the bulk actions)."""
        changed = Comment.objects.filter(pk=self.pk).moderate(status, user=user)
        self.refresh_from_db()
        return bool(changed)

    @property
    def safe_author_url(self):
        """The author's website when it is an http(s) address, else an empty string."""
        return self.author_url if SAFE_URL.match(self.author_url or "") else ""

    def attach_to_thread(self):
        """Keep threads one level deep: a reply to a reply goes under the top-level comment."""
        if self.parent_id is not None and self.parent.parent_id is not None:
            self.parent = self.parent.parent

    def refresh_from_db(self, using=None, fields=None, from_queryset=None):
        super().refresh_from_db(using=using, fields=fields, from_queryset=from_queryset)
        if fields is None or "status" in fields:
            self._loaded_status = self.status

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        if "status" in field_names:
            instance._loaded_status = instance.status
        return instance
