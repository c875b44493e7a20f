"""``find/?html_path=``: which page, and which of its routes, a reader's path is.

API v2 and v3 both answer ``find/`` with a redirect to the page's detail URL. A news
index serves more than one listing below its own path (news/models.py), so for those
paths the redirect also says which route matched, as query parameters a frontend reads
from the URL it was sent to (``response.url`` after ``fetch``) and the detail endpoints
accept:

    /news/                 -> .../pages/<index id>/
    /news/tags/climate/    -> .../pages/<index id>/?route=tag&tag=climate
    /news/2026/11/         -> .../pages/<index id>/?route=month&year=2026&month=11
    /news/authors/maren-holt/ -> .../pages/<index id>/?route=author&author_id=<author id>

The posts of a tag or month are the pages listing with ``tags=`` or
``published_after``/``published_before``, an author's the listing with ``author=`` and
the author detail (docs/api.md, "Build a frontend"). A path that would be a 404 for
readers (an unknown tag, month 13, an author with no post readers can see) finds nothing.
"""

from django.http import Http404, QueryDict
from taggit.models import Tag

from news.models import Author, NewsIndexPage
from news.selectors import author_posts

ROUTE_PARAMETERS = ("route", "tag", "year", "month", "author_id")


def redirect_query(query, route, dropped=("id", "html_path")):
    """The query a ``find/`` redirect carries: the client's (``query``, a QueryDict or a
    query string) without what only found the page (``dropped``) and without any route
    parameters the client sent, plus the ``route`` that matched."""
    query = QueryDict(query, mutable=True) if isinstance(query, str) else query.copy()
    for name in (*dropped, *ROUTE_PARAMETERS):
        query.pop(name, None)
    query.update(route)
    return query


def route_parameters(page, route_args):
    """The query parameters naming the route of ``page`` that matched (``route_args`` as
    ``Page.route`` returned them), or none for a page's own path. Http404 when readers
    would get a 404 there."""
    if not isinstance(page, NewsIndexPage) or not route_args:
        return {}
    view, _args, kwargs = route_args
    name = getattr(view, "__name__", "")
    if name == "tag_route":
        tag = Tag.objects.filter(slug=kwargs["tag"]).first()
        if tag is None:
            raise Http404("no such tag")
        return {"route": "tag", "tag": tag.slug}
    if name == "month_route":
        year, month = int(kwargs["year"]), int(kwargs["month"])
        if not 1 <= month <= 12 or year < 1:
            raise Http404("no such month")
        return {"route": "month", "year": str(year), "month": f"{month:02d}"}
    if name == "author_route":
        author = Author.objects.filter(slug=kwargs["slug"]).first()
        if author is None or not author_posts(author, index=page).exists():
            raise Http404("no author with posts readers can see here")
        return {"route": "author", "author_id": str(author.pk)}
    return {}


def find_by_path(request, site, html_path, queryset):
    """``(page, route parameters)`` for a reader's path on ``site``, or None when no page
    in ``queryset`` (what the API may show) serves it."""
    if site is None:
        return None
    components = [component for component in html_path.split("/") if component]
    try:
        page, args, _kwargs = site.root_page.specific.route(request, components)
        parameters = route_parameters(page, args)
    except Http404:
        return None
    if not queryset.filter(id=page.id).exists():
        return None
    return page, parameters
