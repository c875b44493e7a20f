"""Each Wagtail internal news/compat.py patches or leans on is still there, as it was.

These fail when an upgrade changes what the patch relies on: then revisit the entry in
news/compat.py (and remove it when Wagtail no longer needs it)."""

import datetime
import inspect
import re

import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker as DatabaseTaskWorker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception
from wagtail.api import querysets as wagtail_api_querysets
from wagtail.api.v2 import views as wagtail_v2_views
from wagtail.api.v3 import api as wagtail_v3_api
from wagtail.api.v3 import querysets as wagtail_v3_querysets
from wagtail.contrib.frontend_cache import utils as frontend_cache_utils
from wagtail.contrib.frontend_cache.tasks import purge_urls_from_cache_task
from wagtail.images import get_image_model
from wagtail.images.exceptions import InvalidFilterSpecError
from wagtail.images.models import AbstractImage, Rendition, ResponsiveImage
from wagtail.models import Page

from news import compat
from news.models import NewsPage
from news.selectors import public_pages
from tests.news.factories import ImageFactory, NewsPageFactory


class TestPublicPagesQuerysets:
    def test_both_api_versions_use_newsdesks_rule(self):
        for module in compat.PUBLIC_QUERYSET_CONSUMERS:
            assert module.get_public_pages_queryset is public_pages, module.__name__

    def test_wagtail_still_looks_it_up_through_those_modules(self):
        """If Wagtail stops calling the function by its module-global name (or moves it),
        rebinding it there no longer does anything."""
        v2 = inspect.getsource(wagtail_v2_views.PagesAPIViewSet.get_base_queryset)
        v3 = inspect.getsource(wagtail_v3_querysets.get_pages_queryset)
        assert "get_public_pages_queryset(" in v2
        assert "get_public_pages_queryset(" in v3

    def test_wagtails_own_function_is_untouched_and_takes_request_and_model(self):
        original = wagtail_api_querysets.get_public_pages_queryset
        assert original is not public_pages
        assert list(inspect.signature(original).parameters) == ["request", "model"]

    @pytest.mark.django_db
    def test_an_expired_live_page_is_gone_from_both_apis(self, client, news_index):
        post = NewsPageFactory(
            parent=news_index,
            title="Expired offer",
            expire_at=timezone.now() - datetime.timedelta(minutes=1),
        )
        assert Page.objects.get(pk=post.pk).live  # the worker has not unpublished it yet
        assert client.get(f"/api/v2/pages/{post.pk}/").status_code == 404
        assert client.get(f"/api/v3/pages/{post.pk}/").status_code == 404
        listed = client.get("/api/v2/pages/?type=news.NewsPage&fields=_,title").json()
        assert "Expired offer" not in [item["title"] for item in listed["items"]]


class TestOpenAPISecurity:
    def test_wagtails_document_still_declares_the_invalid_scheme(self):
        """When this fails, Wagtail fixed its document: remove the patch."""
        wagtail_document = wagtail_v3_api.api.get_openapi_schema.wagtail_get_openapi_schema()
        schemes = wagtail_document["components"]["securitySchemes"].values()
        assert any(s.get("type") == "http" and "scheme" not in s for s in schemes)

    @pytest.mark.django_db
    def test_the_served_document_has_none(self, client):
        schemes = client.get("/api/v3/openapi.json").json()["components"]["securitySchemes"]
        assert all("scheme" in s for s in schemes.values() if s.get("type") == "http")


def test_wagtail_caches_site_root_paths_in_the_attribute_newsdesk_sets():
    source = inspect.getsource(Page._get_site_root_paths)
    assert compat.SITE_ROOT_PATHS_ATTRIBUTE in source
    page = Page()
    setattr(page, compat.SITE_ROOT_PATHS_ATTRIBUTE, ["shared"])
    assert page._get_site_root_paths() == ["shared"]


@pytest.mark.skipif(
    "sqlite" not in settings.DATABASES["default"]["ENGINE"],
    reason="search/sqlite_ranking.py is used on SQLite only (this runs in the SQLite suite)",
)
def test_the_sqlite_ranking_hooks_are_still_there():
    """search/sqlite_ranking.py overrides these private methods of modelsearch. (The module
    defines a model that exists on SQLite only, so it is imported here.)"""
    from modelsearch.backends.database.sqlite import sqlite as modelsearch_sqlite

    compiler = modelsearch_sqlite.SQLiteSearchQueryCompiler
    results = modelsearch_sqlite.SQLiteSearchResults
    assert list(inspect.signature(compiler._build_rank_expression).parameters) == [
        "self",
        "vectors",
        "config",
    ]
    assert list(inspect.signature(compiler.build_search_query).parameters) == [
        "self",
        "query",
        "config",
    ]
    assert list(inspect.signature(results._do_search).parameters) == ["self"]
    assert list(inspect.signature(results._do_count).parameters) == ["self"]
    assert compiler.FTS_TABLE_FIELDS == ["title", "body"]
    assert hasattr(modelsearch_sqlite, "SQLiteFTSIndexEntry")
    # The compilers keep the query and fields they are given as .query and .fields.
    from modelsearch.backends.base import BaseSearchQueryCompiler

    source = inspect.getsource(BaseSearchQueryCompiler.__init__)
    assert "self.query = query" in source and "self.fields = fields" in source
    for compiler_class in (compiler, modelsearch_sqlite.SQLiteAutocompleteQueryCompiler):
        assert list(inspect.signature(compiler_class.__init__).parameters)[:4] in (
            ["self", "queryset", "query", "fields"],
            ["self", "args", "kwargs"],
        )


def test_the_worker_runs_tasks_the_way_django_tasks_db_does():
    """run_worker claims and runs tasks with django-tasks-db's own pieces (news/compat.py,
    5): its Worker (built with these keywords) and run_task, the result queryset's ready()
    and get_locked(), a result's claim(), and its SQLite-safe transaction."""
    assert list(inspect.signature(DatabaseTaskWorker.run_task).parameters) == [
        "self",
        "db_task_result",
    ]
    assert set(inspect.signature(DatabaseTaskWorker.__init__).parameters) == {
        "self",
        "queue_names",
        "interval",
        "batch",
        "backend_name",
        "startup_delay",
        "max_tasks",
        "worker_id",
        "excluded_queue_names",
    }
    assert callable(DBTaskResult.objects.ready)
    assert callable(DBTaskResult.objects.get_queryset().get_locked)
    assert list(inspect.signature(DBTaskResult.claim).parameters) == ["self", "worker_id"]
    assert callable(exclusive_transaction) and callable(is_locked_database_exception)


def test_purging_is_wagtails_task_which_purge_urls_from_cache_only_queues():
    """news/freshness/purge.py queues Wagtail's purge task on a queue of its own instead of
    calling purge_urls_from_cache, which does nothing more than queue the same task."""
    source = inspect.getsource(frontend_cache_utils.purge_urls_from_cache)
    assert "purge_urls_from_cache_task.enqueue(list(urls), backend_settings, backends)" in source
    assert list(inspect.signature(purge_urls_from_cache_task.func).parameters) == [
        "urls",
        "backend_settings",
        "backends",
    ]


def test_the_page_chooser_views_newsdesk_extends_are_still_shaped_so():
    """news/chooser.py extends Wagtail's chooser views' ``columns`` (a list with a
    ``status`` column) and ``get_object_list`` (the parent's children)."""
    from wagtail.admin.views import chooser

    assert isinstance(chooser.BrowseView.columns, property)
    assert isinstance(chooser.SearchView.columns, property)
    assert "status" in inspect.getsource(chooser.BrowseView.columns.fget)
    source = inspect.getsource(chooser.BrowseView.get_object_list)
    assert "self.parent_page.get_children()" in source


def test_the_review_views_newsdesk_extends_are_still_shaped_so():
    """news/review.py relies on how Wagtail's editor and workflow views report a review."""
    from wagtail.admin.action_menu import WorkflowMenuItem
    from wagtail.admin.views.home import WorkflowObjectsToModeratePanel
    from wagtail.admin.views.pages.edit import EditView
    from wagtail.admin.views.pages.workflow import WorkflowActionView

    perform = inspect.getsource(EditView.perform_workflow_action)
    assert "current_workflow_task.on_action" in perform
    assert "self.add_save_confirmation_message()" in perform
    post = inspect.getsource(WorkflowActionView.post)
    assert "self.task_state" in post
    assert {"name", "launch_modal"} <= set(inspect.signature(WorkflowMenuItem.__init__).parameters)
    assert WorkflowObjectsToModeratePanel.name == "workflow_objects_to_moderate"
    panel = inspect.getsource(WorkflowObjectsToModeratePanel.get_context_data)
    assert '"actions": actions' in panel and '"task_state": state' in panel


@pytest.mark.django_db
def test_v3_search_still_refuses_the_visibility_rule_on_page_and_newsdesk_wraps_it(rf):
    """9: Wagtail's v3 search hands its queryset to the backend as it is, and the backend
    refuses ``expire_at`` on ``Page``; Newsdesk's wrapper passes a searchable one."""
    from pydantic import ValidationError
    from wagtail.api.v3.schemas.params import SearchSchema

    wrapper = SearchSchema.search_queryset
    assert getattr(wrapper, "newsdesk_searchable", False)
    wagtail_search = wrapper.__wrapped__
    assert list(inspect.signature(wagtail_search).parameters) == ["self", "request", "queryset"]
    visible = Page.objects.live().filter(expire_at__isnull=True)
    with pytest.raises(ValidationError, match="Cannot filter by 'expire_at'"):
        wagtail_search(SearchSchema(search="harbour"), rf.get("/"), visible)
    list(wrapper(SearchSchema(search="harbour"), rf.get("/"), visible))  # no error


def test_v3_listing_find_and_redirects_are_newsdesks_operations():
    """10: Wagtail's routers keep one ``PathView`` per path in ``path_operations``; the GET
    operations of the pages listing, find and the redirects listing are Newsdesk's, with
    Wagtail's operation ids, and the other methods on those paths are still Wagtail's."""
    import cms.urls  # noqa: F401 - assembles the API (cms/api.py)

    expected = [
        (compat.V3_PAGES_ROUTER, "/", "pages_list", "news.api.v3.pages"),
        (compat.V3_PAGES_ROUTER, "/find/", "pages_find", "news.api.v3.pages"),
        (compat.V3_REDIRECTS_ROUTER, "/", "redirects_list", "news.api.v3.site"),
    ]
    for router, path, operation_id, module in expected:
        operations = router.path_operations[path].operations
        gets = [op for op in operations if "GET" in op.methods]
        assert len(gets) == 1, (path, operations)
        assert gets[0].operation_id == operation_id
        assert gets[0].view_func.__module__ == module
    listing_methods = {
        m for op in compat.V3_PAGES_ROUTER.path_operations["/"].operations for m in op.methods
    }
    assert "POST" in listing_methods  # Wagtail's create_page is untouched


def test_v3_html_url_resolver_is_shared_and_points_at_newsdesks(settings):
    """11: Ninja shares one ``Resolver`` for ``html_url`` with every page meta schema."""
    from wagtail.api.v3.schemas.pages import (
        BasePageMetaSchema,
        PageMetaSchema,
        SimpleBasePageMetaSchema,
    )

    resolver = SimpleBasePageMetaSchema._ninja_resolvers["html_url"]
    assert resolver._func is compat.frontend_html_url
    for schema in (BasePageMetaSchema, PageMetaSchema):
        assert schema._ninja_resolvers["html_url"] is resolver
    assert list(inspect.signature(compat.wagtail_resolve_html_url).parameters) == [
        "obj",
        "context",
    ]


class TestContentVersionMemos:
    """15: sites and view restrictions read once per content version."""

    def test_the_wagtail_internals_are_patched_and_still_shaped_so(self):
        from wagtail.models import PageViewRestriction, Site
        from wagtail.query import PageQuerySet

        for function in (PageQuerySet.private_q, Page.get_view_restrictions):
            assert function.newsdesk_memo
        assert Site._find_for_request.newsdesk_memo
        assert Site.get_site_root_paths.newsdesk_memo
        # Wagtail still keeps the site root paths in the shared cache, read per call.
        assert "cache.get(" in inspect.getsource(Site.get_site_root_paths.__wrapped__)
        # What the patches stand in for: Wagtail still reads every restriction for
        # ``public()``, resolves aliases for the privacy check, and finds sites through
        # ``_find_for_request`` (cached on the request by ``find_for_request``).
        assert "PageViewRestriction.objects" in inspect.getsource(
            PageQuerySet.private_q.__wrapped__
        )
        assert "alias_of" in inspect.getsource(Page.get_view_restrictions.__wrapped__)
        assert "_find_for_request(request)" in inspect.getsource(Site.find_for_request)
        assert PageViewRestriction.objects.none().count() == 0

    @pytest.mark.django_db
    def test_a_restriction_added_between_requests_takes_effect_at_once(
        self, client, news_index, settings
    ):
        from wagtail.models import PageViewRestriction

        settings.NEWSDESK_RESPONSE_CACHE = False  # every request reaches the views
        post = NewsPageFactory(parent=news_index, title="Members only soon", slug="soon")
        listing = "/api/v2/pages/?type=news.NewsPage&fields=_,title"
        assert client.get(post.url).status_code == 200
        assert client.get(listing).json()["meta"]["total_count"] == 1
        PageViewRestriction.objects.create(page=post, restriction_type="login")
        assert client.get(post.url).status_code == 302  # to the login page
        assert client.get(listing).json()["meta"]["total_count"] == 0
        assert client.get(f"/api/v2/pages/{post.pk}/").status_code == 404

    @pytest.mark.django_db
    def test_a_served_request_reads_restrictions_and_sites_once(
        self, client, news_index, settings, django_assert_max_num_queries
    ):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        settings.NEWSDESK_RESPONSE_CACHE = False
        post = NewsPageFactory(parent=news_index, title="Read once", slug="once")
        client.get(post.url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(post.url).status_code == 200
        sql = [query["sql"] for query in queries]
        assert sql  # the request was rendered, and its queries captured
        assert not [q for q in sql if 'FROM "wagtailcore_pageviewrestriction"' in q]
        assert not [q for q in sql if 'FROM "wagtailcore_site"' in q]


@pytest.fixture
def site_root_path_reads(monkeypatch):
    """Each read of Wagtail's site root paths from the shared cache, as a list."""
    from wagtail.models import sites

    reads = []
    shared = sites.cache

    class Spy:
        def __getattr__(self, name):
            return getattr(shared, name)

        def get(self, key, *args, **kwargs):
            if key == sites.SITE_ROOT_PATHS_CACHE_KEY:
                reads.append(key)
            return shared.get(key, *args, **kwargs)

    monkeypatch.setattr(sites, "cache", Spy())
    return reads


@pytest.mark.django_db
def test_a_served_request_reads_the_site_root_paths_once_per_content_version(
    client, news_index, settings, site_root_path_reads
):
    """Every page URL goes through the site root paths; a public request takes them from
    what its process read for the current content version (compat 15)."""
    settings.NEWSDESK_RESPONSE_CACHE = False
    NewsPageFactory(parent=news_index, title="Rooted", slug="rooted")
    listing = "/api/v2/pages/?type=news.NewsPage&fields=_,html_url"
    client.get(listing)
    site_root_path_reads.clear()
    for path in (listing, "/", "/news/rooted/"):
        assert client.get(path).status_code == 200
    assert site_root_path_reads == []


@pytest.mark.django_db
def test_a_changed_site_root_takes_effect_at_once(client, home_page, news_index, settings):
    """A Site's new hostname and a home page published at a new slug (every page's
    internal path changes) show in the next request's URLs."""
    from wagtail.models import Site

    settings.NEWSDESK_RESPONSE_CACHE = False
    settings.ALLOWED_HOSTS = ["*"]
    NewsPageFactory(parent=news_index, title="Rooted", slug="rooted")
    listing = "/api/v2/pages/?type=news.NewsPage&fields=_,html_url"

    def html_urls():
        return [item["meta"]["html_url"] for item in client.get(listing).json()["items"]]

    before = html_urls()
    assert before and before[0].endswith("/news/rooted/")
    site = Site.objects.get(is_default_site=True)
    site.hostname, site.port = "desk.example", 443
    site.save()
    assert html_urls() == ["https://desk.example/news/rooted/"]

    home_page.slug = "front"
    home_page.save_revision().publish()
    assert NewsPage.objects.get(slug="rooted").url_path == "/front/news/rooted/"
    assert html_urls() == ["https://desk.example/news/rooted/"]
    assert client.get("/news/rooted/", HTTP_HOST="desk.example").status_code == 200


@pytest.mark.django_db
def test_a_site_created_for_a_host_serves_it_at_once(client, home_page, settings):
    """The site serving a host is remembered per content version (compat 15): creating a
    Site makes the next request to its host use it."""
    from wagtail.models import Site

    settings.NEWSDESK_RESPONSE_CACHE = False
    settings.ALLOWED_HOSTS = ["*"]
    before = client.get("/", HTTP_HOST="sport.example").content.decode()
    assert "Sport desk" not in before
    Site.objects.create(hostname="sport.example", root_page=home_page, site_name="Sport desk")
    assert "Sport desk" in client.get("/", HTTP_HOST="sport.example").content.decode()


class TestGetRendition:
    """Entry 16: a prefetched rendition is not written back to the renditions cache."""

    @pytest.fixture
    def image(self, db):
        image = ImageFactory()
        image.get_renditions("width-8", "fill-4x4")  # made once, as an editor's upload does
        return get_image_model().objects.prefetch_renditions().get(pk=image.pk)

    @pytest.fixture
    def writes(self, monkeypatch):
        writes = []
        backend = Rendition.cache_backend
        for name in ("set", "set_many"):
            method = getattr(backend, name)
            monkeypatch.setattr(
                backend,
                name,
                lambda *args, _m=method, **kw: writes.append(args) or _m(*args, **kw),
            )
        return writes

    def test_wagtails_own_still_writes_a_prefetched_rendition(self, image, writes):
        """When this fails, Wagtail no longer needs entry 16: remove it."""
        assert AbstractImage.get_rendition is compat.get_rendition
        compat.get_rendition.__wrapped__(image, "width-8")
        assert len(writes) == 1

    def test_newsdesks_writes_nothing_for_a_prefetched_rendition(
        self, image, writes, django_assert_num_queries
    ):
        with django_assert_num_queries(0):
            rendition = image.get_rendition("width-8")
        assert writes == []
        assert rendition == image.renditions.get(filter_spec="width-8")

    def test_a_new_rendition_is_made_and_cached_as_before(self, image, writes):
        rendition = image.get_rendition("width-4")
        assert rendition.width == 4
        assert image.renditions.filter(filter_spec="width-4").count() == 1
        assert Rendition.cache_backend.get(rendition.get_cache_key()) == rendition
        writes.clear()
        assert image.get_rendition("width-4") == rendition  # now among the prefetched
        assert writes == []

    def test_a_bad_filter_is_refused_as_wagtail_refuses_it(self, image):
        with pytest.raises(InvalidFilterSpecError):
            image.get_rendition(42)


class TestWidthSrcset:
    """Entry 17: an image narrower than the widest rendition asked for."""

    @pytest.fixture
    def image(self, db):
        return ImageFactory(file__width=800, file__height=450)

    def test_wagtails_own_still_repeats_a_width(self, image):
        """When this fails, Wagtail no longer needs entry 17: remove it."""
        assert ResponsiveImage.get_width_srcset.__func__ is compat.width_srcset
        renditions = list(image.get_renditions("width-800", "width-1200").values())
        assert compat.width_srcset.__wrapped__(renditions).count(" 800w") == 2

    def test_the_srcset_names_each_width_once(self, image):
        html = Template(
            "{% load wagtailimages_tags %}"
            '{% srcset_image image width-{480,800,1200} sizes="100vw" %}'
        ).render(Context({"image": image}))
        srcset = re.search(r'srcset="([^"]*)"', html).group(1)
        widths = [candidate.rsplit(" ", 1)[1] for candidate in srcset.split(", ")]
        assert widths == ["480w", "800w"]
        assert 'src="' in html
