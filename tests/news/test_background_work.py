"""Saving, submitting, approving and publishing in the admin queue the background work and
return without doing it; the worker does it (cms/settings/base.py, ``TASKS``).

With the persistent task backend, as in production: Wagtail's own tasks (search index,
reference index, frontend-cache purge) and Newsdesk's (webhook delivery, re-indexing
posts that link to the page) are rows in the database when the editor's request returns,
none has run (the receiver and the CDN have heard nothing, the search does not find the
post yet), and ``run_worker --once`` runs them all.
"""

import datetime
import socket
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from news.models import NewsPage
from tests.news.factories import AuthorFactory, NewsPageFactory
from tests.news.webhooks.factories import WebhookEndpointFactory
from tests.news.workflow_helpers import current_task_state, news_form_data

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("persistent_tasks")]

PUBLISHING_WORK = {
    "modelsearch.tasks.insert_or_update_object_task",
    "wagtail.tasks.update_reference_index_task",
    "wagtail.contrib.frontend_cache.tasks.purge_urls_from_cache_task",
    "news.webhooks.tasks.deliver_due_webhooks",
    "news.tasks.reindex_posts_linking_to",
}


@pytest.fixture
def hook(receiver):
    started = receiver()
    WebhookEndpointFactory(url=started.url, events=["page.published"])
    return started


def queued():
    return set(DBTaskResult.objects.filter(status="READY").values_list("task_path", flat=True))


def found_by_search(word):
    return [post.title for post in NewsPage.objects.live().search(word)]


def post_form(client, news_index, data, django_capture_on_commit_callbacks):
    url = reverse("wagtailadmin_pages:add", args=["news", "newspage", news_index.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)
    assert response.status_code == 302, response.content[:2000]


def assert_the_worker_does_it_all(hook, purge_recorder, post):
    call_command("run_worker", "--once")
    assert not DBTaskResult.objects.exclude(status="SUCCESSFUL").exists()
    assert len(hook.requests) == 1
    assert f"/news/{post.slug}/" in purge_recorder.wait_for(1)
    assert found_by_search("cranes") == [post.title]


def test_publishing_queues_the_work_and_returns(
    admin_client, news_index, hook, purge_recorder, django_capture_on_commit_callbacks
):
    data = news_form_data(title="Quay cranes return", slug="quay-cranes", author=AuthorFactory())
    data["action-publish"] = "Publish"
    post_form(admin_client, news_index, data, django_capture_on_commit_callbacks)

    post = NewsPage.objects.get(slug="quay-cranes")
    assert post.live
    assert queued() >= PUBLISHING_WORK
    assert hook.requests == []
    assert purge_recorder.purged == []
    assert found_by_search("cranes") == []
    assert_the_worker_does_it_all(hook, purge_recorder, post)


def test_saving_submitting_and_approving_queue_the_work(
    client, editor, moderator, news_index, hook, purge_recorder, django_capture_on_commit_callbacks
):
    client.force_login(editor)
    data = news_form_data(title="Quay cranes return", slug="quay-cranes", author=AuthorFactory())
    post_form(client, news_index, data, django_capture_on_commit_callbacks)  # save draft
    post = NewsPage.objects.get(slug="quay-cranes")
    assert "wagtail.tasks.update_reference_index_task" in queued()

    data["action-submit"] = "Submit"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("wagtailadmin_pages:edit", args=[post.pk]), data)
    assert response.status_code == 302

    client.force_login(moderator)
    task_state = current_task_state(post)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/admin/pages/workflow/action/{post.pk}/approve/{task_state.pk}/", {"comment": ""}
        )
    assert response.status_code in (200, 302)
    post.refresh_from_db()
    assert post.live
    assert queued() >= PUBLISHING_WORK
    assert hook.requests == []
    assert purge_recorder.purged == []
    assert_the_worker_does_it_all(hook, purge_recorder, post)


def test_the_worker_deletes_results_of_tasks_finished_long_ago(settings):
    settings.NEWSDESK_TASK_RESULTS_KEEP_DAYS = 14
    now = timezone.now()

    def result(status, days_ago):
        return DBTaskResult.objects.create(
            args_kwargs={"args": [], "kwargs": {}},
            task_path="news.webhooks.tasks.deliver_due_webhooks",
            queue_name="webhooks",
            backend_name="default",
            run_after=now,
            status=status,
            finished_at=None if status == "READY" else now - datetime.timedelta(days=days_ago),
        )

    old = result("SUCCESSFUL", 20)
    old_failure = result("FAILED", 15)
    recent = result("SUCCESSFUL", 2)
    waiting = result("READY", 0)
    DBTaskResult.objects.filter(pk=waiting.pk).update(
        run_after=now + datetime.timedelta(days=1)  # not due: the worker leaves it queued
    )
    call_command("run_worker", "--once")
    remaining = set(DBTaskResult.objects.values_list("pk", flat=True))
    assert {recent.pk, waiting.pk} <= remaining
    assert not {old.pk, old_failure.pk} & remaining


def test_publishing_many_posts_at_once_queues_one_delivery_round(
    admin_client, news_index, hook, django_capture_on_commit_callbacks
):
    author = AuthorFactory()
    for number in range(3):
        data = news_form_data(title=f"Story {number}", slug=f"story-{number}", author=author)
        data["action-publish"] = "Publish"
        post_form(admin_client, news_index, data, django_capture_on_commit_callbacks)
    rounds = DBTaskResult.objects.filter(task_path="news.webhooks.tasks.deliver_due_webhooks")
    assert rounds.count() == 1
    call_command("run_worker", "--once")
    assert len(hook.requests) == 3


def test_purges_and_deliveries_have_queues_of_their_own(
    admin_client, news_index, hook, purge_recorder, django_capture_on_commit_callbacks
):
    data = news_form_data(title="Quay cranes return", slug="quay-cranes", author=AuthorFactory())
    data["action-publish"] = "Publish"
    post_form(admin_client, news_index, data, django_capture_on_commit_callbacks)
    queues = dict(DBTaskResult.objects.values_list("task_path", "queue_name"))
    assert queues["wagtail.contrib.frontend_cache.tasks.purge_urls_from_cache_task"] == "purges"
    assert queues["modelsearch.tasks.insert_or_update_object_task"] == "default"
    assert queues["news.webhooks.tasks.deliver_due_webhooks"] == "webhooks"


def test_tasks_a_killed_worker_left_running_are_run_again(news_index):
    """A worker killed mid-task (its process gone) leaves the task *running*; the next
    worker on the machine runs it again. Another machine's running tasks are its own."""
    from news.tasks import reindex_posts

    post = NewsPageFactory(parent=news_index, title="Found again")
    mine = reindex_posts.enqueue([post.pk]).id
    theirs = reindex_posts.enqueue([post.pk]).id
    dead_pid = 2**22 + 7  # above Linux's pid_max default: no such process
    DBTaskResult.objects.filter(pk=mine).update(
        status="RUNNING", worker_ids=[f"{socket.gethostname()}:{dead_pid}:tasks:default"]
    )
    DBTaskResult.objects.filter(pk=theirs).update(
        status="RUNNING", worker_ids=["another-machine:123:tasks:default"]
    )
    call_command("run_worker", "--once", stdout=StringIO())
    assert DBTaskResult.objects.get(pk=mine).status == "SUCCESSFUL"
    assert DBTaskResult.objects.get(pk=theirs).status == "RUNNING"
