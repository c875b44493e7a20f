"""What a headless site shows around its pages: the documents behind the site chrome
endpoints of API v2 (news/api/v2/site.py) and v3 (news/api/v3/site.py).

    site        name, base URL, frontend URL, default disclaimer, feeds, navigation
    tags        tags of visible posts with their post counts; one tag by slug
    authors     authors credited on visible posts, with counts and their reader pages;
                one with latest posts
    redirects   the site's redirects: old path -> target path and URL, 301 or 302

Every URL is absolute on the Site's root URL (cms/core/site_urls.py); links to other API
documents point at the version asked (``Links``). Nothing a reader may not see is listed:
drafts, private and expired posts are not counted or linked, and redirects to such pages
are left out (Wagtail creates one for every slug change and move, so they would reveal
the old addresses of drafts and private pages). Both versions' responses go through the
response cache like pages and are refreshed when published content, authors, settings,
sites or redirects change.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Page

from cms.core.site_urls import absolute_page_url, absolute_url, site_base_url, site_for
from news.api_fields import author_object as news_author_object
from news.freshness.remembered import remembered
from news.models import NewsSettings
from news.representation import BodyResolver, page_html_url
from news.selectors import (
    author_page_path,
    authors_with_post_counts,
    menu_pages,
    news_index_under,
    published_news,
    visible_post_tags,
)
from news.visibility import reader_visible

AUTHOR_POSTS = 20
# Listings of tags, authors and redirects: this many unless ``limit`` says, at most MAX.
PAGE_SIZE = 100
PAGE_SIZE_MAX = 1000
# The largest ``offset`` any API listing takes, v2 or v3 (a larger one would overflow the
# database's bigint): above it the listing answers 400 (422 for v3's validated ones).
OFFSET_MAX = 10**9


def unknown_parameters(query, known=()):
    """The message refusing the parameters in ``query`` not in ``known``, or None."""
    unknown = sorted(set(query) - set(known))
    if not unknown:
        return None
    return f"query parameter is not recognised: {', '.join(unknown)}" + (
        f" (use {', '.join(sorted(known))})" if known else ""
    )


def followable(redirects):
    """The redirects readers may follow: to a link, or to a page readers can see. Wagtail
    creates one for every slug change and move, so the rest would reveal the old
    addresses of drafts and private pages."""
    visible = reader_visible(Page.objects.all()).values("pk")
    return redirects.filter(Q(redirect_page__isnull=True) | Q(redirect_page__in=visible))


@dataclass(frozen=True)
class Links:
    """The URL names of one API version's page detail, pages listing and author detail."""

    page_detail: str
    pages_listing: str
    author_detail: str

    def page(self, page, request):
        return absolute_url(reverse(self.page_detail, args=[page.pk]), request=request)

    def posts(self, query, request):
        return absolute_url(
            f"{reverse(self.pages_listing)}?type=news.NewsPage&{query}", request=request
        )

    def author(self, author, request):
        return absolute_url(reverse(self.author_detail, args=[author.pk]), request=request)


V2 = Links("wagtailapi:pages:detail", "wagtailapi:pages:listing", "wagtailapi:authors:detail")
V3 = Links("wagtailapi_v3:detail_page", "wagtailapi_v3:list_pages", "wagtailapi_v3:author")


def menu_item(page, request, links):
    return {
        "id": page.pk,
        "title": page.title,
        "type": page.specific_class._meta.label,
        "path": page.get_url(request=request, current_site=site_for(request)),
        "html_url": page_html_url(page, request),
        "api_url": links.page(page, request),
    }


def site_document(request, links):
    site = site_for(request)
    if site is None:
        raise Http404("no site is configured")
    ids = remembered(
        f"site-menu:{site.pk}", lambda: list(menu_pages(site).values_list("pk", flat=True))
    )
    pages = Page.objects.filter(pk__in=ids).specific().in_bulk()
    disclaimer = NewsSettings.for_site(site).default_disclaimer
    resolver = BodyResolver(request)
    return {
        "name": site.site_name or "",
        "base_url": site_base_url(site),
        "frontend_url": settings.NEWSDESK_FRONTEND_URL or None,
        "default_disclaimer": resolver.rich_text(disclaimer.text) if disclaimer else None,
        "feeds": {
            "rss": absolute_url(reverse("news_feed_rss"), site=site),
            "atom": absolute_url(reverse("news_feed_atom"), site=site),
        },
        "navigation": [menu_item(pages[pk], request, links) for pk in ids if pk in pages],
    }


def tag_index(request):
    """The news index whose tag pages list a tag's posts (the site's first), with its
    path: looked up once per response."""
    site = site_for(request)
    index = news_index_under(site.root_page) if site is not None else None
    return (index, index.get_url(request=request)) if index is not None else (None, None)


def tag_object(tag, request, links, index_and_path):
    index, index_path = index_and_path
    listing = index_path + index.reverse_subpage("tag", args=[tag.slug]) if index else None
    return {
        "name": tag.name,
        "slug": tag.slug,
        "post_count": tag.post_count,
        "path": listing,
        "html_url": absolute_page_url(listing, request=request) if listing else None,
        "posts_api_url": links.posts(f"tags={tag.slug}", request),
    }


def tags_listing(request, links, *, slug=None, limit, offset):
    tags = visible_post_tags()
    if slug is not None:
        tags = tags.filter(slug__iexact=slug)
    index_and_path = tag_index(request)
    return {
        "total_count": tags.count(),
        "items": [
            tag_object(tag, request, links, index_and_path)
            for tag in tags[offset : offset + limit]
        ],
    }


def tag_document(request, links, slug):
    tag = visible_post_tags().filter(slug__iexact=slug).first()
    if tag is None:
        raise Http404("no posts readers can see carry this tag")
    return tag_object(tag, request, links, tag_index(request))


def author_object(author, resolver, links):
    """The author object posts carry (news.api_fields), with the slug, role, post count
    and links: ``path`` and ``html_url`` of the author's reader page under the news index
    (a frontend's own address when NEWSDESK_FRONTEND_URL is set), ``detail_url`` and
    ``posts_api_url`` in the API."""
    request = resolver.request
    path = author_page_path(author, request)
    return {
        **news_author_object(author, resolver),
        "slug": author.slug,
        "job_title": author.job_title,
        "path": path,
        "html_url": absolute_page_url(path, request=request) if path else None,
        "post_count": author.post_count,
        "detail_url": links.author(author, request),
        "posts_api_url": links.posts(f"author={author.pk}", request),
    }


def authors_listing(request, links, *, limit, offset):
    authors = authors_with_post_counts().filter(post_count__gt=0)
    page = list(authors[offset : offset + limit])
    resolver = BodyResolver(request)
    resolver.prepare([], image_ids=[author.photo_id for author in page])
    return {
        "total_count": authors.count(),
        "items": [author_object(author, resolver, links) for author in page],
    }


def author_document(request, links, pk):
    author = authors_with_post_counts().filter(pk=pk, post_count__gt=0).first()
    if author is None:
        raise Http404("no author with posts readers can see has this id")
    posts = list(published_news().filter(news_authors__author=author)[:AUTHOR_POSTS])
    resolver = BodyResolver(request)
    resolver.prepare([], image_ids=[author.photo_id, *(p.lead_image_id for p in posts)])
    return {
        **author_object(author, resolver, links),
        "posts": [
            {
                "id": post.pk,
                "title": post.title,
                "summary": post.summary,
                "publication_date": post.publication_date,
                "lead_image": resolver.image(post.lead_image_id),
                "html_url": page_html_url(post, request),
                "api_url": links.page(post, request),
            }
            for post in posts
        ],
    }


def redirect_object(redirect, visible_ids, request):
    target_path = target_url = None
    page = redirect.redirect_page
    if page is not None:
        if page.pk in visible_ids:
            target_path = page.get_url(request=request)
            if redirect.redirect_page_route_path:
                target_path = target_path.rstrip("/") + redirect.redirect_page_route_path
            target_url = absolute_page_url(target_path, request=request)
    elif redirect.redirect_link:
        target_url = target_path = redirect.redirect_link
    return {
        "old_path": redirect.old_path,
        "is_permanent": redirect.is_permanent,
        "status": 301 if redirect.is_permanent else 302,
        "target_path": target_path,
        "target_url": target_url,
        "target_page_id": page.pk if page is not None and page.pk in visible_ids else None,
    }


def redirects_listing(request, *, old_path=None, limit, offset):
    site = site_for(request)
    # The site's own redirects and those for every site (no site set).
    redirects = followable(Redirect.objects.filter(Q(site=site) | Q(site__isnull=True)))
    redirects = redirects.select_related("redirect_page").order_by("old_path", "pk")
    if old_path is not None:
        redirects = redirects.filter(old_path=Redirect.normalise_path(old_path))
    page = list(redirects[offset : offset + limit])
    target_ids = {r.redirect_page_id for r in page if r.redirect_page_id}
    visible_ids = set(
        reader_visible(Page.objects.filter(pk__in=target_ids)).values_list("pk", flat=True)
    )
    return {
        "total_count": redirects.count(),
        "items": [redirect_object(r, visible_ids, request) for r in page],
    }
