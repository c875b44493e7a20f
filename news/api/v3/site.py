"""Site chrome over API v3, typed in /api/v3/openapi.json (added in cms/api.py).

    GET /api/v3/site/                   name, base URL, default disclaimer, feeds, menu
    GET /api/v3/tags/[?slug=<slug>]     tags of visible posts with their post counts
    GET /api/v3/tags/{slug}/            one tag
    GET /api/v3/authors/                authors credited on visible posts, with counts
    GET /api/v3/authors/{author_id}/    one author, with their latest posts
    GET /api/v3/redirects/[?old_path=]  the site's redirects: old path -> target

The same documents as API v2's (news/api/chrome.py), with links to v3 and v3's envelope
(``{"count": N, "items": [...]}``). ``GET /api/v3/redirects/`` takes the place of
Wagtail's listing, which gave every redirect (drafts' and private pages' old paths
included) with only a page id; Wagtail's ``redirects/find/`` and ``redirects/{id}/``
keep their shape but show anonymous clients only the redirects readers may follow (a
token's user sees every one, as Wagtail's writes need), news/compat.py, 10. Wagtail's
redirect writes stay as they are. Anonymous; unknown parameters are a 400.
"""

from datetime import date

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from ninja import Field, Path, Query, Router, Schema
from ninja.errors import HttpError
from wagtail.api.v3.auth import AllowAnonymous, BearerTokenAuth
from wagtail.contrib.redirects.api.v3.router import RedirectSchema
from wagtail.contrib.redirects.middleware import get_redirect
from wagtail.contrib.redirects.models import Redirect

from cms.core.site_urls import absolute_url
from news.api import chrome
from news.schemas import AuthorObject, ImageObject

router = Router(tags=["site"])
AUTH = None  # anonymous: the documents are the same for everyone


def refuse_unknown(request: HttpRequest, known=()):
    message = chrome.unknown_parameters(request.GET, known)
    if message:
        raise HttpError(400, message)


class Paging(Schema):
    limit: int = Field(chrome.PAGE_SIZE, ge=1, le=chrome.PAGE_SIZE_MAX)
    offset: int = Field(0, ge=0, le=chrome.OFFSET_MAX)


class Feeds(Schema):
    rss: str
    atom: str


class MenuItem(Schema):
    id: int
    title: str
    type: str
    path: str | None
    html_url: str | None
    api_url: str


class SiteOut(Schema):
    name: str
    base_url: str
    frontend_url: str | None = Field(description="NEWSDESK_FRONTEND_URL, if set")
    default_disclaimer: str | None = Field(description="HTML of the site-wide disclaimer")
    feeds: Feeds
    navigation: list[MenuItem] = Field(description="The site menu's pages, in menu order")


class TagOut(Schema):
    name: str
    slug: str
    post_count: int = Field(description="Posts readers can see with this tag")
    path: str | None = Field(description="The tag page under the news index")
    html_url: str | None
    posts_api_url: str


class TagListing(Schema):
    count: int
    items: list[TagOut]


class AuthorOut(AuthorObject):
    slug: str = Field(description="The last part of the author page's address")
    job_title: str = Field(description="The author's role, e.g. “Political correspondent”")
    path: str | None = Field(description="The author page under the news index")
    html_url: str | None = Field(description="The author page's absolute URL")
    post_count: int
    detail_url: str
    posts_api_url: str


class AuthorListing(Schema):
    count: int
    items: list[AuthorOut]


class AuthorPost(Schema):
    id: int
    title: str
    summary: str
    publication_date: date
    lead_image: ImageObject | None
    html_url: str | None
    api_url: str


class AuthorDetail(AuthorOut):
    posts: list[AuthorPost] = Field(description=f"Latest {chrome.AUTHOR_POSTS}, newest first")


class RedirectOut(Schema):
    old_path: str
    is_permanent: bool
    status: int = Field(description="301 when permanent, else 302")
    target_path: str | None
    target_url: str | None
    target_page_id: int | None


class RedirectListing(Schema):
    count: int
    items: list[RedirectOut]


def envelope(document):
    return {"count": document["total_count"], "items": document["items"]}


@router.get("/site/", response=SiteOut, operation_id="site_detail", summary="Site settings")
def site_detail(request):
    refuse_unknown(request)
    return chrome.site_document(request, chrome.V3)


@router.get("/tags/", response=TagListing, operation_id="tags_list", summary="List tags")
def tags_list(request, paging: Query[Paging], slug: str | None = None):
    refuse_unknown(request, ("limit", "offset", "slug"))
    return envelope(
        chrome.tags_listing(
            request, chrome.V3, slug=slug, limit=paging.limit, offset=paging.offset
        )
    )


@router.get("/tags/{slug}/", response=TagOut, operation_id="tags_detail", summary="Tag")
def tags_detail(request, slug: str):
    refuse_unknown(request)
    return chrome.tag_document(request, chrome.V3, slug)


@router.get(
    "/authors/", response=AuthorListing, operation_id="authors_list", summary="List authors"
)
def authors_list(request, paging: Query[Paging]):
    refuse_unknown(request, ("limit", "offset"))
    return envelope(
        chrome.authors_listing(request, chrome.V3, limit=paging.limit, offset=paging.offset)
    )


@router.get(
    "/authors/{author_id}/",
    response=AuthorDetail,
    url_name="author",
    operation_id="authors_detail",
    summary="Author",
)
def authors_detail(request, author_id: int = Path(..., ge=1, le=10**18)):
    refuse_unknown(request)
    return chrome.author_document(request, chrome.V3, author_id)


def list_redirects(request, paging: Query[Paging], old_path: str | None = None):
    """The site's redirects readers may follow: old path -> target path and URL."""
    refuse_unknown(request, ("limit", "offset", "old_path"))
    return envelope(
        chrome.redirects_listing(
            request, old_path=old_path, limit=paging.limit, offset=paging.offset
        )
    )


LIST_REDIRECTS = {
    "response": RedirectListing,
    "url_name": "list_redirects",
    "summary": "List redirects",
    "operation_id": "redirects_list",
    "auth": None,
}


def redirects_for(request):
    """Every redirect for a token's user; for anyone else those readers may follow."""
    if request.user.is_authenticated:
        return Redirect.objects.all()
    return chrome.followable(Redirect.objects.all())


def find_redirect(request, html_path: str | None = None, id: int | None = None):
    """Wagtail's ``redirects/find/`` over ``redirects_for``."""
    redirects = redirects_for(request)
    found = get_redirect(request, html_path) if html_path else None
    if found is not None and not redirects.filter(pk=found.pk).exists():
        found = None
    if found is None and id:
        found = redirects.filter(pk=id).first()
    if found is None:
        raise Http404("No Redirect matches the given query.")
    query = request.GET.copy()
    for name in ("id", "html_path"):
        query.pop(name, None)
    url = absolute_url(
        reverse("wagtailapi_v3:detail_redirect", kwargs={"redirect_id": found.pk}),
        request=request,
    )
    return redirect(f"{url}?{query.urlencode()}" if query else url)


def redirect_detail(request, redirect_id: int):
    """Wagtail's ``redirects/{redirect_id}/`` over ``redirects_for``."""
    return get_object_or_404(redirects_for(request), pk=redirect_id)


PUBLIC_READ = [BearerTokenAuth(), AllowAnonymous()]
FIND_REDIRECT = {
    "response": {302: None},
    "url_name": "find_redirect",
    "summary": "Find redirect",
    "operation_id": "redirects_find",
    "auth": PUBLIC_READ,
}
REDIRECT_DETAIL = {
    "response": RedirectSchema,
    "url_name": "detail_redirect",
    "summary": "Redirect detail",
    "operation_id": "redirects_detail",
    "auth": PUBLIC_READ,
}

__all__ = [
    "FIND_REDIRECT",
    "LIST_REDIRECTS",
    "REDIRECT_DETAIL",
    "find_redirect",
    "list_redirects",
    "redirect_detail",
    "router",
]
