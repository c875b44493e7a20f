"""``meta.parent`` of API v2 details (news/api/v2/pages.py, ``RememberedParentField``): worked
out once per process and ``tree`` version for each parent and address, and always what
Wagtail would show: the parent's current title and addresses, or null when readers may not
see it.

The response cache is off, so every request reaches the view, as after a miss."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from tests.news.factories import NewsPageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def response_cache_off(settings):
    settings.NEWSDESK_RESPONSE_CACHE = False


@pytest.fixture
def posts(news_index):
    return [
        NewsPageFactory(parent=news_index, title=f"Story {n}", slug=f"story-{n}") for n in range(2)
    ]


def parent_of(client, page, **headers):
    response = client.get(f"/api/v2/pages/{page.pk}/", **headers)
    assert response.status_code == 200
    return response.json()["meta"]["parent"]


def test_the_parent_is_wagtails(client, posts, news_index):
    assert parent_of(client, posts[0]) == {
        "id": news_index.pk,
        "meta": {
            "type": "news.NewsIndexPage",
            "detail_url": f"http://localhost/api/v2/pages/{news_index.pk}/",
            "html_url": "http://localhost/news/",
        },
        "title": "News",
    }


def test_the_parent_is_worked_out_once_for_its_children(client, posts, news_index):
    parent_of(client, posts[0])
    with CaptureQueriesContext(connection) as queries:
        assert parent_of(client, posts[1])["id"] == news_index.pk
    parent_rows = [
        q["sql"] for q in queries if f'"wagtailcore_page"."id" = {news_index.pk}' in q["sql"]
    ]
    assert parent_rows == []


def test_a_renamed_parent_shows_at_once(client, posts, news_index):
    parent_of(client, posts[0])
    news_index.title = "Latest news"
    news_index.save_revision().publish()
    assert parent_of(client, posts[0])["title"] == "Latest news"
    assert parent_of(client, posts[1])["title"] == "Latest news"


def test_a_parent_readers_may_not_see_is_null(client, home_page, news_index, posts):
    # A post directly under the home page, whose parent (the site root's parent) is not
    # a page readers get: null, as Wagtail says, before and after the memo.
    top = NewsPageFactory(parent=home_page, title="Top story", slug="top")
    assert parent_of(client, top)["id"] == home_page.pk
    assert parent_of(client, home_page) is None
    assert parent_of(client, home_page) is None


def test_a_private_section_leaves_no_parent_behind(client, news_index, posts):
    parent_of(client, posts[0])
    PageViewRestriction.objects.create(
        page=news_index, restriction_type=PageViewRestriction.PASSWORD, password="s3cret"
    )
    response = client.get(f"/api/v2/pages/{posts[0].pk}/")
    assert response.status_code == 404  # the post went private with its section
