"""Queries for the comments readers may see and the pages they may comment on."""

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from wagtail.models import Page

from news.api_fields import COMMENT_COUNT_ANNOTATION
from news.comments.models import Comment, commentable_page_models
from news.visibility import reader_visible


def commentable_pages():
    """The news posts and standard pages a reader may see, hence may read and write
    comments on (each as its specific page type); whether one takes new comments is
    ``submission.closed_reason``. Drafts, private and expired pages are not in it."""
    return reader_visible(Page.objects.type(*commentable_page_models())).specific()


def visible_threads_queryset(page):
    """The approved top-level comments of ``page``, oldest first, each with its approved
    replies in ``visible_replies``: two queries whatever the number of comments."""
    replies = Comment.objects.filter(status=Comment.Status.APPROVED).order_by("submitted_at", "pk")
    return (
        Comment.objects.filter(page=page, parent__isnull=True, status=Comment.Status.APPROVED)
        .order_by("submitted_at", "pk")
        .prefetch_related(Prefetch("replies", queryset=replies, to_attr="visible_replies"))
    )


def visible_threads(page):
    return list(visible_threads_queryset(page))


def visible_comment_count(page):
    """How many comments readers see on ``page`` (approved, replies included)."""
    return Comment.objects.visible().filter(page=page).count()


def with_visible_comment_counts(posts):
    """Each post's visible comment count, a subquery of the listing's own query instead of
    one count query per post, under the name the ``comment_count`` API field reads."""
    counts = (
        Comment.objects.visible()
        .filter(page=OuterRef("pk"))
        .order_by()
        .values("page")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return posts.annotate(
        **{COMMENT_COUNT_ANNOTATION: Coalesce(Subquery(counts, output_field=IntegerField()), 0)}
    )
