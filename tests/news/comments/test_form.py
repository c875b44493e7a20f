"""Reader comments on article pages: the form, moderation before anything shows, the spam
defences, threading, closing, notifications and cache freshness."""

import datetime
import json
import logging

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.core import mail
from django.db import IntegrityError, connection, transaction
from django.test import Client, override_settings
from django.utils import timezone
from wagtail.models import PageViewRestriction

from news.comments.models import Comment
from news.webhooks.models import WebhookDelivery
from tests.news.comments.factories import CommentFactory
from tests.news.comments.helpers import form_data, post_url, token_issued
from tests.news.factories import NewsPageFactory
from tests.news.webhooks.factories import WebhookEndpointFactory
from tests.news.workflow_helpers import make_user

pytestmark = pytest.mark.django_db

RECEIVED = "Thank you — your comment awaits moderation."


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


def comments_section(client, page):
    response = client.get(page.url)
    assert response.status_code == 200
    return soup(response).select_one("section.comments")


def shown_bodies(client, page):
    section = comments_section(client, page)
    return [node.get_text(" ", strip=True) for node in section.select(".comment__body")]


def field_error(response, field):
    node = soup(response).select_one(f"#comment-{field}").find_parent("div")
    return " ".join(e.get_text(strip=True) for e in node.select(".comment-form__error"))


def form_alert(response):
    alert = soup(response).select_one(".comment-form__errors")
    return alert.get_text(" ", strip=True) if alert else ""


class TestSubmitting:
    @pytest.mark.parametrize(
        "headers",
        [
            {"origin": "https://elsewhere.example"},
            {"origin": "null"},
            {"sec-fetch-site": "cross-site"},
        ],
    )
    def test_a_form_posted_from_another_site_is_refused(self, client, post, headers):
        response = client.post(post_url(post), form_data(), headers=headers)
        assert response.status_code == 403
        assert b"only be sent from the form on this site" in response.content
        assert not Comment.objects.exists()

    def test_the_sites_own_form_is_accepted(self, client, post):
        headers = {"origin": "http://testserver", "sec-fetch-site": "same-origin"}
        response = client.post(post_url(post), form_data(), headers=headers)
        assert response.status_code == 303
        assert Comment.objects.count() == 1

    def test_a_comment_is_held_until_a_moderator_approves_it(self, client, post):
        response = client.post(post_url(post), form_data(body="First!\nSecond line."))

        assert response.status_code == 303
        assert response["Location"] == f"{post.url}?comment=received#comment-form"
        comment = Comment.objects.get()
        assert comment.status == Comment.Status.PENDING
        assert comment.page_id == post.pk
        assert comment.ip_address == "127.0.0.1"
        assert comment.body == "First!\nSecond line."
        # The page after the redirect thanks the reader, and does not show the comment.
        thanked = client.get(f"{post.url}?comment=received")
        assert RECEIVED in thanked.content.decode()
        assert shown_bodies(client, post) == []
        assert RECEIVED not in client.get(post.url).content.decode()

        comment.set_status(Comment.Status.APPROVED)

        section = comments_section(client, post)
        assert section.select_one("h2").get_text(strip=True) == "1 comment"
        assert [n.get_text(strip=True) for n in section.select(".comment__author")] == [
            "Ines Kalda"
        ]
        assert "<p>First!<br>Second line.</p>" in client.get(post.url).content.decode()

    def test_rejected_and_spam_comments_never_appear(self, client, post):
        CommentFactory(page=post, body="Approved words", status=Comment.Status.APPROVED)
        CommentFactory(page=post, body="Pending words", status=Comment.Status.PENDING)
        CommentFactory(page=post, body="Rejected words", status=Comment.Status.REJECTED)
        CommentFactory(page=post, body="Spam words", status=Comment.Status.SPAM)

        assert shown_bodies(client, post) == ["Approved words"]
        content = client.get(post.url).content.decode()
        for hidden in ("Pending words", "Rejected words", "Spam words"):
            assert hidden not in content
        assert "1 comment" in content

    def test_email_and_ip_address_are_never_shown(self, client, post):
        CommentFactory(
            page=post,
            author_email="secret.reader@mail.example",
            author_url="https://reader.example/",
            ip_address="203.0.113.9",
        )
        content = client.get(post.url).content.decode()
        assert "secret.reader" not in content
        assert "203.0.113.9" not in content
        assert 'href="https://reader.example/" rel="nofollow ugc noopener"' in content

    def test_script_and_html_are_stored_as_typed_and_shown_escaped(self, client, post):
        body = '<script>alert("x")</script> <b>bold</b> see https://spam.example/a'
        name = "<img src=x onerror=alert(1)>"
        response = client.post(post_url(post), form_data(author_name=name, body=body))
        assert response.status_code == 303
        comment = Comment.objects.get()
        assert comment.body == body  # stored exactly, never "cleaned" into HTML
        comment.set_status(Comment.Status.APPROVED)

        content = client.get(post.url).content.decode()
        assert "<script>alert" not in content
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in content
        assert "&lt;b&gt;bold&lt;/b&gt;" in content
        assert "<img src=x" not in content
        assert "&lt;img src=x onerror=alert(1)&gt;" in content
        assert (
            '<a href="https://spam.example/a" rel="nofollow ugc noopener">'
            "https://spam.example/a</a>" in content
        )

    def test_a_javascript_website_is_never_a_link(self, client, post):
        # Importers may write any text; the page links only http(s) addresses.
        CommentFactory(page=post, author_name="Mallory", author_url="javascript:alert(1)")
        content = client.get(post.url).content.decode()
        assert "javascript:alert" not in content
        assert "Mallory" in content

    @pytest.mark.parametrize(
        ("overrides", "field", "message"),
        [
            ({"author_name": ""}, "author_name", "This field is required."),
            ({"author_name": "Visit www.spam.example"}, "author_name", "web address"),
            ({"author_email": ""}, "author_email", "This field is required."),
            ({"author_email": "not-an-address"}, "author_email", "valid email"),
            ({"author_url": "ftp://files.example/x"}, "author_url", "http:// or https://"),
            ({"body": "   "}, "body", "This field is required."),
            ({"body": "x" * 5001}, "body", "at most 5000 characters"),
            (
                {"body": "a https://1.example b http://2.example c www.3.example"},
                "body",
                "at most 2 links",
            ),
        ],
    )
    def test_invalid_input_is_shown_next_to_its_field(
        self, client, post, overrides, field, message
    ):
        data = form_data(**overrides)
        response = client.post(post_url(post), data)

        assert response.status_code == 400
        assert message in field_error(response, field)
        assert "Please correct the errors below" in form_alert(response)
        assert response["Cache-Control"] == "private, no-store"
        assert not Comment.objects.exists()
        # What the reader typed is still there (escaped), ready to correct.
        page = soup(response)
        assert page.select_one("#comment-author_name").get("value", "") == data["author_name"]
        assert page.select_one("#comment-body").get_text().strip() == data["body"].strip()

    def test_a_long_body_is_not_half_saved(self, client, post):
        response = client.post(post_url(post), form_data(body="y" * 100_000))
        assert response.status_code == 400
        assert not Comment.objects.exists()

    def test_the_form_needs_no_csrf_token_and_the_page_has_none(self, post):
        # The page is the same for every reader (it is cached), so it carries no CSRF token;
        # the comment view is exempt.
        client = Client(enforce_csrf_checks=True)
        content = client.get(post.url).content.decode()
        assert "csrfmiddlewaretoken" not in content
        response = client.post(post_url(post), form_data())
        assert response.status_code == 303
        assert Comment.objects.count() == 1

    @override_settings(NEWSDESK_RESPONSE_CACHE=False)  # render twice, not once and a copy
    def test_the_article_is_the_same_for_every_reader(self, post):
        CommentFactory(page=post)
        with time_machine.travel(timezone.now(), tick=False):
            first = Client().get(post.url, REMOTE_ADDR="198.51.100.1")
            second = Client().get(post.url, REMOTE_ADDR="198.51.100.2")
        assert first.status_code == second.status_code == 200
        assert first.content == second.content
        assert "private" not in first["Cache-Control"]

    def test_get_is_not_allowed_on_the_post_url(self, client, post):
        assert client.get(post_url(post)).status_code == 405


class TestSpamDefences:
    def test_the_honeypot_refuses_a_robot(self, client, post):
        response = client.post(post_url(post), form_data(homepage="http://cheap-pills.example"))
        assert response.status_code == 400
        assert "A hidden field that must stay empty was filled in" in form_alert(response)
        assert soup(response).select_one("#comment-homepage")["value"] == ""
        assert not Comment.objects.exists()

    def test_a_form_sent_too_quickly_is_refused(self, client, post):
        response = client.post(post_url(post), form_data(token=token_issued(1)))
        assert response.status_code == 400
        assert "too quick" in form_alert(response)
        assert not Comment.objects.exists()

    def test_the_page_gives_a_token_that_works_after_the_minimum_fill_time(self, client, post):
        start = timezone.now()
        with time_machine.travel(start, tick=False):
            page = soup(client.get(post.url))
        form = page.select_one("form.comment-form")
        assert form["action"] == post_url(post)
        token = form.select_one("input[name=token]")["value"]
        with time_machine.travel(start + datetime.timedelta(seconds=1), tick=False):
            assert client.post(post_url(post), form_data(token=token)).status_code == 400
        with time_machine.travel(start + datetime.timedelta(seconds=4), tick=False):
            assert client.post(post_url(post), form_data(token=token)).status_code == 303
        assert Comment.objects.count() == 1

    def test_a_rerendered_form_keeps_a_valid_token(self, client, post):
        token = token_issued(30)
        response = client.post(post_url(post), form_data(token=token, author_email="bad"))
        assert response.status_code == 400
        assert soup(response).select_one("input[name=token]")["value"] == token

    def test_an_old_forged_or_missing_token_is_refused(self, client, post):
        old = token_issued(8 * 86400)
        response = client.post(post_url(post), form_data(token=old))
        assert response.status_code == 400
        assert "more than 7 days old" in form_alert(response)
        # The re-rendered form carries a fresh token to try again with.
        assert soup(response).select_one("input[name=token]")["value"] != old

        forged = token_issued(60)[:-2] + "xx"
        response = client.post(post_url(post), form_data(token=forged))
        assert response.status_code == 400
        assert "not valid" in form_alert(response)

        response = client.post(post_url(post), form_data(token=""))
        assert response.status_code == 400
        assert "no form token" in form_alert(response)
        assert not Comment.objects.exists()

    @override_settings(NEWSDESK_COMMENTS_RATE_LIMIT_PER_IP=2)
    def test_too_many_comments_from_one_address(self, client, post):
        for number in range(2):
            data = form_data(author_email=f"r{number}@mail.example")
            assert client.post(post_url(post), data).status_code == 303
        response = client.post(post_url(post), form_data(author_email="r9@mail.example"))
        assert response.status_code == 429
        assert "Too many comments from your network" in form_alert(response)
        assert Comment.objects.count() == 2
        # Another address may still comment.
        other = client.post(
            post_url(post), form_data(author_email="x@mail.example"), REMOTE_ADDR="10.0.0.8"
        )
        assert other.status_code == 303

    @override_settings(NEWSDESK_COMMENTS_RATE_LIMIT_PER_IP=2)
    def test_rotating_ipv6_addresses_or_hiding_the_address_does_not_escape_the_limit(
        self, client, post
    ):
        # One home or server gets a whole /64: its addresses share one allowance.
        for number in range(2):
            data = form_data(author_email=f"v{number}@mail.example")
            response = client.post(post_url(post), data, REMOTE_ADDR=f"2001:db8:1:2::{number}")
            assert response.status_code == 303
        rotated = client.post(
            post_url(post),
            form_data(author_email="v9@mail.example"),
            REMOTE_ADDR="2001:db8:1:2::99",
        )
        assert rotated.status_code == 429
        # Requests without a usable address share one allowance instead of having none.
        for number in range(2):
            data = form_data(author_email=f"u{number}@mail.example")
            assert client.post(post_url(post), data, REMOTE_ADDR="").status_code == 303
        hidden = client.post(
            post_url(post), form_data(author_email="u9@mail.example"), REMOTE_ADDR=""
        )
        assert hidden.status_code == 429

    @override_settings(NEWSDESK_COMMENTS_RATE_LIMIT_PER_EMAIL=1)
    def test_too_many_comments_from_one_email_address(self, client, post):
        assert client.post(post_url(post), form_data()).status_code == 303
        response = client.post(post_url(post), form_data(), REMOTE_ADDR="10.0.0.9")
        assert response.status_code == 429
        assert "Too many comments from this e-mail address" in field_error(
            response, "author_email"
        )
        assert Comment.objects.count() == 1

    @override_settings(
        NEWSDESK_COMMENTS_RATE_LIMIT_PER_IP=1, NEWSDESK_COMMENTS_RATE_LIMIT_WINDOW=60
    )
    def test_the_rate_limit_window_ends(self, client, post):
        start = timezone.now()
        with time_machine.travel(start, tick=False):
            assert client.post(post_url(post), form_data()).status_code == 303
            assert client.post(post_url(post), form_data()).status_code == 429
        with time_machine.travel(start + datetime.timedelta(seconds=61), tick=False):
            assert client.post(post_url(post), form_data()).status_code == 303

    @override_settings(NEWSDESK_COMMENTS_RATE_LIMIT_PER_IP=1, NEWSDESK_COMMENTS_PROXY_COUNT=1)
    def test_behind_a_proxy_the_forwarded_address_counts(self, client, post):
        def send(forwarded):
            return client.post(
                post_url(post),
                form_data(author_email=f"{forwarded[-1]}@mail.example"),
                HTTP_X_FORWARDED_FOR=forwarded,
            )

        assert send("6.6.6.6, 198.51.100.7").status_code == 303
        assert send("7.7.7.7, 198.51.100.7").status_code == 429  # forged left entry ignored
        assert send("198.51.100.8").status_code == 303
        assert Comment.objects.get(author_email="8@mail.example").ip_address == "198.51.100.8"


class TestThreads:
    def test_replies_show_under_their_comment(self, client, post):
        top = CommentFactory(page=post, body="Top comment")
        CommentFactory(page=post, parent=top, body="A reply")
        CommentFactory(page=post, parent=top, body="Pending reply", status="pending")
        section = comments_section(client, post)
        thread = section.select_one(".comment-thread")
        assert thread.select_one(".comment__body").get_text(strip=True) == "Top comment"
        assert [
            n.get_text(strip=True) for n in thread.select(".comment-replies .comment__body")
        ] == ["A reply"]
        assert section.select_one("h2").get_text(strip=True) == "2 comments"

    def test_replying_through_the_reply_link(self, client, post):
        top = CommentFactory(page=post, author_name="Maren")
        page = soup(client.get(post.url))
        link = page.select_one(f"#comment-{top.pk} .comment__reply")["href"]
        assert link == f"?reply_to={top.pk}#comment-form"

        page = soup(client.get(f"{post.url}?reply_to={top.pk}"))
        assert "Reply to Maren" in page.select_one(".comment-form__heading").get_text()
        assert page.select_one("input[name=parent]")["value"] == str(top.pk)

        response = client.post(post_url(post), form_data(parent=str(top.pk)))
        assert response.status_code == 303
        assert Comment.objects.get(status="pending").parent == top

        # Anything else in reply_to is ignored: an ordinary page with the ordinary form.
        hidden = Comment.objects.get(status="pending").pk
        for value in ("abc", "²", "99999999999999999999", str(hidden)):
            page = soup(client.get(post.url, {"reply_to": value}))
            assert page.select_one(".comment-form__heading").get_text() == "Leave a comment"
            assert not page.select_one("input[name=parent]").get("value")

    def test_a_reply_to_a_reply_joins_the_top_level_thread(self, client, post):
        top = CommentFactory(page=post)
        reply = CommentFactory(page=post, parent=top)
        response = client.post(post_url(post), form_data(parent=str(reply.pk)))
        assert response.status_code == 303
        assert Comment.objects.get(status="pending").parent == top

    def test_replying_to_a_hidden_or_foreign_comment_is_refused(self, client, post, news_index):
        pending = CommentFactory(page=post, status=Comment.Status.PENDING)
        elsewhere = CommentFactory(page=NewsPageFactory(parent=news_index))
        for parent in (pending, elsewhere):
            response = client.post(post_url(post), form_data(parent=str(parent.pk)))
            assert response.status_code == 400
            assert "not on this post or is not shown" in form_alert(response)
        assert Comment.objects.filter(parent__isnull=False).count() == 0

    def test_a_reply_under_a_rejected_comment_is_not_shown(self, client, post):
        top = CommentFactory(page=post, body="Top")
        CommentFactory(page=post, parent=top, body="Orphan reply")
        top.set_status(Comment.Status.REJECTED)
        assert shown_bodies(client, post) == []
        assert comments_section(client, post).select_one("h2").get_text(strip=True) == "Comments"

    def test_article_queries_do_not_grow_with_comments(self, client, post, settings):
        settings.NEWSDESK_RESPONSE_CACHE = False  # every request reaches the view

        def queries_for(path):
            statements = []

            def record(execute, sql, params, many, context):
                statements.append(sql)
                return execute(sql, params, many, context)

            with connection.execute_wrapper(record):
                response = client.get(path)
            return response, statements

        top = CommentFactory(page=post)
        CommentFactory(page=post, parent=top)
        client.get(post.url)  # warm up per-process caches (site root paths, settings)
        response, few = queries_for(post.url)
        assert "2 comments" in response.content.decode()
        for _ in range(10):
            top = CommentFactory(page=post)
            CommentFactory.create_batch(3, page=post, parent=top)
        # New comments make the article's stored pieces stale with the rest of its
        # responses (news/freshness/fragments.py): compare like with like, both warm.
        client.get(post.url)
        response, many = queries_for(post.url)
        assert few and len(many) <= len(few)
        assert "42 comments" in response.content.decode()
        assert len(soup(response).select(".comment")) == 42


class TestClosing:
    def test_comments_can_be_switched_off_per_post(self, client, news_index):
        post = NewsPageFactory(parent=news_index, comments_enabled=False)
        CommentFactory(page=post, body="Said before closing")
        section = comments_section(client, post)
        assert "Comments are closed on this post." in section.get_text()
        assert section.select_one("form") is None
        assert section.select_one(".comment__reply") is None
        assert "Said before closing" in section.get_text()

        response = client.post(post_url(post), form_data())
        assert response.status_code == 403
        assert Comment.objects.count() == 1

    @override_settings(NEWSDESK_COMMENTS_CLOSE_AFTER_DAYS=14)
    def test_comments_close_a_number_of_days_after_the_post_date(self, client, news_index):
        today = timezone.localdate()
        old = NewsPageFactory(parent=news_index, publication_date=today - datetime.timedelta(15))
        recent = NewsPageFactory(
            parent=news_index, publication_date=today - datetime.timedelta(14)
        )
        assert "this post is now closed" in comments_section(client, old).get_text()
        assert client.post(post_url(old), form_data()).status_code == 403
        assert comments_section(client, recent).select_one("form") is not None
        assert client.post(post_url(recent), form_data()).status_code == 303

    def test_posts_readers_cannot_see_take_no_comments(self, client, news_index):
        draft = NewsPageFactory(parent=news_index, live=False)
        private = NewsPageFactory(parent=news_index)
        PageViewRestriction.objects.create(
            page=private, restriction_type=PageViewRestriction.PASSWORD, password="x"
        )
        expired = NewsPageFactory(
            parent=news_index, expire_at=timezone.now() - datetime.timedelta(hours=1)
        )
        for page in (draft, private, expired):
            assert client.post(post_url(page), form_data()).status_code == 404
        assert client.post("/comments/999999/", form_data()).status_code == 404
        assert not Comment.objects.exists()


class TestNotifications:
    def test_moderators_are_emailed_about_a_new_comment(
        self, client, post, django_user_model, django_capture_on_commit_callbacks
    ):
        make_user(django_user_model, "mod1", "Moderators")
        make_user(django_user_model, "mod2", "Moderators")
        make_user(django_user_model, "ed", "Editors")
        inactive = make_user(django_user_model, "gone", "Moderators")
        inactive.is_active = False
        inactive.save()

        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(post_url(post), form_data(body="Worth a look."))
        assert response.status_code == 303
        comment = Comment.objects.get()
        assert sorted(message.to[0] for message in mail.outbox) == [
            "mod1@newsdesk.test",
            "mod2@newsdesk.test",
        ]
        message = mail.outbox[0]
        assert "Storm tops the wall" in message.subject
        assert "Worth a look." in message.body
        assert f"http://127.0.0.1:8000/admin/comments/edit/{comment.pk}/" in message.body
        assert "/admin/comments/?status=pending" in message.body
        assert "ines@mail.example" not in message.body

    @override_settings(EMAIL_BACKEND="tests.news.test_comments.BrokenEmailBackend")
    def test_a_mail_failure_never_fails_the_submission(
        self, client, post, django_user_model, django_capture_on_commit_callbacks, caplog
    ):
        make_user(django_user_model, "mod1", "Moderators")
        with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
            response = client.post(post_url(post), form_data())
        assert response.status_code == 303
        assert Comment.objects.count() == 1
        assert "Could not e-mail moderators" in caplog.text


class BrokenEmailBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("no mail server")


class TestFreshnessAndWebhooks:
    def test_approving_refreshes_the_cached_article(self, client, post):
        comment = CommentFactory(page=post, status=Comment.Status.PENDING, body="Late words")
        first = client.get(post.url)
        assert first["X-Cache"] == "MISS"
        assert client.get(post.url)["X-Cache"] == "HIT"

        comment.set_status(Comment.Status.APPROVED)

        again = client.get(post.url)
        assert again["X-Cache"] == "MISS"
        assert "Late words" in again.content.decode()

    def test_every_change_to_or_from_approved_refreshes_the_page(
        self, post, freshness_calls, django_capture_on_commit_callbacks
    ):
        comment = CommentFactory(page=post, status=Comment.Status.PENDING)
        comment.set_status(Comment.Status.REJECTED)  # hidden to hidden: nothing to refresh
        assert freshness_calls == []
        comment.set_status(Comment.Status.APPROVED)
        assert freshness_calls == [post.pk]
        comment.status = Comment.Status.SPAM
        comment.save()  # e.g. the admin edit form
        assert freshness_calls == [post.pk, post.pk]
        approved = CommentFactory(page=post)  # created approved (an importer)
        assert freshness_calls == [post.pk] * 3
        # Deletions refresh once they commit, each page once per deletion.
        with django_capture_on_commit_callbacks(execute=True):
            CommentFactory(page=post, status=Comment.Status.PENDING).delete()
        assert len(freshness_calls) == 3
        with django_capture_on_commit_callbacks(execute=True):
            approved.delete()
        assert freshness_calls == [post.pk] * 4
        CommentFactory(page=post)
        CommentFactory(page=post)
        with django_capture_on_commit_callbacks(execute=True):
            Comment.objects.filter(page=post).delete()  # two approved at once: one refresh
        assert freshness_calls == [post.pk] * 7

    def test_a_post_deleted_with_its_comments_is_refreshed_by_its_own_deletion(
        self, post, freshness_calls, django_capture_on_commit_callbacks
    ):
        CommentFactory.create_batch(5, page=post)
        freshness_calls.clear()
        with django_capture_on_commit_callbacks(execute=True):
            post.delete()
        assert freshness_calls == []  # no refresh per comment: the deletion covers them

    def test_approval_queues_a_webhook_without_the_email(
        self, post, django_capture_on_commit_callbacks
    ):
        WebhookEndpointFactory(url="https://frontend.example/hook", events=["comment.approved"])
        top = CommentFactory(page=post)
        with django_capture_on_commit_callbacks(execute=True):
            reply = CommentFactory(
                page=post,
                parent=top,
                status=Comment.Status.PENDING,
                author_email="private@mail.example",
            )
        assert not WebhookDelivery.objects.exists()

        with django_capture_on_commit_callbacks(execute=True):
            reply.set_status(Comment.Status.APPROVED)

        delivery = WebhookDelivery.objects.get(event="comment.approved")
        document = json.loads(delivery.body)
        assert document["page"]["id"] == post.pk
        assert document["comment"] == {
            "id": reply.pk,
            "author_name": reply.author_name,
            "submitted_at": reply.submitted_at.isoformat(),
            "parent_id": top.pk,
        }
        assert "private@mail.example" not in delivery.body


class TestModel:
    def test_source_id_is_unique_when_set(self, post):
        CommentFactory(page=post, source_id="")
        CommentFactory(page=post, source_id="")
        CommentFactory(page=post, source_id="blogger:1")
        with pytest.raises(IntegrityError), transaction.atomic():
            CommentFactory(page=post, source_id="blogger:1")

    def test_comments_go_with_their_post(self, post):
        CommentFactory(page=post)
        post.delete()
        assert not Comment.objects.exists()


def test_demo_content_adds_comments_once(client):
    from io import StringIO

    from django.core.management import call_command

    from news.models import NewsPage

    def run():
        out = StringIO()
        call_command("load_demo_content", "--posts", "2", stdout=out)
        return out.getvalue()

    assert "5 new reader comments" in run()
    assert Comment.objects.filter(status="approved").count() == 4
    assert Comment.objects.filter(status="pending").count() == 1
    reply = Comment.objects.get(source_id="demo:wall-2")
    assert reply.parent == Comment.objects.get(source_id="demo:wall-1")
    wall = NewsPage.objects.get(slug__startswith="council-approves")
    content = client.get(wall.url).content.decode()
    assert "3 comments" in content
    assert "who pays for the upkeep" in content

    assert "0 new reader comments" in run()
    assert Comment.objects.count() == 5


def test_previews_show_comments_but_no_form(admin_client, news_index):
    post = NewsPageFactory(parent=news_index)
    CommentFactory(page=post, body="Seen in the preview")
    response = admin_client.get(f"/admin/pages/{post.pk}/view_draft/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "Seen in the preview" in content
    assert "once the post is published" in content
    assert 'class="comment-form"' not in content
