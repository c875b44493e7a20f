"""Claims and leases: a worker claims a delivery only when one of its senders is free to
send it, renews the lease while the POST is in flight, and a worker that dies holds only
what it had in flight, until the lease runs out (news/webhooks/delivery.py).

A dead worker is played here by claims that are never sent nor recorded; the same story
with a real worker process killed by SIGKILL is in test_worker_killed.py.
"""

import datetime
import json

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from news.webhooks import delivery as sending
from news.webhooks import tasks
from news.webhooks.delivery import claim, claim_next, deliver_due, lease_seconds, record, renew
from news.webhooks.models import WebhookAttempt, WebhookDelivery
from news.webhooks.tasks import queue_delivery_round, queue_next_round
from tests.news.webhooks.factories import WebhookEndpointFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("persistent_tasks")]

TASK_PATH = "news.webhooks.tasks.deliver_due_webhooks"


@pytest.fixture
def short_lease(settings):
    settings.NEWSDESK_WEBHOOK_LEASE = 6
    settings.NEWSDESK_WEBHOOK_TIMEOUT = 5
    return 6


def make_deliveries(endpoint, count):
    """``count`` deliveries due now, the oldest first."""
    now = timezone.now()
    made = []
    for number in range(count):
        due = now - datetime.timedelta(seconds=count - number)
        made.append(
            WebhookDelivery.objects.create(
                endpoint=endpoint,
                event="page.published",
                body=json.dumps({"event": "page.published", "number": number}),
                next_attempt_at=due,
            )
        )
    return made


def received_ids(hook):
    return [
        {name.lower(): value for name, value in request["headers"].items()}["x-newsdesk-delivery"]
        for request in hook.requests
    ]


def test_each_delivery_is_claimed_only_when_a_sender_is_free(receiver, monkeypatch):
    hook = receiver()
    made = make_deliveries(WebhookEndpointFactory(url=hook.url), 7)
    monkeypatch.setattr(sending, "SENDERS", 3)
    held_at_each_claim = []
    real_claim_next = sending.claim_next

    def observed_claim_next():
        held_at_each_claim.append(
            WebhookDelivery.objects.filter(
                attempts=0, next_attempt_at__gt=timezone.now() + datetime.timedelta(seconds=1)
            ).count()
        )
        return real_claim_next()

    monkeypatch.setattr(sending, "claim_next", observed_claim_next)
    assert deliver_due() == 7
    # Never more than the senders held at once, though all seven were due from the start.
    assert max(held_at_each_claim) <= 2
    assert sorted(received_ids(hook)) == sorted(str(d.pk) for d in made)
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {"delivered"}


def test_two_workers_never_claim_the_same_delivery(receiver):
    (delivery,) = make_deliveries(WebhookEndpointFactory(url=receiver().url), 1)
    now = timezone.now()
    first, second = (WebhookDelivery.objects.get(pk=delivery.pk) for _ in range(2))
    assert claim(first, now)
    assert not claim(second, now)  # read as due, but the conditional UPDATE finds it taken
    assert claim_next() is None  # and no longer due for anyone else


def test_a_dead_worker_holds_only_what_it_had_in_flight_until_the_lease_ends(
    receiver, short_lease
):
    hook = receiver()
    made = make_deliveries(WebhookEndpointFactory(url=hook.url), 5)
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        # A worker claims the two oldest for its senders, sends them, and dies.
        in_flight = [claim_next(), claim_next()]
        assert [d.pk for d in in_flight] == [made[0].pk, made[1].pk]

        # The next worker sends the three never claimed at once; the two are held.
        assert deliver_due() == 3
        assert sorted(received_ids(hook)) == sorted(str(d.pk) for d in made[2:])
        held = WebhookDelivery.objects.filter(pk__in=[d.pk for d in in_flight])
        lease_end = start + datetime.timedelta(seconds=lease_seconds())
        assert set(held.values_list("status", "attempts", "next_attempt_at")) == {
            ("pending", 0, lease_end)
        }

        clock.shift(datetime.timedelta(seconds=lease_seconds() - 1))
        assert deliver_due() == 0
        clock.shift(datetime.timedelta(seconds=1))
        # Their lease ran out: sent again, each once more.
        assert deliver_due() == 2
    assert sorted(received_ids(hook)[3:]) == sorted(str(d.pk) for d in in_flight)
    assert set(WebhookDelivery.objects.values_list("status", "attempts")) == {("delivered", 1)}
    # The dead worker's tries were never recorded: one attempt each in the log.
    assert WebhookAttempt.objects.count() == 5


def test_a_lease_renewed_in_time_is_kept_and_a_lost_one_records_nothing(receiver, short_lease):
    (delivery,) = make_deliveries(WebhookEndpointFactory(url=receiver().url), 1)
    start = timezone.now()
    outcome = sending.Outcome(200, "", 5)
    with time_machine.travel(start, tick=False) as clock:
        mine = claim_next()
        clock.shift(datetime.timedelta(seconds=lease_seconds() * 2 / 3))
        assert renew(mine)
        clock.shift(datetime.timedelta(seconds=lease_seconds() * 2 / 3))
        # Past the first lease's end, but renewed: nobody else may take it.
        assert claim_next() is None

        clock.shift(datetime.timedelta(seconds=lease_seconds()))
        # This worker stalled past its lease: another took the delivery over.
        theirs = claim_next()
        assert theirs.pk == delivery.pk
        assert not renew(mine)
        record(mine, outcome, start)
        assert WebhookAttempt.objects.count() == 0  # the stalled worker records nothing
        record(theirs, outcome, timezone.now())
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("delivered", 1)


def test_the_lease_is_renewed_while_a_receiver_takes_longer_than_the_lease(
    receiver, settings, monkeypatch
):
    settings.NEWSDESK_WEBHOOK_LEASE = 0.6
    settings.NEWSDESK_WEBHOOK_TIMEOUT = 5
    hook = receiver(answers=["slow"])  # answers after 2.5 s
    (delivery,) = make_deliveries(WebhookEndpointFactory(url=hook.url), 1)
    leases = []
    real_renew = sending.renew

    def observed_renew(held):
        renewed = real_renew(held)
        leases.append((renewed, held.next_attempt_at))
        return renewed

    monkeypatch.setattr(sending, "renew", observed_renew)
    assert deliver_due() == 1
    assert len(leases) >= 3  # every 0.2 s for 2.5 s
    assert all(renewed for renewed, _ in leases)
    assert [lease for _, lease in leases] == sorted(lease for _, lease in leases)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, len(hook.requests)) == ("delivered", 1, 1)


def test_a_round_queues_the_next_for_when_a_dead_workers_lease_runs_out(receiver, short_lease):
    hook = receiver()
    (delivery,) = make_deliveries(WebhookEndpointFactory(url=hook.url), 1)
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        held = claim_next()  # by a worker that died with it in flight
        queue_delivery_round()
        call_command("run_worker", "--once")
        # Nothing was due, yet the round queued the next for the end of the lease ...
        waiting = DBTaskResult.objects.filter(task_path=TASK_PATH, status="READY")
        assert list(waiting.values_list("run_after", flat=True)) == [held.next_attempt_at]
        # ... once, however many rounds ask.
        queue_next_round()
        assert waiting.count() == 1
        assert hook.requests == []

        clock.shift(datetime.timedelta(seconds=lease_seconds()))
        call_command("run_worker", "--once")
    assert received_ids(hook) == [str(delivery.pk)]
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.DELIVERED
    assert not DBTaskResult.objects.filter(task_path=TASK_PATH, status="READY").exists()


def test_a_round_stops_at_its_size_and_queues_the_next_at_once(receiver, monkeypatch):
    # Bounded rounds: a worker told to stop finishes the one it is in, not the backlog.
    monkeypatch.setattr(tasks, "ROUND_SIZE", 2)
    hook = receiver()
    make_deliveries(WebhookEndpointFactory(url=hook.url), 5)
    queue_delivery_round()
    call_command("run_worker", "--once")
    assert len(hook.requests) == 5
    rounds = DBTaskResult.objects.filter(task_path=TASK_PATH)
    assert sorted(rounds.values_list("return_value", flat=True)) == [1, 2, 2]
    assert set(rounds.values_list("status", flat=True)) == {"SUCCESSFUL"}


def test_deliveries_whose_round_was_lost_are_sent_by_the_next_scheduling_round(receiver):
    # E.g. a worker on another machine was killed mid-round: its task stays *running*.
    hook = receiver()
    (delivery,) = make_deliveries(WebhookEndpointFactory(url=hook.url), 1)
    # No delivery round is queued (other tasks, such as Wagtail's reference index
    # updates, may be: they do not send webhooks).
    rounds = DBTaskResult.objects.filter(task_path=TASK_PATH)
    assert not rounds.exists(), list(DBTaskResult.objects.values_list("task_path", "status"))
    call_command("run_worker", "--once")
    assert received_ids(hook) == [str(delivery.pk)]
