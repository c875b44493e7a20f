"""The response cache under a crowd: concurrent misses for one address render once, the
others waiting briefly for that copy, or served the stale copy meanwhile after a publish
(never after a change that takes something away from readers); popular searches are
served from the cache for a short while, one-off ones are not stored
(news/freshness/middleware.py)."""

import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.cache import cache
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import reverse
from wagtail.contrib.redirects.models import Redirect
from wagtail.contrib.search_promotions.models import Query
from wagtail.models import PageViewRestriction

from news.freshness import versions
from news.freshness.middleware import ResponseCacheMiddleware
from news.models import NewsPage
from tests.cms.test_cache_outage import REDIS_SERVER, RedisServer
from tests.cms.test_scale_out import wait_until_serving
from tests.deployment import (
    deployment_env,
    fresh_database,
    prepare_demo_site,
    start_gunicorn,
    stop,
)
from tests.news.factories import NewsPageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def post(news_index):
    return NewsPageFactory(parent=news_index, title="Harbour wall holds", slug="harbour-wall")


def key_for(client, path):
    """The cache key the middleware uses for ``path`` (read off a request it handles)."""
    request = client.get(path).wsgi_request
    return ResponseCacheMiddleware(None).cache_key(request)


def stored_copy(client, path):
    client.get(path)
    key = key_for(client, path)
    entry = cache.get(key)
    assert entry is not None, "the first request stores a copy"
    return key, entry


def test_a_request_waits_for_the_copy_another_is_rendering(
    client, post, settings, django_assert_num_queries
):
    settings.NEWSDESK_RENDER_WAIT = 5
    key, entry = stored_copy(client, post.url)
    cache.delete(key)
    # Another request claimed the render and stores its copy 0.3 s later.
    cache.add(ResponseCacheMiddleware.claim_key(key), 1, timeout=10)
    threading.Timer(0.3, cache.set, (key, entry)).start()
    started = time.monotonic()
    with django_assert_num_queries(0):  # served the other's copy: the view never ran
        response = client.get(post.url)
    assert response.status_code == 200
    assert response["X-Cache"] == "HIT"
    assert 0.25 <= time.monotonic() - started < 3


def test_a_request_renders_itself_when_the_copy_does_not_come(client, post, settings):
    settings.NEWSDESK_RENDER_WAIT = 0.4
    key, _entry = stored_copy(client, post.url)
    cache.delete(key)
    cache.add(ResponseCacheMiddleware.claim_key(key), 1, timeout=10)  # a render that hangs
    started = time.monotonic()
    response = client.get(post.url)
    assert response["X-Cache"] == "MISS"
    assert time.monotonic() - started >= 0.4


def test_a_render_that_stores_nothing_lets_the_waiting_go_at_once(client, post, settings):
    """A 404 is not stored: once its render lets go, the waiting request renders too,
    without waiting the whole NEWSDESK_RENDER_WAIT."""
    settings.NEWSDESK_RENDER_WAIT = 5
    path = "/news/no-such-post/"
    key = key_for(client, path)
    claim = ResponseCacheMiddleware.claim_key(key)
    cache.add(claim, 1, timeout=10)
    threading.Timer(0.2, cache.delete, (claim,)).start()
    started = time.monotonic()
    assert client.get(path).status_code == 404
    assert time.monotonic() - started < 2


def test_the_claim_is_let_go_after_rendering(client, post):
    client.get(post.url)
    key = key_for(client, post.url)
    assert not cache.has_key(ResponseCacheMiddleware.claim_key(key))


def test_with_the_cache_unavailable_nobody_waits(client, post):
    from tests.cms.test_cache_outage import cache_settings
    from tests.deployment import free_port

    closed = free_port()  # nothing listens there: every cache call fails
    with override_settings(CACHES=cache_settings(closed, retry_after=60), NEWSDESK_RENDER_WAIT=5):
        started = time.monotonic()
        for _ in range(3):
            assert client.get(post.url).status_code == 200
        assert time.monotonic() - started < 3


def test_an_address_that_cannot_be_stored_is_rendered_without_a_claim(client, post, monkeypatch):
    """Hit for pass: a 200 the cache may not store (a cookie, an opt-out) is remembered
    briefly, so the next requests for it render straight away, without claiming a render
    nobody would wait for; and it takes the place of an older stored copy."""
    claims = []
    original = ResponseCacheMiddleware.claim_render
    monkeypatch.setattr(
        ResponseCacheMiddleware,
        "claim_render",
        lambda self, key: claims.append(key) or original(self, key),
    )
    monkeypatch.setattr(
        NewsPage,
        "serve",
        lambda self, request, *a, **k: HttpResponse(
            "no-store", headers={"Cache-Control": "no-store"}
        ),
    )
    first = client.get(post.url)
    second = client.get(post.url)
    assert first["X-Cache"] == second["X-Cache"] == "PASS"
    assert len(claims) == 1  # the first claimed; the second knew better
    assert cache.get(key_for(client, post.url)) == {"pass": True}


def test_a_request_waiting_on_an_address_marked_pass_renders_it(client, post, settings, rf):
    """A request that waited for another's render and finds the "pass" mark (the render
    could not be stored) renders the address itself."""
    settings.NEWSDESK_RENDER_WAIT = 0.2
    key = key_for(client, post.url)
    cache.set(key, {"pass": True})
    assert ResponseCacheMiddleware(None).cached_response(rf.get(post.url), key) is None
    cache.set(key, {"pass": True})
    claimed(key)  # another request renders it: this one waits, then renders
    try:
        assert client.get(post.url).status_code == 200
    finally:
        let_go(key)


def test_a_404_is_not_remembered_as_a_pass(client, news_index):
    """A crowd at the address of a post about to be published still renders it once."""
    assert client.get("/news/not-yet/").status_code == 404
    assert cache.get(key_for(client, "/news/not-yet/")) is None


def test_a_miss_compresses_only_for_a_client_that_takes_gzip(client, post, settings, monkeypatch):
    settings.NEWSDESK_RESPONSE_CACHE = False
    compressed = []
    original = ResponseCacheMiddleware.compressed_copy
    monkeypatch.setattr(
        ResponseCacheMiddleware,
        "compressed_copy",
        staticmethod(lambda response: compressed.append(1) or original(response)),
    )
    plain = client.get(f"/api/v2/pages/{post.pk}/")
    assert "Content-Encoding" not in plain and "Accept-Encoding" in plain["Vary"]
    assert compressed == []
    zipped = client.get(f"/api/v2/pages/{post.pk}/", HTTP_ACCEPT_ENCODING="gzip")
    assert zipped["Content-Encoding"] == "gzip" and compressed == [1]


# Stale while one renders ------------------------------------------------------------


def claimed(key):
    """Another request is rendering ``key`` (and takes its time)."""
    cache.add(ResponseCacheMiddleware.claim_key(key), 1, timeout=10)


def let_go(key):
    cache.delete(ResponseCacheMiddleware.claim_key(key))


def publish_title(page, title, capture):
    page = NewsPage.objects.get(pk=page.pk)
    page.title = title
    with capture(execute=True):
        page.save_revision().publish()


def test_after_a_publish_readers_get_the_stale_copy_while_one_request_renders(
    client, post, settings, django_assert_num_queries, django_capture_on_commit_callbacks
):
    settings.NEWSDESK_RENDER_WAIT = 5
    keys = {}
    etags = {}
    for path in (post.url, "/news/"):
        keys[path], _entry = stored_copy(client, path)
        etags[path] = client.get(path)["ETag"]
    publish_title(post, "Harbour wall repaired", django_capture_on_commit_callbacks)

    for path, key in keys.items():
        claimed(key)
        started = time.monotonic()
        with django_assert_num_queries(0):
            response = client.get(path)
        assert time.monotonic() - started < 1, path  # not waiting for the render
        assert response["X-Cache"] == "STALE", path
        assert "Harbour wall holds" in response.content.decode()
        # The same validator; browsers and CDNs are told not to keep it.
        assert response["ETag"] == etags[path]
        assert response["Cache-Control"].startswith("public, max-age=0")
        assert client.get(path, headers={"if-none-match": etags[path]}).status_code == 304
        let_go(key)
        # The request that renders sees the change, and stores it for the others.
        response = client.get(path)
        assert response["X-Cache"] == "MISS", path
        assert "Harbour wall repaired" in response.content.decode()
        assert client.get(path)["X-Cache"] == "HIT"


def test_a_lone_reader_after_a_publish_renders_and_sees_it(
    client, post, django_capture_on_commit_callbacks
):
    stored_copy(client, post.url)
    publish_title(post, "Harbour wall repaired", django_capture_on_commit_callbacks)
    response = client.get(post.url)
    assert response["X-Cache"] == "MISS"
    assert "Harbour wall repaired" in response.content.decode()


def test_after_unpublishing_or_making_private_nobody_gets_the_stale_copy(
    client, admin_user, post, news_index, settings, django_capture_on_commit_callbacks
):
    """A post taken away from readers must not be shown by a copy made before, even while
    another request renders: those requests wait for the render (or render themselves)."""
    settings.NEWSDESK_RENDER_WAIT = 0.3
    other = NewsPageFactory(parent=news_index, title="Ferry strike ends", slug="ferry")
    keys = {path: stored_copy(client, path)[0] for path in (post.url, "/news/", other.url)}
    editor = Client()
    editor.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        editor.post(reverse("wagtailadmin_pages:unpublish", args=[post.pk]))
    for key in keys.values():
        claimed(key)
    started = time.monotonic()
    listing = client.get("/news/")
    assert time.monotonic() - started >= 0.3  # waited for the claimed render
    assert listing["X-Cache"] == "MISS"
    assert "Harbour wall holds" not in listing.content.decode()
    assert client.get(post.url).status_code == 404

    let_go(keys["/news/"])
    stored_copy(client, "/news/")
    claimed(keys["/news/"])
    with django_capture_on_commit_callbacks(execute=True):
        PageViewRestriction.objects.create(page=other, restriction_type="login")
    for path in ("/news/", other.url):
        response = client.get(path)
        assert response["X-Cache"] != "STALE", path
        assert "Ferry strike ends" not in response.content.decode(), path


def test_a_stale_copy_is_served_only_shortly_after_the_change(
    client, post, settings, django_capture_on_commit_callbacks
):
    settings.NEWSDESK_RENDER_WAIT = 0.3
    settings.NEWSDESK_STALE_SECONDS = 1
    key, _entry = stored_copy(client, post.url)
    publish_title(post, "Harbour wall repaired", django_capture_on_commit_callbacks)
    claimed(key)  # a render that hangs
    assert client.get(post.url)["X-Cache"] == "STALE"
    time.sleep(1.1)
    response = client.get(post.url)
    assert response["X-Cache"] == "MISS"  # waited, then rendered itself
    assert "Harbour wall repaired" in response.content.decode()


def test_a_render_that_fails_after_a_publish_drops_the_stale_copy(
    client, post, settings, monkeypatch, django_capture_on_commit_callbacks
):
    """The stale copy stands in for the fresh one only while it is being rendered: when
    the render stores nothing (it failed, the page is gone), nobody is served it after."""
    from news import views

    settings.NEWSDESK_RENDER_WAIT = 0.3
    key, _entry = stored_copy(client, post.url)
    publish_title(post, "Harbour wall repaired", django_capture_on_commit_callbacks)

    def broken(*args, **kwargs):
        raise RuntimeError("the template's neighbour query broke")

    monkeypatch.setattr(views, "adjacent_news", broken)
    failing = Client(raise_request_exception=False)
    assert failing.get(post.url).status_code == 500
    monkeypatch.undo()
    claimed(key)
    response = client.get(post.url)
    assert response["X-Cache"] == "MISS"
    assert "Harbour wall repaired" in response.content.decode()


def test_an_evicted_version_is_a_miss_never_a_stale_hit(
    client, post, settings, django_capture_on_commit_callbacks
):
    """LRU eviction of a tag's soft half after a publish must not let the old copy be
    served stale for longer, nor one made before an evicted hard bump."""
    settings.NEWSDESK_RENDER_WAIT = 0.3
    key, _entry = stored_copy(client, post.url)
    publish_title(post, "Harbour wall repaired", django_capture_on_commit_callbacks)
    cache.delete(versions._soft_key(versions.page_tag(post.pk)))  # evicted
    # Another response showing the post is rendered meanwhile: the version is made anew.
    assert client.get(f"/api/v2/pages/{post.pk}/")["X-Cache"] == "MISS"
    claimed(key)
    assert client.get(post.url)["X-Cache"] == "MISS"

    let_go(key)
    key, _entry = stored_copy(client, "/news/")
    cache.delete(versions._version_key(versions.TREE))  # evicted
    claimed(key)
    assert client.get("/news/")["X-Cache"] == "MISS"


def test_a_new_redirect_is_a_soft_change(client, post):
    path = "/api/v2/redirects/"
    key, _entry = stored_copy(client, path)
    Redirect.objects.create(old_path="/old-harbour", redirect_page=post)
    claimed(key)
    assert client.get(path)["X-Cache"] == "STALE"
    let_go(key)
    assert "/old-harbour" in client.get(path).content.decode()


# Search -------------------------------------------------------------------------------


def test_a_search_asked_for_again_is_served_from_the_cache(client, post):
    path = "/search/?q=harbour"
    first, second, third = (client.get(path) for _ in range(3))
    assert first["X-Cache"] == "PASS"  # asked once: not stored
    assert second["X-Cache"] == "MISS"  # asked again: stored
    assert third["X-Cache"] == "HIT"
    assert "Harbour wall holds" in third.content.decode()
    # Every one counts in the search terms report, hits included.
    assert Query.get("harbour").hits == 3


def test_search_filters_are_part_of_the_cache_key(client, post):
    for _ in range(2):
        client.get("/search/?q=harbour")
    filtered = client.get("/search/?q=harbour&date_from=2999-01-01")
    assert filtered["X-Cache"] == "PASS"
    assert "Harbour wall holds" not in filtered.content.decode()
    assert client.get("/search/?q=harbour&utm_source=x")["X-Cache"] == "HIT"


def test_stored_searches_expire_soon(client, post, settings):
    settings.NEWSDESK_SEARCH_CACHE_TIMEOUT = 1
    path = "/search/?q=harbour"
    for _ in range(2):
        client.get(path)
    assert client.get(path)["X-Cache"] == "HIT"
    time.sleep(1.2)
    assert client.get(path)["X-Cache"] != "HIT"


def test_a_post_published_shows_in_a_stored_search(client, post, news_index):
    path = "/search/?q=harbour"
    for _ in range(3):
        client.get(path)
    NewsPageFactory(parent=news_index, title="Harbour ferry returns")
    response = client.get(path)
    assert response["X-Cache"] != "HIT"
    assert "Harbour ferry returns" in response.content.decode()


# Under gunicorn -----------------------------------------------------------------------


@pytest.mark.deployment
@pytest.mark.skipif(not REDIS_SERVER, reason="needs redis-server")
def test_a_crowd_at_a_cold_article_renders_it_once(tmp_path):
    """Four gunicorn workers and a private Redis: 16 readers arrive at once at an article
    nobody has asked for yet; one request renders it, the others are served its copy."""
    redis_server = RedisServer(tmp_path)
    redis_server.start()
    database_url, drop_database = fresh_database(tmp_path, "render_once")
    env = deployment_env(
        tmp_path, database_url, REDIS_URL=f"redis://127.0.0.1:{redis_server.port}/0"
    )
    server = None
    try:
        prepare_demo_site(env, "render-once-pw")
        base, server = start_gunicorn(env, workers=4)
        wait_until_serving(base, server)
        with urllib.request.urlopen(f"{base}/api/v2/pages/?type=news.NewsPage&limit=1") as listing:  # noqa: S310
            import json

            article = json.loads(listing.read())["items"][0]["meta"]["html_url"]
        path = "/" + article.split("://", 1)[1].split("/", 1)[1]

        def fetch(_):
            with urllib.request.urlopen(base + path, timeout=30) as response:  # noqa: S310
                return response.status, response.headers["X-Cache"]

        with ThreadPoolExecutor(16) as crowd:
            answers = list(crowd.map(fetch, range(16)))
        assert all(status == 200 for status, _ in answers), answers
        assert [cache for _, cache in answers].count("MISS") == 1, answers
    finally:
        if server is not None:
            stop(server)
        drop_database()
        redis_server.kill()


def test_a_stored_search_links_its_pages_without_the_junk_it_was_asked_with(client, news_index):
    for number in range(12):  # two pages of results
        NewsPageFactory(parent=news_index, title=f"Harbour report {number}")
    for _ in range(2):
        client.get("/search/?q=harbour&utm_source=junk-source")
    response = client.get("/search/?q=harbour")
    assert response["X-Cache"] == "HIT"
    assert "junk-source" not in response.content.decode()
    assert "q=harbour" in response.content.decode()


def test_a_stored_search_is_served_when_counting_it_fails(client, post, monkeypatch):
    from search import views

    path = "/search/?q=harbour"
    for _ in range(2):
        client.get(path)

    def database_away(params):
        from django.db import OperationalError

        raise OperationalError("database is locked")

    monkeypatch.setattr(views, "count_search", database_away)
    response = client.get(path)
    assert response.status_code == 200
    assert response["X-Cache"] == "HIT"


class CacheCalls:
    """Counts the calls made to Django's cache (each a round trip to Redis in production;
    the test cache's ``get_many`` calling its own ``get`` is one call)."""

    def __init__(self, monkeypatch):
        self.calls = []
        self.keys = []  # the keys of each call
        self.depth = 0
        for name in ("get", "get_many", "set", "set_many", "add", "delete", "has_key"):
            method = getattr(cache, name)
            monkeypatch.setattr(cache, name, self.counting(name, method))

    def counting(self, name, method):
        def call(*args, **kwargs):
            if not self.depth:
                self.calls.append(name)
                keys = args[0] if args else ()
                self.keys.append([keys] if isinstance(keys, str) else list(keys))
            self.depth += 1
            try:
                return method(*args, **kwargs)
            finally:
                self.depth -= 1

        return call


@pytest.mark.parametrize("path", ["/news/harbour-wall/", "/api/v2/pages/{id}/", "/news/", "/"])
def test_a_hit_reads_the_copy_and_its_versions_in_one_round_trip(client, post, monkeypatch, path):
    path = path.format(id=post.pk)
    client.get(path)
    client.get(path)  # (the article's page tag is learnt from its stored copy)
    counted = CacheCalls(monkeypatch)
    response = client.get(path)
    assert response["X-Cache"] == "HIT"
    assert counted.calls == ["get_many"]


def test_an_address_not_storable_is_rendered_after_one_round_trip(client, post, monkeypatch):
    monkeypatch.setattr(
        ResponseCacheMiddleware, "is_storable", lambda self, request, response: False
    )
    client.get("/news/")  # marked "pass"
    counted = CacheCalls(monkeypatch)
    response = client.get("/news/")
    assert response["X-Cache"] == "PASS"
    assert counted.calls[0] == "get_many"
    # The tree's version came with the pass mark: nothing reads it again.
    tree = versions.version_keys([versions.TREE])[0]
    assert tree in counted.keys[0]
    assert not any(tree in keys for keys in counted.keys[1:])


def test_an_article_changed_is_a_miss_in_a_process_that_never_saw_its_copy(client, post):
    # The copy's tags are read with it only once this process has seen it; a process
    # that has not (another worker) reads the page's version after the copy.
    client.get(post.url)
    post.title = "Harbour wall breached"
    post.save_revision().publish()
    response = Client().get(post.url)  # a new handler: middleware that saw nothing
    assert response["X-Cache"] != "HIT"
    assert b"Harbour wall breached" in response.content


def test_an_article_changed_is_a_miss_in_the_process_that_stored_it(client, post, settings):
    settings.NEWSDESK_STALE_SECONDS = 0  # (else served STALE while this one re-renders)
    client.get(post.url)
    assert client.get(post.url)["X-Cache"] == "HIT"
    post.title = "Harbour wall breached"
    post.save_revision().publish()
    response = client.get(post.url)
    assert response["X-Cache"] == "MISS"
    assert b"Harbour wall breached" in response.content


@pytest.mark.parametrize("path", ["/news/harbour-wall/", "/api/v2/pages/{id}/", "/news/", "/"])
def test_a_render_from_an_empty_cache_reads_each_version_and_expiry_once(
    client, post, monkeypatch, path
):
    """Everything lost from the cache (Redis restarted): storing the response and the
    pieces in it asks for the next page expiry once, and the post's page version is read
    with the stored copy and once more as it is made (``add_many`` reading back what
    it holds), not again when the view declares it."""
    path = path.format(id=post.pk)
    client.get(path)
    client.get(path)  # (the article's page tag is learnt from its stored copy)
    cache.clear()
    counted = CacheCalls(monkeypatch)
    assert client.get(path)["X-Cache"] == "MISS"
    calls = zip(counted.calls, counted.keys, strict=True)
    reads = [keys for call, keys in calls if call.startswith("get")]
    expiry_reads = [keys for keys in reads if any("next-expiry" in key for key in keys)]
    assert len(expiry_reads) == 1, counted.calls
    page_key = versions.version_keys([versions.page_tag(post.pk)])[0]
    if path not in ("/news/", "/"):
        assert page_key in reads[0]
        assert len([keys for keys in reads if page_key in keys]) == 2, counted.keys
