"""Comments over the API: the approved listing per post, submissions with the reader
form's rules, the form token, and ``comment_count`` on news pages."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import PageViewRestriction

from news.comments.models import Comment
from tests.news.api_helpers import check, full_posts
from tests.news.comments.factories import CommentFactory
from tests.news.comments.helpers import form_data
from tests.news.factories import NewsPageFactory
from tests.news.workflow_helpers import make_user

pytestmark = pytest.mark.django_db

COMMENTS = "/api/v2/comments/"
LISTING = "/api/v2/pages/?type=news.NewsPage"


def get_json(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, (url, response.content[:300])
    return response.json()


def submit(client, data, status=201, **extra):
    response = client.post(COMMENTS, data, content_type="application/json", **extra)
    assert response.status_code == status, response.content[:500]
    return response.json()


def api_data(page, **overrides):
    data = form_data(**overrides)
    data["page"] = page.pk
    data.pop("homepage", None)
    if not data.get("parent"):
        data.pop("parent", None)
    return data


class TestListing:
    def test_only_approved_comments_in_threads_oldest_first(self, client, post):
        start = timezone.now() - datetime.timedelta(days=1)
        first = CommentFactory(page=post, submitted_at=start, body="First")
        CommentFactory(
            page=post, parent=first, submitted_at=start + datetime.timedelta(hours=2), body="Re"
        )
        CommentFactory(page=post, parent=first, status="pending", body="Pending reply")
        CommentFactory(page=post, submitted_at=start + datetime.timedelta(hours=1), body="Second")
        for status in ("pending", "rejected", "spam"):
            CommentFactory(page=post, status=status, body=f"{status} words")

        data = get_json(client, f"{COMMENTS}?page={post.pk}")

        assert data["meta"] == {
            "total_count": 2,
            "comment_count": 3,
            "comments_open": True,
            "closed_reason": None,
        }
        assert [item["body"] for item in data["items"]] == ["First", "Second"]
        assert [reply["body"] for reply in data["items"][0]["replies"]] == ["Re"]
        assert data["items"][1]["replies"] == []
        item = data["items"][0]
        assert set(item) == {
            "id",
            "parent_id",
            "author_name",
            "author_url",
            "submitted_at",
            "body",
            "body_html",
            "replies",
        }
        assert item["replies"][0]["parent_id"] == first.pk
        for hidden in ("pending", "rejected", "spam", "Pending reply"):
            assert hidden not in str(data)

    def test_emails_and_addresses_never_appear(self, client, post):
        CommentFactory(
            page=post,
            author_email="secret@mail.example",
            ip_address="203.0.113.5",
            author_url="javascript:alert(1)",
            body="<script>x</script> https://a.example",
        )
        response = client.get(f"{COMMENTS}?page={post.pk}")
        content = response.content.decode()
        assert "secret@mail.example" not in content
        assert "203.0.113.5" not in content
        assert "javascript:" not in content
        item = response.json()["items"][0]
        assert item["body"] == "<script>x</script> https://a.example"  # plain text, as typed
        assert item["body_html"] == (
            '<p>&lt;script&gt;x&lt;/script&gt; <a href="https://a.example" '
            'rel="nofollow ugc noopener">https://a.example</a></p>'
        )
        detail = client.get(f"/api/v2/pages/{post.pk}/").content.decode()
        assert "secret@mail.example" not in detail

    def test_pagination_by_thread(self, client, post):
        start = timezone.now() - datetime.timedelta(days=1)
        for number in range(5):
            CommentFactory(
                page=post,
                body=f"c{number}",
                submitted_at=start + datetime.timedelta(minutes=number),
            )
        data = get_json(client, f"{COMMENTS}?page={post.pk}&limit=2&offset=2")
        assert data["meta"]["total_count"] == 5
        assert [item["body"] for item in data["items"]] == ["c2", "c3"]

    def test_queries_do_not_grow_with_comments(self, client, post):
        CommentFactory(page=post)
        url = f"{COMMENTS}?page={post.pk}&limit=50"
        client.get(url)  # warm up per-process caches
        with CaptureQueriesContext(connection) as few:
            client.get(f"{url}&_=1")
        for _ in range(10):
            top = CommentFactory(page=post)
            CommentFactory.create_batch(2, page=post, parent=top)
        with CaptureQueriesContext(connection) as many:
            data = client.get(f"{url}&_=2").json()
        assert len(data["items"]) == 11
        assert len(many) == len(few)

    @pytest.mark.parametrize(
        ("query", "message"),
        [
            ("", "page: required"),
            ("?page=abc", "page: expected the id of a news post"),
            ("?page={pk}&limit=-1", "limit: expected a whole number"),
            ("?page={pk}&limit=101", "limit: at most 100"),
            ("?page={pk}&offset=x", "offset: expected a whole number"),
            ("?page={pk}&order=id", "query parameter is not recognised: order"),
        ],
    )
    def test_bad_parameters_are_400_with_a_message(self, client, post, query, message):
        data = get_json(client, COMMENTS + query.format(pk=post.pk), status=400)
        assert message in data["message"]

    def test_posts_readers_cannot_see_are_404(self, client, news_index):
        draft = NewsPageFactory(parent=news_index, live=False)
        private = NewsPageFactory(parent=news_index)
        PageViewRestriction.objects.create(
            page=private, restriction_type=PageViewRestriction.PASSWORD, password="x"
        )
        expired = NewsPageFactory(
            parent=news_index, expire_at=timezone.now() - datetime.timedelta(hours=1)
        )
        for page in (draft, private, expired):
            CommentFactory(page=page, body="Should stay hidden")
            data = get_json(client, f"{COMMENTS}?page={page.pk}", status=404)
            assert "no published news post" in data["message"]
            submit(client, api_data(page), status=404)
        assert get_json(client, f"{COMMENTS}?page={news_index.pk}", status=404)
        assert Comment.objects.count() == 3

    def test_approval_refreshes_the_cached_listing(self, client, post):
        comment = CommentFactory(page=post, status="pending")
        url = f"{COMMENTS}?page={post.pk}"
        assert client.get(url).json()["items"] == []
        assert client.get(url)["X-Cache"] == "HIT"
        comment.set_status(Comment.Status.APPROVED)
        response = client.get(url)
        assert response["X-Cache"] == "MISS"
        assert [item["id"] for item in response.json()["items"]] == [comment.pk]


class TestSubmitting:
    def test_a_valid_comment_is_accepted_and_held_for_moderation(self, client, post):
        data = submit(client, api_data(post, body="Via the API"), HTTP_USER_AGENT="Frontend/1.0")
        comment = Comment.objects.get()
        assert data == {
            "message": "Thank you — your comment awaits moderation.",
            "comment": {
                "id": comment.pk,
                "page": post.pk,
                "parent_id": None,
                "status": "pending",
                "submitted_at": data["comment"]["submitted_at"],
            },
        }
        assert comment.body == "Via the API"
        assert comment.user_agent == "Frontend/1.0"
        assert get_json(client, f"{COMMENTS}?page={post.pk}")["items"] == []
        comment.set_status(Comment.Status.APPROVED)
        items = get_json(client, f"{COMMENTS}?page={post.pk}")["items"]
        assert [item["body"] for item in items] == ["Via the API"]

    def test_form_encoded_submissions_work_too(self, client, post):
        response = client.post(COMMENTS, api_data(post))
        assert response.status_code == 201
        assert Comment.objects.count() == 1

    def test_a_reply(self, client, post):
        top = CommentFactory(page=post)
        data = submit(client, api_data(post, parent=top.pk))
        assert data["comment"]["parent_id"] == top.pk

    def test_invalid_input_names_each_field_and_saves_nothing(self, client, post):
        data = submit(
            client,
            api_data(
                post,
                author_name="",
                author_email="nope",
                body="x" * 5001,
                author_url="ftp://x.example",
                parent=999999,
            ),
            status=400,
        )
        assert set(data["errors"]) == {
            "author_name",
            "author_email",
            "author_url",
            "body",
            "parent",
        }
        assert data["errors"]["author_email"] == ["Enter a valid email address."]
        assert "author_email: Enter a valid email address." in data["message"]
        assert "body: Ensure this value has at most 5000 characters" in data["message"]
        assert not Comment.objects.exists()

    @pytest.mark.parametrize(
        ("payload", "message"),
        [
            ([], "expected a JSON object"),
            ({"body": "no page"}, "page: required"),
            ({"page": "x"}, "page: expected the id of a news post"),
        ],
    )
    def test_malformed_bodies_are_400(self, client, post, payload, message):
        data = submit(client, payload, status=400)
        assert message in data["message"]

    def test_a_field_that_is_not_a_string_is_400(self, client, post):
        data = submit(client, api_data(post, body=["a", "list"]), status=400)
        assert data["message"] == "body: expected a string"
        assert not Comment.objects.exists()

    def test_the_honeypot(self, client, post):
        data = submit(client, {**api_data(post), "homepage": "http://spam.example"}, status=400)
        assert "hidden field that must stay empty" in data["errors"]["homepage"][0]
        assert not Comment.objects.exists()

    def test_the_form_token_from_the_api(self, client, post):
        start = timezone.now()
        with time_machine.travel(start, tick=False):
            response = client.get(f"{COMMENTS}form-token/")
            assert response["Cache-Control"] == "no-store"
            token = response.json()["token"]
            assert response.json()["min_fill_seconds"] == 3
            assert response.json()["honeypot_field"] == "homepage"
            data = submit(client, api_data(post, token=token), status=400)
            assert "too quick" in data["errors"]["token"][0]
        with time_machine.travel(start + datetime.timedelta(seconds=5), tick=False):
            submit(client, api_data(post, token=token))
        with time_machine.travel(start + datetime.timedelta(days=8), tick=False):
            data = submit(client, api_data(post, token=token), status=400)
            assert "more than 7 days old" in data["message"]
        data = submit(client, api_data(post, token="forged:token:x"), status=400)
        assert data["errors"]["token"] == [
            "The form token is not valid. Reload the page and try again."
        ]
        missing = api_data(post)
        del missing["token"]
        assert "no form token" in submit(client, missing, status=400)["message"]
        assert Comment.objects.count() == 1

    @override_settings(NEWSDESK_COMMENTS_RATE_LIMIT_PER_IP=2)
    def test_the_rate_limit_per_address(self, client, post):
        for number in range(2):
            submit(client, api_data(post, author_email=f"r{number}@mail.example"))
        response = client.post(
            COMMENTS,
            api_data(post, author_email="r3@mail.example"),
            content_type="application/json",
        )
        assert response.status_code == 429
        assert response["Retry-After"] == "600"
        data = response.json()
        assert data["errors"]["non_field_errors"][0].startswith("Too many comments from your")
        assert data["message"].startswith("Too many comments from your network")
        assert Comment.objects.count() == 2

    @override_settings(NEWSDESK_COMMENTS_RATE_LIMIT_PER_EMAIL=1)
    def test_the_rate_limit_per_email(self, client, post):
        submit(client, api_data(post))
        data = submit(client, api_data(post), status=429, REMOTE_ADDR="10.1.1.1")
        assert "Too many comments from this e-mail address" in data["errors"]["author_email"][0]

    def test_closed_posts_refuse_comments(self, client, news_index):
        closed = NewsPageFactory(parent=news_index, comments_enabled=False)
        data = submit(client, api_data(closed), status=403)
        assert data["message"] == "Comments are closed on this post."
        listing = get_json(client, f"{COMMENTS}?page={closed.pk}")
        assert listing["meta"]["comments_open"] is False
        assert listing["meta"]["closed_reason"] == "Comments are closed on this post."
        assert not Comment.objects.exists()

    def test_no_csrf_token_needed_even_with_a_session(self, post, django_user_model):
        client = Client(enforce_csrf_checks=True)
        client.force_login(make_user(django_user_model, "ed", "Editors"))
        submit(client, api_data(post))
        assert Comment.objects.count() == 1


class TestCommentCount:
    def test_on_listings_and_details_in_v2_and_v3(self, client, news_index):
        quiet = NewsPageFactory(parent=news_index, title="Quiet")
        busy = NewsPageFactory(parent=news_index, title="Busy")
        top = CommentFactory(page=busy)
        CommentFactory(page=busy, parent=top)
        CommentFactory(page=busy, status="pending")
        CommentFactory(page=busy, status="spam")
        orphan_parent = CommentFactory(page=quiet, status="rejected")
        CommentFactory(page=quiet, parent=orphan_parent)  # under a rejected comment: hidden

        items = get_json(client, f"{LISTING}&fields=_,title,comment_count&order=title")["items"]
        assert [(item["title"], item["comment_count"]) for item in items] == [
            ("Busy", 2),
            ("Quiet", 0),
        ]
        everything = get_json(client, f"{LISTING}&fields=*&order=title")["items"]
        assert [item["comment_count"] for item in everything] == [2, 0]
        assert get_json(client, f"/api/v2/pages/{busy.pk}/")["comment_count"] == 2
        assert get_json(client, f"/api/v3/pages/{busy.pk}/")["comment_count"] == 2
        searched = get_json(client, f"{LISTING}&fields=_,title,comment_count&search=Busy")
        assert [item["comment_count"] for item in searched["items"]] == [2]

    def test_typed_in_the_openapi_document(self, client):
        schemas = get_json(client, "/api/v3/openapi.json")["components"]["schemas"]
        count = schemas["NewsPageSchema"]["properties"]["comment_count"]
        assert {"type": "integer"} in count.get("anyOf", [count])

    @pytest.mark.parametrize("limit", [1, 20])
    def test_listing_queries_stay_fixed(self, client, news_index, limit, settings):
        settings.NEWSDESK_RESPONSE_CACHE = False  # measure rendering, not the response cache
        posts = full_posts(news_index, 20)
        for post in posts:
            top = CommentFactory(page=post)
            CommentFactory(page=post, parent=top)
        url = f"{LISTING}&fields=*&limit={limit}"
        # Creates every rendition once and counts the posts (the total is remembered).
        client.get(f"{LISTING}&fields=*&limit=20")
        with CaptureQueriesContext(connection) as queries:
            data = Client().get(url).json()
        assert [item["comment_count"] for item in data["items"]] == [2] * limit
        assert len(queries) <= 12
        with CaptureQueriesContext(connection) as other:
            Client().get(f"{LISTING}&fields=*&limit={21 - limit}")
        assert len(other) == len(queries)

    def test_approval_refreshes_cached_listings(self, client, post):
        comment = CommentFactory(page=post, status="pending")
        url = f"{LISTING}&fields=_,comment_count"
        assert client.get(url).json()["items"][0]["comment_count"] == 0
        assert client.get(url)["X-Cache"] == "HIT"
        comment.set_status(Comment.Status.APPROVED)
        assert client.get(url).json()["items"][0]["comment_count"] == 1


def test_comment_api_contracts(client, post):
    """The shapes frontends rely on, pinned like the pages API (tests/news/contracts/)."""

    top = CommentFactory(page=post, author_url="https://reader.example/")
    CommentFactory(page=post, parent=top)
    check("v2_comments_listing", get_json(client, f"{COMMENTS}?page={post.pk}"))
    check("v2_comments_form_token", get_json(client, f"{COMMENTS}form-token/"))
    check("v2_comments_created", submit(client, api_data(post, parent=top.pk)))
    check("v2_comments_error", submit(client, api_data(post, author_email="x"), status=400))


class TestV3:
    def test_listing_submitting_and_the_token(self, client, post):
        top = CommentFactory(page=post, body="Top")
        CommentFactory(page=post, parent=top, body="Reply")
        CommentFactory(page=post, status="pending", author_email="hidden@mail.example")
        response = client.get(f"/api/v3/pages/{post.pk}/comments/?limit=1")
        assert response.status_code == 200
        data = response.json()
        assert data["meta"]["total_count"] == 1
        assert data["meta"]["comment_count"] == 2
        assert [reply["body"] for reply in data["items"][0]["replies"]] == ["Reply"]
        assert "hidden@mail.example" not in response.content.decode()
        # The same comments, with the same fields, as v2.
        v2_items = get_json(client, f"{COMMENTS}?page={post.pk}")["items"]
        assert [(i["id"], i["body_html"]) for i in data["items"]] == [
            (i["id"], i["body_html"]) for i in v2_items
        ]
        assert set(data["items"][0]) == set(v2_items[0])

        token_response = client.get("/api/v3/comments/form-token/")
        assert token_response["Cache-Control"] == "no-store"
        assert token_response.json()["honeypot_field"] == "homepage"

        url = f"/api/v3/pages/{post.pk}/comments/"
        payload = {key: value for key, value in api_data(post).items() if key != "page"}
        created = client.post(url, payload, content_type="application/json")
        assert created.status_code == 201, created.content
        assert created.json()["comment"]["status"] == "pending"

        bad = client.post(
            url, {**payload, "author_email": "x", "homepage": "y"}, content_type="application/json"
        )
        assert bad.status_code == 400
        assert set(bad.json()["errors"]) == {"author_email", "homepage"}
        assert bad.json()["message"].startswith("author_email: Enter a valid email address.")

        quick = client.post(
            url,
            {**payload, "token": token_response.json()["token"]},
            content_type="application/json",
        )
        assert quick.status_code == 400
        assert "too quick" in quick.json()["errors"]["token"][0]
        assert Comment.objects.filter(status="pending").count() == 2

    def test_hidden_posts_and_bad_parameters(self, client, news_index, post):
        draft = NewsPageFactory(parent=news_index, live=False)
        response = client.get(f"/api/v3/pages/{draft.pk}/comments/")
        assert response.status_code == 404
        assert "no published news post" in response.json()["message"]
        created = client.post(
            f"/api/v3/pages/{draft.pk}/comments/",
            {key: value for key, value in api_data(draft).items() if key != "page"},
            content_type="application/json",
        )
        assert created.status_code == 404
        bad = client.get(f"/api/v3/pages/{post.pk}/comments/?limit=-1")
        assert bad.status_code in (400, 422)
        assert "message" in bad.json()
        assert not Comment.objects.exists()

    def test_typed_in_the_openapi_document(self, client):
        from openapi_spec_validator import validate

        document = get_json(client, "/api/v3/openapi.json")
        validate(document)
        assert "/api/v3/pages/{page_id}/comments/" in document["paths"]
        schemas = document["components"]["schemas"]
        assert "author_email" not in schemas["CommentThreadOut"]["properties"]
        assert "replies" in schemas["CommentThreadOut"]["properties"]
