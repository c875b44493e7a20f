"""The page chooser editors use for related articles and internal links: a news index's
posts newest first, each with its publication date and status; search finds them."""

import datetime
import re

import pytest
from bs4 import BeautifulSoup

from tests.news.factories import NewsPageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def posts(news_index):
    return [
        NewsPageFactory(
            parent=news_index,
            title=title,
            publication_date=datetime.date(2026, 11, day),
            live=live,
        )
        for title, day, live in [
            ("Oldest harbour story", 1, True),
            ("Newest harbour story", 20, True),
            ("Middle harbour story", 10, False),
        ]
    ]


def rows(response):
    html = (
        response.json()["html"]
        if response["Content-Type"] == "application/json"
        else response.content
    )
    soup = BeautifulSoup(html, "html.parser")
    return [
        " ".join(row.get_text(" ", strip=True).split())
        for row in soup.select("tbody tr")
        if "parent-page" not in (row.get("class") or [])
    ]


def test_a_news_index_lists_its_posts_newest_first_with_date_and_status(
    client, editor, news_index, posts
):
    client.force_login(editor)
    response = client.get(f"/admin/choose-page/{news_index.pk}/", {"page_type": "news.newspage"})
    assert response.status_code == 200
    listed = rows(response)
    titles = [re.match(r"(\w+ harbour story)", row)[1] for row in listed]
    assert titles == ["Newest harbour story", "Middle harbour story", "Oldest harbour story"]
    assert "20 Nov 2026" in listed[0]
    assert "status: draft" in listed[1]
    assert "Published" in response.json()["html"]  # the column heading


def test_search_finds_posts_and_shows_their_date(client, editor, posts):
    client.force_login(editor)
    response = client.get(
        "/admin/choose-page/search/", {"q": "newest harb", "page_type": "news.newspage"}
    )
    assert response.status_code == 200
    assert [row.split(" harbour story")[0] for row in rows(response)] == ["Newest"]
    assert "20 Nov 2026" in rows(response)[0]


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get("/admin/choose-page/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
