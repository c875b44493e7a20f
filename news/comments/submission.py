"""Accepting a reader's comment: the same steps for the article form and the API.

1. The post or standard page must be one readers may see (callers look it up in
   ``selectors.commentable_pages``: 404 otherwise) and open for comments
   (``closed_reason``: 403 otherwise).
2. The form must be valid: fields, length and link limits, honeypot, form token.
3. The rate limits must allow it (429 otherwise).
4. The comment is saved as ``pending`` in one transaction, and the moderators are
   e-mailed after it commits.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from news.comments import spam
from news.comments.forms import CommentForm
from news.comments.models import Comment, page_noun
from news.comments.moderation import notify_moderators

RECEIVED_MESSAGE = "Thank you — your comment awaits moderation."


def closed_reason(page, today=None):
    """Why ``page`` (a news post or a standard page) takes no new comments, or None when
    it does.

    ``NEWSDESK_COMMENTS_CLOSE_AFTER_DAYS`` counts from a post's publication date, so it
    closes old news only: a standard page has no such date and is meant to stay current
    (About, Contact), so only its own switch closes it. WordPress's "close comments on
    old posts" leaves pages alone in the same way.
    """
    date = getattr(page, "publication_date", None)
    if not page.comments_enabled:
        return f"Comments are closed on this {page_noun(page)}."
    days = settings.NEWSDESK_COMMENTS_CLOSE_AFTER_DAYS
    if days > 0 and date is not None:
        today = today or timezone.localdate()
        if today > date + datetime.timedelta(days=days):
            return f"Comments close {days} days after a post's date; this post is now closed."
    return None


@dataclass
class Result:
    form: CommentForm
    status: int  # 201 saved, 400 invalid, 429 rate-limited
    comment: Comment | None = None


def submit_comment(request, page, data):
    """Validate ``data`` for ``page`` and save it as a pending comment if it passes."""
    form = CommentForm(data, page=page)
    if not form.is_valid():
        return Result(form, 400)
    ip = spam.client_ip(request)
    limited = spam.rate_limit_errors(ip=ip, email=form.cleaned_data["author_email"])
    if limited:
        for field, message in limited.items():
            form.add_error(None if field == "__all__" else field, message)
        return Result(form, 429)
    comment = form.build_comment(ip_address=ip, user_agent=request.headers.get("user-agent", ""))
    with transaction.atomic():
        comment.save()
        transaction.on_commit(lambda: notify_moderators(comment), robust=True)
    return Result(form, 201, comment)
