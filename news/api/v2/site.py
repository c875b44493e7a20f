"""What a headless site shows around its pages, over API v2 (registered in cms/api.py).

    GET /api/v2/site/                  name, base URL, default disclaimer, feeds, menu
    GET /api/v2/tags/[?slug=<slug>]    tags of visible posts with their post counts
    GET /api/v2/tags/<slug>/           one tag
    GET /api/v2/authors/               authors credited on visible posts, with counts
    GET /api/v2/authors/<id>/          one author, with their latest posts
    GET /api/v2/redirects/[?old_path=] the site's redirects: old path -> target

The documents are news/api/chrome.py's (API v3 serves the same, typed, in
news/api/v3/site.py); this module adds v2's parameters and ``{"message": ...}`` errors.
"""

from django.http import Http404
from django.urls import path
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.viewsets import ViewSet
from wagtail.api.v2.utils import BadRequestError

from news.api import chrome
from news.api.v2.params import number


def paging(request):
    """``limit`` (chrome.PAGE_SIZE unless given, at most PAGE_SIZE_MAX) and ``offset``."""
    params = request.query_params
    limit = number(
        "limit", params.get("limit"), default=chrome.PAGE_SIZE, maximum=chrome.PAGE_SIZE_MAX
    )
    return {"limit": limit, "offset": number("offset", params.get("offset"), default=0)}


def refuse_unknown(request, known):
    message = chrome.unknown_parameters(request.query_params, known)
    if message:
        raise BadRequestError(message)


def listing(document):
    return Response({"meta": {"total_count": document["total_count"]}, "items": document["items"]})


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


class SiteAPIViewSet(SiteChromeViewSet):
    name = "site"

    @classmethod
    def get_urlpatterns(cls):
        return [path("", cls.as_view({"get": "detail_view"}), name="detail")]

    def detail_view(self, request):
        refuse_unknown(request, ())
        return Response(chrome.site_document(request, chrome.V2))


class TagsAPIViewSet(SiteChromeViewSet):
    name = "tags"

    @classmethod
    def get_urlpatterns(cls):
        return [
            path("", cls.as_view({"get": "listing_view"}), name="listing"),
            path("<str:slug>/", cls.as_view({"get": "detail_view"}), name="detail"),
        ]

    def listing_view(self, request):
        refuse_unknown(request, ("slug", "limit", "offset"))
        slug = request.query_params.get("slug")
        return listing(chrome.tags_listing(request, chrome.V2, slug=slug, **paging(request)))

    def detail_view(self, request, slug):
        refuse_unknown(request, ())
        return Response(chrome.tag_document(request, chrome.V2, slug))


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
        return listing(chrome.authors_listing(request, chrome.V2, **paging(request)))

    def detail_view(self, request, pk):
        refuse_unknown(request, ())
        return Response(chrome.author_document(request, chrome.V2, pk))


class RedirectsAPIViewSet(SiteChromeViewSet):
    name = "redirects"

    @classmethod
    def get_urlpatterns(cls):
        return [path("", cls.as_view({"get": "listing_view"}), name="listing")]

    def listing_view(self, request):
        refuse_unknown(request, ("old_path", "limit", "offset"))
        old_path = request.query_params.get("old_path")
        return listing(chrome.redirects_listing(request, old_path=old_path, **paging(request)))


__all__ = [
    "AuthorsAPIViewSet",
    "RedirectsAPIViewSet",
    "SiteAPIViewSet",
    "TagsAPIViewSet",
]
