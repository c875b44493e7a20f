"""Reader views of the news page types: what readers are shown with a news index or a post.

Page models say what pages hold (news/models.py); the functions here build the rest of a
page's template context from the selectors (cms/core/pages.py explains the
``reader_context`` hook). ``register()`` is called from ``NewsConfig.ready()``.

Also ``robots.txt``.
"""

import re

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.http import Http404, HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.dates import MONTHS
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe
from taggit.models import Tag
from wagtail.models import Site

from cms.core.pages import reader_context
from cms.core.site_urls import absolute_url
from news.freshness.fragments import RenderOnceResolver, listing_cards
from news.freshness.remembered import remembered
from news.models import NewsIndexPage, NewsPage
from news.selectors import adjacent_news, author_posts, prefetch_post_details, published_news
from news.seo import author_metadata


def paginate(request, posts, count_key):
    """The requested page of ``posts``; a bad or out-of-range ``?page=`` is a 404.

    Counting every post of a big archive costs more than showing ten of them, so the total
    is remembered under ``count_key`` until published content changes (news/freshness/).
    """
    paginator = Paginator(posts, settings.NEWSDESK_PAGE_SIZE)
    paginator.count = remembered(count_key, posts.count)
    raw = request.GET.get("page", "1")
    if not re.fullmatch(r"[0-9]{1,9}", raw) or not 1 <= int(raw) <= max(paginator.num_pages, 1):
        raise Http404("No such page of news")
    return paginator.page(int(raw))


def archive_months(index, request):
    """The month archive's links, newest first: ``{"month"`` (the 1st), ``"label"``
    (``"March 2026"``), ``"url"``, ``"count"}`` for every month with posts. Remembered, links
    and all, until published content changes: it reads the whole archive, and an archive of
    years is a hundred links to reverse and dates to format."""

    site = Site.find_for_request(request)

    def months():
        base = index.relative_url(site, request)
        if not base.endswith("/"):
            base += "/"
        rows = (
            published_news(index=index, details=False)
            .order_by()
            .annotate(month=TruncMonth("publication_date"))
            .values("month")
            .annotate(count=Count("pk"))
            .values_list("month", "count")
            .order_by("-month")
        )
        return [
            {
                "month": month,
                "label": f"{MONTHS[month.month]} {month.year}",
                "url": base
                + index.reverse_subpage("month", args=(f"{month.year:04d}", f"{month.month:02d}")),
                "count": count,
            }
            for month, count in rows
        ]

    return remembered(f"news-index:{index.pk}:{site.pk if site else ''}:months", months)


#: How many tags the news index's sidebar lists (the most used).
SIDEBAR_TAGS = 20


def index_tags(index, request):
    """The sidebar's tag links, most used first: ``{"name", "slug", "url", "count"}`` for
    the ``SIDEBAR_TAGS`` tags on the most posts readers may see under ``index`` (drafts,
    private and expired posts do not count). One query, remembered like the archive
    months until published content changes."""

    site = Site.find_for_request(request)

    def tags():
        base = index.relative_url(site, request)
        if not base.endswith("/"):
            base += "/"
        visible = published_news(index=index, details=False).order_by().values("pk")
        # The filter and the count use the same join: only visible posts are counted.
        rows = (
            Tag.objects.filter(news_newspagetag_items__content_object__in=visible)
            .annotate(count=Count("news_newspagetag_items", distinct=True))
            .order_by("-count", "name")
            .values_list("name", "slug", "count")[:SIDEBAR_TAGS]
        )
        return [
            {
                "name": name,
                "slug": slug,
                "url": base + index.reverse_subpage("tag", args=(slug,)),
                "count": count,
            }
            for name, slug, count in rows
        ]

    return remembered(f"news-index:{index.pk}:{site.pk if site else ''}:tags", tags)


#: The stored piece of a listing's cards (their headings are h2: news_card.html).
LISTING_CARD_PIECE = "card-h2"


def news_index_context(
    page, request, context, *, tag=None, tag_query=None, month=None, author=None
):
    """The news index, a tag page (``tag``), a month archive (``month``, the 1st) or an
    author's page (``author``)."""
    if author is not None:
        return author_page_context(page, request, context, author)
    posts = published_news(index=page, tag=tag.slug if tag is not None else None, details=False)
    if tag is not None:
        count_key = f"tag:{tag.slug}"
        context.update(tag=tag, tag_query=tag_query)
    elif month is not None:
        posts = posts.filter(
            publication_date__year=month.year, publication_date__month=month.month
        )
        count_key = f"month:{month.year}-{month.month}"
        context.update(archive_month=month, archive_label=f"{MONTHS[month.month]} {month.year}")
    else:
        count_key = "all"
    shown = paginate(request, posts, f"news-index:{page.pk}:{count_key}:count")
    shown.object_list = list(shown.object_list)
    # Each card is rendered once per version of its post (news/freshness/fragments.py).
    context["resolver"] = listing_cards(request, shown.object_list, LISTING_CARD_PIECE)
    context["card_piece"] = LISTING_CARD_PIECE
    context["posts"] = shown
    context["archive_months"] = archive_months(page, request)
    context["index_tags"] = index_tags(page, request)
    return context


#: The stored piece of an author page's cards (their headings are h3, under "Stories").
AUTHOR_CARD_PIECE = "card-h3"


def author_page_context(page, request, context, author):
    """An author's page under the news index ``page``: who they are and their posts
    readers may see, newest first, paginated as the index is. An author with none is a
    404, as in the API (news/api/chrome.py): the page would say nothing."""
    posts = author_posts(author, index=page)
    shown = paginate(request, posts, f"news-index:{page.pk}:author:{author.pk}:count")
    if not shown.paginator.count:
        raise Http404("No posts readers can see credit this author")
    shown.object_list = list(shown.object_list)
    context["resolver"] = listing_cards(request, shown.object_list, AUTHOR_CARD_PIECE)
    context["card_piece"] = AUTHOR_CARD_PIECE
    context["posts"] = shown
    context["author"] = author
    context["author_meta"] = author_metadata(context)
    return context


#: The pieces of the article page rendered once ({% render_once %} in news_page.html).
ARTICLE_PIECES = ("meta", "article")


def article_context(page, request, context, **kwargs):
    """A post: the posts either side of it, its index, the site-wide disclaimer."""
    page_is_preview = getattr(request, "is_preview", False)
    # The head metadata and the article (header, lead image, body, footer) are rendered
    # once per version of what they show and then reused ({% render_once %},
    # news/freshness/fragments.py), and so is the body's HTML on its own.
    resolver = RenderOnceResolver(request, readers=True)
    resolver.remember([page], html=True, pieces=ARTICLE_PIECES)
    context["resolver"] = resolver
    if not resolver.has_pieces(page, ARTICLE_PIECES) and page.pk and not page_is_preview:
        # The byline, tag list and SEO metadata all read the authors and tags: load once
        # (not in a preview, which shows the draft's own, unsaved authors and tags).
        prefetch_post_details([page])
        # The lead image and what the body refers to (related articles and their
        # thumbnails, images) in one query per kind, renditions with them, instead of
        # the lead image and each of its rendition sizes on their own as the template
        # asks for them (a body whose HTML is stored loads nothing here).
        resolver.prepare([page.body], image_ids=[page.lead_image_id])
        if page.lead_image_id in resolver.images:
            page.lead_image = resolver.images[page.lead_image_id]
    index_page = getattr(page, "routed_index", None) or page.get_parent().specific
    context["newer"], context["older"] = post_nav(page, index_page, request, page_is_preview)
    context["index_page"] = index_page
    # Worked out only when the article is rendered (a callable in a template is called).
    context["default_disclaimer"] = lambda: page.default_disclaimer(request)
    context["body_html"] = lambda: article_body_html(page, resolver)
    return context


def post_nav(page, index_page, request, preview=False):
    """(newer, older): ``{"title", "url"}`` of the published posts either side of
    ``page``, or None. They change only when published posts do, and finding them reads
    the archive's date index twice, so they are remembered until then
    (news/freshness/remembered.py); a preview (whose date may be a draft's) works them out
    afresh."""

    def links():
        return [
            {"title": post.title, "url": post.get_url(request)} if post is not None else None
            for post in adjacent_news(page, index_page)
        ]

    if preview or page.pk is None:
        return links()
    site = Site.find_for_request(request)
    return remembered(f"post-nav:{page.pk}:{site.pk if site else ''}", links)


def article_body_html(page, resolver):
    """The body's HTML, with everything its blocks refer to loaded at once
    (cms/core/resolvers.py) when it is not stored."""
    resolver.prepare([page.body])
    html = mark_safe(resolver.body_html(page))  # noqa: S308 - rendered by our templates
    resolver.flush()
    return html


def register():
    reader_context.register(NewsIndexPage)(news_index_context)
    reader_context.register(NewsPage)(article_context)


@require_safe
def robots_txt(request):
    """``/robots.txt``: crawl everything but the admin, the API and search results; the
    sitemaps (news/sitemaps.py): pages and authors, and the Google News sitemap."""
    content = render_to_string(
        "robots.txt",
        {
            "sitemap_urls": [
                absolute_url(reverse(name), request=request)
                for name in ("sitemap", "news_sitemap")
            ]
        },
        request=request,
    )
    return HttpResponse(content, content_type="text/plain; charset=utf-8")
