"""API v2 ``pages``: Wagtail's pages endpoint with news filters (registered in cms/api.py).

``NewsPagesAPIViewSet`` keeps Wagtail's v2 contract (fields, type, child_of, order,
limit/offset, search, find, ``{"message": ...}`` errors) and adds, for
``type=news.NewsPage`` listings:

- ``tags=a,b`` (posts with all of the tags) or ``tags=a|b`` (any of them);
- ``published_after`` / ``published_before`` (ISO dates, inclusive);
- ``author=<id>``, ``breaking=true|false``;
- newest first by publication date unless ``order`` is given;
- ``search`` combined with any of the above (stock Wagtail refuses search + filters).

Listings prefetch what posts show (authors, tags, images and renditions) and resolve every
post's body in bulk, so the query count does not grow with ``limit``.
"""

import copy
import datetime
import hashlib
import operator
import re
from functools import reduce

from django.conf import settings
from django.db.models import (
    Q,
    prefetch_related_objects,
)
from django.urls import get_script_prefix
from rest_framework.filters import BaseFilterBackend
from wagtail.api.utils import get_full_url
from wagtail.api.v2.filters import SearchFilter
from wagtail.api.v2.pagination import WagtailPagination
from wagtail.api.v2.serializers import (
    DetailUrlField,
    PageHtmlUrlField,
    PageParentField,
    PageSerializer,
)
from wagtail.api.v2.utils import BadRequestError
from wagtail.api.v2.views import BaseAPIViewSet, PagesAPIViewSet
from wagtail.blocks import StreamValue
from wagtail.models import Site
from wagtail.search.backends import get_search_backend
from wagtail.search.backends.base import FilterFieldError, OrderByFieldError

from cms.core import content_version
from cms.core.api_rendering import CompactJSONMixin
from cms.core.site_urls import absolute_page_url
from news.api.chrome import OFFSET_MAX
from news.api.find import find_by_path, redirect_query
from news.comments.selectors import with_visible_comment_counts
from news.compat import share_site_root_paths
from news.freshness.fragments import RenderOnceResolver
from news.freshness.remembered import remembered
from news.models import NewsPage
from news.selectors import post_detail_prefetches, public_pages, searchable
from search.query import search_terms

NEWS_FILTERS = ("tags", "published_after", "published_before", "author", "breaking")
# The API fields of a post that read its stored body.
BODY_READERS = (
    "body",
    "body_html",
    "reading_minutes",
    "show_default_disclaimer",
    "default_disclaimer",
)


def parse_date(name, value):
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise BadRequestError(
            f"{name}: expected an ISO date like 2017-02-14, not {value!r}"
        ) from None


def parse_tags(value):
    """``a,b`` → ("all", [a, b]); ``a|b`` → ("any", [a, b]); anything else is an error.

    Each tag may be given by slug (``port-alder``) or name (``Port Alder``), as in stock
    Wagtail, which accepts names separated by commas.
    """
    if "," in value and "|" in value:
        raise BadRequestError("tags: use ',' for all of the tags or '|' for any of them, not both")
    mode, separator = ("any", "|") if "|" in value else ("all", ",")
    tags = [part.strip() for part in value.split(separator)]
    if any(not tag or "\x00" in tag or len(tag) > 100 for tag in tags):
        raise BadRequestError(
            f"tags: expected tags separated by ',' (all of them) or '|' (any of them), "
            f"not {value!r}"
        )
    return mode, tags


def tag_q(tag):
    return Q(tags__slug__iexact=tag) | Q(tags__name__iexact=tag)


def apply_news_filters(request, queryset):
    """Apply the news filters in ``request.GET`` to ``queryset``.

    Dates and the breaking flag are fields the search index can filter on, so they stay
    ordinary filters; tags and authors live in other tables, which search backends
    cannot join, so they become a subquery of matching ids (a subquery rather than a
    list of ids: PostgreSQL plans long id lists badly next to a full-text search).
    """
    params = request.GET
    if not any(name in params for name in NEWS_FILTERS):
        return queryset
    if queryset.model is not NewsPage:
        used = next(name for name in NEWS_FILTERS if name in params)
        raise BadRequestError(f"{used}: this filter needs type=news.NewsPage")
    if "published_after" in params:
        queryset = queryset.filter(
            publication_date__gte=parse_date("published_after", params["published_after"])
        )
    if "published_before" in params:
        queryset = queryset.filter(
            publication_date__lte=parse_date("published_before", params["published_before"])
        )
    if "breaking" in params:
        flag = params["breaking"].lower()
        if flag not in ("true", "false", "1", "0"):
            raise BadRequestError(f"breaking: expected true or false, not {params['breaking']!r}")
        queryset = queryset.filter(breaking=flag in ("true", "1"))

    related = None
    if "tags" in params:
        mode, tags = parse_tags(params["tags"])
        related = NewsPage.objects.all()
        if mode == "any":
            related = related.filter(reduce(operator.or_, (tag_q(tag) for tag in tags)))
        else:
            for tag in tags:
                related = related.filter(pk__in=NewsPage.objects.filter(tag_q(tag)).values("pk"))
    if "author" in params:
        if not re.fullmatch(r"[0-9]{1,18}", params["author"]):
            raise BadRequestError(f"author: expected an author id, not {params['author']!r}")
        related = (related if related is not None else NewsPage.objects.all()).filter(
            news_authors__author_id=int(params["author"])
        )
    if related is not None:
        queryset = queryset.filter(pk__in=related.order_by().values("pk"))
    return queryset


class NewsFilter(BaseFilterBackend):
    """The news filters, applied before search so the two combine."""

    def filter_queryset(self, request, queryset, view):
        return apply_news_filters(request, queryset)


class NewsSearchFilter(BaseFilterBackend):
    """``search=`` with the reader search page's rules (replaces Wagtail's SearchFilter).

    The query is reduced to its words (search.query.search_terms), so search syntax and
    stray quotes can never reach the database; ``search_operator`` is ``or`` by default
    (pages with more of the words rank higher; ``and`` requires all of them); results are
    ranked by relevance unless ``order`` is given. Nothing to search for gives no results.
    """

    def filter_queryset(self, request, queryset, view):
        if "search" not in request.GET:
            return queryset
        if not getattr(settings, "WAGTAILAPI_SEARCH_ENABLED", True):
            raise BadRequestError("search is disabled")
        operator = request.GET.get("search_operator") or "or"
        if operator not in ("and", "or"):
            raise BadRequestError(f"search_operator: expected 'and' or 'or', not {operator!r}")
        terms = search_terms(request.GET["search"])
        if not terms:
            return queryset.none()
        try:
            return get_search_backend().search(
                terms,
                searchable(queryset),  # a search without a type or over several types
                operator=operator,
                order_by_relevance="order" not in request.GET,
            )
        except FilterFieldError as error:
            raise BadRequestError(
                f"cannot filter by '{error.field_name}' while searching"
            ) from None
        except OrderByFieldError as error:
            raise BadRequestError(
                f"cannot order by '{error.field_name}' while searching"
            ) from None


class _NoResults:
    """Stands in for the results while Wagtail's paginator checks offset and limit."""

    def count(self):
        return 0

    def __getitem__(self, item):
        return []


class RememberedCountPagination(WagtailPagination):
    """Wagtail's limit/offset pagination with ``meta.total_count`` remembered.

    Counting a 100,000-post archive costs more than serialising 20 posts, and the count
    changes only when published content does: it is remembered per filter set until
    then (news/freshness.py). Pages of the same listing share one count. Listings that
    depend on who asks (``view.counts_privately``) count afresh.
    """

    PAGING_PARAMETERS = {"offset", "limit", "fields", "format"}
    MAX_OFFSET = OFFSET_MAX

    def paginate_queryset(self, queryset, request, view=None):
        super().paginate_queryset(_NoResults(), request, view)  # validates offset/limit
        limit_max = getattr(settings, "WAGTAILAPI_LIMIT_MAX", 20)
        offset = int(request.GET.get("offset", 0))
        if offset > self.MAX_OFFSET:  # larger numbers would overflow the database query
            raise BadRequestError(f"offset cannot be higher than {self.MAX_OFFSET}")
        limit = int(request.GET.get("limit", 20 if not limit_max else min(20, limit_max)))
        filters = sorted(
            (key, value) for key, value in request.GET.items() if key not in self.PAGING_PARAMETERS
        )
        key = hashlib.sha256(
            repr((request.get_host(), request.path, filters)).encode()
        ).hexdigest()
        if getattr(view, "counts_privately", False):  # a token's listing (API v3)
            self.total_count = queryset.count()
        else:
            self.total_count = remembered(f"api-count:{key}", queryset.count)
        return queryset[offset : offset + limit]


class PageLinkHtmlUrlField(PageHtmlUrlField):
    """``meta.html_url`` on the frontend's address when ``NEWSDESK_FRONTEND_URL`` is set
    (cms/core/site_urls.py), else Wagtail's (the page on its Site's root URL)."""

    def to_representation(self, page):
        if not settings.NEWSDESK_FRONTEND_URL:
            return super().to_representation(page)
        return absolute_page_url(page.get_url(request=self.context.get("request")))


class RememberedDetailUrlField(DetailUrlField):
    """``meta.detail_url`` as Wagtail writes it, with the endpoint's URL pattern reversed
    once per process (for each router, model, script prefix and URLconf) instead of once
    per item: Django checks the pattern against its arguments on every ``reverse``, which
    was a millisecond of a 20-post listing."""

    _MAX_PREFIXES = 64
    _prefixes = {}  # (router, model, script prefix, urlconf) -> the path before the id

    def get_attribute(self, instance):
        router, request = self.context["router"], self.context["request"]
        model = type(instance)
        key = (router, model, get_script_prefix(), getattr(request, "urlconf", None))
        if key not in self._prefixes:
            # The detail path of id 0 is the path of every id with its digits in place.
            path = router.get_object_detail_urlpath(model, 0)
            if len(self._prefixes) >= self._MAX_PREFIXES:
                self._prefixes.clear()
            self._prefixes[key] = path[:-2] if path and path.endswith("/0/") else None
        prefix = self._prefixes[key]
        if prefix is None:  # no endpoint (Wagtail leaves the field out), or another shape
            return super().get_attribute(instance)
        return get_full_url(request, f"{prefix}{instance.pk}/")


class RememberedParentField(PageParentField):
    """``meta.parent`` as Wagtail shows it, worked out once per process and ``tree``
    version for each parent and address asked on (cms/core/content_version.py): every
    post's detail otherwise loads its news index and checks that readers may see it (two
    queries), and both change only with ``tree`` (publishing, unpublishing, moving the
    index or changing its privacy bumps it). Outside a public request (a preview, an API
    token) it is worked out each time."""

    def get_attribute(self, instance):
        request = self.context.get("request")
        if request is None or not instance.path:
            return self.represented(instance)
        name = "api-parent:" + "\n".join(
            [
                instance.path[: -instance.steplen],
                request.scheme,
                request.get_host(),
                request.GET.get("site", ""),
            ]
        )
        # A copy: the memo's value is shared by every request of this process.
        return copy.deepcopy(content_version.memo(name, lambda: self.represented(instance)))

    def represented(self, instance):
        parent = super().get_attribute(instance)
        return None if parent is None else super().to_representation(parent)

    def to_representation(self, value):
        return value  # represented by ``get_attribute``


class NewsdeskPageSerializer(PageSerializer):
    detail_url = RememberedDetailUrlField(read_only=True)
    html_url = PageLinkHtmlUrlField(read_only=True)
    parent = RememberedParentField(read_only=True)

    def get_fields(self):
        """The fields Django REST framework builds for this class from the model (each
        model field introspected, its arguments worked out), built once per class and
        copied for each instance (the copy is what DRF does with declared fields). The
        view keeps one class per set of fields asked for
        (``NewsPagesAPIViewSet._get_serializer_class``)."""
        cls = type(self)
        prototype = cls.__dict__.get("_built_fields")
        if prototype is None:
            prototype = super().get_fields()
            cls._built_fields = prototype
        return copy.deepcopy(prototype)


class NewsPagesAPIViewSet(CompactJSONMixin, PagesAPIViewSet):
    base_serializer_class = NewsdeskPageSerializer
    pagination_class = RememberedCountPagination
    # The news filters first; search stays last (its results cannot be filtered further).
    filter_backends = [
        NewsFilter,
        *[f for f in PagesAPIViewSet.filter_backends if f is not SearchFilter],
        NewsSearchFilter,
    ]
    known_query_parameters = PagesAPIViewSet.known_query_parameters.union(NEWS_FILTERS)
    #: Whether the posts' tags and bylines are loaded from the database (a preview shows
    #: the draft's own, unsaved ones).
    loads_details = True
    #: Serializer classes this process has built, for each router, model, ``fields``
    #: asked for and kind of view; at most this many (a client making up ``fields``
    #: values starts them afresh).
    MAX_SERIALIZER_CLASSES = 256
    _serializer_classes = {}

    @classmethod
    def _get_serializer_class(cls, router, model, fields_config, show_details=False, nested=False):
        """Wagtail's serializer class for these fields, built once: Wagtail builds a new
        class on every request, and Django REST framework then builds the fields of
        each new class from the model anew (``NewsdeskPageSerializer.get_fields``)."""
        key = (cls, router, model, repr(fields_config), show_details, nested)
        found = cls._serializer_classes.get(key)
        if found is None:
            found = super()._get_serializer_class(
                router, model, fields_config, show_details=show_details, nested=nested
            )
            if len(cls._serializer_classes) >= cls.MAX_SERIALIZER_CLASSES:
                cls._serializer_classes.clear()
            cls._serializer_classes[key] = found
        return found

    @classmethod
    def get_available_fields(cls, model, db_fields_only=False):
        fields = super().get_available_fields(model, db_fields_only=db_fields_only)
        if db_fields_only and issubclass(model, NewsPage):
            # ``tags`` is filtered by NewsFilter (names or slugs, AND or OR, with search),
            # not by Wagtail's FieldsFilter.
            fields = [field for field in fields if field != "tags"]
        return fields

    def get_queryset(self):
        """The pages of the response (see ``pages_queryset``), built once per request:
        Wagtail's ``get_serializer_class`` builds the listing's queryset a second time
        only to read its model."""
        action = getattr(self, "action", None)  # which pages depends on the action
        built = getattr(self, "_pages_queryset", None)
        if built is None or built[0] != action:
            built = self._pages_queryset = (action, self.pages_queryset())
        return built[1].all()  # a fresh copy: the caller may evaluate it

    def pages_queryset(self):
        if self.lists_news_only():
            # Wagtail's listing of one type is ``Type.objects.filter(pk__in=<every public
            # page of the site>)``: the database reads the whole site and sorts every
            # post before it can give the newest twenty. The same rule applied to the
            # posts themselves lets it walk the date index and stop there.
            try:
                queryset = public_pages(self.request, NewsPage)
            except ValueError as error:  # as Wagtail's get_base_queryset: ?site=...
                raise BadRequestError(str(error)) from error
        else:
            queryset = super().get_queryset()
        if queryset.model is NewsPage:
            # (The tags and bylines are loaded by ``get_serializer``, for the posts whose
            # stored ones cannot be used.)
            if self.wants_field("locale"):
                queryset = queryset.select_related("locale")
            if not any(self.wants_field(name) for name in BODY_READERS):
                # The stored body is the largest column, and decoding it the costliest
                # part of loading a post: a listing of titles leaves it in the database.
                queryset = queryset.defer("body")
            if self.wants_field("comment_count"):
                queryset = with_visible_comment_counts(queryset)
            if "order" not in self.request.GET:
                queryset = queryset.order_by("-publication_date", "-pk")
        return queryset

    def lists_news_only(self):
        """A public listing of ``type=news.NewsPage`` whose filters all apply to the
        posts' own rows (a search hands its queryset to the search backend, which takes
        the page ids only; API v3's engine has a base queryset of its own, a token's
        editor's pages)."""
        return (
            type(self).get_base_queryset is PagesAPIViewSet.get_base_queryset
            and getattr(self, "action", None) == "listing_view"
            and self.request.GET.get("type", "").lower() == "news.newspage"
            and "search" not in self.request.GET
        )

    def find_view(self, request):
        """Wagtail's redirect to the detail URL, saying which route of a news index the
        path is (news/api/find.py)."""
        self.found_route = {}
        response = super().find_view(request)
        url, _, query = response["Location"].partition("?")
        response["Location"] = f"{url}?{redirect_query(query, self.found_route).urlencode()}"
        return response

    def find_object(self, queryset, request):
        """A reader's path (``html_path``) through news/api/find.py, else ``id`` (with
        something that is not an id a 400, not Wagtail's 500)."""
        if "html_path" in request.GET:
            found = find_by_path(
                request, Site.find_for_request(request), request.GET["html_path"], queryset
            )
            if found is not None:
                page, self.found_route = found
                return page
        if "id" in request.GET and not re.fullmatch(r"[0-9]{1,18}", request.GET["id"]):
            raise BadRequestError(f"id: expected a page id, not {request.GET['id']!r}")
        return BaseAPIViewSet.find_object(self, queryset, request)

    def wants_field(self, name):
        fields = self.request.GET.get("fields", "")
        named = re.split(r"[,()]", fields)
        if getattr(self, "action", None) == "detail_view":
            # A detail shows every field unless the query leaves it out.
            return f"-{name}" not in named and (not fields.startswith("_") or name in named)
        return "*" in fields or name in named

    def wants_body(self):
        return self.wants_field("body") or self.wants_field("body_html")

    def get_serializer(self, *args, **kwargs):
        """Share one BodyResolver across the response, prepared with everything the
        listed posts refer to, so each kind of object is loaded once."""
        items = list(args[0]) if kwargs.get("many") else [args[0]] if args else []
        share_site_root_paths(items, self.request)  # news/compat.py, 3
        posts = [item for item in items if isinstance(item, NewsPage)]
        # Bodies and image objects rendered for an earlier response are reused (render
        # once, news/freshness/fragments.py); what is not stored is loaded in bulk.
        resolver = RenderOnceResolver(self.request)
        image_ids = (
            [post.lead_image_id for post in posts] if self.wants_field("lead_image") else []
        )
        # News posts and standard pages have a body.
        with_body = [
            item
            for item in items
            if self.wants_body() and isinstance(getattr(item, "body", None), StreamValue)
        ]
        # The tags and bylines shown are stored per version of each post, as bodies are.
        details = [name for name in ("tags", "authors") if self.wants_field(name)]
        resolver.remember(
            with_body,
            stream=self.wants_field("body"),
            html=self.wants_field("body_html"),
            details=details,
            posts=posts,
            image_ids=image_ids,
        )
        # Only the posts without stored ones load them (two queries for them all), and
        # the photos of their authors.
        unstored = [post for post in posts if not resolver.has_details(post, details)]
        if unstored and details and self.loads_details:
            prefetch_related_objects(
                unstored,
                *post_detail_prefetches(tags="tags" in details, authors="authors" in details),
            )
            if "authors" in details:
                photo_ids = [author.photo_id for post in unstored for author in post.authors]
                resolver.remember(image_ids=photo_ids)
                image_ids += photo_ids
        bodies = [item.body for item in with_body]
        if image_ids or bodies:
            resolver.prepare(bodies, image_ids=image_ids)
        self.body_resolver = resolver
        if kwargs.get("many"):
            args = (items, *args[1:])
        return super().get_serializer(*args, **kwargs)

    def finalize_response(self, request, response, *args, **kwargs):
        resolver = getattr(self, "body_resolver", None)
        if resolver is not None:
            resolver.flush()  # the bodies this response rendered, for the next ones
        return super().finalize_response(request, response, *args, **kwargs)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        resolver = getattr(self, "body_resolver", None)
        if resolver is not None:
            context["resolver"] = resolver
        return context
