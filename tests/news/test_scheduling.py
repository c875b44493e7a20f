"""Scheduled publishing and expiry, driven by the worker (the test moves the clock)."""

import datetime
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.utils import timezone

from news.models import NewsPage
from tests.news.factories import AuthorFactory, NewsPageFactory
from tests.news.workflow_helpers import api_for

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


def run_worker_once():
    out = StringIO()
    call_command("run_worker", "--once", stdout=out)
    return out.getvalue()


def test_approved_post_goes_live_at_its_time(client, news_index, editor, moderator):
    with time_machine.travel(NOW, tick=False):
        page = NewsPageFactory(
            parent=news_index, title="Embargoed report", live=False, authors=[AuthorFactory()]
        )
        page.go_live_at = NOW + datetime.timedelta(hours=2)
        page.save_revision(user=editor)
        api_for(client, editor).post(f"/api/v3/pages/{page.pk}/workflow/submit/")
        response = api_for(client, moderator).post(f"/api/v3/pages/{page.pk}/workflow/approve/")
        assert response.status_code == 200

        page.refresh_from_db()
        assert not page.live
        assert client.get("/news/").content.count(b"Embargoed report") == 0
        run_worker_once()
        assert not NewsPage.objects.get(pk=page.pk).live  # not yet

    with time_machine.travel(NOW + datetime.timedelta(hours=2, minutes=1), tick=False):
        assert not NewsPage.objects.get(pk=page.pk).live  # nothing happens without the worker
        run_worker_once()
        page.refresh_from_db()
        assert page.live
        assert b"Embargoed report" in client.get("/news/").content
        assert client.get(page.url).status_code == 200


def test_post_expires_at_its_time(client, news_index):
    with time_machine.travel(NOW, tick=False):
        page = NewsPageFactory(
            parent=news_index,
            title="Limited offer story",
            expire_at=NOW + datetime.timedelta(days=1),
        )
        page.save_revision().publish()
        assert client.get(page.url).status_code == 200

    with time_machine.travel(NOW + datetime.timedelta(days=1, seconds=1), tick=False):
        # Past its expiry: gone for readers at once, even before the worker runs...
        assert NewsPage.objects.get(pk=page.pk).live
        assert client.get(page.url).status_code == 404
        assert b"Limited offer story" not in client.get("/news/").content
        # ...and the worker unpublishes it.
        run_worker_once()
        page.refresh_from_db()
        assert not page.live
        assert page.expired


def test_worker_rejects_bad_options():
    with pytest.raises(CommandError, match="--interval must be at least 1 second"):
        call_command("run_worker", "--interval", "0")
    with pytest.raises(CommandError, match=r"--task-interval must be at least 0\.1"):
        call_command("run_worker", "--task-interval", "0")


def test_the_old_delivery_interval_option_still_starts_the_worker():
    err = StringIO()
    call_command("run_worker", "--once", "--delivery-interval", "2", stdout=StringIO(), stderr=err)
    assert "--delivery-interval is deprecated" in err.getvalue()


def test_worker_once_reports_failed_scheduled_publishing(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr("news.management.commands.run_worker.run_scheduled_publishing", broken)
    with pytest.raises(CommandError, match="Scheduled publishing failed"):
        run_worker_once()


def test_worker_loop_runs_rounds_until_stopped(monkeypatch):
    """The loop runs a round, waits, and stops cleanly when asked (as on SIGTERM)."""
    from news.management.commands import run_worker

    rounds = []

    def scheduling_round():
        rounds.append(timezone.now())
        if len(rounds) == 2:
            command.stopping = True

    command = run_worker.Command(stdout=StringIO())
    monkeypatch.setattr(run_worker, "scheduling_round", scheduling_round)
    monkeypatch.setattr(run_worker.time, "sleep", lambda seconds: None)
    monkeypatch.setattr(run_worker.signal, "signal", lambda *args: None)
    clock = iter(range(0, 10_000, 5))
    monkeypatch.setattr(run_worker.time, "monotonic", lambda: next(clock))
    command.handle(interval=1.0, task_interval=1.0, once=False)
    assert len(rounds) == 2
    assert "Worker stopped." in command.stdout.getvalue()
