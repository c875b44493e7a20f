"""Publishing a post makes stale only what shows it (issue #17): the post, the listings, its
neighbours' "newer/older" links and the pages linking to it; every other stored response
stays a HIT. What changes the site's structure or takes something away from readers still
makes everything stale (news/freshness/signal_handlers.py, docs/caching.md)."""

import datetime
import re

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail.models import PageViewRestriction

from news.models import NewsPage
from news.scheduling import run_scheduled_publishing
from tests.news.factories import AuthorFactory, NewsPageFactory
from tests.news.workflow_helpers import news_form_data

pytestmark = pytest.mark.django_db

LISTING = "/api/v2/pages/?type=news.NewsPage&fields=title"


def related_to(page):
    return [
        {
            "type": "related_articles",
            "value": {"heading": "Read more", "items": [{"type": "article", "value": page.pk}]},
        }
    ]


@pytest.fixture
def posts(news_index):
    """Five posts a month apart, and one older post whose related articles link to the
    middle one. By date: linking, a, b, c, d, e; c's neighbours are b and d."""
    made = {}
    for name, month in zip("abcde", range(1, 6), strict=True):
        made[name] = NewsPageFactory(
            parent=news_index,
            title=f"Story {name.upper()}",
            slug=f"story-{name}",
            publication_date=datetime.date(2024, month, 1),
        )
    made["linking"] = NewsPageFactory(
        parent=news_index,
        title="Linking story",
        slug="linking",
        publication_date=datetime.date(2023, 6, 1),
        body=related_to(made["c"]),
    )
    return made


def publish(page, capture, **changes):
    """Publish a new revision of ``page`` with ``changes``, as an editor's publish does
    (Wagtail's revision publish), the after-commit work run."""
    page = NewsPage.objects.get(pk=page.pk)
    for name, value in changes.items():
        setattr(page, name, value)
    with capture(execute=True):
        page.save_revision().publish()
    return NewsPage.objects.get(pk=page.pk)


def stored(client, urls):
    """Render and store ``urls``; return their bodies."""
    bodies = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["X-Cache"] == "MISS", url
        bodies[url] = response.content
    return bodies


def post_nav(response):
    """The "Newer post"/"Older post" links of an article: {"newer": title, "older": ...}."""
    found = {}
    for kind in ("newer", "older"):
        match = re.search(
            rf'class="post-nav__{kind}"[^>]*><span>[^<]*</span> ([^<]*)</a>',
            response.content.decode(),
        )
        found[kind] = match and match[1]
    return found


def test_publishing_a_post_leaves_unrelated_stored_copies_alone(
    client, posts, django_capture_on_commit_callbacks
):
    unrelated = [posts["a"].url, posts["e"].url, f"/api/v2/pages/{posts['a'].pk}/"]
    showing = [
        posts["c"].url,
        posts["b"].url,
        posts["d"].url,
        posts["linking"].url,
        "/",
        "/news/",
        LISTING,
        f"/api/v2/pages/{posts['c'].pk}/",
        f"/api/v2/pages/{posts['linking'].pk}/",
    ]
    before = stored(client, unrelated + showing)

    publish(posts["c"], django_capture_on_commit_callbacks, title="Story C, updated")

    # (a) Pages that do not show the post are still served from the cache, unchanged.
    for url in unrelated:
        response = client.get(url)
        assert response["X-Cache"] == "HIT", url
        assert response.content == before[url]
    # (b, c, d) Everything that shows it is rendered anew, at once, with the new title:
    # the post, its neighbours' links, the page linking to it, the listings.
    for url in showing:
        response = client.get(url)
        assert response["X-Cache"] == "MISS", url
        assert "Story C, updated" in response.content.decode(), url
    assert post_nav(client.get(posts["b"].url)) == {
        "newer": "Story C, updated",
        "older": "Story A",
    }
    assert post_nav(client.get(posts["d"].url)) == {
        "newer": "Story E",
        "older": "Story C, updated",
    }


def test_a_post_whose_date_changed_leaves_both_places_right(
    client, posts, django_capture_on_commit_callbacks
):
    """Moving c between a and b: its old neighbours (b, d) now link to each other, its new
    ones (a, b) link to it; e still shows neither and stays cached."""
    urls = [posts[name].url for name in "abcde"]
    stored(client, urls)

    publish(
        posts["c"], django_capture_on_commit_callbacks, publication_date=datetime.date(2024, 1, 15)
    )

    assert client.get(posts["e"].url)["X-Cache"] == "HIT"
    assert post_nav(client.get(posts["a"].url)) == {"newer": "Story C", "older": "Linking story"}
    assert post_nav(client.get(posts["b"].url)) == {"newer": "Story D", "older": "Story C"}
    assert post_nav(client.get(posts["d"].url)) == {"newer": "Story E", "older": "Story B"}
    assert post_nav(client.get(posts["c"].url)) == {"newer": "Story B", "older": "Story A"}


def test_a_new_post_published_in_the_admin_shows_at_once_and_nowhere_else(
    client, admin_user, posts, news_index, django_capture_on_commit_callbacks
):
    """An editor creates and publishes a post in one go (Wagtail's create view), dated
    after e: it is on the home page, the index and the listing at once, e links to it,
    and the other articles stay cached."""
    unrelated = [posts[name].url for name in "abcd"]
    stored(client, [*unrelated, posts["e"].url, "/", "/news/", LISTING])
    editor = Client()
    editor.force_login(admin_user)
    data = news_form_data(title="Breaking harbour story", slug="breaking", author=AuthorFactory())
    data["action-publish"] = "Publish"
    with django_capture_on_commit_callbacks(execute=True):
        response = editor.post(
            reverse("wagtailadmin_pages:add", args=["news", "newspage", news_index.pk]), data
        )
    assert response.status_code == 302, response.content[:2000]

    for url in ("/", "/news/", LISTING, "/news/breaking/"):
        response = client.get(url)
        assert response["X-Cache"] == "MISS", url
        assert "Breaking harbour story" in response.content.decode(), url
    assert post_nav(client.get(posts["e"].url))["newer"] == "Breaking harbour story"
    for url in unrelated:
        assert client.get(url)["X-Cache"] == "HIT", url


def test_a_draft_created_in_the_admin_leaves_the_cache_alone(
    client, admin_user, posts, news_index, django_capture_on_commit_callbacks
):
    """Creating a post as a draft used to make everything stale (the page row is saved);
    readers see nothing of it."""
    urls = ["/", "/news/", posts["e"].url, LISTING]
    stored(client, urls)
    editor = Client()
    editor.force_login(admin_user)
    data = news_form_data(title="Unfinished draft", slug="unfinished", author=AuthorFactory())
    with django_capture_on_commit_callbacks(execute=True):
        response = editor.post(
            reverse("wagtailadmin_pages:add", args=["news", "newspage", news_index.pk]), data
        )
    assert response.status_code == 302
    for url in urls:
        response = client.get(url)
        assert response["X-Cache"] == "HIT", url
        assert "Unfinished draft" not in response.content.decode()


def test_a_scheduled_post_the_worker_publishes_is_targeted_too(client, posts, news_index):
    now = timezone.now()
    page = NewsPageFactory(
        parent=news_index,
        title="Embargoed story",
        slug="embargoed",
        publication_date=datetime.date(2024, 3, 15),
        live=False,
    )
    page.go_live_at = now + datetime.timedelta(minutes=5)
    page.save_revision().publish()  # scheduled: not live yet
    stored(client, [posts[name].url for name in "abcde"] + ["/news/"])

    with time_machine.travel(now + datetime.timedelta(minutes=6), tick=False):
        assert run_scheduled_publishing() == (0, 1)
        assert "Embargoed story" in client.get("/news/").content.decode()
        assert post_nav(client.get(posts["c"].url))["newer"] == "Embargoed story"
        assert post_nav(client.get(posts["d"].url))["older"] == "Embargoed story"
        for name in "abe":
            assert client.get(posts[name].url)["X-Cache"] == "HIT", name


@pytest.mark.usefixtures("persistent_tasks")
def test_a_link_the_worker_has_not_recorded_yet_is_refreshed_once_it_has(
    client, news_index, django_capture_on_commit_callbacks
):
    """Which pages link to a post comes from Wagtail's reference index, which the worker
    updates a moment after a save. A post linked by a page whose links are not recorded
    yet, published meanwhile, is missed at first; once the worker records the links, the
    linking page is rendered anew."""
    day = datetime.date(2024, 1, 1)
    target = NewsPageFactory(parent=news_index, title="Target story", publication_date=day)
    # Between them, so that the linking page is not the target's neighbour.
    NewsPageFactory(parent=news_index, publication_date=day + datetime.timedelta(days=1))
    linking = NewsPageFactory(
        parent=news_index,
        publication_date=day + datetime.timedelta(days=2),
        body=related_to(target),
    )
    assert "Target story" in client.get(linking.url).content.decode()

    publish(target, django_capture_on_commit_callbacks, title="Target story, corrected")
    assert client.get(linking.url)["X-Cache"] == "HIT"  # its link is not known yet
    call_command("run_worker", "--once")

    response = client.get(linking.url)
    assert response["X-Cache"] == "MISS"
    assert "Target story, corrected" in response.content.decode()


def test_remembered_counts_and_archive_follow_a_new_post(
    client, posts, news_index, django_capture_on_commit_callbacks
):
    """The API's total count, the index's month archive and the search page's tag filter
    are remembered per cache version; a published post bumps ``listings`` only, so they
    are remembered per ``listings`` version too."""
    assert client.get(LISTING).json()["meta"]["total_count"] == 6
    assert 'March 2024</a> <span class="count">(1)' in client.get("/news/").content.decode()
    search = "/search/?q=story"
    seaside = '<option value="seaside">Seaside</option>'
    client.get(search)
    assert seaside not in client.get(search).content.decode()  # asked twice: stored

    page = NewsPageFactory(
        parent=news_index,
        title="Another March story",
        slug="another-march",
        publication_date=datetime.date(2024, 3, 20),
        live=False,
    )
    page.tags.add("Seaside")
    page.save()  # a page readers never saw: nothing is stale yet
    publish(page, django_capture_on_commit_callbacks)

    assert client.get(LISTING).json()["meta"]["total_count"] == 7
    assert 'March 2024</a> <span class="count">(2)' in client.get("/news/").content.decode()
    assert seaside in client.get(search).content.decode()


def test_an_expiry_set_on_a_published_post_still_bounds_every_stored_copy(
    client, posts, settings, django_capture_on_commit_callbacks
):
    settings.NEWSDESK_HTTP_MAX_AGE = settings.NEWSDESK_HTTP_SHARED_MAX_AGE = 100_000

    def max_age(response):
        return int(response["Cache-Control"].split("max-age=")[1].split(",")[0])

    start = timezone.now()
    expiry = start + datetime.timedelta(minutes=10)
    with time_machine.travel(start, tick=False) as clock:
        stored(client, [posts["a"].url, "/news/"])
        publish(posts["c"], django_capture_on_commit_callbacks, expire_at=expiry)
        # Even a page that does not show the post is stored no longer than until the
        # next expiry (expiring posts make everything stale).
        for url in (posts["a"].url, "/news/", posts["c"].url):
            response = client.get(url)
            assert response["X-Cache"] == "MISS", url
            assert 590 <= max_age(response) <= 600, url
        clock.move_to(expiry + datetime.timedelta(seconds=1))
        assert "Story C" not in client.get("/news/").content.decode()
        assert client.get(posts["c"].url).status_code == 404
        assert client.get(posts["a"].url)["X-Cache"] == "MISS"


def test_making_a_post_private_or_unpublishing_it_still_makes_everything_stale(
    client, admin_client, posts, django_capture_on_commit_callbacks
):
    reader = Client()
    stored(reader, [posts["a"].url, "/news/"])
    with django_capture_on_commit_callbacks(execute=True):
        PageViewRestriction.objects.create(page=posts["e"], restriction_type="login")
    assert reader.get(posts["a"].url)["X-Cache"] == "MISS"
    assert "Story E" not in reader.get("/news/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(reverse("wagtailadmin_pages:unpublish", args=[posts["d"].pk]))
    assert reader.get(posts["a"].url)["X-Cache"] == "MISS"
    assert "Story D" not in reader.get("/news/").content.decode()


def test_publishing_what_changes_the_sites_structure_still_makes_everything_stale(
    client, posts, news_index, django_capture_on_commit_callbacks
):
    """A post in the menu, and any page that is not a post (an index here), are shown by
    every page (the menu, breadcrumbs): publishing them makes everything stale."""
    stored(client, [posts["a"].url])
    publish(posts["c"], django_capture_on_commit_callbacks, show_in_menus=True)
    assert client.get(posts["a"].url)["X-Cache"] == "MISS"
    assert client.get(posts["a"].url)["X-Cache"] == "HIT"
    news_index.title = "Latest news"
    with django_capture_on_commit_callbacks(execute=True):
        news_index.save_revision().publish()
    assert client.get(posts["a"].url)["X-Cache"] == "MISS"


def test_a_post_published_at_a_new_address_is_a_hard_change(
    client, posts, settings, django_capture_on_commit_callbacks
):
    """Its old address goes, and every link to it changes: nothing stored before is served,
    not even while another request renders."""
    from django.core.cache import cache

    from news.freshness.middleware import ResponseCacheMiddleware

    settings.NEWSDESK_RENDER_WAIT = 0.3
    old_url = posts["c"].url
    keys = {}
    for url in (old_url, posts["a"].url):
        keys[url] = ResponseCacheMiddleware(None).cache_key(client.get(url).wsgi_request)
    publish(posts["c"], django_capture_on_commit_callbacks, slug="story-c-moved")
    for key in keys.values():
        cache.add(ResponseCacheMiddleware.claim_key(key), 1, timeout=10)
    assert client.get(posts["a"].url)["X-Cache"] == "MISS"
    moved = client.get(old_url)
    assert moved["X-Cache"] != "STALE"
    assert moved.status_code in (301, 302, 404)
    assert client.get("/news/story-c-moved/").status_code == 200
