"""Queries for news a reader may see.

``published_news`` is the one definition of "published news": live, public (no view
restriction on it or an ancestor), not past its expiry date, newest first. Reader pages,
the home page and related-article blocks all call it, so a draft, a private post or an
expired post cannot leak through one of them and not the others.
"""

from django.db.models import Prefetch, Q, prefetch_related_objects
from django.utils import timezone

from news.models import NewsPage, NewsPageAuthor


def reader_visible(pages):
    """Narrow a page queryset to what a reader may see: live, public and not expired."""
    return (
        pages.live().public().filter(Q(expire_at__isnull=True) | Q(expire_at__gt=timezone.now()))
    )


def prefetch_post_details(posts):
    """Load the authors (in byline order) and tags of ``posts`` in two queries."""
    prefetch_related_objects(
        posts,
        "tags",
        Prefetch(
            "news_authors",
            queryset=NewsPageAuthor.objects.select_related("author").order_by("sort_order"),
        ),
    )


def published_news(*, index=None, tag=None):
    """NewsPages a reader may see, newest first, with what listings show prefetched.

    ``index`` limits to the posts under one news index (or any ancestor page such as a
    home page); ``tag`` to posts carrying the tag with that slug.
    """
    posts = (
        reader_visible(NewsPage.objects.all())
        .select_related("lead_image")
        .prefetch_related(
            "lead_image__renditions",
            "tags",
            Prefetch(
                "news_authors",
                queryset=NewsPageAuthor.objects.select_related("author").order_by("sort_order"),
            ),
        )
        .order_by("-publication_date", "-pk")
    )
    if index is not None:
        posts = posts.descendant_of(index)
    if tag is not None:
        posts = posts.filter(tags__slug=tag)
    return posts


def adjacent_news(page, parent=None):
    """(newer, older): the published posts either side of ``page`` in its own index
    (``parent``, when the caller has it). Only titles and URLs are shown, so nothing is
    prefetched."""
    if page.pk is None:  # previewing a post that was never saved
        return None, None
    parent = parent or page.get_parent()
    siblings = reader_visible(NewsPage.objects.child_of(parent)).exclude(pk=page.pk)
    date = page.publication_date
    # The plain date bound lets the database start from ``date`` in its publication_date
    # index rather than filter the whole archive (the OR alone defeats the index).
    newer = (
        siblings.filter(publication_date__gte=date)
        .filter(Q(publication_date__gt=date) | Q(publication_date=date, pk__gt=page.pk))
        .order_by("publication_date", "pk")
        .first()
    )
    older = (
        siblings.filter(publication_date__lte=date)
        .filter(Q(publication_date__lt=date) | Q(publication_date=date, pk__lt=page.pk))
        .order_by("-publication_date", "-pk")
        .first()
    )
    return newer, older
