"""What follows a change to comments: fresh cached pages, the approval announced, and
e-mail to moderators.

The comments app's signal handlers (signal_handlers.py) call these for every save, bulk
moderation and deletion of a comment:

- a comment that becomes approved, or stops being approved, changes what readers see on
  its article or standard page and in the API, so the page's cached responses are dropped
  through the same "content changed" service pages use
  (``news.freshness.changes.page_content_changed``);
- a comment that becomes approved is announced (``news.signals.comment_approved``); the
  webhooks app subscribes and queues ``comment.approved`` deliveries;
- approved comments that are deleted refresh their pages once the deletion commits, each
  page once however many of its comments went.
"""

import logging
import threading

from django.conf import settings
from django.contrib.admin.utils import quote
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from wagtail.admin.utils import get_admin_base_url
from wagtail.models import Page

from news.comments.models import Comment
from news.freshness import changes as freshness
from news.signals import comment_approved

logger = logging.getLogger(__name__)

# The admin URL names of the comment viewset (news/comments/wagtail_hooks.py).
ADMIN_URL_NAMESPACE = "newsdesk_comments"


def refresh_pages(pages):
    """Drop the cached responses that show ``pages`` (news.freshness invalidates at once
    and again when the current transaction commits)."""
    for page in pages:
        freshness.page_content_changed(page)


def status_changed(changes):
    """``changes``: (comment, previous status or None) pairs, comments already saved."""
    approved = Comment.Status.APPROVED
    pages = {}
    for comment, previous in changes:
        was_visible, is_visible = previous == approved, comment.status == approved
        if was_visible == is_visible:
            continue
        if comment.page_id not in pages:
            # The post or standard page itself (one query per page, not per comment).
            pages[comment.page_id] = comment.page.specific
        if is_visible:
            comment_approved.send(sender=Comment, comment=comment, page=pages[comment.page_id])
    refresh_pages(pages.values())


def visible_comment_edited(comment):
    """An approved comment was saved again (its text may have changed)."""
    refresh_pages([comment.page])


_removed = threading.local()


def visible_comment_removed(comment):
    """An approved comment was deleted: its page is refreshed once the deletion commits.

    A bulk delete (the admin's, or a post's comments going with the post) deletes comments
    one by one; the pages are collected and each refreshed once, after the commit, instead
    of once per comment. A page that is itself being deleted needs nothing here: its own
    deletion refreshes everything (news.lifecycle)."""
    pages = _removed.__dict__.setdefault("page_ids", set())
    pages.add(comment.page_id)
    transaction.on_commit(refresh_removed_pages, robust=True)


def refresh_removed_pages():
    page_ids = _removed.__dict__.pop("page_ids", set())
    if page_ids:
        refresh_pages(Page.objects.filter(pk__in=page_ids))


def admin_url(path):
    """An admin link for e-mails, on Wagtail's admin base URL (WAGTAILADMIN_BASE_URL)."""
    return get_admin_base_url().rstrip("/") + path


def moderator_emails():
    users = get_user_model().objects.filter(
        is_active=True, groups__name=settings.NEWSDESK_MODERATORS_GROUP
    )
    return sorted(set(users.exclude(email="").values_list("email", flat=True)))


def notify_moderators(comment):
    """E-mail every active Moderator about a new comment, with links to the admin.

    Runs after the comment is committed; a failure is logged, never raised, so a mail
    server problem cannot fail or undo a reader's submission.
    """
    try:
        recipients = moderator_emails()
        if not recipients:
            return
        page = comment.page.specific
        context = {
            "comment": comment,
            "page": page,
            "edit_url": admin_url(
                reverse(f"{ADMIN_URL_NAMESPACE}:edit", args=[quote(comment.pk)])
            ),
            "pending_url": admin_url(reverse(f"{ADMIN_URL_NAMESPACE}:list") + "?status=pending"),
        }
        subject = f"New comment awaiting moderation on “{page.title}”"
        body = render_to_string("news/comments/email/new_comment.txt", context)
        connection = get_connection()
        messages = [
            EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [address])
            for address in recipients
        ]
        connection.send_messages(messages)
    except Exception:
        logger.exception("Could not e-mail moderators about comment %s", comment.pk)
