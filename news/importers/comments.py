"""Reader comments of an imported entry (a news post or a standard page): approved rows,
threads kept one level deep."""

import ipaddress
from urllib.parse import urlparse

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone

from news.importers.markup import comment_text
from news.importers.writer import insert_rows


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


def import_comments_for(posts, report, Comment):
    """Create the comments of each (entry, page) of ``posts`` (a news post or a standard
    page: the same rules for both) that are not there yet, approved, in turn; returns how
    many were created. The comments already imported are read once for all of them, and
    the new ones inserted in two statements (``insert_rows``: top-level comments, then
    replies, with the ids of the threads' first comments read back in between).

    ``Comment`` is the comment model, or None when the comments app is not installed.
    Rows are created directly, not through the reader submission path or
    ``Comment.save()``: an import sends no moderator e-mail and no webhook per comment.
    """
    posts = [(entry, page) for entry, page in posts if entry.comments]
    if not posts:
        return 0
    if Comment is None:
        for entry, _ in posts:
            for comment in entry.comments:
                report.skip(
                    f"comment {comment.source_id} on {entry.label}",
                    "the comments app is not installed",
                )
        return 0
    source_ids = list({comment.source_id for entry, _ in posts for comment in entry.comments})
    on_page = {}  # source id -> pk of the page its comment is on
    pks = {}  # (page id, source id) -> comment pk
    rows = Comment.objects.filter(source_id__in=source_ids)
    for source_id, pk, page_id in rows.values_list("source_id", "pk", "page_id"):
        on_page.setdefault(source_id, page_id)
        pks[page_id, source_id] = pk

    top_level, replies = [], []
    for entry, page in posts:
        by_id = {comment.source_id: comment for comment in entry.comments}

        def thread_root(comment, by_id=by_id):
            seen = {comment.source_id}
            while comment.parent_id in by_id and comment.parent_id not in seen:
                comment = by_id[comment.parent_id]
                seen.add(comment.source_id)
            return comment

        for comment in entry.comments:
            if (page.pk, comment.source_id) in pks:
                report.add("comment existing")
                continue
            if comment.source_id in on_page and on_page[comment.source_id] != page.pk:
                # Another export claiming the same blog address used the same comment id.
                report.skip(
                    f"comment {comment.source_id} on {entry.label}",
                    f"the same comment id was imported on page {on_page[comment.source_id]} "
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
            on_page.setdefault(comment.source_id, page.pk)
            pks[page.pk, comment.source_id] = None  # a second copy in the entry: once
            if root is comment:
                top_level.append(row)
            else:
                replies.append((row, root.source_id))
    insert_rows(Comment, top_level)
    if replies:  # the ids of the threads' first comments, read back
        for source_id, pk, page_id in Comment.objects.filter(source_id__in=source_ids).values_list(
            "source_id", "pk", "page_id"
        ):
            pks[page_id, source_id] = pk
        for row, root_id in replies:
            row.parent_id = pks.get((row.page_id, root_id))
        insert_rows(Comment, [row for row, _ in replies])
    report.add("comment created", len(top_level) + len(replies))
    return len(top_level) + len(replies)
