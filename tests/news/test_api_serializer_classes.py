"""API v2 page serializers are built once per set of fields (news/api/v2/pages.py,
``NewsPagesAPIViewSet._get_serializer_class`` and ``NewsdeskPageSerializer.get_fields``):
Wagtail builds a serializer class per request and Django REST framework its fields from
the model for each new class. The answers stay what a class built afresh gives, for
every ``fields`` shape, and made-up ``fields`` values cannot grow the memo without bound.

The response cache is off, so every request reaches the view, as after a miss."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from news.api.v2.pages import NewsdeskPageSerializer, NewsPagesAPIViewSet
from tests.news.factories import ImageFactory, NewsPageFactory

pytestmark = pytest.mark.django_db

QUERIES = [
    "/api/v2/pages/?type=news.NewsPage",
    "/api/v2/pages/?type=news.NewsPage&fields=*",
    "/api/v2/pages/?type=news.NewsPage&fields=_,title,tags",
    "/api/v2/pages/?type=news.NewsPage&fields=-title,authors",
    "/api/v2/pages/?type=news.NewsPage&fields=lead_image,body",
    "/api/v2/pages/",
    "/api/v2/pages/{id}/",
    "/api/v2/pages/{id}/?fields=-body,-body_html",
    "/api/v2/pages/{id}/?fields=_,title,parent",
    "/api/v2/pages/{index}/",
]


@pytest.fixture(autouse=True)
def response_cache_off(settings):
    settings.NEWSDESK_RESPONSE_CACHE = False


@pytest.fixture(autouse=True)
def no_classes_left_over():
    NewsPagesAPIViewSet._serializer_classes.clear()
    yield
    NewsPagesAPIViewSet._serializer_classes.clear()


@pytest.fixture
def post(news_index):
    return NewsPageFactory(parent=news_index, slug="storm", lead_image=ImageFactory())


def answers(client, post, news_index):
    result = {}
    for query in QUERIES:
        response = client.get(query.format(id=post.pk, index=news_index.pk))
        assert response.status_code == 200, (query, response.content[:300])
        result[query] = response.json()
    return result


def test_answers_are_those_of_classes_built_afresh(client, post, news_index, monkeypatch):
    remembered = answers(client, post, news_index)
    assert answers(client, post, news_index) == remembered  # (from the remembered classes)
    assert len(NewsPagesAPIViewSet._serializer_classes) >= len(QUERIES) - 1
    # Wagtail's own: a class per request, its fields built from the model each time.
    monkeypatch.setattr(
        NewsPagesAPIViewSet,
        "_serializer_classes",
        type("Forgetful", (dict,), {"__setitem__": lambda self, key, value: None})(),
    )
    monkeypatch.setattr(
        NewsdeskPageSerializer,
        "get_fields",
        lambda self: super(NewsdeskPageSerializer, self).get_fields(),
    )
    assert answers(client, post, news_index) == remembered


def test_one_class_per_set_of_fields(client, post):
    client.get("/api/v2/pages/?type=news.NewsPage&fields=title")
    client.get("/api/v2/pages/?type=news.NewsPage&fields=title")
    assert len(NewsPagesAPIViewSet._serializer_classes) == 1
    client.get("/api/v2/pages/?type=news.NewsPage&fields=summary")
    assert len(NewsPagesAPIViewSet._serializer_classes) == 2


def test_each_response_gets_fields_of_its_own(client, post):
    """The remembered fields are copied for each serializer: binding one response's does
    not touch the next one's."""
    serializer_class = None
    for _ in range(2):
        client.get("/api/v2/pages/?type=news.NewsPage&fields=title")
        (serializer_class,) = NewsPagesAPIViewSet._serializer_classes.values()
    first, second = serializer_class(), serializer_class()
    assert first.fields["title"] is not second.fields["title"]
    assert first.fields["title"].parent is first


def test_made_up_fields_cannot_grow_the_memo_without_bound(client, post, monkeypatch):
    monkeypatch.setattr(NewsPagesAPIViewSet, "MAX_SERIALIZER_CLASSES", 3)
    for fields in ["title", "summary", "breaking", "tags", "authors"]:
        assert client.get(f"/api/v2/pages/?type=news.NewsPage&fields={fields}").status_code == 200
        assert len(NewsPagesAPIViewSet._serializer_classes) <= 3


def test_an_unknown_field_is_still_a_400_and_not_remembered(client, post):
    response = client.get("/api/v2/pages/?type=news.NewsPage&fields=nonsense")
    assert response.status_code == 400
    assert "nonsense" in response.json()["message"]
    assert NewsPagesAPIViewSet._serializer_classes == {}


def test_the_locale_is_joined_only_for_a_listing_that_shows_it(client, news_index):
    for n in range(3):
        NewsPageFactory(parent=news_index, slug=f"post-{n}")
    path = "/api/v2/pages/?type=news.NewsPage&fields=_,title"
    client.get(path)
    client.get(path + ",locale")
    with CaptureQueriesContext(connection) as plain:
        assert client.get(path).status_code == 200
    with CaptureQueriesContext(connection) as with_locale:
        response = client.get(path + ",locale")
    assert [item["meta"]["locale"] for item in response.json()["items"]] == ["en-gb"] * 3
    assert len(with_locale) == len(plain)  # joined, not a query per post
    assert not any("wagtailcore_locale" in q["sql"] for q in plain)
    assert any("wagtailcore_locale" in q["sql"] for q in with_locale)
