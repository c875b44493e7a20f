"""Comments as readers and API clients see them.

Bodies as HTML: plain text, escaped, line breaks kept, web addresses linked
and marked as user-generated (``rel="nofollow ugc"``) so they pass no search-engine
credit; e-mail addresses stay plain text."""

import re

from django.utils.html import linebreaks, urlize
from django.utils.safestring import mark_safe

MAILTO = re.compile(r'<a href="mailto:[^"]*">(.*?)</a>')
NOFOLLOW = 'rel="nofollow"'
UGC = 'rel="nofollow ugc noopener"'


def body_html(text):
    """``text`` as safe HTML paragraphs. Everything the reader typed is escaped first;
    only the links urlize makes from web addresses are real tags."""
    linked = urlize(text or "", trim_url_limit=60, nofollow=True, autoescape=True)
    # Quotes typed by the reader are escaped (&quot;), so only urlize's own attribute
    # matches here.
    linked = linked.replace(NOFOLLOW, UGC)
    # E-mail addresses stay text: no mailto links for harvesters to follow.
    linked = MAILTO.sub(r"\1", linked)
    return mark_safe(linebreaks(linked, autoescape=False))  # noqa: S308 - escaped above


def comment_object(comment):
    """A comment as the API shows it: never the e-mail or IP address."""
    return {
        "id": comment.pk,
        "parent_id": comment.parent_id,
        "author_name": comment.author_name,
        "author_url": comment.safe_author_url,
        "submitted_at": comment.submitted_at,
        "body": comment.body,
        "body_html": str(body_html(comment.body)),
    }


def thread_object(comment):
    """A top-level comment with its approved replies (``visible_replies``)."""
    return {
        **comment_object(comment),
        "replies": [comment_object(reply) for reply in comment.visible_replies],
    }


def created_object(comment):
    """What the API answers about a comment it just accepted."""
    return {
        "id": comment.pk,
        "page": comment.page_id,
        "parent_id": comment.parent_id,
        "status": comment.status,
        "submitted_at": comment.submitted_at,
    }


def error_document(form):
    """A form's errors as ``{"message": ..., "errors": {field: [messages]}}``."""
    errors = {
        ("non_field_errors" if field == "__all__" else field): [str(m) for m in messages]
        for field, messages in form.errors.items()
    }
    summary = "; ".join(
        (messages[0] if field == "non_field_errors" else f"{field}: {messages[0]}")
        for field, messages in errors.items()
    )
    return {"message": summary, "errors": errors}
