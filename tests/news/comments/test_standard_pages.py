"""Comments on standard pages (About, Contact, ...): shown under the page, the form when
the page allows comments, the API, moderation, webhooks, and nothing for pages readers
cannot see."""

import datetime
import json

import pytest
from bs4 import BeautifulSoup
from django.core import mail
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import PageViewRestriction

from news.comments.models import Comment, commentable_page_models
from news.webhooks.models import WebhookDelivery
from tests.home.factories import StandardPageFactory
from tests.news.comments.factories import CommentFactory
from tests.news.comments.helpers import form_data, post_url
from tests.news.factories import NewsPageFactory
from tests.news.webhooks.factories import WebhookEndpointFactory
from tests.news.workflow_helpers import make_user

pytestmark = pytest.mark.django_db

RECEIVED = "Thank you — your comment awaits moderation."


@pytest.fixture
def about(home_page):
    """A standard page that takes comments."""
    return StandardPageFactory(
        parent=home_page, title="About the harbour desk", slug="about", comments_enabled=True
    )


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


def section_of(client, page):
    response = client.get(page.url)
    assert response.status_code == 200
    return soup(response).select_one("section.comments")


def shown_bodies(client, page):
    section = section_of(client, page)
    return [node.get_text(" ", strip=True) for node in section.select(".comment__body")]


def api_payload(**overrides):
    data = form_data(**overrides)
    data.pop("homepage", None)
    if not data.get("parent"):
        data.pop("parent", None)
    return data


def test_standard_pages_and_news_posts_are_the_page_types_that_take_comments():
    assert {model._meta.label for model in commentable_page_models()} == {
        "news.NewsPage",
        "home.StandardPage",
    }


class TestOnThePage:
    def test_a_new_standard_page_takes_no_comments_and_shows_no_section(self, client, home_page):
        page = StandardPageFactory(parent=home_page, title="Contact")
        assert page.comments_enabled is False
        response = client.get(page.url)
        assert response.status_code == 200
        assert soup(response).select_one("section.comments") is None
        assert client.post(post_url(page), form_data()).status_code == 403
        assert not Comment.objects.exists()

    def test_approved_comments_show_even_with_comments_off_and_no_form(self, client, home_page):
        page = StandardPageFactory(parent=home_page, title="About", comments_enabled=False)
        start = timezone.now() - datetime.timedelta(days=3)
        top = CommentFactory(page=page, body="Kept from the old blog", submitted_at=start)
        CommentFactory(
            page=page,
            parent=top,
            body="A reply kept too",
            submitted_at=start + datetime.timedelta(hours=1),
        )
        for status in ("pending", "rejected", "spam"):
            CommentFactory(page=page, status=status, body=f"{status} words")

        section = section_of(client, page)

        assert section.select_one("h2").get_text(strip=True) == "2 comments"
        assert shown_bodies(client, page) == ["Kept from the old blog", "A reply kept too"]
        assert section.select_one(".comment-replies") is not None
        assert "Comments are closed on this page." in section.get_text()
        assert section.select_one("form") is None
        assert section.select_one(".comment__reply") is None
        assert "words" not in client.get(page.url).content.decode()

    def test_a_reader_comments_and_it_shows_once_approved(self, client, about):
        assert section_of(client, about).select_one("form")["action"] == post_url(about)
        assert "No comments yet." in section_of(client, about).get_text()

        response = client.post(post_url(about), form_data(body="Who edits the desk?"))

        assert response.status_code == 303
        assert response["Location"] == f"{about.url}?comment=received#comment-form"
        assert RECEIVED in client.get(f"{about.url}?comment=received").content.decode()
        comment = Comment.objects.get()
        assert (comment.page_id, comment.status) == (about.pk, Comment.Status.PENDING)
        assert shown_bodies(client, about) == []

        comment.set_status(Comment.Status.APPROVED)

        assert shown_bodies(client, about) == ["Who edits the desk?"]
        assert section_of(client, about).select_one("h2").get_text(strip=True) == "1 comment"

    def test_replies_stay_on_their_page(self, client, about, home_page, news_index):
        top = CommentFactory(page=about, body="Top")
        response = client.get(f"{about.url}?reply_to={top.pk}")
        assert "Reply to" in soup(response).select_one(".comment-form__heading").get_text()

        assert client.post(post_url(about), form_data(parent=str(top.pk))).status_code == 303
        reply = Comment.objects.get(parent=top)
        assert reply.page_id == about.pk

        other = StandardPageFactory(parent=home_page, comments_enabled=True)
        refused = client.post(post_url(other), form_data(parent=str(top.pk)))
        assert refused.status_code == 400
        assert "not on this page or is not shown" in refused.content.decode()

    def test_invalid_input_shows_the_page_again_with_the_errors(self, client, about):
        response = client.post(post_url(about), form_data(author_email="not-an-address"))
        assert response.status_code == 400
        assert soup(response).select_one("h1").get_text(strip=True) == "About the harbour desk"
        assert "Enter a valid email address." in response.content.decode()
        assert not Comment.objects.exists()

    @override_settings(NEWSDESK_COMMENTS_CLOSE_AFTER_DAYS=14)
    def test_closing_after_days_counts_from_posts_dates_only(self, client, about):
        about.first_published_at = timezone.now() - datetime.timedelta(days=3650)
        about.save()
        assert section_of(client, about).select_one("form") is not None
        assert client.post(post_url(about), form_data()).status_code == 303

    def test_approving_refreshes_the_cached_page(self, client, about):
        comment = CommentFactory(page=about, status=Comment.Status.PENDING, body="Late words")
        assert client.get(about.url)["X-Cache"] == "MISS"
        assert client.get(about.url)["X-Cache"] == "HIT"

        comment.set_status(Comment.Status.APPROVED)

        again = client.get(about.url)
        assert again["X-Cache"] == "MISS"
        assert "Late words" in again.content.decode()

    def test_page_queries_do_not_grow_with_comments(self, client, about, settings):
        settings.NEWSDESK_RESPONSE_CACHE = False  # every request reaches the view

        def queries():
            client.get(about.url)  # warm up per-process caches (site root paths, settings)
            with CaptureQueriesContext(connection) as captured:
                response = client.get(about.url)
            return response, len(captured)

        CommentFactory(page=about)
        response, few = queries()
        assert "1 comment" in response.content.decode()
        for _ in range(6):
            top = CommentFactory(page=about)
            CommentFactory(page=about, parent=top)
        response, many = queries()
        assert "13 comments" in response.content.decode()
        assert few and many <= few

    def test_previews_show_comments_and_say_the_form_comes_with_publishing(
        self, admin_client, about
    ):
        CommentFactory(page=about, body="Seen in the preview")
        response = admin_client.get(f"/admin/pages/{about.pk}/view_draft/")
        assert response.status_code == 200
        content = response.content.decode()
        assert "Seen in the preview" in content
        assert "once the page is published" in content
        assert 'class="comment-form"' not in content

    def test_editors_find_the_switch_in_the_settings_tab(self, admin_client, about):
        response = admin_client.get(f"/admin/pages/{about.pk}/edit/")
        assert response.status_code == 200
        checkbox = soup(response).select_one("input[name=comments_enabled]")
        assert checkbox is not None and checkbox.has_attr("checked")
        assert "Reader comments" in response.content.decode()

    def test_comments_go_with_their_page(self, about):
        CommentFactory.create_batch(2, page=about)
        about.delete()
        assert not Comment.objects.exists()


class TestPagesReadersCannotSee:
    """Drafts, private and expired standard pages: no comment anywhere public."""

    @pytest.fixture
    def hidden_pages(self, home_page):
        draft = StandardPageFactory(parent=home_page, live=False, comments_enabled=True)
        private = StandardPageFactory(parent=home_page, comments_enabled=True)
        PageViewRestriction.objects.create(
            page=private, restriction_type=PageViewRestriction.PASSWORD, password="x"
        )
        expired = StandardPageFactory(
            parent=home_page,
            comments_enabled=True,
            expire_at=timezone.now() - datetime.timedelta(hours=1),
        )
        pages = {"draft": draft, "private": private, "expired": expired}
        for name, page in pages.items():
            CommentFactory(page=page, body=f"Approved on the {name} page")
        return pages

    def test_the_form_and_both_apis_answer_404(self, client, hidden_pages):
        for page in hidden_pages.values():
            assert client.post(post_url(page), form_data()).status_code == 404
            listing = client.get(f"/api/v2/comments/?page={page.pk}")
            assert listing.status_code == 404
            assert "no published news post or standard page" in listing.json()["message"]
            assert client.get(f"/api/v3/pages/{page.pk}/comments/").status_code == 404
            submitted = client.post(
                f"/api/v3/pages/{page.pk}/comments/",
                api_payload(),
                content_type="application/json",
            )
            assert submitted.status_code == 404
        assert Comment.objects.count() == 3

    def test_their_html_never_shows_the_comments(self, client, hidden_pages):
        # A draft and an expired page are not found; a private one asks for its password.
        expected = {"draft": 404, "private": 200, "expired": 404}
        for name, page in hidden_pages.items():
            response = client.get(f"/{page.slug}/")
            assert response.status_code == expected[name], name
            assert f"Approved on the {name} page" not in response.content.decode(), name
        assert "password" in client.get(f"/{hidden_pages['private'].slug}/").content.decode()

    def test_approval_on_a_private_page_sends_no_webhook(
        self, hidden_pages, django_capture_on_commit_callbacks
    ):
        WebhookEndpointFactory(events=["comment.approved"])
        comment = CommentFactory(page=hidden_pages["private"], status=Comment.Status.PENDING)
        with django_capture_on_commit_callbacks(execute=True):
            comment.set_status(Comment.Status.APPROVED)
        assert not WebhookDelivery.objects.exists()

    def test_pages_of_other_types_take_no_comments(self, client, home_page, news_index):
        for page in (home_page, news_index):
            assert client.post(post_url(page), form_data()).status_code == 404
            assert client.get(f"/api/v2/comments/?page={page.pk}").status_code == 404
            assert client.get(f"/api/v3/pages/{page.pk}/comments/").status_code == 404
        assert not Comment.objects.exists()


class TestAPI:
    def test_v2_listing_and_submission(self, client, about):
        top = CommentFactory(page=about, body="Top")
        CommentFactory(page=about, parent=top, body="Reply")
        CommentFactory(page=about, status="pending", author_email="hidden@mail.example")

        response = client.get(f"/api/v2/comments/?page={about.pk}")

        assert response.status_code == 200
        data = response.json()
        assert data["meta"] == {
            "total_count": 1,
            "comment_count": 2,
            "comments_open": True,
            "closed_reason": None,
        }
        assert [item["body"] for item in data["items"]] == ["Top"]
        assert [reply["body"] for reply in data["items"][0]["replies"]] == ["Reply"]
        assert "hidden@mail.example" not in response.content.decode()

        created = client.post(
            "/api/v2/comments/",
            {**api_payload(body="Over the API"), "page": about.pk},
            content_type="application/json",
        )
        assert created.status_code == 201, created.content
        assert created.json()["comment"]["page"] == about.pk
        assert Comment.objects.get(body="Over the API").status == Comment.Status.PENDING

    def test_v3_listing_and_submission(self, client, about):
        CommentFactory(page=about, body="Top")
        url = f"/api/v3/pages/{about.pk}/comments/"

        data = client.get(url).json()
        assert data["meta"]["comment_count"] == 1
        assert [item["body"] for item in data["items"]] == ["Top"]

        created = client.post(url, api_payload(body="Typed"), content_type="application/json")
        assert created.status_code == 201, created.content
        assert created.json()["comment"]["page"] == about.pk

    def test_a_page_with_comments_off_lists_them_and_refuses_new_ones(self, client, home_page):
        page = StandardPageFactory(parent=home_page, comments_enabled=False)
        CommentFactory(page=page, body="Imported")

        data = client.get(f"/api/v2/comments/?page={page.pk}").json()
        assert data["meta"]["comments_open"] is False
        assert data["meta"]["closed_reason"] == "Comments are closed on this page."
        assert [item["body"] for item in data["items"]] == ["Imported"]

        v2 = client.post(
            "/api/v2/comments/",
            {**api_payload(), "page": page.pk},
            content_type="application/json",
        )
        v3 = client.post(
            f"/api/v3/pages/{page.pk}/comments/", api_payload(), content_type="application/json"
        )
        assert (v2.status_code, v3.status_code) == (403, 403)
        assert v3.json()["message"] == "Comments are closed on this page."
        assert Comment.objects.count() == 1

    def test_approval_refreshes_the_cached_listing(self, client, about):
        url = f"/api/v2/comments/?page={about.pk}"
        comment = CommentFactory(page=about, status=Comment.Status.PENDING)
        assert client.get(url).json()["items"] == []
        assert client.get(url)["X-Cache"] == "HIT"
        comment.set_status(Comment.Status.APPROVED)
        assert [item["id"] for item in client.get(url).json()["items"]] == [comment.pk]


class TestModeration:
    def test_the_admin_lists_filters_and_moderates_them(
        self, client, django_user_model, about, news_index
    ):
        post = NewsPageFactory(parent=news_index, title="Harbour wall")
        on_page = CommentFactory(page=about, status="pending", body="Pending on the page")
        CommentFactory(page=post, status="pending", body="Pending on the post")
        client.force_login(make_user(django_user_model, "mo", "Moderators"))

        listing = client.get(f"/admin/comments/?page={about.pk}")

        assert listing.status_code == 200
        page = soup(listing)
        cells = [cell.get_text(strip=True) for cell in page.select("table.listing tbody td")]
        assert "Pending on the page" in cells and "Pending on the post" not in cells
        assert "About the harbour desk" in cells
        choices = [
            option.get_text(strip=True) for option in page.select("select[name=page] option")
        ]
        assert {"About the harbour desk", post.title} <= set(choices)
        assert client.get(f"/admin/comments/edit/{on_page.pk}/").status_code == 200
        assert client.get(f"/admin/comments/inspect/{on_page.pk}/").status_code == 200

        response = client.post(
            f"/admin/comments/moderate/{on_page.pk}/approved/", {"next": "/admin/comments/"}
        )

        assert response.status_code == 302
        on_page.refresh_from_db()
        assert on_page.status == Comment.Status.APPROVED
        client.logout()
        assert "Pending on the page" in client.get(about.url).content.decode()

    def test_moderators_are_emailed_with_the_pages_title(
        self, client, about, django_user_model, django_capture_on_commit_callbacks
    ):
        make_user(django_user_model, "mod1", "Moderators")
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post(post_url(about), form_data(body="Hello")).status_code == 303
        [message] = mail.outbox
        assert "About the harbour desk" in message.subject

    def test_approval_sends_the_webhook_with_the_standard_page(
        self, about, django_capture_on_commit_callbacks
    ):
        WebhookEndpointFactory(events=["comment.approved"])
        comment = CommentFactory(page=about, status=Comment.Status.PENDING)
        with django_capture_on_commit_callbacks(execute=True):
            comment.set_status(Comment.Status.APPROVED)
        document = json.loads(WebhookDelivery.objects.get(event="comment.approved").body)
        assert document["page"]["id"] == about.pk
        assert document["page"]["type"] == "home.StandardPage"
        assert document["page"]["path"] == "/about/"
        assert document["comment"]["id"] == comment.pk
