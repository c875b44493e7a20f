"""Pages not found: the site's own 404 page, with DEBUG on too (unless the technical page
is asked for), one named search landmark per form."""

import pytest
from bs4 import BeautifulSoup
from django.test import override_settings

pytestmark = pytest.mark.django_db

TECHNICAL = "seeing this error because you have <code>DEBUG = True</code>"
# A Wagtail address with no page, and one no URL pattern matches at all.
UNKNOWN = ["/no/such/page/", "/no-such-file.php"]


def site_404(response):
    assert response.status_code == 404
    content = response.content.decode()
    assert TECHNICAL not in content
    soup = BeautifulSoup(content, "html.parser")
    assert soup.h1.get_text() == "Page not found"
    assert soup.select_one("header.site-header .site-title") is not None
    return soup


@pytest.mark.parametrize("url", UNKNOWN)
@pytest.mark.parametrize("debug", [False, True])
def test_unknown_addresses_show_the_sites_404_page(client, home_page, url, debug):
    with override_settings(DEBUG=debug, NEWSDESK_TECHNICAL_404=False):
        soup = site_404(client.get(url))
    form = soup.select_one("main form")
    assert form["action"] == "/search/"
    assert "search-form" in form["class"]
    assert form.select_one("input[type=search]")["name"] == "q"


@pytest.mark.parametrize("url", UNKNOWN)
def test_the_technical_page_on_request(client, home_page, url):
    with override_settings(DEBUG=True, NEWSDESK_TECHNICAL_404=True):
        response = client.get(url)
    assert response.status_code == 404
    assert TECHNICAL in response.content.decode()


def test_the_technical_setting_does_nothing_without_debug(client, home_page):
    with override_settings(DEBUG=False, NEWSDESK_TECHNICAL_404=True):
        site_404(client.get("/no/such/page/"))


@override_settings(DEBUG=True, NEWSDESK_TECHNICAL_404=False)
def test_slash_redirects_and_api_errors_are_left_alone(client, news_index):
    response = client.get("/news")
    assert response.status_code == 301
    assert response["Location"] == "/news/"
    response = client.get("/api/v2/pages/999999/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert "message" in response.json()


@override_settings(DEBUG=True, NEWSDESK_TECHNICAL_404=False)
def test_a_private_or_draft_page_is_the_same_404(client, news_index):
    from tests.news.factories import NewsPageFactory

    draft = NewsPageFactory(parent=news_index, slug="draft-story", live=False, title="Secret")
    response = client.get("/news/draft-story/")
    soup = site_404(response)
    assert draft.title not in soup.get_text()


def test_the_404_pages_two_search_forms_are_distinct_landmarks(client, home_page):
    soup = site_404(client.get("/no/such/page/"))
    names = [form.get("aria-label") for form in soup.select('[role="search"]')]
    assert names == ["Site search", "Find a story"]
    ids = [element["id"] for element in soup.find_all(id=True)]
    assert len(ids) == len(set(ids))
