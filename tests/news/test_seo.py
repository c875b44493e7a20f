"""Head metadata of reader pages (feed links, canonical, OpenGraph, Twitter, JSON-LD),
sitemap.xml and robots.txt."""

import datetime
import json
import xml.etree.ElementTree as ET

import pytest
from bs4 import BeautifulSoup
from django.test import override_settings
from django.utils import timezone
from wagtail.models import PageViewRestriction, Site

from tests.home.factories import StandardPageFactory
from tests.news.factories import (
    AuthorFactory,
    ImageFactory,
    NewsPageFactory,
)

pytestmark = pytest.mark.django_db

SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def html(response):
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.content, "html.parser")


def meta(page, prop):
    """Content of every <meta property=prop> (or name=prop) in the head, in order."""
    tags = page.head.select(f'meta[property="{prop}"]') or page.head.select(f'meta[name="{prop}"]')
    return [tag["content"] for tag in tags]


def json_ld(page):
    [script] = page.select('script[type="application/ld+json"]')
    return json.loads(script.string)


@pytest.fixture
def post(news_index):
    return NewsPageFactory(
        parent=news_index,
        title="Storm tops the harbour wall",
        slug="storm-tops-the-harbour-wall",
        publication_date=datetime.date(2017, 2, 14),
        summary="Waves overtopped the wall for the first time since 1987.",
        first_published_at=datetime.datetime(2017, 2, 14, 8, 5, tzinfo=datetime.UTC),
        last_published_at=datetime.datetime(2017, 2, 14, 9, 30, tzinfo=datetime.UTC),
        lead_image=ImageFactory(title="Waves", file__width=1600, file__height=900),
        authors=[AuthorFactory(name="Maren Holt"), AuthorFactory(name="Luis Ferreira")],
        tags=["Storm", "Port Alder"],
    )


POST_URL = "http://localhost/news/storm-tops-the-harbour-wall/"


class TestFeedLinks:
    @pytest.mark.parametrize("url", ["/", "/news/", "/news/2017/02/", "/search/?q=storm"])
    def test_reader_pages_advertise_the_site_feeds(self, client, post, url):
        page = html(client.get(url))
        rss = page.head.select('link[rel="alternate"][type="application/rss+xml"]')
        atom = page.head.select('link[rel="alternate"][type="application/atom+xml"]')
        assert [link["href"] for link in rss] == ["/feeds/news/rss/"]
        assert [link["href"] for link in atom] == ["/feeds/news/atom/"]

    def test_article_and_standard_pages_advertise_the_site_feeds(self, client, post, home_page):
        about = StandardPageFactory(parent=home_page, title="About", slug="about")
        for url in [post.url, about.url]:
            page = html(client.get(url))
            feeds = page.head.select('link[rel="alternate"]')
            assert {link["href"] for link in feeds} == {"/feeds/news/rss/", "/feeds/news/atom/"}

    @pytest.mark.parametrize("url", ["/news/tags/port-alder/", "/news/?tag=port-alder"])
    def test_tag_pages_also_advertise_the_tag_feed(self, client, post, url):
        page = html(client.get(url))
        feeds = {
            (link["type"], link["href"]) for link in page.head.select('link[rel="alternate"]')
        }
        assert feeds == {
            ("application/rss+xml", "/feeds/news/rss/"),
            ("application/atom+xml", "/feeds/news/atom/"),
            ("application/rss+xml", "/feeds/tags/port-alder/rss/"),
            ("application/atom+xml", "/feeds/tags/port-alder/atom/"),
        }
        tag_rss = page.head.select_one('link[href="/feeds/tags/port-alder/rss/"]')
        assert "Port Alder" in tag_rss["title"]

    def test_advertised_feeds_work(self, client, post):
        page = html(client.get("/news/tags/storm/"))
        for link in page.head.select('link[rel="alternate"]'):
            response = client.get(link["href"])
            assert response.status_code == 200
            assert response["Content-Type"].startswith(link["type"])


class TestArticleMetadata:
    def test_canonical_and_opengraph(self, client, post):
        page = html(client.get(post.url))
        assert page.head.select_one('link[rel="canonical"]')["href"] == POST_URL
        assert meta(page, "og:type") == ["article"]
        assert meta(page, "og:title") == ["Storm tops the harbour wall"]
        assert meta(page, "og:description") == [post.summary]
        assert meta(page, "og:url") == [POST_URL]
        assert meta(page, "og:site_name") == ["Newsdesk"]
        assert meta(page, "description") == [post.summary]
        [image] = meta(page, "og:image")
        assert image.startswith("http://localhost/media/images/")
        assert ".width-1200." in image
        assert meta(page, "og:image:width") == ["1200"]
        assert meta(page, "article:published_time") == ["2017-02-14T08:05:00+00:00"]
        assert meta(page, "article:modified_time") == ["2017-02-14T09:30:00+00:00"]
        # The author pages, which readers can open (the post is theirs).
        authors = meta(page, "article:author")
        assert authors == [
            "http://localhost/news/authors/maren-holt/",
            "http://localhost/news/authors/luis-ferreira/",
        ]
        for url in authors:
            assert client.get(url.removeprefix("http://localhost")).status_code == 200
        assert meta(page, "article:tag") == ["Storm", "Port Alder"]

    def test_twitter_card(self, client, post):
        page = html(client.get(post.url))
        assert meta(page, "twitter:card") == ["summary_large_image"]
        assert meta(page, "twitter:title") == ["Storm tops the harbour wall"]
        assert meta(page, "twitter:description") == [post.summary]
        assert meta(page, "twitter:image") == meta(page, "og:image")

    def test_without_lead_image(self, client, news_index):
        plain = NewsPageFactory(parent=news_index, title="No picture")
        page = html(client.get(plain.url))
        assert meta(page, "twitter:card") == ["summary"]
        assert meta(page, "og:image") == []
        assert "image" not in json_ld(page)

    def test_json_ld_news_article(self, client, post):
        data = json_ld(html(client.get(post.url)))
        assert data["@context"] == "https://schema.org"
        assert data["@type"] == "NewsArticle"
        assert data["headline"] == "Storm tops the harbour wall"
        assert data["description"] == post.summary
        assert data["datePublished"] == "2017-02-14T08:05:00+00:00"
        assert data["dateModified"] == "2017-02-14T09:30:00+00:00"
        assert data["author"] == [
            {
                "@type": "Person",
                "name": "Maren Holt",
                "url": "http://localhost/news/authors/maren-holt/",
            },
            {
                "@type": "Person",
                "name": "Luis Ferreira",
                "url": "http://localhost/news/authors/luis-ferreira/",
            },
        ]
        assert data["publisher"] == {
            "@type": "Organization",
            "name": "Newsdesk",
            "url": "http://localhost/",
        }
        assert data["mainEntityOfPage"] == {"@type": "WebPage", "@id": POST_URL}
        [image] = data["image"]
        assert image.startswith("http://localhost/media/images/")

    @override_settings(TIME_ZONE="Europe/Oslo")
    def test_dates_in_the_site_time_zone(self, client, post):
        page = html(client.get(post.url))
        assert meta(page, "article:published_time") == ["2017-02-14T09:05:00+01:00"]
        assert meta(page, "article:modified_time") == ["2017-02-14T10:30:00+01:00"]
        assert json_ld(page)["datePublished"] == "2017-02-14T09:05:00+01:00"

    @override_settings(TIME_ZONE="Europe/Oslo")
    def test_a_post_never_published_is_dated_midnight_of_its_publication_date(self, client, post):
        """A post with no publish time (no first publication recorded) falls back to the
        start of its publication date, in the site's time zone."""
        type(post).objects.filter(pk=post.pk).update(first_published_at=None)
        page = html(client.get(post.url))
        assert meta(page, "article:published_time") == ["2017-02-14T00:00:00+01:00"]
        assert json_ld(page)["datePublished"] == "2017-02-14T00:00:00+01:00"

    def test_title_cannot_break_out_of_the_json_ld_script(self, client, news_index):
        title = "Alert </script><script>alert(1)</script> & <!-- more"
        nasty = NewsPageFactory(
            parent=news_index, title=title, summary="</script><b>bold</b>", slug="nasty"
        )
        response = client.get(nasty.url)
        content = response.content.decode()
        assert "<script>alert(1)" not in content
        assert "<b>bold</b>" not in content
        page = html(response)
        # The only script elements are the JSON-LD one: nothing was injected.
        assert [script["type"] for script in page.find_all("script")] == ["application/ld+json"]
        data = json_ld(page)
        assert data["headline"] == title
        assert data["description"] == "</script><b>bold</b>"
        assert meta(page, "og:title") == [title]

    def test_draft_preview_has_metadata_without_published_date(self, admin_client, news_index):
        """The admin preview of a never-published post renders its head without errors."""
        draft = NewsPageFactory(parent=news_index, title="Draft", live=False)
        revision = draft.save_revision()
        response = admin_client.get(f"/admin/pages/{draft.pk}/revisions/{revision.pk}/view/")
        assert response.status_code == 200
        data = json_ld(BeautifulSoup(response.content, "html.parser"))
        assert data["headline"] == "Draft"
        assert data["dateModified"] == data["datePublished"]


class TestOtherPagesMetadata:
    def test_home_page(self, client, home_page, news_index):
        page = html(client.get("/"))
        assert page.head.select_one('link[rel="canonical"]')["href"] == "http://localhost/"
        assert meta(page, "og:type") == ["website"]
        assert meta(page, "og:url") == ["http://localhost/"]
        assert meta(page, "og:title") == [home_page.title]
        assert page.select('script[type="application/ld+json"]') == []

    def test_standard_page(self, client, home_page):
        about = StandardPageFactory(
            parent=home_page, title="About us", slug="about", search_description="Who we are"
        )
        page = html(client.get(about.url))
        assert page.head.select_one('link[rel="canonical"]')["href"] == "http://localhost/about/"
        assert meta(page, "og:type") == ["website"]
        assert meta(page, "og:title") == ["About us"]
        assert meta(page, "og:description") == ["Who we are"]

    @pytest.mark.parametrize(
        "url,canonical,title",
        [
            ("/news/", "http://localhost/news/", "News"),
            ("/news/tags/storm/", "http://localhost/news/tags/storm/", "Posts tagged “Storm”"),
            ("/news/?tag=storm", "http://localhost/news/tags/storm/", "Posts tagged “Storm”"),
            ("/news/2017/02/", "http://localhost/news/2017/02/", "February 2017"),
        ],
    )
    def test_news_index_views(self, client, post, url, canonical, title):
        page = html(client.get(url))
        assert page.head.select_one('link[rel="canonical"]')["href"] == canonical
        assert meta(page, "og:url") == [canonical]
        assert meta(page, "og:title") == [title]

    @override_settings(NEWSDESK_PAGE_SIZE=1)
    def test_later_listing_pages_keep_their_page_number(self, client, post, news_index):
        NewsPageFactory(parent=news_index, publication_date=datetime.date(2017, 1, 1))
        page = html(client.get("/news/?page=2"))
        canonical = page.head.select_one('link[rel="canonical"]')["href"]
        assert canonical == "http://localhost/news/?page=2"

    def test_search_page_has_no_canonical(self, client, news_index):
        page = html(client.get("/search/?q=storm"))
        assert page.head.select('link[rel="canonical"]') == []
        assert meta(page, "robots") == ["noindex"]


class TestSitemap:
    def sitemap(self, client):
        response = client.get("/sitemap.xml")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/xml")
        root = ET.fromstring(response.content)  # noqa: S314 (our own response)
        return {
            url.findtext("sm:loc", namespaces=SITEMAP_NS): url.findtext(
                "sm:lastmod", namespaces=SITEMAP_NS
            )
            for url in root.findall("sm:url", SITEMAP_NS)
        }

    def test_lists_reader_visible_pages_only(self, client, home_page, news_index, post):
        NewsPageFactory(parent=news_index, slug="draft", live=False)
        private = NewsPageFactory(parent=news_index, slug="private")
        PageViewRestriction.objects.create(
            page=private, restriction_type=PageViewRestriction.PASSWORD, password="secret"
        )
        NewsPageFactory(
            parent=news_index,
            slug="expired",
            expire_at=timezone.now() - datetime.timedelta(hours=1),
        )
        about = StandardPageFactory(parent=home_page, slug="about")
        members = StandardPageFactory(parent=about, slug="members")
        PageViewRestriction.objects.create(page=about, restriction_type=PageViewRestriction.LOGIN)
        StandardPageFactory(parent=home_page, slug="contact")
        StandardPageFactory(
            parent=home_page,
            slug="old-offer",
            expire_at=timezone.now() - datetime.timedelta(days=1),
        )

        urls = self.sitemap(client)
        assert set(urls) == {
            "http://localhost/",
            "http://localhost/news/",
            POST_URL,
            "http://localhost/contact/",
            # The author pages of the post's authors (tests/news/test_author_pages.py).
            "http://localhost/news/authors/maren-holt/",
            "http://localhost/news/authors/luis-ferreira/",
        }
        assert urls[POST_URL] == "2017-02-14"
        assert members.full_url not in urls  # under a restricted page: private too

    def test_live_post_with_future_expiry_is_listed(self, client, news_index):
        NewsPageFactory(
            parent=news_index,
            slug="still-fresh",
            expire_at=timezone.now() + datetime.timedelta(days=1),
        )
        assert "http://localhost/news/still-fresh/" in self.sitemap(client)


class TestRobots:
    def test_robots_txt(self, client):
        response = client.get("/robots.txt")
        assert response.status_code == 200
        assert response["Content-Type"] == "text/plain; charset=utf-8"
        lines = response.content.decode().splitlines()
        assert "User-agent: *" in lines
        assert "Disallow: /admin/" in lines
        assert "Disallow: /search/" in lines
        assert "Disallow: /api/" in lines
        assert "Disallow: /" not in lines
        # On the default Site's root URL (cms/core/site_urls.py), whatever host was asked.
        assert "Sitemap: http://localhost/sitemap.xml" in lines

    def test_sitemap_line_is_on_the_serving_sites_root_url(self, client, home_page, settings):
        settings.ALLOWED_HOSTS = ["news.example.com"]
        Site.objects.filter(is_default_site=True).update(hostname="news.example.com", port=443)
        response = client.get("/robots.txt", headers={"host": "news.example.com"})
        assert "Sitemap: https://news.example.com/sitemap.xml" in response.content.decode()
