"""The worker as production runs it: ``manage.py run_worker`` in a process of its own, with
the persistent task backend and a thread per task queue, against a database the web
process shares.

A post published in another process queues its work; the running worker indexes it for
search, sends the webhook delivery to a receiver on loopback, and stops cleanly on
SIGTERM.
"""

import json
import signal
import subprocess
import sys
import time

import pytest

from tests.deployment import PROJECT, fresh_database, shell, worker_environment
from tests.servers import Receiver

pytestmark = pytest.mark.deployment

PUBLISH = """
from wagtail.models import Site
from news.models import NewsIndexPage, NewsPage
from news.webhooks.models import WebhookEndpoint
WebhookEndpoint.objects.create(name="frontend", url={url!r}, events=["page.published"])
home = Site.objects.get(is_default_site=True).root_page
index = home.add_child(instance=NewsIndexPage(title="News", slug="news"))
post = index.add_child(instance=NewsPage(title="Quay cranes return", slug="cranes", live=False))
post.save_revision().publish()
"""

REPORT = """
import json
from django_tasks_db.models import DBTaskResult
from news.models import NewsPage
print(json.dumps({
    "found": [p.title for p in NewsPage.objects.live().search("cranes")],
    "statuses": sorted(set(DBTaskResult.objects.values_list("status", flat=True))),
    "queues": sorted(set(DBTaskResult.objects.values_list("queue_name", flat=True))),
}))
"""


@pytest.fixture
def deployment(tmp_path, migrated_database):
    url, drop = fresh_database(tmp_path, "worker", template=migrated_database)
    yield worker_environment(tmp_path, url)
    drop()


def test_the_worker_process_runs_the_queued_work_and_stops_on_sigterm(deployment):
    receiver = Receiver()
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "run_worker", "--interval", "1", "--task-interval", "0.2"],
        cwd=PROJECT,
        env=deployment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        shell(deployment, PUBLISH.format(url=receiver.url))
        deadline = time.monotonic() + 60
        while not receiver.requests and time.monotonic() < deadline:
            assert worker.poll() is None, worker.stderr.read()[-3000:]
            time.sleep(0.2)
        assert len(receiver.requests) == 1, "the worker sent no delivery within 60 s"
        assert json.loads(receiver.requests[0]["body"])["event"] == "page.published"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            report = json.loads(shell(deployment, REPORT).strip().splitlines()[-1])
            if report["found"] and report["statuses"] == ["SUCCESSFUL"]:
                break
            time.sleep(0.5)
        assert report["found"] == ["Quay cranes return"]
        assert report["statuses"] == ["SUCCESSFUL"]
        assert {"default", "webhooks"} <= set(report["queues"])
    finally:
        worker.send_signal(signal.SIGTERM)
        out, err = worker.communicate(timeout=30)
        receiver.close()
    assert worker.returncode == 0, err[-3000:]
    assert "Worker stopped." in out
