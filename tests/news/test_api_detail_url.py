"""``meta.detail_url`` of API v2 pages (news/api/v2/pages.py, ``RememberedDetailUrlField``):
the endpoint's URL pattern is reversed once per process instead of once per item, and the
address is always the one Wagtail's own field writes, for every page type, under a script
prefix and with the API's base URL setting.

The response cache is off, so every request reaches the view, as after a miss."""

import pytest
from django.test.utils import override_script_prefix
from wagtail.api.v2 import views as wagtail_views
from wagtail.api.v2.serializers import DetailUrlField
from wagtail.models import Page

from news.api.v2.pages import RememberedDetailUrlField
from tests.news.factories import NewsPageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def response_cache_off(settings):
    settings.NEWSDESK_RESPONSE_CACHE = False


@pytest.fixture(autouse=True)
def no_prefixes_left_over():
    RememberedDetailUrlField._prefixes.clear()
    yield
    RememberedDetailUrlField._prefixes.clear()


@pytest.fixture
def posts(news_index):
    return [NewsPageFactory(parent=news_index, slug=f"story-{n}") for n in range(3)]


def listed(client, path="/api/v2/pages/?fields=_,id,detail_url&limit=50", **extra):
    response = client.get(path, **extra)
    assert response.status_code == 200, response.content[:300]
    return {item["id"]: item["meta"]["detail_url"] for item in response.json()["items"]}


def wagtails(client, monkeypatch, **extra):
    """What the same listing says with Wagtail's own field."""
    monkeypatch.setattr(RememberedDetailUrlField, "get_attribute", DetailUrlField.get_attribute)
    try:
        return listed(client, **extra)
    finally:
        monkeypatch.undo()


def test_every_page_type_gets_wagtails_address(client, posts, news_index, monkeypatch):
    ours = listed(client)
    assert set(ours) == set(Page.objects.live().exclude(depth=1).values_list("pk", flat=True))
    assert ours == wagtails(client, monkeypatch)
    assert ours[posts[0].pk] == f"http://localhost/api/v2/pages/{posts[0].pk}/"
    assert ours[news_index.pk] == f"http://localhost/api/v2/pages/{news_index.pk}/"


def test_under_a_script_prefix_and_a_base_url(client, posts, monkeypatch, settings):
    settings.WAGTAILAPI_BASE_URL = "https://api.example"
    with override_script_prefix("/cms/"):  # (as WSGI's SCRIPT_NAME sets it)
        ours = listed(client)
        assert ours[posts[1].pk] == f"https://api.example/cms/api/v2/pages/{posts[1].pk}/"
        assert ours == wagtails(client, monkeypatch)
    # Another prefix in the same process is not served the first one's.
    assert listed(client)[posts[1].pk] == f"https://api.example/api/v2/pages/{posts[1].pk}/"


def test_the_pattern_is_reversed_once_per_process(client, posts, monkeypatch):
    calls = []
    reverse = wagtail_views.reverse
    monkeypatch.setattr(
        wagtail_views,
        "reverse",
        lambda *args, **kwargs: calls.append(args) or reverse(*args, **kwargs),
    )
    listed(client)
    first = len(calls)
    assert first <= 2  # (one per page model listed, at most)
    listed(client)
    assert len(calls) == first  # and none for the next listing
