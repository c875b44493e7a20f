"""What a headless site shows around its pages, over API v2 (registered in cms/api.py).

    GET /api/v2/site/                  name, base URL, default disclaimer, feeds, menu
    GET /api/v2/tags/[?slug=<slug>]    tags of visible posts with their post counts
    GET /api/v2/tags/<slug>/           one tag
    GET /api/v2/authors/               authors credited on visible posts, with counts
    GET /api/v2/authors/<id>/          one author, with their latest posts
    GET /api/v2/redirects/[?old_path=] the site's redirects: old path -> target

Every URL is absolute on the Site's root URL (cms/core/site_urls.py); nothing a reader may
not see is listed (drafts, private and expired posts are not counted or linked; redirects
to such pages are left out). Responses go through the response cache like pages and
are refreshed when published content, authors, settings, sites or redirects change.
Errors are ``{"message": ...}`` as everywhere in API v2.
"""

from django.conf import settings
from django.db.models import Q
from django.http import Http404
from django.urls import path, reverse
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.viewsets import ViewSet
from wagtail.api.v2.utils import BadRequestError
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Page

from cms.core.site_urls import absolute_page_url, absolute_url, site_base_url, site_for
from news.api.v2.params import number
from news.api_fields import author_object as news_author_object
from news.freshness.remembered import remembered
from news.models import NewsSettings
from news.representation import BodyResolver, page_api_url, page_html_url
from news.selectors import (
    authors_with_post_counts,
    menu_pages,
    news_index_under,
    published_news,
    visible_post_tags,
)
from news.visibility import reader_visible

AUTHOR_POSTS = 20


def paging(request):
    """``limit`` (100 unless given, at most 1,000) and ``offset`` of a listing request."""
    params = request.query_params
    return (
        number("limit", params.get("limit"), default=100, maximum=1000),
        number("offset", params.get("offset"), default=0),
    )


def refuse_unknown(request, known):
    unknown = sorted(set(request.query_params) - set(known))
    if unknown:
        raise BadRequestError(
            f"query parameter is not recognised: {', '.join(unknown)}"
            + (f" (use {', '.join(sorted(known))})" if known else "")
        )


class ServesNoModel:
    """What these endpoints give as their ``model``. Wagtail's router finds the endpoint
    of a model a serializer meets (``get_model_endpoint``) by this attribute, and these
    are not Wagtail's model endpoints: a post's tags must not be sent to the tags
    endpoint's serializer, which it does not have."""


class SiteChromeViewSet(ViewSet):
    """The shared plumbing: anonymous, JSON, v2-style errors."""

    model = ServesNoModel
    authentication_classes = []
    permission_classes = [AllowAny]
    renderer_classes = [JSONRenderer]

    def handle_exception(self, exc):
        if isinstance(exc, Http404):
            return Response({"message": str(exc) or "not found"}, status=404)
        if isinstance(exc, BadRequestError):
            return Response({"message": str(exc)}, status=400)
        return super().handle_exception(exc)


def menu_item(page, request):
    return {
        "id": page.pk,
        "title": page.title,
        "type": f"{page.specific_class._meta.app_label}.{page.specific_class.__name__}",
        "path": page.get_url(request=request, current_site=site_for(request)),
        "html_url": page_html_url(page, request),
        "api_url": page_api_url(page, request),
    }


class SiteAPIViewSet(SiteChromeViewSet):
    name = "site"

    @classmethod
    def get_urlpatterns(cls):
        return [path("", cls.as_view({"get": "detail_view"}), name="detail")]

    def detail_view(self, request):
        refuse_unknown(request, ())
        site = site_for(request)
        if site is None:
            raise Http404("no site is configured")
        ids = remembered(
            f"site-menu:{site.pk}", lambda: list(menu_pages(site).values_list("pk", flat=True))
        )
        pages = Page.objects.filter(pk__in=ids).specific().in_bulk()
        disclaimer = NewsSettings.for_site(site).default_disclaimer
        resolver = BodyResolver(request)
        return Response(
            {
                "name": site.site_name or "",
                "base_url": site_base_url(site),
                "frontend_url": settings.NEWSDESK_FRONTEND_URL or None,
                "default_disclaimer": resolver.rich_text(disclaimer.text) if disclaimer else None,
                "feeds": {
                    "rss": absolute_url(reverse("news_feed_rss"), site=site),
                    "atom": absolute_url(reverse("news_feed_atom"), site=site),
                },
                "navigation": [menu_item(pages[pk], request) for pk in ids if pk in pages],
            }
        )


def tag_index(request):
    """The news index whose tag pages list a tag's posts (the site's first), with its
    path: looked up once per response."""
    site = site_for(request)
    index = news_index_under(site.root_page) if site is not None else None
    return (index, index.get_url(request=request)) if index is not None else (None, None)


def tag_object(tag, request, index_and_path):
    index, index_path = index_and_path
    listing = index_path + index.reverse_subpage("tag", args=[tag.slug]) if index else None
    return {
        "name": tag.name,
        "slug": tag.slug,
        "post_count": tag.post_count,
        "path": listing,
        "html_url": absolute_page_url(listing, request=request) if listing else None,
        "posts_api_url": absolute_url(
            f"{reverse('wagtailapi:pages:listing')}?type=news.NewsPage&tags={tag.slug}",
            request=request,
        ),
    }


class TagsAPIViewSet(SiteChromeViewSet):
    name = "tags"

    @classmethod
    def get_urlpatterns(cls):
        return [
            path("", cls.as_view({"get": "listing_view"}), name="listing"),
            path("<str:slug>/", cls.as_view({"get": "detail_view"}), name="detail"),
        ]

    def tags(self):
        return visible_post_tags()

    def listing_view(self, request):
        refuse_unknown(request, ("slug", "limit", "offset"))
        tags = self.tags()
        if "slug" in request.query_params:
            tags = tags.filter(slug__iexact=request.query_params["slug"])
        limit, offset = paging(request)
        total = tags.count()
        index_and_path = tag_index(request)
        return Response(
            {
                "meta": {"total_count": total},
                "items": [
                    tag_object(tag, request, index_and_path)
                    for tag in tags[offset : offset + limit]
                ],
            }
        )

    def detail_view(self, request, slug):
        refuse_unknown(request, ())
        tag = self.tags().filter(slug__iexact=slug).first()
        if tag is None:
            raise Http404("no posts readers can see carry this tag")
        return Response(tag_object(tag, request, tag_index(request)))


def author_object(author, resolver):
    """The author object posts carry (news.api_fields), with the post count and links."""
    return {
        **news_author_object(author, resolver),
        "post_count": author.post_count,
        "detail_url": absolute_url(
            reverse("wagtailapi:authors:detail", args=[author.pk]), request=resolver.request
        ),
        "posts_api_url": absolute_url(
            f"{reverse('wagtailapi:pages:listing')}?type=news.NewsPage&author={author.pk}",
            request=resolver.request,
        ),
    }


class AuthorsAPIViewSet(SiteChromeViewSet):
    name = "authors"

    @classmethod
    def get_urlpatterns(cls):
        return [
            path("", cls.as_view({"get": "listing_view"}), name="listing"),
            path("<int:pk>/", cls.as_view({"get": "detail_view"}), name="detail"),
        ]

    def listing_view(self, request):
        refuse_unknown(request, ("limit", "offset"))
        limit, offset = paging(request)
        authors = authors_with_post_counts().filter(post_count__gt=0)
        page = list(authors[offset : offset + limit])
        resolver = BodyResolver(request)
        resolver.prepare([], image_ids=[author.photo_id for author in page])
        return Response(
            {
                "meta": {"total_count": authors.count()},
                "items": [author_object(author, resolver) for author in page],
            }
        )

    def detail_view(self, request, pk):
        refuse_unknown(request, ())
        author = authors_with_post_counts().filter(pk=pk, post_count__gt=0).first()
        if author is None:
            raise Http404("no author with posts readers can see has this id")
        posts = list(published_news().filter(news_authors__author=author)[:AUTHOR_POSTS])
        resolver = BodyResolver(request)
        resolver.prepare([], image_ids=[author.photo_id, *(p.lead_image_id for p in posts)])
        return Response(
            {
                **author_object(author, resolver),
                "posts": [
                    {
                        "id": post.pk,
                        "title": post.title,
                        "summary": post.summary,
                        "publication_date": post.publication_date,
                        "lead_image": resolver.image(post.lead_image_id),
                        "html_url": page_html_url(post, request),
                        "api_url": page_api_url(post, request),
                    }
                    for post in posts
                ],
            }
        )


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


class RedirectsAPIViewSet(SiteChromeViewSet):
    name = "redirects"

    @classmethod
    def get_urlpatterns(cls):
        return [path("", cls.as_view({"get": "listing_view"}), name="listing")]

    def listing_view(self, request):
        refuse_unknown(request, ("old_path", "limit", "offset"))
        site = site_for(request)
        # The site's own redirects and those for every site (no site set).
        redirects = Redirect.objects.filter(Q(site=site) | Q(site__isnull=True))
        # Only redirects to a page readers may see, or to a link: Wagtail creates one
        # for every slug change and move, so the rest would reveal the old addresses of
        # drafts and private pages.
        visible = reader_visible(Page.objects.all()).values("pk")
        redirects = redirects.filter(Q(redirect_page__isnull=True) | Q(redirect_page__in=visible))
        redirects = redirects.select_related("redirect_page").order_by("old_path", "pk")
        if "old_path" in request.query_params:
            redirects = redirects.filter(
                old_path=Redirect.normalise_path(request.query_params["old_path"])
            )
        limit, offset = paging(request)
        page = list(redirects[offset : offset + limit])
        target_ids = {r.redirect_page_id for r in page if r.redirect_page_id}
        visible_ids = set(
            reader_visible(Page.objects.filter(pk__in=target_ids)).values_list("pk", flat=True)
        )
        return Response(
            {
                "meta": {"total_count": redirects.count()},
                "items": [redirect_object(r, visible_ids, request) for r in page],
            }
        )


__all__ = [
    "AuthorsAPIViewSet",
    "RedirectsAPIViewSet",
    "SiteAPIViewSet",
    "TagsAPIViewSet",
]
