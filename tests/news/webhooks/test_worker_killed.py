"""A worker killed with SIGKILL while it is sending loses no delivery: the next worker
sends at once what the dead one never claimed, and sends again, once their lease has run
out, only the deliveries that were in flight (news/webhooks/delivery.py).

Real processes, as production runs them: ``manage.py run_worker`` with the persistent task
backend, against a database of its own (a SQLite file, or a new PostgreSQL database when
the suite runs on PostgreSQL), and a webhook receiver on loopback that takes 2.5 s to
answer, so the first worker's senders are all busy when it is killed. The lease is short
(LEASE seconds, from a settings module written for the test) so the test takes about
twenty seconds.
"""

import collections
import datetime
import json
import os
import signal
import subprocess
import sys
import time

import pytest

from news.webhooks.delivery import SENDERS
from tests.deployment import PROJECT, fresh_database, shell, worker_environment
from tests.servers import Receiver

pytestmark = pytest.mark.deployment

LEASE = 10
NEVER_CLAIMED = 8
DELIVERIES = SENDERS + NEVER_CLAIMED

SETTINGS = f"""
from cms.settings.production import *  # noqa: F403

NEWSDESK_WEBHOOK_LEASE = {LEASE}
"""

SETUP = """
import json
from news.webhooks.models import WebhookDelivery, WebhookEndpoint
from news.webhooks.tasks import queue_delivery_round
endpoint = WebhookEndpoint.objects.create(name="frontend", url={url!r}, events=["page.published"])
for number in range({count}):
    WebhookDelivery.objects.create(
        endpoint=endpoint, event="page.published", body=json.dumps({{"number": number}})
    )
queue_delivery_round()
"""

REPORT = """
import json
from django.utils import timezone
from news.webhooks.models import WebhookDelivery
print(json.dumps({
    "now": timezone.now().isoformat(),
    "deliveries": {
        str(d.pk): {
            "status": d.status,
            "attempts": d.attempts,
            "next_attempt_at": d.next_attempt_at and d.next_attempt_at.isoformat(),
            "tries_started": [a.started_at.isoformat() for a in d.attempt_log.all()],
        }
        for d in WebhookDelivery.objects.prefetch_related("attempt_log")
    },
}))
"""


@pytest.fixture
def deployment(tmp_path, migrated_database):
    url, drop = fresh_database(tmp_path, "killed", template=migrated_database)
    (tmp_path / "killed_worker_settings.py").write_text(SETTINGS)
    yield worker_environment(
        tmp_path,
        url,
        DJANGO_SETTINGS_MODULE="killed_worker_settings",
        PYTHONPATH=os.pathsep.join(filter(None, [str(tmp_path), os.environ.get("PYTHONPATH")])),
    )
    drop()


def report(env):
    document = json.loads(shell(env, REPORT).strip().splitlines()[-1])
    return datetime.datetime.fromisoformat(document["now"]), document["deliveries"]


def at(value):
    return datetime.datetime.fromisoformat(value)


def start_worker(env, log):
    return subprocess.Popen(
        [sys.executable, "manage.py", "run_worker", "--interval", "1", "--task-interval", "0.2"],
        cwd=PROJECT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def received(receiver):
    """How many times each delivery id reached the receiver."""
    ids = (
        {name.lower(): value for name, value in request["headers"].items()}["x-newsdesk-delivery"]
        for request in list(receiver.requests)
    )
    return collections.Counter(ids)


def wait_until(condition, seconds, worker, log):
    deadline = time.monotonic() + seconds
    while not condition():
        assert worker.poll() is None, f"the worker stopped:\n{log.read_text()[-3000:]}"
        assert time.monotonic() < deadline, f"waited {seconds} s:\n{log.read_text()[-3000:]}"
        time.sleep(0.02)


def test_a_worker_killed_mid_send_loses_nothing_and_holds_only_what_was_in_flight(
    deployment, tmp_path
):
    started = time.monotonic()
    # The first SENDERS requests are answered after 2.5 s, the rest at once.
    receiver = Receiver(answers=["slow"] * SENDERS + [200])
    workers = []
    try:
        shell(deployment, SETUP.format(url=receiver.url, count=DELIVERIES))
        first_log = tmp_path / "first-worker.log"
        with first_log.open("w") as log:
            workers.append(first := start_worker(deployment, log))
        # Every sender of the first worker is waiting for the receiver: kill it.
        wait_until(lambda: len(receiver.requests) >= SENDERS, 30, first, first_log)
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)

        killed_at, deliveries = report(deployment)
        sent_before_kill = received(receiver)
        in_flight = {
            pk
            for pk, d in deliveries.items()
            if d["status"] == "pending" and at(d["next_attempt_at"]) > killed_at
        }
        never_claimed = {
            pk
            for pk, d in deliveries.items()
            if d["status"] == "pending" and at(d["next_attempt_at"]) <= killed_at
        }
        answered = {pk for pk, d in deliveries.items() if d["status"] == "delivered"}
        lease_ends = {pk: at(deliveries[pk]["next_attempt_at"]) for pk in in_flight}
        # Claimed were only the deliveries its senders were sending (none was answered
        # yet, unless this machine is very slow), and nothing was recorded for them.
        assert 0 < len(in_flight) <= SENDERS
        assert in_flight == set(sent_before_kill) - answered
        assert len(never_claimed) >= NEVER_CLAIMED
        assert all(deliveries[pk]["attempts"] == 0 for pk in in_flight | never_claimed)
        for lease_end in lease_ends.values():
            assert killed_at < lease_end <= killed_at + datetime.timedelta(seconds=LEASE)

        second_log = tmp_path / "second-worker.log"
        with second_log.open("w") as log:
            workers.append(second := start_worker(deployment, log))
        wait_until(lambda: len(received(receiver)) == DELIVERIES, LEASE + 15, second, second_log)
        deadline = time.monotonic() + 15
        while True:
            _now, deliveries = report(deployment)
            statuses = {d["status"] for d in deliveries.values()}
            if statuses == {"delivered"} or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        second.send_signal(signal.SIGTERM)
        second.wait(timeout=30)
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
                worker.wait(timeout=10)
        receiver.close()

    # None lost: every delivery reached the receiver and is recorded as delivered, once.
    assert statuses == {"delivered"}, deliveries
    assert len(deliveries) == DELIVERIES
    assert all(d["attempts"] == 1 and len(d["tries_started"]) == 1 for d in deliveries.values())
    times = received(receiver)
    assert set(times) == set(deliveries)
    # Sent twice: at most what was in flight when the worker was killed, never more.
    assert {pk for pk, count in times.items() if count > 1} <= in_flight
    assert max(times.values()) <= 2
    # The never-claimed ones were not held for the lease: sent before the first lease ran
    # out. The ones in flight were held until theirs did, then sent again.
    first_lease_end = min(lease_ends.values())
    for pk in never_claimed:
        assert at(deliveries[pk]["tries_started"][0]) < first_lease_end
    for pk in in_flight:
        assert at(deliveries[pk]["tries_started"][0]) >= lease_ends[pk]
    assert second.returncode == 0, second_log.read_text()[-3000:]
    assert time.monotonic() - started < 60
