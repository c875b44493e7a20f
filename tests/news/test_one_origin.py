"""One origin in every response: the Site's configured root URL.

Canonical links, OpenGraph and JSON-LD, the sitemap, robots.txt's Sitemap line and both
feeds (their items and their own ``self`` link) all name the address set on the Site
(``manage.py set_site_url``), whatever host the request named: a reader who reached the
site by another name (``localhost`` for ``127.0.0.1``, a load balancer's address) gets
the same links, and a stored copy of a page is right for every host.
"""

import datetime
import json
import re
import xml.etree.ElementTree as ET

import pytest
from bs4 import BeautifulSoup
from wagtail.models import Site

from news.models import NewsSettings
from tests.home.factories import StandardPageFactory
from tests.news.factories import AuthorFactory, ImageFactory, NewsPageFactory, image_block

pytestmark = pytest.mark.django_db

SITE_ORIGIN = "http://news.example.com:8000"
# Names that are URIs but not links: XML namespaces and vocabularies.
NOT_LINKS = (
    "http://www.w3.org/",
    "http://www.sitemaps.org/",
    "http://www.google.com/schemas/",
    "http://purl.org/",
    "http://search.yahoo.com/mrss/",
    "http://backend.userland.com/",
    "https://schema.org",
)
ABSOLUTE_URL = re.compile(r"""https?://[^\s"'<>\\]+""")


def absolute_urls(text):
    return [url for url in ABSOLUTE_URL.findall(text) if not url.startswith(NOT_LINKS)]


@pytest.fixture
def site(home_page, settings):
    settings.ALLOWED_HOSTS = ["news.example.com", "localhost", "other.example", "testserver"]
    site = Site.objects.get(is_default_site=True)
    site.hostname, site.port = "news.example.com", 8000
    site.save()
    settings_row = NewsSettings.for_site(site)
    settings_row.default_share_image = ImageFactory(title="Harbour skyline")
    settings_row.publisher_logo = ImageFactory(title="Logo", file__width=900, file__height=90)
    settings_row.save()
    return site


@pytest.fixture
def post(site, news_index):
    author = AuthorFactory(name="Maren Holt")
    NewsPageFactory(parent=news_index, title="Older", slug="older", tags=["Storm"])
    return NewsPageFactory(
        parent=news_index,
        title="Storm tops the harbour wall",
        slug="storm",
        first_published_at=datetime.datetime(2017, 2, 14, 8, 5, tzinfo=datetime.UTC),
        lead_image=ImageFactory(title="Waves"),
        body=[image_block(ImageFactory(title="Pier"))],
        authors=[author],
        tags=["Storm"],
    )


PATHS = [
    "/news/storm/",
    "/",
    "/news/",
    "/news/tags/storm/",
    "/about/",
    "/robots.txt",
    "/sitemap.xml",
    "/feeds/news/rss/",
    "/feeds/news/atom/",
    "/feeds/tags/storm/rss/",
    "/feeds/tags/storm/atom/",
]


@pytest.mark.parametrize("host", ["news.example.com:8000", "localhost:8000", "other.example"])
@pytest.mark.parametrize("path", PATHS)
def test_every_absolute_url_is_on_the_sites_origin(client, post, home_page, host, path):
    StandardPageFactory(parent=home_page, title="About", slug="about")
    response = client.get(path, headers={"host": host})
    assert response.status_code == 200
    urls = absolute_urls(response.content.decode())
    assert urls, "the response names no absolute URL: nothing was checked"
    assert {url for url in urls if not url.startswith(SITE_ORIGIN + "/")} == set()


@pytest.mark.parametrize("host", ["news.example.com:8000", "localhost:8000"])
def test_the_article_head_names_the_sites_origin(client, post, host):
    page = BeautifulSoup(client.get(post.url, headers={"host": host}).content, "html.parser")
    canonical = page.head.select_one('link[rel="canonical"]')["href"]
    assert canonical == f"{SITE_ORIGIN}/news/storm/"
    assert page.head.select_one('meta[property="og:url"]')["content"] == canonical
    assert page.head.select_one('meta[property="og:image"]')["content"].startswith(
        f"{SITE_ORIGIN}/media/images/"
    )
    data = json.loads(page.select_one('script[type="application/ld+json"]').string)
    assert data["url"] == canonical
    assert data["mainEntityOfPage"]["@id"] == canonical
    assert data["publisher"]["url"] == f"{SITE_ORIGIN}/"
    assert data["publisher"]["logo"]["url"].startswith(f"{SITE_ORIGIN}/media/images/")
    assert all(image.startswith(f"{SITE_ORIGIN}/") for image in data["image"])


@pytest.mark.parametrize("host", ["localhost:8000", "other.example"])
def test_robots_txt_points_at_the_sitemap_on_the_sites_origin(client, post, host):
    lines = client.get("/robots.txt", headers={"host": host}).content.decode().splitlines()
    assert f"Sitemap: {SITE_ORIGIN}/sitemap.xml" in lines


@pytest.mark.parametrize("kind", ["rss", "atom"])
@pytest.mark.parametrize("host", ["localhost:8000", "other.example"])
def test_feed_self_link_is_on_the_sites_origin(client, post, kind, host):
    response = client.get(f"/feeds/news/{kind}/", headers={"host": host})
    root = ET.fromstring(response.content)  # noqa: S314 (our own response)
    atom = "{http://www.w3.org/2005/Atom}"
    links = root.iter(f"{atom}link")
    self_links = [link.get("href") for link in links if link.get("rel") == "self"]
    assert self_links == [f"{SITE_ORIGIN}/feeds/news/{kind}/"]


def test_sitemap_locations_are_on_the_sites_origin(client, post):
    response = client.get("/sitemap.xml", headers={"host": "localhost:8000"})
    root = ET.fromstring(response.content)  # noqa: S314 (our own response)
    namespace = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locations = [loc.text for loc in root.findall(".//sm:loc", namespace)]
    assert f"{SITE_ORIGIN}/news/storm/" in locations
    assert all(location.startswith(f"{SITE_ORIGIN}/") for location in locations)


def test_a_site_on_the_default_port_has_no_port_in_its_urls(client, post, site):
    site.port = 80
    site.save()
    response = client.get("/feeds/news/atom/", headers={"host": "localhost:8000"})
    urls = absolute_urls(response.content.decode())
    assert urls
    assert all(url.startswith("http://news.example.com/") for url in urls), urls
