"""The reader search page at /search/."""

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command
from wagtail.models import PageViewRestriction

from tests.news.factories import NewsPageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def posts(news_index):
    live = NewsPageFactory(parent=news_index, title="Harbour wall breached")
    draft = NewsPageFactory(parent=news_index, title="Harbour secret draft", live=False)
    private = NewsPageFactory(parent=news_index, title="Harbour private memo")
    PageViewRestriction.objects.create(page=private, restriction_type="login")
    call_command("update_index", verbosity=0)
    return live, draft, private


def titles(response):
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    return [h.get_text(strip=True) for h in soup.select(".news-card__title")]


def test_finds_only_published_public_news(client, posts):
    assert titles(client.get("/search/", {"q": "harbour"})) == ["Harbour wall breached"]


def test_search_page_is_not_indexed_by_robots(client, posts):
    assert b'<meta name="robots" content="noindex">' in client.get("/search/?q=x").content


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        "x" * 1200,
        '"unbalanced',
        "NEAR AND OR *",
        "'; DROP TABLE news;--",
        "泥石流 🌊",
        "!!!",
    ],
)
def test_odd_queries_never_fail(client, posts, query):
    assert client.get("/search/", {"q": query}).status_code == 200


def test_bad_result_page_is_404(client, posts):
    assert client.get("/search/", {"q": "harbour", "page": "abc"}).status_code == 404
    assert client.get("/search/", {"q": "harbour", "page": "50"}).status_code == 404
