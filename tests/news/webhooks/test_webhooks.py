"""Webhooks: signed deliveries on publish, retries with backoff, the delivery log, the
admin screens, and publishing that never waits for a receiver.

Receivers are real HTTP servers on loopback started by the tests; deliveries are tasks in
the database, sent by the worker command (``run_worker --once``), as in production.
"""

import datetime
import hashlib
import hmac
import json
import re
import time
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from news.webhooks.events import queue_event
from news.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from tests.news.factories import AuthorFactory, NewsPageFactory
from tests.news.webhooks.factories import WebhookEndpointFactory
from tests.news.workflow_helpers import make_user, news_form_data
from tests.servers import SilentReceiver

DOCS = Path(__file__).resolve().parents[3] / "docs" / "webhooks.md"

pytestmark = pytest.mark.usefixtures("persistent_tasks")


@pytest.fixture
def fast_retries(settings):
    settings.NEWSDESK_WEBHOOK_TIMEOUT = 1
    settings.NEWSDESK_WEBHOOK_RETRY_BASE = 30
    settings.NEWSDESK_WEBHOOK_MAX_ATTEMPTS = 3


def run_worker():
    call_command("run_worker", "--once")


def documented_verifier():
    """The Python verification snippet from docs/webhooks.md, run exactly as written."""
    text = DOCS.read_text()
    snippet = re.search(r"```python\n(.*?)```", text, re.S).group(1)
    namespace = {}
    exec(snippet, namespace)  # noqa: S102 - our own documentation
    return namespace["verify_newsdesk_signature"]


@pytest.fixture
def publish_through_admin(admin_client, news_index, django_capture_on_commit_callbacks):
    """Publish a new post with the admin's Publish button; returns the live page."""
    author = AuthorFactory()

    def publish(title="Harbour reopens", slug="harbour-reopens"):
        data = news_form_data(title=title, slug=slug, author=author)
        data["action-publish"] = "Publish"
        url = reverse("wagtailadmin_pages:add", args=["news", "newspage", news_index.pk])
        with django_capture_on_commit_callbacks(execute=True):
            response = admin_client.post(url, data)
        assert response.status_code == 302, response.content[:2000]
        from news.models import NewsPage

        return NewsPage.objects.get(slug=slug)

    return publish


def test_publishing_sends_a_signed_delivery(receiver, publish_through_admin):
    hook = receiver()
    endpoint = WebhookEndpointFactory(url=hook.url)
    page = publish_through_admin()
    assert hook.requests == []  # nothing is sent from the editor's request
    run_worker()

    assert len(hook.requests) == 1
    request = hook.requests[0]
    headers = {name.lower(): value for name, value in request["headers"].items()}
    document = json.loads(request["body"])
    assert headers["content-type"] == "application/json"
    assert headers["x-newsdesk-event"] == "page.published"
    assert document["event"] == "page.published"
    assert document["page"]["id"] == page.pk
    assert document["page"]["type"] == "news.NewsPage"
    assert document["page"]["html_url"].endswith("/news/harbour-reopens/")
    assert document["page"]["api_url"].endswith(f"/api/v2/pages/{page.pk}/")
    assert datetime.datetime.fromisoformat(document["timestamp"]) <= timezone.now()
    delivery = WebhookDelivery.objects.get()
    assert headers["x-newsdesk-delivery"] == str(delivery.pk) == document["delivery_id"]

    verify = documented_verifier()
    assert verify(request["body"], headers["x-newsdesk-signature"], endpoint.secret)
    # A forged delivery is detected: changed body, wrong secret, missing header.
    forged = request["body"].replace(b"Harbour reopens", b"Harbour closed")
    assert not verify(forged, headers["x-newsdesk-signature"], endpoint.secret)
    assert not verify(request["body"], headers["x-newsdesk-signature"], "another-secret-entirely")
    assert not verify(request["body"], "", endpoint.secret)
    forged_signature = "sha256=" + hmac.new(b"guess", forged, hashlib.sha256).hexdigest()
    assert not verify(forged, forged_signature, endpoint.secret)

    assert delivery.status == WebhookDelivery.Status.DELIVERED
    assert delivery.attempts == 1
    assert delivery.last_response_code == 200


def test_failed_deliveries_are_retried_with_backoff_and_logged(
    receiver, fast_retries, publish_through_admin
):
    hook = receiver(answers=[500, 500, 200])
    WebhookEndpointFactory(url=hook.url)
    publish_through_admin()
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        run_worker()
        delivery = WebhookDelivery.objects.get()
        assert (delivery.status, delivery.attempts, delivery.last_response_code) == (
            WebhookDelivery.Status.RETRYING,
            1,
            500,
        )
        assert delivery.last_error == "HTTP 500 Internal Server Error"
        # Not due yet: the first retry waits 30 s.
        run_worker()
        assert len(hook.requests) == 1
        clock.shift(datetime.timedelta(seconds=31))
        run_worker()
        delivery.refresh_from_db()
        assert (delivery.attempts, delivery.status) == (2, WebhookDelivery.Status.RETRYING)
        # The second retry waits twice as long.
        assert delivery.next_attempt_at == timezone.now() + datetime.timedelta(seconds=60)
        clock.shift(datetime.timedelta(seconds=61))
        run_worker()

    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.DELIVERED
    assert delivery.attempts == 3
    log = list(
        WebhookAttempt.objects.filter(delivery=delivery).values_list("number", "response_code")
    )
    assert log == [(1, 500), (2, 500), (3, 200)]
    # Every try sent the same body and delivery id.
    assert len({r["body"] for r in hook.requests}) == 1
    assert len({r["headers"]["X-Newsdesk-Delivery"] for r in hook.requests}) == 1


def test_a_receiver_that_times_out_is_retried_then_given_up(
    receiver, fast_retries, publish_through_admin
):
    hook = receiver(answers=["slow"])
    WebhookEndpointFactory(url=hook.url)
    publish_through_admin()
    with time_machine.travel(timezone.now(), tick=True) as clock:
        for _ in range(3):
            run_worker()
            clock.shift(datetime.timedelta(minutes=5))
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookDelivery.Status.FAILED
    assert delivery.attempts == 3
    assert delivery.last_response_code is None
    errors = list(WebhookAttempt.objects.filter(delivery=delivery).values_list("error", flat=True))
    assert errors == ["Timed out after 1 s"] * 3


def test_publishing_never_waits_for_a_receiver_that_never_answers(
    fast_retries, publish_through_admin
):
    silent = SilentReceiver()
    try:
        WebhookEndpointFactory(url=silent.url)
        publish_through_admin()
        # The editor's request finished without as much as opening a connection to the
        # receiver, so it cannot have waited for it: the delivery is queued.
        time.sleep(0.2)
        assert silent.accepted == []
        delivery = WebhookDelivery.objects.get()
        assert delivery.status == WebhookDelivery.Status.PENDING
        # The worker is the one that waits, once per try, up to the timeout.
        run_worker()
        delivery.refresh_from_db()
        assert len(silent.accepted) == 1
        assert delivery.status == WebhookDelivery.Status.RETRYING
        assert delivery.last_error == "Timed out after 1 s"
    finally:
        silent.close()


def test_a_dead_receiver_does_not_delay_the_others(receiver, fast_retries, publish_through_admin):
    silent = SilentReceiver()
    try:
        WebhookEndpointFactory(url=silent.url)
        hook = receiver()
        WebhookEndpointFactory(url=hook.url)
        publish_through_admin()
        started = time.monotonic()
        run_worker()
        # Sent side by side: one timeout in all, not one per dead receiver in turn.
        assert time.monotonic() - started < 2.5
        assert len(hook.requests) == 1
        statuses = set(WebhookDelivery.objects.values_list("status", flat=True))
        assert statuses == {WebhookDelivery.Status.DELIVERED, WebhookDelivery.Status.RETRYING}
    finally:
        silent.close()


class TestWhichEvents:
    @pytest.fixture
    def post(self, news_index):
        return NewsPageFactory(parent=news_index, title="Ferry times")

    def events(self):
        return list(WebhookDelivery.objects.order_by("created_at").values_list("event", flat=True))

    def test_unpublish_and_delete(self, post, admin_client, django_capture_on_commit_callbacks):
        WebhookEndpointFactory(url="http://127.0.0.1:9/")
        with django_capture_on_commit_callbacks(execute=True):
            response = admin_client.post(reverse("wagtailadmin_pages:unpublish", args=[post.pk]))
        assert response.status_code == 302
        assert self.events() == ["page.unpublished"]
        post.refresh_from_db()
        post.save_revision().publish()
        with django_capture_on_commit_callbacks(execute=True):
            response = admin_client.post(reverse("wagtailadmin_pages:delete", args=[post.pk]))
        assert response.status_code == 302
        # Deleting a live page is one page.deleted, not also an "unpublished".
        assert self.events()[-1] == "page.deleted"
        assert self.events().count("page.unpublished") == 1
        deleted = json.loads(WebhookDelivery.objects.get(event="page.deleted").body)
        assert deleted["page"]["id"] == post.pk
        assert deleted["page"]["title"] == "Ferry times"

    def test_saving_a_draft_sends_nothing(self, post, django_capture_on_commit_callbacks):
        WebhookEndpointFactory(url="http://127.0.0.1:9/")
        with django_capture_on_commit_callbacks(execute=True):
            post.title = "Draft change"
            post.save_revision()
        assert self.events() == []

    def test_endpoints_get_only_their_events_and_only_while_active(
        self, post, django_capture_on_commit_callbacks
    ):
        only_unpublished = WebhookEndpointFactory(
            url="http://127.0.0.1:9/a", events=["page.unpublished"]
        )
        WebhookEndpointFactory(url="http://127.0.0.1:9/b", is_active=False)
        with django_capture_on_commit_callbacks(execute=True):
            post.save_revision().publish()
            post.unpublish()
        assert list(WebhookDelivery.objects.values_list("endpoint", "event")) == [
            (only_unpublished.pk, "page.unpublished")
        ]

    def test_deliveries_of_a_deactivated_endpoint_are_not_sent(
        self, post, django_capture_on_commit_callbacks
    ):
        endpoint = WebhookEndpointFactory(url="http://127.0.0.1:9/")
        with django_capture_on_commit_callbacks(execute=True):
            post.save_revision().publish()
        endpoint.is_active = False
        endpoint.save()
        run_worker()
        delivery = WebhookDelivery.objects.get()
        assert delivery.status == WebhookDelivery.Status.FAILED
        assert delivery.attempts == 0
        assert delivery.last_error == "Endpoint is inactive"

    def test_scheduled_publishing_by_the_worker_sends_published(
        self, news_index, django_capture_on_commit_callbacks
    ):
        WebhookEndpointFactory(url="http://127.0.0.1:9/")
        post = NewsPageFactory(parent=news_index, live=False)
        go_live = timezone.now() + datetime.timedelta(hours=1)
        post.save_revision(approved_go_live_at=go_live)
        assert self.events() == []
        with (
            time_machine.travel(go_live + datetime.timedelta(minutes=1)),
            django_capture_on_commit_callbacks(execute=True),
        ):
            call_command("publish_scheduled", verbosity=0)
        assert self.events() == ["page.published"]


class TestAdmin:
    @pytest.fixture
    def endpoint(self):
        return WebhookEndpointFactory(url="https://frontend.example/hooks")

    def test_administrator_adds_an_endpoint(self, admin_client):
        url = reverse("webhook_endpoints:add")
        response = admin_client.get(url)
        assert response.status_code == 200
        assert b"page.published" in response.content
        response = admin_client.post(
            url,
            {
                "name": "Next.js",
                "url": "https://next.example/api/revalidate",
                "secret": "a-long-enough-shared-secret",
                "events": ["page.published", "comment.approved"],
                "is_active": "on",
            },
        )
        assert response.status_code == 302
        endpoint = WebhookEndpoint.objects.get(name="Next.js")
        assert endpoint.events == ["page.published", "comment.approved"]

    @pytest.mark.parametrize(
        ("field", "value", "message"),
        [
            ("url", "ftp://next.example/", "Enter a valid URL."),
            ("url", "not a url", "Enter a valid URL."),
            ("secret", "short", "at least 16 characters"),
            ("events", "page.exploded", "Select a valid choice"),
        ],
    )
    def test_bad_input_is_a_form_error(self, admin_client, field, value, message):
        data = {
            "name": "Next.js",
            "url": "https://next.example/",
            "secret": "a-long-enough-shared-secret",
            "events": ["page.published"],
        }
        data[field] = value
        response = admin_client.post(reverse("webhook_endpoints:add"), data)
        assert response.status_code == 200
        assert message in response.content.decode()
        assert not WebhookEndpoint.objects.exists()

    def test_send_test_event_queues_a_delivery_and_shows_it(
        self, admin_client, endpoint, receiver, django_capture_on_commit_callbacks
    ):
        hook = receiver()
        endpoint.url = hook.url
        endpoint.save()
        url = reverse("webhook_endpoints:send_test", args=[endpoint.pk])
        assert admin_client.get(url).status_code == 200  # asks first
        assert not WebhookDelivery.objects.exists()
        with django_capture_on_commit_callbacks(execute=True):
            response = admin_client.post(url)
        delivery = WebhookDelivery.objects.get()
        assert response.status_code == 302
        assert response["Location"] == reverse("webhook_deliveries:inspect", args=[delivery.pk])
        assert delivery.event == "webhook.test"
        run_worker()
        assert json.loads(hook.requests[0]["body"])["event"] == "webhook.test"
        page = admin_client.get(response["Location"]).content.decode()
        assert "Delivered" in page
        assert "200" in page

    def test_delivery_log_lists_filters_and_resends(
        self, admin_client, endpoint, fast_retries, django_capture_on_commit_callbacks
    ):
        failed = WebhookDelivery.objects.create(
            endpoint=endpoint,
            event="page.published",
            body="{}",
            status=WebhookDelivery.Status.FAILED,
            attempts=3,
            last_response_code=503,
            last_error="HTTP 503 Service Unavailable",
            next_attempt_at=None,
        )
        WebhookAttempt.objects.create(
            delivery=failed, number=1, response_code=503, error="HTTP 503"
        )
        WebhookDelivery.objects.create(
            endpoint=endpoint,
            event="page.unpublished",
            body="{}",
            status="delivered",
            page_id=987654,
        )
        index = reverse("webhook_deliveries:index")
        everything = admin_client.get(index).content.decode()
        assert "HTTP 503 Service Unavailable" in everything
        assert "987654" in everything
        only_failed = admin_client.get(index, {"status": "failed"}).content.decode()
        assert "HTTP 503 Service Unavailable" in only_failed
        assert "987654" not in only_failed

        inspect = admin_client.get(reverse("webhook_deliveries:inspect", args=[failed.pk]))
        assert inspect.status_code == 200
        assert "HTTP 503" in inspect.content.decode()

        with django_capture_on_commit_callbacks(execute=True):
            response = admin_client.post(reverse("webhook_deliveries:resend", args=[failed.pk]))
        assert response.status_code == 302
        failed.refresh_from_db()
        assert failed.status == WebhookDelivery.Status.PENDING
        assert failed.attempts == 0
        # ... and the delivery task is queued for the worker.
        assert DBTaskResult.objects.filter(
            task_path="news.webhooks.tasks.deliver_due_webhooks", status="READY"
        ).exists()
        # The log is not written by hand, even by administrators.
        for url in (f"{index}new/", reverse("webhook_deliveries:edit", args=[failed.pk])):
            response = admin_client.get(url)
            assert (response.status_code, response["Location"]) == (302, "/admin/")

    @pytest.mark.parametrize("group", ["Editors", "Moderators"])
    def test_editors_and_moderators_cannot_manage_webhooks(
        self, client, django_user_model, endpoint, group
    ):
        user = make_user(django_user_model, "staffer", group)
        client.force_login(user)
        for url in (
            reverse("webhook_endpoints:index"),
            reverse("webhook_endpoints:edit", args=[endpoint.pk]),
            reverse("webhook_endpoints:send_test", args=[endpoint.pk]),
            reverse("webhook_deliveries:index"),
        ):
            response = client.get(url)
            assert response.status_code in (302, 403), url
        response = client.post(reverse("webhook_endpoints:send_test", args=[endpoint.pk]))
        assert response.status_code in (302, 403)
        assert not WebhookDelivery.objects.exists()


class TestPrivacy:
    """Receivers learn nothing readers may not see."""

    @pytest.fixture
    def private_index(self, news_index):
        from wagtail.models import PageViewRestriction

        PageViewRestriction.objects.create(
            page=news_index, restriction_type=PageViewRestriction.PASSWORD, password="x"
        )
        return news_index

    def test_publishing_behind_a_password_sends_nothing(
        self, private_index, django_capture_on_commit_callbacks
    ):
        WebhookEndpointFactory(url="http://127.0.0.1:9/")
        with django_capture_on_commit_callbacks(execute=True):
            NewsPageFactory(parent=private_index, title="Secret merger talks", live=False)
            from news.models import NewsPage

            NewsPage.objects.get(title="Secret merger talks").save_revision().publish()
        assert not WebhookDelivery.objects.exists()

    def test_unpublishing_behind_a_password_sends_only_the_id(
        self, private_index, django_capture_on_commit_callbacks
    ):
        post = NewsPageFactory(parent=private_index, title="Secret merger talks")
        WebhookEndpointFactory(url="http://127.0.0.1:9/")
        with django_capture_on_commit_callbacks(execute=True):
            post.unpublish()
        delivery = WebhookDelivery.objects.get()
        assert delivery.event == "page.unpublished"
        assert json.loads(delivery.body)["page"] == {"id": post.pk, "type": "news.NewsPage"}
        assert "Secret" not in delivery.body


@pytest.mark.parametrize(
    ("head", "trickled"),
    [
        (b"", b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok" * 100),
        # The status and headers at once, then the body a byte at a time.
        (b"HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n", b"x" * 5000),
    ],
)
def test_a_receiver_answering_a_byte_at_a_time_is_cut_off_at_the_timeout(settings, head, trickled):
    """The timeout applies to each socket read; a receiver trickling its answer would
    hold a sender for ever without the watchdog in delivery.send."""
    import socket as sockets
    import threading
    import time

    from news.webhooks.delivery import send

    settings.NEWSDESK_WEBHOOK_TIMEOUT = 1
    server = sockets.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def trickle():
        connection, _ = server.accept()
        connection.recv(65536)
        connection.send(head)
        for byte in trickled:
            if stop.is_set():
                break
            try:
                connection.send(bytes([byte]))
            except OSError:
                break
            time.sleep(0.2)  # well inside the per-read timeout
        connection.close()

    thread = threading.Thread(target=trickle, daemon=True)
    thread.start()
    try:
        started = time.monotonic()
        outcome = send(f"http://127.0.0.1:{server.getsockname()[1]}/", "s", "e", "d", "{}")
        took = time.monotonic() - started
    finally:
        stop.set()
        server.close()
    assert not outcome.succeeded
    assert "Timed out after 1 s" in outcome.error
    assert took < 3


@pytest.mark.django_db
def test_an_event_nobody_subscribes_to_costs_one_query(news_index, django_assert_num_queries):
    """Publishing with no endpoint (or none wanting the event) builds no payload: the
    page's URLs, listings and visibility are what made imports and publishing slow."""
    post = NewsPageFactory(parent=news_index, title="Quiet")
    WebhookEndpointFactory(events=["comment.approved"])  # wants another event
    WebhookEndpointFactory(events=["page.published"], is_active=False)
    with django_assert_num_queries(1):
        queue_event("page.published", post)
    assert not WebhookDelivery.objects.exists()

    # With a subscriber, the payload is built (the visibility check, URLs, listings).
    WebhookEndpointFactory(events=["page.published"])
    with CaptureQueriesContext(connection) as queries:
        queue_event("page.published", post)
    assert len(queries) > 1
