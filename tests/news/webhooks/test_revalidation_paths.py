"""Webhook payloads carry what a frontend revalidates (issue #15, item 9): the page's
path, the paths of the listings that show it, and after a move or a slug change the path
it had (``page.moved``)."""

import datetime
import json

import pytest
from wagtail.models import PageViewRestriction

from news.webhooks.models import WebhookDelivery
from tests.news.factories import NewsIndexPageFactory, NewsPageFactory
from tests.news.webhooks.factories import WebhookEndpointFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("persistent_tasks")]

EVERY_EVENT = ["page.published", "page.unpublished", "page.deleted", "page.moved"]


def deliveries(event):
    return [json.loads(d.body)["page"] for d in WebhookDelivery.objects.filter(event=event)]


@pytest.fixture
def post(news_index):
    return NewsPageFactory(
        parent=news_index,
        title="Harbour wall",
        slug="harbour-wall",
        publication_date=datetime.date(2026, 11, 30),
        tags=["Storm", "Port Alder"],
    )


def test_published_carries_the_page_path_and_its_listings(
    post, django_capture_on_commit_callbacks
):
    WebhookEndpointFactory(events=EVERY_EVENT)
    with django_capture_on_commit_callbacks(execute=True):
        post.save_revision().publish()
    [page] = deliveries("page.published")
    assert page["path"] == "/news/harbour-wall/"
    assert page["old_path"] is None
    assert page["listing_paths"][:2] == ["/", "/news/"]  # the home page, the index
    assert set(page["listing_paths"]) == {
        "/",
        "/news/",
        "/news/tags/storm/",
        "/news/tags/port-alder/",
        "/news/2026/11/",
    }


def test_a_slug_change_on_a_live_page_sends_moved_with_the_old_path(
    post, django_capture_on_commit_callbacks
):
    WebhookEndpointFactory(events=EVERY_EVENT)
    with django_capture_on_commit_callbacks(execute=True):
        post.slug = "harbour-wall-repaired"
        post.save_revision().publish()
    [moved] = deliveries("page.moved")
    assert (moved["path"], moved["old_path"]) == (
        "/news/harbour-wall-repaired/",
        "/news/harbour-wall/",
    )
    assert "/news/" in moved["listing_paths"]


def test_moving_a_live_page_sends_moved_with_the_old_path(
    post, home_page, django_capture_on_commit_callbacks
):
    sport = NewsIndexPageFactory(parent=home_page, title="Sport", slug="sport")
    WebhookEndpointFactory(events=EVERY_EVENT)
    with django_capture_on_commit_callbacks(execute=True):
        post.move(sport, pos="last-child")
    [moved] = deliveries("page.moved")
    assert (moved["path"], moved["old_path"]) == ("/sport/harbour-wall/", "/news/harbour-wall/")
    # The listings where it is now and those it left.
    assert {"/sport/", "/news/", "/news/tags/storm/", "/news/2026/11/"} <= set(
        moved["listing_paths"]
    )


def test_renaming_a_draft_before_its_first_publish_sends_no_old_path(
    news_index, django_capture_on_commit_callbacks
):
    WebhookEndpointFactory(events=EVERY_EVENT)
    draft = NewsPageFactory(parent=news_index, slug="acme-embargoed", live=False)
    with django_capture_on_commit_callbacks(execute=True):
        draft.slug = "acme-results"
        draft.save_revision().publish()
    assert deliveries("page.moved") == []
    assert deliveries("page.published")[0]["path"] == "/news/acme-results/"


def test_moving_into_a_private_section_is_an_unpublish_and_out_of_one_has_no_old_path(
    post, home_page, django_capture_on_commit_callbacks
):
    staff = NewsIndexPageFactory(parent=home_page, title="Staff", slug="staff")
    PageViewRestriction.objects.create(page=staff, restriction_type="login")
    WebhookEndpointFactory(events=EVERY_EVENT)
    with django_capture_on_commit_callbacks(execute=True):
        post.move(staff, pos="last-child")
    [gone] = deliveries("page.unpublished")
    assert gone == {
        "id": post.pk,
        "type": "news.NewsPage",
        "old_path": "/news/harbour-wall/",
        "listing_paths": gone["listing_paths"],
    }
    assert "/news/" in gone["listing_paths"] and "title" not in gone
    assert deliveries("page.moved") == []
    post.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        post.move(post.get_parent().get_parent().get_children().get(slug="news"), pos="last-child")
    [back] = deliveries("page.moved")
    assert back["path"] == "/news/harbour-wall/"
    assert back["old_path"] is None  # where it was, readers could not see


def test_drafts_moving_send_nothing_and_old_subscriptions_get_no_moves(
    news_index, home_page, django_capture_on_commit_callbacks
):
    WebhookEndpointFactory(events=EVERY_EVENT)
    draft = NewsPageFactory(parent=news_index, slug="draft", live=False)
    with django_capture_on_commit_callbacks(execute=True):
        draft.move(NewsIndexPageFactory(parent=home_page, slug="other"), pos="last-child")
    assert deliveries("page.moved") == []


def test_an_endpoint_that_did_not_ask_for_moves_does_not_get_them(
    post, django_capture_on_commit_callbacks
):
    WebhookEndpointFactory()  # the page events of earlier versions, without page.moved
    with django_capture_on_commit_callbacks(execute=True):
        post.slug = "renamed"
        post.save_revision().publish()
    assert WebhookDelivery.objects.filter(event="page.moved").count() == 0
    assert deliveries("page.published")[0]["path"] == "/news/renamed/"
