"""RSS and Atom feeds of published news: /feeds/news/{rss,atom}/, /feeds/tags/<slug>/..."""

import calendar
import datetime

import feedparser
import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import PageViewRestriction

from tests.news.factories import AuthorFactory, ImageFactory, NewsPageFactory

pytestmark = pytest.mark.django_db

FEEDS = {
    "/feeds/news/rss/": ("rss20", "application/rss+xml; charset=utf-8"),
    "/feeds/news/atom/": ("atom10", "application/atom+xml; charset=utf-8"),
}


def parse(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    feed = feedparser.parse(response.content)
    assert feed.bozo == 0, feed.get("bozo_exception")
    return response, feed


def utc_struct(value):
    """A ``time.struct_time`` in UTC, as feedparser gives ``*_parsed`` dates."""
    return value.astimezone(datetime.UTC).timetuple()


def same_instant(parsed, value):
    return calendar.timegm(parsed) == calendar.timegm(utc_struct(value))


@pytest.fixture
def posts(news_index):
    """One post of each kind a reader must or must not see, most tagged "Storm"."""
    live = NewsPageFactory(
        parent=news_index,
        title="Storm tops the harbour wall",
        slug="storm-tops-the-harbour-wall",
        publication_date=datetime.date(2017, 2, 14),
        summary="Waves overtopped the wall for the first time since 1987.",
        last_published_at=datetime.datetime(2017, 2, 14, 9, 30, tzinfo=datetime.UTC),
        lead_image=ImageFactory(file__width=1600, file__height=900),
        authors=[AuthorFactory(name="Maren Holt"), AuthorFactory(name="Luis Ferreira")],
        tags=["Storm", "Port Alder"],
    )
    other_tag = NewsPageFactory(
        parent=news_index,
        title="Council passes harbour budget",
        slug="council-passes-harbour-budget",
        publication_date=datetime.date(2017, 2, 10),
        authors=[AuthorFactory(name="Ana Ruiz")],
        tags=["Budget"],
    )
    NewsPageFactory(parent=news_index, title="Draft story", live=False, tags=["Storm"])
    NewsPageFactory(
        parent=news_index,
        title="Scheduled story",
        live=False,
        go_live_at=timezone.now() + datetime.timedelta(days=1),
        tags=["Storm"],
    )
    private = NewsPageFactory(parent=news_index, title="Private story", tags=["Storm"])
    PageViewRestriction.objects.create(
        page=private, restriction_type=PageViewRestriction.PASSWORD, password="secret"
    )
    NewsPageFactory(
        parent=news_index,
        title="Expired story",
        expire_at=timezone.now() - datetime.timedelta(hours=1),
        tags=["Storm"],
    )
    return {"live": live, "other_tag": other_tag}


class TestSiteFeeds:
    @pytest.mark.parametrize("url", FEEDS)
    def test_valid_feed_of_the_right_kind_and_content_type(self, client, posts, url):
        version, content_type = FEEDS[url]
        response, feed = parse(client, url)
        assert feed.version == version
        assert response["Content-Type"] == content_type
        assert feed.feed.title == "Newsdesk: latest news"

    @pytest.mark.parametrize("url", FEEDS)
    def test_only_published_posts_newest_first(self, client, posts, url):
        _, feed = parse(client, url)
        assert [entry.title for entry in feed.entries] == [
            "Storm tops the harbour wall",
            "Council passes harbour budget",
        ]

    @pytest.mark.parametrize("url", FEEDS)
    def test_item_fields(self, client, posts, url):
        _, feed = parse(client, url)
        entry = feed.entries[0]
        page_url = "http://localhost/news/storm-tops-the-harbour-wall/"
        assert entry.link == page_url
        assert entry.id == page_url
        assert entry.summary == "Waves overtopped the wall for the first time since 1987."
        assert [author.name for author in entry.authors] == ["Maren Holt", "Luis Ferreira"]
        assert [tag.term for tag in entry.tags] == ["Storm", "Port Alder"]
        [image] = entry.media_content
        assert image["url"].startswith("http://localhost/media/images/")
        assert image["width"] == "1200"
        assert image["medium"] == "image"

    @pytest.mark.parametrize("url", FEEDS)
    def test_pubdate_is_midnight_of_the_publication_date_in_the_site_time_zone(
        self, client, posts, url
    ):
        with override_settings(TIME_ZONE="Europe/Oslo"):
            _, feed = parse(client, url)
        oslo = datetime.timezone(datetime.timedelta(hours=1))  # CET in February
        for entry, post in zip(feed.entries, [posts["live"], posts["other_tag"]], strict=True):
            midnight = datetime.datetime.combine(post.publication_date, datetime.time(), oslo)
            assert same_instant(entry.published_parsed, midnight)
        assert "+01:00" in feed.entries[0].published or "+0100" in feed.entries[0].published

    def test_atom_updated_is_last_published_at(self, client, posts):
        _, feed = parse(client, "/feeds/news/atom/")
        assert same_instant(feed.entries[0].updated_parsed, posts["live"].last_published_at)
        # Never published through a revision: updated falls back to the publication date.
        assert same_instant(
            feed.entries[1].updated_parsed,
            datetime.datetime(2017, 2, 10, tzinfo=datetime.UTC),
        )

    def test_utc_dates_in_the_default_time_zone(self, client, posts):
        _, feed = parse(client, "/feeds/news/rss/")
        assert feed.entries[0].published == "Tue, 14 Feb 2017 00:00:00 +0000"

    def test_text_is_escaped_not_markup(self, client, news_index):
        NewsPageFactory(
            parent=news_index,
            title="Q&A: <b>tides</b> & </channel>",
            summary="Fish & <i>chips</i>",
        )
        for url in FEEDS:
            _, feed = parse(client, url)
            assert feed.entries[0].title == "Q&A: <b>tides</b> & </channel>"
            # The summary is plain text: readers get it as escaped HTML.
            assert feed.entries[0].summary == "Fish &amp; &lt;i&gt;chips&lt;/i&gt;"

    def test_no_lead_image_no_media(self, client, posts):
        _, feed = parse(client, "/feeds/news/rss/")
        assert "media_content" not in feed.entries[1]

    def test_latest_fifty_items(self, client, news_index, monkeypatch):
        monkeypatch.setattr("news.feeds.FEED_LENGTH", 3)
        start = datetime.date(2020, 1, 1)
        for day in range(5):
            NewsPageFactory(
                parent=news_index,
                title=f"Day {day}",
                publication_date=start + datetime.timedelta(days=day),
            )
        for url in FEEDS:
            _, feed = parse(client, url)
            assert [entry.title for entry in feed.entries] == ["Day 4", "Day 3", "Day 2"]

    def test_empty_site_feed_is_valid(self, client, news_index):
        for url, (version, _) in FEEDS.items():
            _, feed = parse(client, url)
            assert feed.version == version
            assert feed.entries == []

    @pytest.mark.parametrize("url", FEEDS)
    def test_queries_do_not_grow_with_the_number_of_posts(self, client, news_index, url):
        def add_posts(count):
            for number in range(count):
                NewsPageFactory(
                    parent=news_index,
                    lead_image=ImageFactory(),
                    authors=[AuthorFactory(), AuthorFactory()],
                    tags=["Climate", f"Tag {number}"],
                )

        def queries_for_feed():
            client.get(url)  # creates any missing renditions
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            return len(queries)

        add_posts(1)
        one = queries_for_feed()
        add_posts(6)
        assert queries_for_feed() == one
        assert one <= 10


class TestTagFeeds:
    @pytest.mark.parametrize("kind,version", [("rss", "rss20"), ("atom", "atom10")])
    def test_only_published_posts_with_the_tag(self, client, posts, kind, version):
        _, feed = parse(client, f"/feeds/tags/storm/{kind}/")
        assert feed.version == version
        assert feed.feed.title == "Newsdesk: posts tagged “Storm”"
        assert [entry.title for entry in feed.entries] == ["Storm tops the harbour wall"]
        assert feed.feed.link == "http://localhost/news/tags/storm/"

        _, feed = parse(client, f"/feeds/tags/budget/{kind}/")
        assert [entry.title for entry in feed.entries] == ["Council passes harbour budget"]

    @pytest.mark.parametrize("kind", ["rss", "atom"])
    def test_unknown_tag_is_404(self, client, posts, kind):
        assert client.get(f"/feeds/tags/no-such-tag/{kind}/").status_code == 404

    def test_tag_with_no_published_posts_is_an_empty_feed(self, client, news_index):
        NewsPageFactory(parent=news_index, live=False, tags=["Embargoed"])
        _, feed = parse(client, "/feeds/tags/embargoed/atom/")
        assert feed.entries == []
