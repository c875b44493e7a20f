"""The Google News sitemap (``/sitemap-news.xml``), the sitemap index
(``/sitemap-index.xml``) and robots.txt naming the sitemaps."""

import datetime
import time
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone
from wagtail.models import Page, PageViewRestriction, Site

from home.models import HomePage
from news.sitemaps import google_news_language
from tests.news.factories import NewsIndexPageFactory, NewsPageFactory

pytestmark = pytest.mark.django_db

SM = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS = "http://www.google.com/schemas/sitemap-news/0.9"
NS = {"sm": SM, "news": NEWS}


def hours_ago(hours):
    return timezone.now() - datetime.timedelta(hours=hours)


def news_sitemap(client, **headers):
    response = client.get("/sitemap-news.xml", headers=headers)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    root = ET.fromstring(response.content)  # noqa: S314 (our own response)
    assert root.tag == f"{{{SM}}}urlset"
    return [
        {
            "loc": url.findtext("sm:loc", namespaces=NS),
            "name": url.findtext("news:news/news:publication/news:name", namespaces=NS),
            "language": url.findtext("news:news/news:publication/news:language", namespaces=NS),
            "date": url.findtext("news:news/news:publication_date", namespaces=NS),
            "title": url.findtext("news:news/news:title", namespaces=NS),
        }
        for url in root.findall("sm:url", NS)
    ]


def post(index, title, hours, **kwargs):
    kwargs.setdefault("slug", title.lower().replace(" ", "-"))
    return NewsPageFactory(
        parent=index, title=title, first_published_at=hours_ago(hours), **kwargs
    )


def test_lists_the_last_48_hours_newest_first_in_googles_format(client, news_index, settings):
    settings.LANGUAGE_CODE = "en-gb"
    Site.objects.filter(is_default_site=True).update(site_name="Port Alder Gazette")
    post(news_index, "Two hours old", 2)
    post(news_index, "Ten minutes old", 0.17)
    post(news_index, "Two days and a bit", 48.2)
    post(news_index, "Last week", 24 * 7)
    entries = news_sitemap(client)
    assert [entry["title"] for entry in entries] == ["Ten minutes old", "Two hours old"]
    first = entries[0]
    assert first["loc"] == "http://localhost/news/ten-minutes-old/"
    assert first["name"] == "Port Alder Gazette"
    assert first["language"] == "en"
    # W3C datetime with an offset, to the second: when the post went live.
    published = datetime.datetime.fromisoformat(first["date"])
    assert published.utcoffset() is not None
    assert abs((published - hours_ago(0.17)).total_seconds()) < 60
    assert "." not in first["date"]


def test_the_publication_name_falls_back_to_the_projects(client, news_index):
    post(news_index, "Fresh", 1)
    assert news_sitemap(client)[0]["name"] == "Newsdesk"


def test_every_element_is_in_its_namespace(client, news_index):
    post(news_index, "Fresh", 1)
    root = ET.fromstring(client.get("/sitemap-news.xml").content)  # noqa: S314
    namespaces = {element.tag.split("}")[0].lstrip("{") for element in root.iter()}
    assert namespaces == {SM, NEWS}
    assert (
        b'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"'
        in client.get("/sitemap-news.xml").content
    )


def test_titles_are_escaped(client, news_index):
    post(news_index, "Fish & chips <now> “cheaper”", 1, slug="fish-and-chips")
    assert news_sitemap(client)[0]["title"] == "Fish & chips <now> “cheaper”"


def test_never_lists_what_readers_cannot_see(client, home_page, news_index):
    post(news_index, "Visible", 1)
    post(news_index, "Draft", 1, live=False)
    private = post(news_index, "Private", 1)
    PageViewRestriction.objects.create(page=private, restriction_type="login")
    post(news_index, "Expired", 1, expire_at=hours_ago(0.1))
    # Another site's posts.
    root = Page.objects.get(depth=1)
    other_home = root.add_child(instance=HomePage(title="Other", slug="other-home"))
    Site.objects.create(hostname="other.example", port=80, root_page=other_home)
    other_index = NewsIndexPageFactory(parent=other_home, slug="news")
    post(other_index, "Other sites post", 1)
    assert [entry["title"] for entry in news_sitemap(client)] == ["Visible"]


def test_each_site_gets_its_own(client, settings, news_index):
    settings.ALLOWED_HOSTS = ["other.example", "localhost", "testserver"]
    root = Page.objects.get(depth=1)
    other_home = root.add_child(instance=HomePage(title="Other", slug="other-home"))
    Site.objects.create(
        hostname="other.example", port=80, root_page=other_home, site_name="Other Times"
    )
    other_index = NewsIndexPageFactory(parent=other_home, slug="news")
    post(other_index, "Other sites post", 1)
    post(news_index, "Ours", 1)
    [entry] = news_sitemap(client, host="other.example")
    assert entry["title"] == "Other sites post"
    assert entry["loc"] == "http://other.example/news/other-sites-post/"
    assert entry["name"] == "Other Times"


def test_at_most_1000_posts(client, news_index, monkeypatch):
    import news.sitemaps

    monkeypatch.setattr(news.sitemaps, "NEWS_SITEMAP_LIMIT", 3)
    for number in range(5):
        post(news_index, f"Story {number}", 1 + number)
    assert [e["title"] for e in news_sitemap(client)] == ["Story 0", "Story 1", "Story 2"]
    assert news.sitemaps.recently_published_news  # the selector the view uses


def test_an_empty_sitemap_is_still_valid(client, news_index):
    assert news_sitemap(client) == []


@pytest.mark.parametrize(
    ("code", "google"),
    [
        ("en-gb", "en"),
        ("en", "en"),
        ("de-AT", "de"),
        ("zh-hans", "zh-cn"),
        ("zh-tw", "zh-tw"),
        ("zh-hant", "zh-tw"),
        ("pt_BR", "pt"),
    ],
)
def test_language_codes_as_google_wants_them(code, google):
    assert google_news_language(code) == google


class TestFreshness:
    def test_a_publish_shows_at_once(self, client, news_index):
        post(news_index, "First", 1)
        news_sitemap(client)
        assert client.get("/sitemap-news.xml")["X-Cache"] == "HIT"
        new = NewsPageFactory(parent=news_index, title="Just published", live=False)
        new.save_revision().publish()
        assert [e["title"] for e in news_sitemap(client)] == ["Just published", "First"]

    def test_an_unpublish_leaves_at_once(self, client, news_index):
        gone = post(news_index, "Withdrawn", 1)
        news_sitemap(client)
        gone.unpublish()
        assert news_sitemap(client) == []

    def test_kept_no_longer_than_five_minutes(self, client, news_index, settings):
        settings.NEWSDESK_HTTP_MAX_AGE = settings.NEWSDESK_HTTP_SHARED_MAX_AGE = 3600
        post(news_index, "Fresh", 1)
        response = client.get("/sitemap-news.xml")
        assert "max-age=300" in response["Cache-Control"]

    def test_kept_no_longer_than_until_its_oldest_post_leaves_the_window(
        self, client, news_index, settings
    ):
        settings.NEWSDESK_HTTP_MAX_AGE = settings.NEWSDESK_HTTP_SHARED_MAX_AGE = 3600
        post(news_index, "About to go", 47.99)  # leaves in about 36 seconds
        response = client.get("/sitemap-news.xml")
        max_age = int(response["Cache-Control"].split("max-age=")[1].split(",")[0])
        assert 0 < max_age <= 37

    def test_the_window_moving_drops_old_posts(self, client, news_index, monkeypatch):
        post(news_index, "Old enough", 47.9)
        assert len(news_sitemap(client)) == 1
        assert client.get("/sitemap-news.xml")["X-Cache"] == "HIT"
        # Ten minutes later (the post left the window), for the site and the cache's clock.
        later = timezone.now() + datetime.timedelta(minutes=10)
        clock = time.time() + 600
        monkeypatch.setattr(timezone, "now", lambda: later)
        monkeypatch.setattr(time, "time", lambda: clock)
        # The stored copy was kept only until the post left the window.
        assert news_sitemap(client) == []


class TestIndexAndRobots:
    def test_the_sitemap_index_names_both_sitemaps(self, client, news_index):
        response = client.get("/sitemap-index.xml")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/xml; charset=utf-8"
        root = ET.fromstring(response.content)  # noqa: S314
        assert root.tag == f"{{{SM}}}sitemapindex"
        locations = [loc.text for loc in root.findall("sm:sitemap/sm:loc", NS)]
        assert locations == ["http://localhost/sitemap.xml", "http://localhost/sitemap-news.xml"]
        for location in locations:
            assert client.get(location.removeprefix("http://localhost")).status_code == 200

    def test_the_index_is_on_the_serving_sites_base(self, client, settings, home_page):
        settings.ALLOWED_HOSTS = ["news.example.com"]
        Site.objects.filter(is_default_site=True).update(hostname="news.example.com", port=443)
        content = client.get("/sitemap-index.xml", headers={"host": "news.example.com"}).content
        assert b"<loc>https://news.example.com/sitemap-news.xml</loc>" in content

    def test_robots_txt_names_the_sitemaps(self, client):
        lines = client.get("/robots.txt").content.decode().splitlines()
        assert "Sitemap: http://localhost/sitemap.xml" in lines
        assert "Sitemap: http://localhost/sitemap-news.xml" in lines

    def test_post_is_refused(self, client):
        assert client.post("/sitemap-news.xml").status_code == 405
        assert client.post("/sitemap-index.xml").status_code == 405
