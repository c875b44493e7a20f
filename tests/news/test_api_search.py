"""Site-wide search in the API: without a type, or with several (issue #15, item 4)."""

import pytest

from home.models import StandardPage
from tests.news.factories import NewsPageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pages(news_index, home_page):
    post = NewsPageFactory(parent=news_index, title="Harbour wall repairs begin")
    other = NewsPageFactory(parent=news_index, title="Council budget agreed")
    draft = NewsPageFactory(parent=news_index, title="Harbour draft", live=False)
    about = StandardPage(title="About the harbour desk", slug="about")
    home_page.add_child(instance=about)
    return {"post": post, "other": other, "draft": draft, "about": about}


def found(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, response.content[:300]
    return {item["id"] for item in response.json()["items"]}


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"type": "news.NewsPage,home.StandardPage"},
        {"type": "wagtailcore.Page"},
    ],
)
def test_v2_search_without_a_type_or_with_several(client, pages, params):
    ids = found(client, "/api/v2/pages/", search="harbour", **params)
    assert ids == {pages["post"].pk, pages["about"].pk}


def test_v2_search_with_one_type_keeps_to_it(client, pages):
    ids = found(client, "/api/v2/pages/", search="harbour", type="home.StandardPage")
    assert ids == {pages["about"].pk}


def test_v3_search_without_a_type(client, pages):
    ids = found(client, "/api/v3/pages/", search="harbour")
    assert ids == {pages["post"].pk, pages["about"].pk}
