"""What the comment API does, whatever its version.

- ``find_page``: the news post or standard page readers may see with a given id (both
  versions answer 404 otherwise: drafts, private and expired pages, other page types);
- ``comment_listing``: approved comments of a post or page, threaded and paginated by
  top-level comment, with counts and whether comments are open. The same for every
  reader, so the response cache may keep it; it depends on the page alone (dropped when a
  comment on it is approved or withdrawn, news/freshness/);
- ``form_token``: a fresh form token for a submission;
- ``submit``: exactly the checks of the form under each article (submission.py): open
  for comments (403), valid fields, honeypot and form token (400, ``errors`` name each
  field), rate limits (429 with ``Retry-After``), then saved as pending (201).

Comments are anonymous, so the API adapters use no session authentication and no CSRF
check: a forged cross-site POST gains an attacker nothing they could not do by posting
directly. The honeypot, the form token, the rate limits and moderation are the defence.
"""

from dataclasses import dataclass, field

from django.conf import settings

from news.comments import spam
from news.comments.forms import HONEYPOT
from news.comments.representation import created_object, error_document, thread_object
from news.comments.selectors import (
    commentable_pages,
    visible_comment_count,
    visible_threads_queryset,
)
from news.comments.submission import RECEIVED_MESSAGE, closed_reason, submit_comment
from news.freshness.versions import depends_on_page

# Database ids; larger numbers would overflow the query.
MAX_PAGE_ID = 2**31 - 1


@dataclass
class Answer:
    """An API answer: HTTP status, JSON document and extra headers."""

    status: int
    document: dict
    headers: dict = field(default_factory=dict)


#: The 404 message of both versions.
NOT_FOUND = "page: no published news post or standard page with id {}"


def find_page(page_id):
    """The news post or standard page with id ``page_id`` (an int) that readers may see,
    or None."""
    if not 0 < page_id <= MAX_PAGE_ID:
        return None
    return commentable_pages().filter(pk=page_id).first()


def comment_listing(request, page, *, limit, offset):
    depends_on_page(request, page)
    threads = visible_threads_queryset(page)
    reason = closed_reason(page)
    return {
        "meta": {
            "total_count": threads.count(),
            "comment_count": visible_comment_count(page),
            "comments_open": reason is None,
            "closed_reason": reason,
        },
        "items": [thread_object(comment) for comment in threads[offset : offset + limit]],
    }


def form_token():
    # The token's time starts the minimum fill time, so each client gets a fresh one (it
    # costs no database query) and no cache may share it.
    return Answer(
        200,
        {
            "token": spam.make_token(),
            "min_fill_seconds": settings.NEWSDESK_COMMENTS_MIN_FILL_SECONDS,
            "max_age_days": settings.NEWSDESK_COMMENTS_TOKEN_MAX_AGE_DAYS,
            "honeypot_field": HONEYPOT,
        },
        {"Cache-Control": "no-store"},
    )


def submit(request, page, values):
    """Accept ``values`` (the form's fields as strings) as a comment on ``page``."""
    reason = closed_reason(page)
    if reason:
        return Answer(403, {"message": reason, "errors": {"page": [reason]}})
    result = submit_comment(request, page, values)
    if result.comment is None:
        headers = {}
        if result.status == 429:
            headers["Retry-After"] = str(settings.NEWSDESK_COMMENTS_RATE_LIMIT_WINDOW)
        return Answer(result.status, error_document(result.form), headers)
    return Answer(201, {"message": RECEIVED_MESSAGE, "comment": created_object(result.comment)})
