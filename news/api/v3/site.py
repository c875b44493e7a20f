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
included) with only a page id (news/compat.py, 10); Wagtail's redirect writes, its
``find/`` and its detail by id stay as they are. Anonymous; unknown parameters are a 400.
"""

from datetime import date

from django.http import HttpRequest
from ninja import Field, Path, Query, Router, Schema
from ninja.errors import HttpError

from news.api import chrome
from news.schemas import AuthorObject, ImageObject

router = Router(tags=["site"])
AUTH = None  # anonymous: the documents are the same for everyone


def refuse_unknown(request: HttpRequest, known=()):
    unknown = sorted(set(request.GET) - set(known))
    if unknown:
        raise HttpError(400, f"query parameter is not recognised: {', '.join(unknown)}")


class Paging(Schema):
    limit: int = Field(100, ge=1, le=1000)
    offset: int = Field(0, ge=0, le=10**9)


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

__all__ = ["LIST_REDIRECTS", "list_redirects", "router"]
