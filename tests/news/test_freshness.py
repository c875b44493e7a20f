"""Keeping frontends fresh: HTTP caching headers, conditional requests, the server-side
response cache and its invalidation, and frontend-cache (CDN) purges."""

import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from wagtail.models import PageViewRestriction

from tests.news.factories import AuthorFactory, ImageFactory, NewsPageFactory
from tests.news.workflow_helpers import news_form_data

LISTING = "/api/v2/pages/?type=news.NewsPage&fields=*"


@pytest.fixture
def reader():
    """An anonymous reader with a browser of their own (``admin_client`` is ``client``
    signed in, so tests with an editor use this for the reader)."""
    from django.test import Client

    return Client()


@pytest.fixture
def post(news_index):
    author = AuthorFactory(name="Ada Reporter")
    return NewsPageFactory(
        parent=news_index,
        title="Harbour reopens",
        slug="harbour-reopens",
        authors=[author],
        tags=["harbour"],
    )


def reader_urls(post):
    """The responses that show ``post``: detail, listings, feeds, tag page, home."""
    return [
        "/",
        "/news/",
        "/news/harbour-reopens/",
        "/news/tags/harbour/",
        "/feeds/news/rss/",
        "/feeds/news/atom/",
        f"/api/v2/pages/{post.pk}/",
        LISTING,
        f"/api/v3/pages/{post.pk}/",
    ]


def publish_title_change(admin_client, page, title, capture):
    data = news_form_data(title=title, slug=page.slug, author=page.authors[0])
    data["tags"] = "harbour"
    data["action-publish"] = "Publish"
    with capture(execute=True):
        response = admin_client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), data)
    assert response.status_code == 302, response.content[:3000]


class TestHTTPCaching:
    @pytest.mark.parametrize("index", range(9))
    def test_public_responses_are_cacheable_with_an_etag(self, client, post, index):
        url = reader_urls(post)[index]
        response = client.get(url)
        assert response.status_code == 200
        assert response["Cache-Control"] == "public, max-age=60, stale-while-revalidate=30"
        assert response["ETag"].startswith('"')

    def test_max_age_and_stale_while_revalidate_come_from_settings(self, client, post, settings):
        settings.NEWSDESK_HTTP_MAX_AGE = 5
        settings.NEWSDESK_HTTP_SHARED_MAX_AGE = 600
        settings.NEWSDESK_HTTP_STALE_WHILE_REVALIDATE = 0
        response = client.get("/news/harbour-reopens/")
        assert response["Cache-Control"] == "public, max-age=5, s-maxage=600"

    @pytest.mark.parametrize("url", ["/news/harbour-reopens/", "/api/v2/pages/{pk}/", "/"])
    def test_conditional_get_is_304_until_a_change_is_published(
        self, client, admin_user, post, url, django_capture_on_commit_callbacks
    ):
        url = url.format(pk=post.pk)
        first = client.get(url)
        etag = first["ETag"]
        # Served from the cache or rendered: the same validator gives 304 either way.
        for _ in range(2):
            again = client.get(url, headers={"if-none-match": etag})
            assert again.status_code == 304
            assert again.content == b""
            assert again["ETag"] == etag

        from django.test import Client

        editor = Client()
        editor.force_login(admin_user)
        publish_title_change(
            editor, post, "Harbour reopens after storm", django_capture_on_commit_callbacks
        )

        changed = client.get(url, headers={"if-none-match": etag})
        assert changed.status_code == 200
        assert "Harbour reopens after storm" in changed.content.decode()
        assert changed["ETag"] != etag

    def test_head_requests_are_answered_from_the_stored_get(self, client, post):
        get = client.get("/news/harbour-reopens/")
        response = client.head("/news/harbour-reopens/")
        assert response.status_code == 200
        assert response["X-Cache"] == "HIT"
        assert response["ETag"] == get["ETag"]
        assert response["Content-Type"] == get["Content-Type"]

    def test_signed_in_editors_get_private_uncached_responses(self, admin_client, reader, post):
        response = admin_client.get("/news/harbour-reopens/")
        assert response.status_code == 200
        assert response["Cache-Control"] == "private, no-store"
        assert response["X-Cache"] == "BYPASS"
        # ...and what they saw (with the userbar) is never shown to readers.
        reader = reader.get("/news/harbour-reopens/")
        assert reader["X-Cache"] == "MISS"
        assert b"wagtail-userbar" not in reader.content

    def test_api_token_and_preview_requests_are_never_cached(self, client, post):
        response = client.get(f"/api/v2/pages/{post.pk}/", headers={"authorization": "Bearer x"})
        assert response["X-Cache"] == "BYPASS"
        preview = client.get("/api/v2/page_preview/1/?content_type=news.newspage&token=bad")
        assert "no-store" in preview["Cache-Control"]
        assert preview["X-Cache"] == "BYPASS"

    def test_admin_is_never_cached(self, admin_client, post):
        response = admin_client.get(reverse("wagtailadmin_pages:edit", args=[post.pk]))
        assert "private" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]


class TestServerSideCache:
    def test_a_repeat_request_is_served_from_the_cache_without_the_database(
        self, client, post, django_assert_num_queries
    ):
        for url in reader_urls(post):
            first = client.get(url)
            assert first["X-Cache"] == "MISS", url
            with django_assert_num_queries(0):
                second = client.get(url)
            assert second["X-Cache"] == "HIT", url
            assert second.content == first.content
            assert second["Content-Type"] == first["Content-Type"]

    def test_publishing_a_change_refreshes_every_response_that_shows_the_post(
        self, reader, admin_client, post, django_capture_on_commit_callbacks
    ):
        for url in reader_urls(post):
            assert "Harbour reopens" in reader.get(url).content.decode()
        publish_title_change(
            admin_client, post, "Harbour closed again", django_capture_on_commit_callbacks
        )
        for url in reader_urls(post):
            response = reader.get(url)
            assert response["X-Cache"] == "MISS", url
            assert "Harbour closed again" in response.content.decode(), url

    def test_unpublishing_and_deleting_remove_the_post_everywhere(
        self, reader, admin_client, post, news_index, django_capture_on_commit_callbacks
    ):
        other = NewsPageFactory(parent=news_index, title="Ferry timetable", slug="ferry")
        urls = ["/", "/news/", "/feeds/news/rss/", LISTING]
        for url in urls:
            assert "Harbour reopens" in reader.get(url).content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            admin_client.post(reverse("wagtailadmin_pages:unpublish", args=[post.pk]))
        for url in urls:
            assert "Harbour reopens" not in reader.get(url).content.decode(), url
        assert reader.get("/news/harbour-reopens/").status_code == 404

        for url in urls:
            assert "Ferry timetable" in reader.get(url).content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            admin_client.post(reverse("wagtailadmin_pages:delete", args=[other.pk]))
        for url in urls:
            assert "Ferry timetable" not in reader.get(url).content.decode(), url

    def test_moving_a_post_refreshes_both_places(
        self, reader, admin_client, post, home_page, django_capture_on_commit_callbacks
    ):
        from tests.news.factories import NewsIndexPageFactory

        sport = NewsIndexPageFactory(parent=home_page, title="Sport", slug="sport")
        assert "Harbour reopens" in reader.get("/news/").content.decode()
        assert "Harbour reopens" not in reader.get("/sport/").content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            response = admin_client.post(
                reverse("wagtailadmin_pages:move_confirm", args=[post.pk, sport.pk])
            )
        assert response.status_code == 302
        assert "Harbour reopens" not in reader.get("/news/").content.decode()
        assert "Harbour reopens" in reader.get("/sport/").content.decode()
        assert reader.get("/sport/harbour-reopens/").status_code == 200
        # Wagtail leaves a redirect at the old address.
        assert reader.get("/news/harbour-reopens/")["Location"] == "/sport/harbour-reopens/"

    def test_reaching_the_expiry_time_drops_cached_copies(self, client, post, settings):
        settings.NEWSDESK_HTTP_MAX_AGE = settings.NEWSDESK_HTTP_SHARED_MAX_AGE = 100_000
        start = timezone.now()
        expiry = start + datetime.timedelta(minutes=10)
        post.expire_at = expiry
        post.save_revision().publish()
        post.refresh_from_db()

        def max_age(response):
            return int(response["Cache-Control"].split("max-age=")[1].split(",")[0])

        with time_machine.travel(start, tick=False) as clock:
            for url in ("/news/", "/news/harbour-reopens/", LISTING):
                first = client.get(url)
                # Browsers and CDNs are not told to keep a copy past the expiry...
                assert 590 <= max_age(first) <= 600, url
                assert client.get(url)["X-Cache"] == "HIT"
            # ...also when the copy comes from the server-side cache minutes later.
            clock.shift(datetime.timedelta(minutes=5))
            hit = client.get("/news/")
            assert hit["X-Cache"] == "HIT"
            assert 0 < max_age(hit) <= 300
            # No worker has run: the cached copies simply end at the expiry time.
            clock.move_to(expiry + datetime.timedelta(seconds=1))
            assert "Harbour reopens" not in client.get("/news/").content.decode()
            assert "Harbour reopens" not in client.get(LISTING).content.decode()
            assert client.get("/news/harbour-reopens/").status_code == 404

    def test_renaming_an_author_refreshes_the_posts_that_credit_them(self, client, post):
        assert "Ada Reporter" in client.get("/news/harbour-reopens/").content.decode()
        assert "Ada Reporter" in client.get(f"/api/v2/pages/{post.pk}/").content.decode()
        author = post.authors[0]
        author.name = "Ada Lovelace-Reporter"
        author.save()
        assert "Ada Lovelace-Reporter" in client.get("/news/harbour-reopens/").content.decode()
        assert "Ada Lovelace-Reporter" in client.get(f"/api/v2/pages/{post.pk}/").content.decode()

    def test_changing_an_image_refreshes_the_posts_that_show_it(self, client, news_index):
        image = ImageFactory(title="Old caption title")
        NewsPageFactory(parent=news_index, slug="pictured", lead_image=image)
        client.get("/api/v2/pages/?type=news.NewsPage&fields=lead_image")
        image.title = "New image title"
        image.save()
        response = client.get("/api/v2/pages/?type=news.NewsPage&fields=lead_image")
        assert response["X-Cache"] == "MISS"
        assert "New image title" in response.content.decode()

    def test_a_new_unused_image_or_a_draft_leaves_the_cache_alone(self, client, post):
        client.get("/news/")
        ImageFactory()
        post.title = "A draft title"
        post.save_revision()
        response = client.get("/news/")
        assert response["X-Cache"] == "HIT"
        assert "A draft title" not in response.content.decode()

    def test_a_comment_level_change_refreshes_only_that_post_and_listings(
        self, client, post, news_index
    ):
        from news.freshness.changes import page_content_changed

        other = NewsPageFactory(parent=news_index, slug="other-story")
        for url in ("/news/harbour-reopens/", "/news/other-story/", "/news/"):
            client.get(url)
        page_content_changed(post)
        assert client.get("/news/harbour-reopens/")["X-Cache"] == "MISS"
        assert client.get("/news/")["X-Cache"] == "MISS"
        assert client.get(f"/news/{other.slug}/")["X-Cache"] == "HIT"

    def test_private_pages_are_never_stored(self, client, post):
        PageViewRestriction.objects.create(
            page=post, restriction_type=PageViewRestriction.PASSWORD, password="letmein"
        )
        first = client.get("/news/harbour-reopens/")
        assert first.status_code == 200  # the password form
        assert "Harbour reopens" not in first.content.decode("utf-8").split("<main")[-1]
        second = client.get("/news/harbour-reopens/")
        assert second["X-Cache"] != "HIT"
        assert "public" not in first.get("Cache-Control", "")

    def test_making_a_page_private_drops_its_cached_copies(self, client, post):
        client.get("/news/harbour-reopens/")
        client.get(LISTING)
        PageViewRestriction.objects.create(page=post, restriction_type=PageViewRestriction.LOGIN)
        assert client.get("/news/harbour-reopens/").status_code == 302
        assert "Harbour reopens" not in client.get(LISTING).content.decode()

    def test_cache_can_be_switched_off(self, client, post, settings):
        settings.NEWSDESK_RESPONSE_CACHE = False
        client.get("/news/")
        response = client.get("/news/")
        assert response["X-Cache"] == "PASS"
        assert response["Cache-Control"].startswith("public")


def test_publishing_purges_the_frontend_cache(
    admin_client, post, purge_recorder, django_capture_on_commit_callbacks
):
    publish_title_change(
        admin_client, post, "Harbour reopens fully", django_capture_on_commit_callbacks
    )
    purged = purge_recorder.wait_for(10)
    expected = {
        "/",
        "/news/",
        "/news/harbour-reopens/",
        "/news/tags/harbour/",
        "/feeds/news/rss/",
        "/feeds/news/atom/",
        "/feeds/tags/harbour/rss/",
        "/sitemap.xml",
        f"/api/v2/pages/{post.pk}/",
        "/api/v2/pages/",
    }
    assert expected <= purged, expected - purged


def test_making_a_section_private_purges_every_page_in_it(
    purge_recorder, post, news_index, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        PageViewRestriction.objects.create(
            page=news_index, restriction_type=PageViewRestriction.LOGIN
        )
    purged = purge_recorder.wait_for(6)
    assert {"/news/", "/news/harbour-reopens/", f"/api/v2/pages/{post.pk}/"} <= purged


def test_moving_a_page_purges_its_old_addresses(
    purge_recorder, admin_client, post, home_page, django_capture_on_commit_callbacks
):
    from tests.news.factories import NewsIndexPageFactory

    sport = NewsIndexPageFactory(parent=home_page, title="Sport", slug="sport")
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(reverse("wagtailadmin_pages:move_confirm", args=[post.pk, sport.pk]))
    purged = purge_recorder.wait_for(6)
    assert {"/news/harbour-reopens/", "/sport/harbour-reopens/", "/news/"} <= purged


@pytest.mark.usefixtures("persistent_tasks")
def test_api_searches_refresh_when_the_worker_changes_the_search_index(
    client, news_index, django_capture_on_commit_callbacks
):
    """The worker re-indexes a post that links to an article made private after the change
    was committed (and the cache versions bumped): a search cached in between must not be
    kept, or readers would find the post by a title they may no longer see."""
    target = NewsPageFactory(parent=news_index, title="Zanzibar merger agreed")
    body = [
        {
            "type": "related_articles",
            "value": {"heading": "More", "items": [{"type": "article", "value": target.pk}]},
        }
    ]
    NewsPageFactory(parent=news_index, title="Linking post", body=body)
    call_command("run_worker", "--once")  # the index tasks the saves queued
    url = "/api/v2/pages/?type=news.NewsPage&search=zanzibar&fields=_,title"

    def found():
        response = client.get(url)
        return response["X-Cache"], sorted(item["title"] for item in response.json()["items"])

    assert found() == ("MISS", ["Linking post", "Zanzibar merger agreed"])
    with django_capture_on_commit_callbacks(execute=True):
        PageViewRestriction.objects.create(page=target, restriction_type="login")
    # Rendered from the index as it still is, and stored: the re-index is still queued.
    assert found() == ("MISS", ["Linking post"])
    assert found() == ("HIT", ["Linking post"])
    call_command("run_worker", "--once")
    assert found() == ("MISS", [])


def test_cache_busting_parameters_are_served_the_stored_copy(reader, post, news_index):
    """Issue #16, item 4: any unknown parameter rendered afresh and stored a new entry."""
    for _ in range(2):
        NewsPageFactory(parent=news_index)
    assert reader.get(post.url)["X-Cache"] == "MISS"
    for buster in ("?cb=1", "?cb=2&utm_source=feed", "?fbclid=x"):
        response = reader.get(post.url + buster)
        assert response.status_code == 200
        assert response["X-Cache"] == "HIT", buster
    # What pages read is still part of the key.
    assert reader.get("/news/?page=1&utm_source=x")["X-Cache"] == "MISS"
    assert reader.get("/news/?utm_medium=y&page=1")["X-Cache"] == "HIT"
    received = reader.get(post.url + "?comment=received")
    assert received["X-Cache"] == "MISS"  # the "comment received" notice is its own page
    # The API still refuses what it does not know.
    assert reader.get("/api/v2/pages/?cb=1").status_code == 400
