"""Every place Newsdesk patches or leans on a Wagtail internal, in one module.

Each entry says what it changes, why, and which test fails when Wagtail changes what it
relies on (tests/news/test_compat.py), so an upgrade shows at once what to revisit.
``install()`` is called once, from ``NewsConfig.ready()``.

1. **The public API querysets apply the reader-visibility rule.** Wagtail's v2 pages
   endpoint and v3 public read tier list live, unrestricted pages, but a page past its
   expiry time stays live until the worker unpublishes it; reader pages hide it at once
   (news/visibility.py), and so must the API. Both API versions look up
   ``get_public_pages_queryset`` through their own module globals, so ``install()``
   rebinds it there to ``news.selectors.public_pages``, which calls Wagtail's own (in
   ``wagtail.api.querysets``, left untouched) and narrows it.
2. **The v3 OpenAPI document is made valid.** Wagtail declares its "anonymous allowed"
   fallback as an HTTP security scheme without a ``scheme``, which OpenAPI forbids and
   code generators reject. OpenAPI says "no authentication needed" with an empty
   security requirement ``{}``; ``install()`` wraps the API's ``get_openapi_schema`` to
   say that instead, to leave out the paths no request can reach (Wagtail's snippet
   operations, when no snippet model is exposed), and to add what Newsdesk documents on
   every operation (its error responses and ``limit``/``offset`` maxima,
   news/api/v3/openapi.py).
3. **API v2 serialisers share one copy of the site root paths.** Wagtail's ``html_url``
   field asks each page for its URL without the request, so each page would fetch the
   site root paths from the cache on its own. ``share_site_root_paths`` sets the
   attribute Wagtail caches them in (``Page._wagtail_cached_site_root_paths``) on every
   page of a response.
4. **Search on SQLite** (search/sqlite_ranking.py) subclasses modelsearch's SQLite backend:
   it overrides the private ranking hooks (``_build_rank_expression``, ``_do_search``,
   ``_do_count``) and sets the query compilers' ``query`` and ``fields`` after their
   ``__init__`` (words only, every column); that module explains why.
5. **The worker runs tasks with django-tasks-db's ``Worker.run_task``**
   (news/management/commands/run_worker.py), around a loop of Newsdesk's own.
6. **CDN purges queue Wagtail's purge task directly** (news/freshness/purge.py), on a queue
   of their own, where ``purge_urls_from_cache`` would queue the same task on the default
   queue.
7. **The page chooser's browse and search views are subclassed** (news/chooser.py) to add a
   publication-date column and order a news index's posts newest first, and served at the
   chooser's own URLs ahead of Wagtail's (cms/urls.py).
8. **The review messages extend Wagtail's page editor and workflow action views**
   (news/review.py, through the news posts' ``PageViewSet``): ``EditView`` runs a review
   action in ``perform_workflow_action`` and then reports with
   ``add_save_confirmation_message``; ``WorkflowActionView.post`` acts on
   ``self.task_state`` of ``self.object``. The editor's menu is reordered in the
   ``construct_page_action_menu`` hook, whose items are ``WorkflowMenuItem`` (with
   ``name`` and ``launch_modal``) and ``PublishMenuItem``; the dashboard panel subclasses
   ``WorkflowObjectsToModeratePanel`` (its ``states`` carry ``actions`` and
   ``task_state``) and replaces it by its ``name``.
9. **API v3 searches without a type, or over several types, get a searchable queryset.**
   Its ``SearchSchema.search_queryset(request, queryset)`` hands the queryset to the search
   backend, which refuses the visibility rule's ``expire_at`` filter on Wagtail's ``Page``
   (not a filter field there); ``install()`` wraps it to pass
   ``news.selectors.searchable(queryset)`` instead, as API v2 does. (The pages listing
   no longer uses it, 10; the entry stays for anything else searching through it.)
10. **Some of Wagtail's v3 read operations are replaced**: ``GET /pages/`` (the
   listing) and ``GET /pages/find/`` by Newsdesk's (news/api/v3/pages.py), and
   ``GET /redirects/``, ``/redirects/find/`` and ``/redirects/{redirect_id}/`` by the
   site chrome's (news/api/v3/site.py), keeping their URL names and operation ids.
   ``replace_v3_get`` (called from cms/api.py, before the URLs are generated) drops the
   GET operation from the path's ``PathView`` in Wagtail's router (``path_operations``)
   and adds Newsdesk's to the same router.
11. **API v3's ``meta.html_url`` follows ``NEWSDESK_FRONTEND_URL``** as v2's does
   (news/api/v2/pages.py, ``PageLinkHtmlUrlField``): Wagtail resolves it in
   ``SimpleBasePageMetaSchema.resolve_html_url``, which Ninja collects, as one
   ``Resolver`` shared by every schema inheriting it, into ``_ninja_resolvers``;
   ``install()`` points that resolver's function at ``frontend_html_url``.
12. **Wagtail's v3 operations answer bad requests with a 400 instead of a 500**:
   ``WagtailLimitOffsetPagination`` (the images, documents and other listings Newsdesk
   does not replace) takes any ``offset``, and one past PostgreSQL's bigint fails in the
   database, so an offset over ``OFFSET_MAX`` (as v2's and Newsdesk's listings) is
   refused first. Copying the root page, or making an alias of it, without a destination
   looks for a free slug under its parent, which it does not have
   (``PageCopySchema.get_update_attrs``, ``PageCreateAliasSchema.get_update_slug``); the
   root page cannot be copied or aliased at all, so both say so. ``PATCH /pages/{id}/``
   looks the page's type up from the raw path parameter before Ninja validates it
   (``PageTypeInjectingBodyModel.get_meta_type``), so an id that is not a number is a 404
   first (one past the database's range never gets here: cms.middleware's
   ``APIIdRangeMiddleware`` answers it for every API path).
13. **Image and document edit forms refuse a new file over one live pages use** for a
   user who may not replace it (cms/core/permissions.py, "Files live pages use"). Wagtail
   builds both forms (``get_image_form``, ``get_document_form``) on the base form its
   ``get_image_base_form`` / ``get_document_base_form`` return, looked up as globals of
   ``wagtail.images.forms`` and ``wagtail.documents.forms``; ``install()`` rebinds them to
   return that base (``BaseImageForm``, or the ``WAGTAIL*_FORM_BASE`` setting's) with
   ``LiveFileFormMixin`` in front. The mixin reads the ``user`` keyword Wagtail's views
   and API pass, and the form's ``changed_data`` (``file`` there: a new upload).
14. **API v3's image and document reads apply the reader-visibility rule to anonymous
   clients**, as API v2's do (cms/api.py): Wagtail's listing and detail operations get
   their queryset from ``get_images_queryset(request)`` /
   ``get_documents_queryset(request)``, globals of their router modules;
   ``narrow_v3_media_querysets`` (called from cms/api.py: the routers exist only once
   Wagtail's apps are ready) rebinds them to wrappers narrowing Wagtail's queryset with
   ``news.selectors.files_for_request``. Writes look files up by id themselves and are
   for tokens only.
15. **Public requests read sites and view restrictions once per content version**
   (cms/core/content_version.py). ``PageQuerySet.private_q`` (behind every ``public()``
   filter: the visibility rule, the API's public pages) reads every
   ``PageViewRestriction`` on each call; ``Page.get_view_restrictions`` (Wagtail's
   privacy check when serving a page) reads the page's ancestors and then their
   restrictions; ``Site._find_for_request`` (behind ``Site.find_for_request``, cached per
   request only) reads the sites; ``Site.get_site_root_paths`` (behind every page URL)
   reads them from the shared cache once per request, a round trip and an unpickling of
   every site's root. ``install()`` wraps the four to use what the current content
   version already read, when there is one (a public request under the response cache
   middleware). Whatever changes a site root path bumps that version: a Site saved or
   deleted, and a site root page published, moved or saved at another address
   (news/freshness/signal_handlers.py). ``get_view_restrictions`` takes the memo only
   while no alias page exists (Wagtail resolves aliases to their source's restrictions),
   and answers with a queryset of the restrictions that apply, empty without a query
   when none do.
16. **A rendition found among an image's prefetched ones is not written back to the
   cache.** ``AbstractImage.get_rendition`` (the ``{% image %}`` tag's) stores every
   rendition it returns in the renditions cache, one round trip each, even one it took
   from the renditions prefetched with the image (which Newsdesk's listings and articles
   load in bulk); ``get_renditions`` skips those (it marks them ``_from_cache``).
   ``install()`` points ``get_rendition`` at ``get_renditions`` with the one filter:
   the same lookups and the same rendition, without the writes of what came from the
   prefetch.
17. **A ``srcset`` names each width once.** ``{% srcset_image ... width-{480,800,1200} %}``
   asks for renditions no wider than the original, so an image 800 pixels wide gets two
   800-pixel renditions, and ``ResponsiveImage.get_width_srcset`` lists both as ``800w``:
   invalid HTML (the Nu HTML Checker refuses it; browsers may pick either).
   ``install()`` replaces that classmethod with ``width_srcset``, which keeps the first
   rendition of each width.
"""

import functools

from django.conf import settings
from django.db.models import Q
from django.http import Http404
from ninja.errors import HttpError
from wagtail.api.v2 import views as wagtail_v2_views
from wagtail.api.v3 import api as wagtail_v3_api
from wagtail.api.v3 import querysets as wagtail_v3_querysets
from wagtail.api.v3.pagination import WagtailLimitOffsetPagination
from wagtail.api.v3.routers import pages as wagtail_v3_pages
from wagtail.api.v3.schemas.pages import PageTypeInjectingBodyModel, SimpleBasePageMetaSchema
from wagtail.api.v3.schemas.params import SearchSchema
from wagtail.contrib.redirects.api.v3 import router as wagtail_v3_redirects_router
from wagtail.images.exceptions import InvalidFilterSpecError
from wagtail.images.models import AbstractImage, Filter, ResponsiveImage
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.query import PageQuerySet

from cms.core import content_version
from cms.core.content_version import memo
from cms.core.permissions import LiveFileFormMixin
from cms.core.site_urls import absolute_page_url
from news.api.chrome import OFFSET_MAX
from news.api.v3.openapi import documented_errors, reachable_paths
from news.selectors import files_for_request, public_pages, searchable

# 1 ---------------------------------------------------------------------------------------

PUBLIC_QUERYSET_CONSUMERS = (wagtail_v2_views, wagtail_v3_querysets)


def patch_public_pages_querysets():
    for module in PUBLIC_QUERYSET_CONSUMERS:
        module.get_public_pages_queryset = public_pages


# 2 ---------------------------------------------------------------------------------------


def valid_openapi_security(schema):
    """Drop HTTP security schemes without a ``scheme`` and let the operations that used
    them say "no authentication needed" (``{}``) instead."""
    schemes = schema.get("components", {}).get("securitySchemes", {})
    invalid = {
        name
        for name, scheme in schemes.items()
        if scheme.get("type") == "http" and "scheme" not in scheme
    }
    for name in invalid:
        del schemes[name]
    for path_item in schema.get("paths", {}).values():
        for operation in path_item.values():
            if isinstance(operation, dict) and "security" in operation:
                operation["security"] = [
                    {} if set(requirement) & invalid else requirement
                    for requirement in operation["security"]
                ]
    return schema


def patch_openapi_schema(api=wagtail_v3_api.api):
    if getattr(api.get_openapi_schema, "newsdesk_valid_security", False):
        return
    wagtail_get_openapi_schema = api.get_openapi_schema

    def get_openapi_schema(**kwargs):
        document = valid_openapi_security(wagtail_get_openapi_schema(**kwargs))
        return documented_errors(reachable_paths(document))

    get_openapi_schema.newsdesk_valid_security = True
    get_openapi_schema.wagtail_get_openapi_schema = wagtail_get_openapi_schema
    api.get_openapi_schema = get_openapi_schema


# 3 ---------------------------------------------------------------------------------------

SITE_ROOT_PATHS_ATTRIBUTE = "_wagtail_cached_site_root_paths"


def share_site_root_paths(items, request):
    """Give every page in ``items`` the request's site root paths, read once."""
    if not items:
        return
    root_paths = Page()._get_site_root_paths(request)
    for item in items:
        if isinstance(item, Page):
            setattr(item, SITE_ROOT_PATHS_ATTRIBUTE, root_paths)


# 9 ---------------------------------------------------------------------------------------


def patch_v3_search(schema=SearchSchema):
    wagtail_search_queryset = schema.search_queryset
    if getattr(wagtail_search_queryset, "newsdesk_searchable", False):
        return

    def search_queryset(self, request, queryset):
        return wagtail_search_queryset(self, request, searchable(queryset))

    search_queryset.newsdesk_searchable = True
    search_queryset.__wrapped__ = wagtail_search_queryset
    schema.search_queryset = search_queryset


# 10 --------------------------------------------------------------------------------------


V3_PAGES_ROUTER = wagtail_v3_pages.router
V3_REDIRECTS_ROUTER = wagtail_v3_redirects_router


def replace_v3_get(router, path, view_func, options):
    """Serve ``GET <path>`` of one of Wagtail's v3 routers with ``view_func``
    (``options`` as for ``Router.get``)."""
    path_view = router.path_operations[path]
    path_view.operations = [op for op in path_view.operations if "GET" not in op.methods]
    router.add_api_operation(path, ["GET"], view_func, **options)


# 11 --------------------------------------------------------------------------------------


def frontend_html_url(obj, context):
    if not settings.NEWSDESK_FRONTEND_URL:
        return wagtail_resolve_html_url(obj, context)
    return absolute_page_url(obj.get_url(request=context["request"]))


wagtail_resolve_html_url = SimpleBasePageMetaSchema.resolve_html_url


def patch_v3_html_url(schema=SimpleBasePageMetaSchema):
    schema._ninja_resolvers["html_url"]._func = frontend_html_url


# 12 --------------------------------------------------------------------------------------


wagtail_paginate_queryset = WagtailLimitOffsetPagination.paginate_queryset
wagtail_copy_update_attrs = wagtail_v3_pages.PageCopySchema.get_update_attrs
wagtail_alias_update_slug = wagtail_v3_pages.PageCreateAliasSchema.get_update_slug


def paginate_queryset(self, queryset, pagination, request, **params):
    if pagination.offset > OFFSET_MAX:
        raise HttpError(400, f"offset cannot be higher than {OFFSET_MAX}")
    return wagtail_paginate_queryset(self, queryset, pagination, request, **params)


def copy_update_attrs(self, page, destination):
    if page.is_root():
        raise HttpError(400, "The root page cannot be copied")
    return wagtail_copy_update_attrs(self, page, destination)


def alias_update_slug(self, page, destination):
    if page.is_root():
        raise HttpError(400, "The root page cannot have an alias")
    return wagtail_alias_update_slug(self, page, destination)


wagtail_page_meta_type = PageTypeInjectingBodyModel.get_meta_type.__func__


def page_meta_type(cls, request, api, path_params):
    page_id = str(path_params.get(cls.page_id_param, ""))
    if not (page_id.isascii() and page_id.isdigit()):
        raise Http404("No page has this id")
    return wagtail_page_meta_type(cls, request, api, path_params)


def patch_v3_bad_requests():
    WagtailLimitOffsetPagination.paginate_queryset = paginate_queryset
    wagtail_v3_pages.PageCopySchema.get_update_attrs = copy_update_attrs
    wagtail_v3_pages.PageCreateAliasSchema.get_update_slug = alias_update_slug
    PageTypeInjectingBodyModel.get_meta_type = classmethod(page_meta_type)


# 13 --------------------------------------------------------------------------------------


@functools.cache
def live_file_form(base_form):
    """``base_form`` with ``LiveFileFormMixin`` in front (one class per base form)."""
    if issubclass(base_form, LiveFileFormMixin):
        return base_form
    return type(base_form.__name__, (LiveFileFormMixin, base_form), {"__module__": __name__})


MEDIA_FORM_BASES = {"images": "get_image_base_form", "documents": "get_document_base_form"}


def media_form_modules():
    from wagtail.documents import forms as document_forms
    from wagtail.images import forms as image_forms

    return {"images": image_forms, "documents": document_forms}


def patch_media_forms():
    for kind, module in media_form_modules().items():
        name = MEDIA_FORM_BASES[kind]
        wagtail_get_base_form = getattr(module, name)
        if getattr(wagtail_get_base_form, "newsdesk_live_file_rule", False):
            continue

        def get_base_form(wagtail_get_base_form=wagtail_get_base_form):
            return live_file_form(wagtail_get_base_form())

        get_base_form.newsdesk_live_file_rule = True
        get_base_form.__wrapped__ = wagtail_get_base_form
        setattr(module, name, get_base_form)


# 14 --------------------------------------------------------------------------------------

V3_MEDIA_QUERYSETS = {"images": "get_images_queryset", "documents": "get_documents_queryset"}


def v3_media_routers():
    from wagtail.documents.api.v3 import router as documents_router
    from wagtail.images.api.v3 import router as images_router

    return {"images": images_router, "documents": documents_router}


def narrow_v3_media_querysets():
    for kind, module in v3_media_routers().items():
        name = V3_MEDIA_QUERYSETS[kind]
        wagtail_queryset = getattr(module, name)
        if getattr(wagtail_queryset, "newsdesk_visible_files", False):
            continue

        def queryset(request, wagtail_queryset=wagtail_queryset):
            # Wagtail's schema shows each file's collection: load them with the files.
            visible = files_for_request(request, wagtail_queryset(request))
            return visible.select_related("collection")

        queryset.newsdesk_visible_files = True
        queryset.__wrapped__ = wagtail_queryset
        setattr(module, name, queryset)


# 15 --------------------------------------------------------------------------------------


def restricted_sections():
    """(path, depth, restriction id) of every page with a view restriction, and whether any
    alias page exists, for the current content version."""

    def read():
        restrictions = PageViewRestriction.objects.select_related("page").order_by("pk")
        sections = [(r.page.path, r.page.depth, r.pk) for r in restrictions]
        return sections, Page.objects.filter(alias_of__isnull=False).exists()

    return memo("view-restrictions", read)


def patch_view_restrictions():
    if getattr(PageQuerySet.private_q, "newsdesk_memo", False):
        return
    wagtail_private_q = PageQuerySet.private_q
    wagtail_get_view_restrictions = Page.get_view_restrictions

    def private_q(self):
        if content_version.current() is None:
            return wagtail_private_q(self)
        q = Q()
        for path, depth, _pk in restricted_sections()[0]:
            q |= Q(path__startswith=path, depth__gte=depth)
        return q if q else Q(pk__in=[])  # as Wagtail's: match nothing without restrictions

    def get_view_restrictions(self):
        if content_version.current() is None or self.alias_of_id is not None:
            return wagtail_get_view_restrictions(self)
        sections, aliases_exist = restricted_sections()
        if aliases_exist:
            return wagtail_get_view_restrictions(self)
        ids = [pk for path, _depth, pk in sections if self.path.startswith(path)]
        if not ids:
            return PageViewRestriction.objects.none()
        return PageViewRestriction.objects.filter(pk__in=ids)

    wagtail_find = Site._find_for_request
    wagtail_site_root_paths = Site.get_site_root_paths

    def find_for_request(request):
        host = request._get_raw_host()
        return memo(f"site:{host}:{request.get_port()}", lambda: wagtail_find(request))

    def get_site_root_paths():
        return memo("site-root-paths", wagtail_site_root_paths)

    for owner, name, patched, wagtail in (
        (PageQuerySet, "private_q", private_q, wagtail_private_q),
        (Page, "get_view_restrictions", get_view_restrictions, wagtail_get_view_restrictions),
        (Site, "_find_for_request", staticmethod(find_for_request), wagtail_find),
        (
            Site,
            "get_site_root_paths",
            staticmethod(get_site_root_paths),
            wagtail_site_root_paths,
        ),
    ):
        function = getattr(patched, "__func__", patched)
        function.newsdesk_memo = True
        function.__wrapped__ = wagtail
        setattr(owner, name, patched)


# 16 --------------------------------------------------------------------------------------


def get_rendition(self, filter):
    """``AbstractImage.get_rendition`` through ``get_renditions`` (entry 16)."""
    if not isinstance(filter, str | Filter):
        raise InvalidFilterSpecError(
            "Unrecognised filter format - string or Filter instance expected"
        )
    return next(iter(self.get_renditions(filter).values()))


def patch_get_rendition():
    if AbstractImage.get_rendition is not get_rendition:
        get_rendition.__wrapped__ = AbstractImage.get_rendition
        AbstractImage.get_rendition = get_rendition


def width_srcset(cls, renditions_list):
    """Wagtail's ``ResponsiveImage.get_width_srcset`` with one candidate per width."""
    by_width = {}
    for rendition in renditions_list:
        by_width.setdefault(rendition.width, rendition)
    return width_srcset.__wrapped__(list(by_width.values()))


def patch_width_srcset():
    if ResponsiveImage.get_width_srcset.__func__ is not width_srcset:
        width_srcset.__wrapped__ = ResponsiveImage.get_width_srcset
        ResponsiveImage.get_width_srcset = classmethod(width_srcset)


def install():
    patch_get_rendition()
    patch_width_srcset()
    patch_view_restrictions()
    patch_v3_bad_requests()
    patch_public_pages_querysets()
    patch_openapi_schema()
    patch_v3_search()
    patch_v3_html_url()
    patch_media_forms()
