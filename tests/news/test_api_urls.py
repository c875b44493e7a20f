"""Every URL the API emits is absolute, on one per-site base (issue #15, item 1).

A frontend on another origin inserts ``body_html`` as it is and follows ``html_url``,
``detail_url`` and the ``find/`` redirect: a relative URL there is a broken image or a link
into the frontend's own routes.
"""

import re

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.documents import get_document_model
from wagtail.models import Site

from tests.news.factories import DisclaimerFactory, ImageFactory, NewsPageFactory, every_block_body

pytestmark = pytest.mark.django_db

SITE_BASE = "http://localhost"  # the default Site's root URL in the tests
FRONTEND = "https://www.frontend.example"


@pytest.fixture
def post(news_index):
    related = NewsPageFactory(parent=news_index, title="Earlier story")
    document = get_document_model().objects.create(
        title="Inspection report", file=ContentFile(b"%PDF-1.4 report", name="report.pdf")
    )
    # Wide enough for the three srcset widths (480, 800, 1200) to be three renditions.
    image = ImageFactory(file__width=1200, file__height=675)
    body = every_block_body(image=image, related_page=related, disclaimer=DisclaimerFactory())
    body.insert(
        1,
        {
            "type": "paragraph",
            "value": (
                f'<p>See <a linktype="page" id="{related.pk}">the earlier story</a> and '
                f'<a linktype="document" id="{document.pk}">the report</a>.</p>'
            ),
        },
    )
    post = NewsPageFactory(parent=news_index, title="Harbour wall", slug="harbour-wall", body=body)
    post.related, post.document = related, document
    return post


def urls_in(html):
    """Every URL in ``html``: (attribute, url) pairs, srcset split into its candidates."""
    soup = BeautifulSoup(html, "html.parser")
    found = []
    for tag in soup.find_all(True):
        for name in ("src", "href", "poster"):
            if tag.has_attr(name):
                found.append((name, tag[name]))
        if tag.has_attr("srcset"):
            found += [("srcset", part.split()[0]) for part in tag["srcset"].split(",")]
    return found


def body_html(client, post, version="v2", **params):
    response = client.get(f"/api/{version}/pages/{post.pk}/", params)
    assert response.status_code == 200, response.content[:300]
    return response.json()


@pytest.mark.parametrize("version", ["v2", "v3"])
def test_body_html_has_only_absolute_urls_that_resolve_on_the_site(client, post, version):
    data = body_html(client, post, version)
    urls = urls_in(data["body_html"])
    kinds = {name for name, _ in urls}
    assert {"src", "srcset", "href"} <= kinds, urls
    relative = [(name, url) for name, url in urls if not url.startswith(("http://", "https://"))]
    assert relative == []
    own = [url for _, url in urls if url.startswith(SITE_BASE)]
    # The image and each srcset candidate, the related article, the internal link, the
    # document: all on the site.
    assert any("/media/images/" in url for url in own)
    assert sum("/media/images/" in url for url in own) >= 4  # src + three srcset widths
    assert f"{SITE_BASE}{post.related.url}" in own
    assert any(url.startswith(f"{SITE_BASE}/documents/{post.document.pk}/") for url in own)
    # Each image URL names a file that exists (the server serves MEDIA_URL from storage).
    for url in own:
        if url.startswith(SITE_BASE + settings.MEDIA_URL):
            assert default_storage.exists(url.removeprefix(SITE_BASE + settings.MEDIA_URL)), url


def test_the_frontend_setting_points_page_links_at_the_frontend_and_files_at_the_site(
    client, post, settings
):
    settings.NEWSDESK_FRONTEND_URL = FRONTEND
    settings.NEWSDESK_RESPONSE_CACHE = False
    data = body_html(client, post)
    urls = [url for _, url in urls_in(data["body_html"])]
    assert f"{FRONTEND}{post.related.url}" in urls
    assert all(
        url.startswith(SITE_BASE) for url in urls if "/media/" in url or "/documents/" in url
    )
    assert data["meta"]["html_url"] == f"{FRONTEND}{post.url}"
    article = next(block for block in data["body"] if block["type"] == "related_articles")
    assert article["value"]["items"][0]["html_url"] == f"{FRONTEND}{post.related.url}"
    assert data["lead_image"] is None or data["lead_image"]["renditions"]["medium"][
        "url"
    ].startswith(SITE_BASE)
    # API v3 agrees: detail, its parent and listings.
    v3 = client.get(f"/api/v3/pages/{post.pk}/").json()
    assert v3["meta"]["html_url"] == f"{FRONTEND}{post.url}"
    assert v3["meta"]["parent"]["meta"]["html_url"] == f"{FRONTEND}{post.get_parent().url}"
    listed = client.get(f"/api/v3/pages/?type=news.NewsPage&slug={post.slug}").json()
    assert listed["items"][0]["meta"]["html_url"] == f"{FRONTEND}{post.url}"
    settings.NEWSDESK_FRONTEND_URL = ""
    v3 = client.get(f"/api/v3/pages/{post.pk}/").json()
    assert v3["meta"]["html_url"] == f"{SITE_BASE}{post.url}"


def test_detail_url_and_find_redirect_use_the_site_root_url(client, post, settings):
    settings.ALLOWED_HOSTS = ["news.example"]
    call_command("set_site_url", "http://news.example:8123", stdout=None)
    site = Site.objects.get(is_default_site=True)
    assert site.root_url == "http://news.example:8123"
    listing = client.get(
        "/api/v2/pages/",
        {"type": "news.NewsPage", "slug": "harbour-wall"},
        HTTP_HOST="news.example:8123",
    ).json()
    item = listing["items"][0]
    assert item["meta"]["detail_url"] == f"http://news.example:8123/api/v2/pages/{post.pk}/"
    assert item["meta"]["html_url"].startswith("http://news.example:8123/")
    found = client.get(
        "/api/v2/pages/find/", {"html_path": post.url}, HTTP_HOST="news.example:8123"
    )
    assert found.status_code == 302
    assert found["Location"].startswith(f"http://news.example:8123/api/v2/pages/{post.pk}/")


def test_body_html_in_a_slug_lookup_is_one_request(client, post):
    data = client.get(
        "/api/v2/pages/",
        {"type": "news.NewsPage", "slug": "harbour-wall", "fields": "body_html"},
    ).json()
    assert [item["id"] for item in data["items"]] == [post.pk]
    html = data["items"][0]["body_html"]
    assert 'class="block-quote"' in html and re.search(r'src="http://localhost/media/', html)


def test_body_html_in_listings_costs_a_fixed_number_of_queries(client, news_index, settings):
    settings.NEWSDESK_RESPONSE_CACHE = False
    related = NewsPageFactory(parent=news_index, title="Related")
    disclaimer = DisclaimerFactory()
    for number in range(6):
        NewsPageFactory(
            parent=news_index,
            title=f"Post {number}",
            body=every_block_body(
                image=ImageFactory(), related_page=related, disclaimer=disclaimer
            ),
        )
    url = "/api/v2/pages/?type=news.NewsPage&fields=_,title,body_html&limit={}"
    client.get(url.format(7))  # renditions are made once
    with CaptureQueriesContext(connection) as one:
        assert len(client.get(url.format(1)).json()["items"]) == 1
    with CaptureQueriesContext(connection) as many:
        assert len(client.get(url.format(7)).json()["items"]) == 7
    assert len(many) == len(one), [q["sql"][:100] for q in many.captured_queries]


def test_documents_and_images_download_urls_are_on_the_site(client, post):
    documents = client.get("/api/v2/documents/", {"fields": "download_url"}).json()["items"]
    assert documents and all(
        item["meta"]["download_url"].startswith(f"{SITE_BASE}/documents/") for item in documents
    )
    images = client.get("/api/v2/images/", {"fields": "download_url"}).json()["items"]
    assert images and all(
        item["meta"]["download_url"].startswith(f"{SITE_BASE}/media/") for item in images
    )


@pytest.mark.parametrize("version", ["v2", "v3"])
def test_links_to_pages_in_paragraphs_cost_no_query_per_post(
    client, news_index, settings, version
):
    """Wagtail resolves the page links of each rich text with a query of its own; the
    response's resolver loads every linked page at once (cms/core/rich_text.py), so
    bodies full of internal links list at a fixed number of queries, links intact."""
    settings.NEWSDESK_RESPONSE_CACHE = False
    targets = [NewsPageFactory(parent=news_index, title=f"Target {n}") for n in range(6)]
    for number, target in enumerate(targets):
        paragraphs = [
            {
                "type": "paragraph",
                "value": f'<p>See <a linktype="page" id="{target.pk}">this</a> and '
                f'<a id="{targets[0].pk}" linktype="page">that</a> ({n}).</p>',
            }
            for n in range(3)
        ]
        NewsPageFactory(parent=news_index, title=f"Linking {number}", body=paragraphs)
    listing = f"/api/{version}/pages/?type=news.NewsPage&fields=body,body_html&order=-id"
    listing += "&limit={}"
    client.get(listing.format(6))  # counts, expiry times and site paths remembered once
    counts = []
    for limit in (1, 6):
        with CaptureQueriesContext(connection) as queries:
            data = client.get(listing.format(limit)).json()
        counts.append([q["sql"][:150] for q in queries.captured_queries])
    assert len(counts[0]) == len(counts[1]), "\n".join(counts[0] + ["----"] + counts[1])
    first = data["items"][0]  # "Linking 5", linking to Target 5 and Target 0
    hrefs = re.findall(r'href="([^"]+)"', first["body_html"] + first["body"][0]["value"])
    assert f"{SITE_BASE}{targets[5].url}" in hrefs and f"{SITE_BASE}{targets[0].url}" in hrefs
    assert all(href.startswith(SITE_BASE + "/news/") for href in hrefs), hrefs
