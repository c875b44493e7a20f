"""Reader comments of an imported entry (a news post or a standard page): approved rows,
threads kept one level deep."""

import ipaddress
from urllib.parse import urlparse

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone

from news.importers.markup import comment_text


def clean_email(value):
    value = (value or "").strip()
    if not value or value.lower() in ("noreply@blogger.com", "anonymous@blogger.com"):
        return ""
    try:
        validate_email(value)
    except ValidationError:
        return ""
    return value[:254]


def clean_web_url(value, limit=500):
    value = (value or "").strip()
    parsed = urlparse(value)
    if parsed.scheme not in ("http", "https") or not parsed.netloc or len(value) > limit:
        return ""
    return value


def clean_ip(value):
    try:
        return str(ipaddress.ip_address((value or "").strip()))
    except ValueError:
        return None


def import_comments(entry, page, report, Comment):
    """Create ``entry``'s comments on ``page`` (a news post or a standard page: the same
    rules for both) that are not there yet, approved, in two ``bulk_create`` calls
    (top-level comments, then replies); returns how many.

    ``Comment`` is the comment model, or None when the comments app is not installed.
    Rows are created directly, not through the reader submission path or
    ``Comment.save()``: an import sends no moderator e-mail and no webhook per comment.
    """
    if not entry.comments:
        return 0
    if Comment is None:
        for comment in entry.comments:
            report.skip(
                f"comment {comment.source_id} on {entry.label}",
                "the comments app is not installed",
            )
        return 0
    by_id = {comment.source_id: comment for comment in entry.comments}
    known, elsewhere = {}, {}  # source id -> pk of this page's comment / the other page
    rows = Comment.objects.filter(source_id__in=list(by_id))
    for source_id, pk, page_id in rows.values_list("source_id", "pk", "page_id"):
        if page_id == page.pk:
            known[source_id] = pk
        else:
            elsewhere[source_id] = page_id

    def thread_root(comment):
        seen = {comment.source_id}
        while comment.parent_id in by_id and comment.parent_id not in seen:
            comment = by_id[comment.parent_id]
            seen.add(comment.source_id)
        return comment

    top_level, replies = [], []
    for comment in entry.comments:
        if comment.source_id in known:
            report.add("comment existing")
            continue
        if comment.source_id in elsewhere:
            # Another export claiming the same blog address used the same comment id.
            report.skip(
                f"comment {comment.source_id} on {entry.label}",
                f"the same comment id was imported on page {elsewhere[comment.source_id]} "
                "(from another export of this blog address): not imported twice",
            )
            continue
        body = comment_text(comment.body_html)
        if not body:
            report.skip(f"comment {comment.source_id} on {entry.label}", "empty")
            continue
        root = thread_root(comment)
        row = Comment(
            page=page,
            author_name=(comment.author_name or "Anonymous").strip()[:100],
            author_email=clean_email(comment.author_email),
            author_url=clean_web_url(comment.author_url),
            body=body,
            submitted_at=comment.submitted_at or entry.published or timezone.now(),
            status=Comment.Status.APPROVED,
            ip_address=clean_ip(comment.ip_address),
            source_id=comment.source_id[:255],
        )
        if root is comment:
            top_level.append(row)
        else:
            replies.append((row, root.source_id))
    Comment.objects.bulk_create(top_level)
    known.update({row.source_id: row.pk for row in top_level})
    if any(row.pk is None for row in top_level):  # a backend that returns no ids
        known.update(
            Comment.objects.filter(source_id__in=list(by_id)).values_list("source_id", "pk")
        )
    for row, root_id in replies:
        row.parent_id = known.get(root_id)
    Comment.objects.bulk_create([row for row, _ in replies])
    report.add("comment created", len(top_level) + len(replies))
    return len(top_level) + len(replies)
