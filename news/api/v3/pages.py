"""API v3 ``GET /pages/`` and ``GET /pages/find/``: listings that can drive a news site.

Wagtail's v3 listing gives ``id``, ``meta`` and ``title`` in tree order, with no field
selection and a case-sensitive ``tags`` filter. Newsdesk's takes its place (news/compat.py,
10) and answers exactly as API v2 does, because it *is* API v2's listing underneath
(``NewsPagesAPIViewSet``): the same news filters (``tags`` by name or slug, all or any;
``published_after``/``published_before``; ``author``; ``breaking``), ``search`` within
them, newest first for news, the fields a post has (``body_html`` included) in a fixed
number of queries, and unknown parameters refused. What v3 adds is the typing: every
parameter is in /api/v3/openapi.json, and each item is typed by its ``meta.type``, with
the fields a listing may select as optional properties (present when asked for).

The v3 envelope stays Wagtail's (``{"count": N, "items": [...]}``), items keep v3's
``meta`` (``type``, ``detail_url`` of the v3 detail, ``html_url``, ``slug``, ``locale``,
``first_published_at``), and errors are problem documents with a ``message``.
``find/`` redirects to the v3 detail as v2's does, naming the route of a news index that
matched (news/api/find.py).
"""

import copy
from datetime import date, datetime
from typing import Literal

from django.conf import settings
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.urls import reverse
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from pydantic import create_model
from wagtail.api.v3.auth import AllowAnonymous, BearerTokenAuth
from wagtail.api.v3.querysets import get_pages_queryset
from wagtail.api.v3.registry import registry
from wagtail.api.v3.schemas.base import build_discriminated_union
from wagtail.api.validators import SiteFilterValidator
from wagtail.models import Page, get_page_models

from cms.core.site_urls import absolute_url
from news.api.chrome import OFFSET_MAX
from news.api.find import find_by_path, redirect_query
from news.api.v2.pages import NewsPagesAPIViewSet
from news.api.v2.preview import PagePreviewAPIViewSet

page_models = get_page_models()
PageType = Literal[tuple(model._meta.label for model in page_models)]
LIMIT_MAX = settings.WAGTAILAPI_LIMIT_MAX or 10**9

# What every item carries; the rest of a page's read schema is selectable with ``fields``.
ITEM_FIELDS = ("id", "title", "meta")
V3_META = ("type", "detail_url", "html_url", "slug", "locale", "first_published_at")
PAGE_OR_ROOT = r"^([0-9]{1,18}|root)$"
META_ON_REQUEST = ("seo_title", "search_description", "show_in_menus")
V2_BASE_FIELDS = "_,id,title,type,detail_url,html_url,slug,locale,first_published_at"


class ItemMeta(Schema):
    type: str
    detail_url: str = Field(description="This page in API v3")
    html_url: str | None = Field(
        description="Where readers read it (on NEWSDESK_FRONTEND_URL when that is set)"
    )
    slug: str
    locale: str | None
    first_published_at: datetime | None
    # Present when asked for by name in ``fields`` (or with ``*``), as in API v2.
    seo_title: str | None = None
    search_description: str | None = None
    show_in_menus: bool | None = None


class PreviewMeta(ItemMeta):
    detail_url: str | None = Field(description="The page in API v3; null for a new page")
    slug: str | None


def item_schema(model, kind="ListItem", *, saved=True):
    """``<Model><kind>``: id, title and meta, plus every other field of the model's v3
    read schema as an optional property (a listing returns the ones ``fields`` asks for;
    a preview all of them). A preview's page may never have been saved: no id then."""
    read_schema = registry.get(model._meta.label).read_schema
    selectable = {
        name: (field.annotation, Field(None, description=field.description))
        for name, field in read_schema.model_fields.items()
        if name not in ITEM_FIELDS
    }
    # meta.type is the model's label, so exactly one member of the union matches an item.
    meta = create_model(
        f"{model.__name__}{kind}Meta",
        __base__=ItemMeta if saved else PreviewMeta,
        type=(Literal[model._meta.label], ...),
    )
    return create_model(
        f"{model.__name__}{kind}",
        __base__=Schema,
        __doc__=f"A {model._meta.verbose_name}: the fields asked for, typed.",
        id=(int, ...) if saved else (int | None, ...),
        title=(str, ...),
        meta=(meta, ...),
        **selectable,
    )


ListingItem = build_discriminated_union(list(page_models), item_schema)
PreviewItem = build_discriminated_union(
    list(page_models), lambda model: item_schema(model, "Preview", saved=False)
)


class PageListing(Schema):
    count: int = Field(description="Pages matching the filters, across every page")
    items: list[ListingItem]


class ListingParams(Schema):
    """The listing's parameters, as in API v2 (docs/api.md)."""

    type: list[PageType] = Field(
        [], description="One page type (its fields become selectable) or several"
    )
    fields: str | None = Field(
        None,
        description="Comma-separated fields to add to id, title and meta (`*` for all), "
        "e.g. `summary,publication_date,tags,lead_image,body_html`",
    )
    child_of: str | None = Field(
        None, pattern=PAGE_OR_ROOT, description="A page id, or `root` for the site's root page"
    )
    descendant_of: str | None = Field(None, pattern=PAGE_OR_ROOT)
    ancestor_of: int | None = None
    slug: str | None = Field(
        None,
        description="Pages with this slug (any other field of a single type filters too, "
        "as in API v2: `breaking=true`)",
    )
    order: str | None = Field(
        None, description="A field, `-field` for descending, or `random`; news: newest first"
    )
    search: str | None = Field(None, description="Full-text search, within the filters")
    search_operator: Literal["and", "or"] | None = None
    tags: str | None = Field(
        None,
        description="News: `a,b` posts with all of the tags, `a|b` with any; names or "
        "slugs, case-insensitive",
    )
    published_after: date | None = Field(None, description="News: published on or after")
    published_before: date | None = Field(None, description="News: published on or before")
    author: int | None = Field(None, description="News: credited to this author id")
    breaking: bool | None = Field(None, description="News: breaking news only, or none")
    site: str | None = Field(None, description="The site's hostname (and :port)")
    locale: str | None = None
    limit: int = Field(20, ge=1, le=LIMIT_MAX)
    offset: int = Field(0, ge=0, le=OFFSET_MAX)


class V3ListingEngine(NewsPagesAPIViewSet):
    """API v2's listing with the v3 request's user (a bearer token's editor sees the
    pages they may edit, as in Wagtail's v3; everyone else what readers see)."""

    authentication_classes = []
    v3_request = None

    @property
    def counts_privately(self):
        """A token's listing is its user's: its total is not shared with anyone else's."""
        return self.v3_request.user.is_authenticated

    def get_base_queryset(self):
        return get_pages_queryset(self.v3_request)


class V3PreviewEngine(PagePreviewAPIViewSet):
    """API v2's preview (anyone with a valid token sees the draft it was signed for)."""

    authentication_classes = []


def v2_answer(engine, request, query, api_v2_router, **initkwargs):
    """What ``engine`` (an API v2 viewset) answers to ``request`` with ``query``: its
    data, or its error as a v3 problem document (HttpError)."""
    v2_request = copy.copy(request)
    v2_request.GET = query
    v2_request.wagtailapi_router = api_v2_router
    response = engine.as_view({"get": "listing_view"}, **initkwargs)(v2_request)
    if response.status_code != 200:
        raise HttpError(response.status_code, response.data.get("message", "request failed"))
    return response.data


def v2_query(request):
    """The request's query in API v2's terms: ``type`` repeated becomes one
    comma-separated value; ``fields`` adds to v3's id, title and meta, or starts with
    ``*`` (every field, ``*,-body`` all but some) as in v2."""
    query = QueryDict(mutable=True)
    for key, values in request.GET.lists():
        if key == "type":
            query[key] = ",".join(values)
        elif key != "fields":
            query.setlist(key, values)
    fields = [name.strip() for name in request.GET.get("fields", "").split(",") if name.strip()]
    if fields and fields[0] == "*":
        query["fields"] = ",".join(fields)
    elif any(name.startswith(("-", "_")) or name == "*" for name in fields):
        raise HttpError(
            400,
            "fields: list the fields to add to id, title and meta (fields=summary,tags), "
            "or start with * for all of them (fields=*,-body)",
        )
    else:
        query["fields"] = ",".join([V2_BASE_FIELDS, *fields])
    return query


def v3_meta(item, request):
    meta = item.get("meta", {})
    detail_url = None
    if item.get("id"):
        path = reverse("wagtailapi_v3:detail_page", kwargs={"page_id": item["id"]})
        detail_url = absolute_url(path, request=request)
    asked = {name: meta[name] for name in META_ON_REQUEST if name in meta}
    return {**{name: meta.get(name) for name in V3_META}, **asked, "detail_url": detail_url}


def listing_operation(api_v2_router):
    """The v3 listing view, answering through ``api_v2_router``'s pages endpoint (the
    v2 router cms/api.py assembles: nested objects and detail URLs are found through it)."""

    def list_pages(request, params: Query[ListingParams]):
        data = v2_answer(
            V3ListingEngine, request, v2_query(request), api_v2_router, v3_request=request
        )
        items = [{**item, "meta": v3_meta(item, request)} for item in data["items"]]
        return {"count": data["meta"]["total_count"], "items": items}

    return list_pages


def preview_operation(api_v2_router):
    """The v3 preview view: the draft, every field of its type, as API v2 gives it."""

    def preview(request, content_type: str, token: str, response: HttpResponse):
        data = v2_answer(V3PreviewEngine, request, request.GET, api_v2_router)
        response["Cache-Control"] = "private, no-store"  # a draft: never in a shared cache
        return {**data, "meta": v3_meta(data, request)}

    return preview


PAGE_PREVIEW = {
    "response": PreviewItem,
    "url_name": "page_preview",
    "summary": "Preview a draft",
    "description": "The draft an editor is previewing (the `content_type` and `token` "
    "the admin's Preview sent the frontend), with every field of its type. "
    "Signed tokens expire (NEWSDESK_PREVIEW_TOKEN_MAX_AGE); a page never saved has no "
    "`id` and no `meta.detail_url`.",
    "operation_id": "pages_preview",
    "exclude_unset": True,
}


LIST_PAGES = {
    "response": PageListing,
    "url_name": "list_pages",
    "summary": "List pages",
    "description": "Pages as API v2 lists them (news filters, search within them, newest "
    "first for news, fields), each item typed by its `meta.type`.",
    "operation_id": "pages_list",
    "auth": [BearerTokenAuth(), AllowAnonymous()],
    "exclude_unset": True,
}


def find_page(
    request,
    html_path: str | None = None,
    id: int | None = Query(None, ge=1, le=10**18),
    site: str | None = None,
):
    """Redirect to the page serving a reader's path (``html_path``) or with an ``id``;
    for a tag or month of a news index, the redirect names the route
    (``?route=tag&tag=climate``, ``?route=month&year=2026&month=11``)."""
    queryset = get_pages_queryset(request)
    page, route = None, {}
    if html_path:
        try:
            site_obj = SiteFilterValidator(site=site, request=request).site_obj
        except ValueError as error:  # ?site= matches several sites
            raise HttpError(400, str(error)) from None
        found = find_by_path(request, site_obj, html_path, queryset)
        if found is not None:
            page, route = found
    if page is None and id:
        page = queryset.filter(pk=id).first()
    if page is None:
        raise Http404(f"No {Page._meta.object_name} matches the given query.")
    query = redirect_query(request.GET, route)
    url = absolute_url(
        reverse("wagtailapi_v3:detail_page", kwargs={"page_id": page.pk}), request=request
    )
    return redirect(f"{url}?{query.urlencode()}" if query else url)


FIND_PAGE = {
    "response": {302: None},
    "url_name": "find_page",
    "summary": "Find page",
    "operation_id": "pages_find",
    "auth": [BearerTokenAuth(), AllowAnonymous()],
}


def preview_router(api_v2_router):
    """``GET /page_preview/`` (mounted on the v3 API in cms/api.py)."""
    router = Router(tags=["pages"])
    router.get("/page_preview/", **PAGE_PREVIEW)(preview_operation(api_v2_router))
    return router


__all__ = ["FIND_PAGE", "LIST_PAGES", "find_page", "listing_operation", "preview_router"]
