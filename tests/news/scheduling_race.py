"""Run by tests/news/test_scheduling_workers.py in processes of their own, as two workers
sharing one database would run:

    python -m tests.news.scheduling_race seed <section> <count>
    python -m tests.news.scheduling_race publish <newsdesk|wagtail> <barrier dir> <name>
    python -m tests.news.scheduling_race report <section>

``seed`` makes a news index ``section`` with ``count`` posts approved to go live a minute
ago. ``publish`` waits until both
workers are ready (a file each in the barrier directory), then runs one scheduled-publishing
round: Newsdesk's (news.scheduling) or, to show the race is real, Wagtail's own
``publish_scheduled``. Each publish is made slow (half a second), as a busy database would,
so both workers are certainly working on the same revisions at the same time. ``report``
prints, as JSON, how many times each post of the section was published by the scheduler.
"""

import datetime
import json
import sys
import time
from pathlib import Path

import django

SLOW_PUBLISH_SECONDS = 0.5


def setup():
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    django.setup()


def seed(section, count):
    from django.utils import timezone
    from wagtail.models import Site

    from news.models import NewsIndexPage, NewsPage

    home = Site.objects.get(is_default_site=True).root_page
    index = home.add_child(instance=NewsIndexPage(title=section, slug=section))
    due = timezone.now() - datetime.timedelta(minutes=1)
    for number in range(count):
        post = index.add_child(
            instance=NewsPage(title=f"Embargoed {number}", slug=f"embargoed-{number}", live=False)
        )
        revision = post.save_revision()
        revision.approved_go_live_at = due
        revision.save(update_fields=["approved_go_live_at"])


def wait_for_each_other(barrier, name, workers=2, timeout=60):
    barrier.joinpath(name).touch()
    deadline = time.monotonic() + timeout
    while len(list(barrier.iterdir())) < workers:
        if time.monotonic() > deadline:
            raise SystemExit("the other worker never came")
        time.sleep(0.01)


def publish(scheduler, barrier, name):
    from django.core.management import call_command
    from wagtail.models import Revision

    from news.scheduling import run_scheduled_publishing

    original = Revision.publish

    def slow_publish(self, *args, **kwargs):
        time.sleep(SLOW_PUBLISH_SECONDS)
        return original(self, *args, **kwargs)

    Revision.publish = slow_publish
    wait_for_each_other(Path(barrier), name)
    if scheduler == "newsdesk":
        run_scheduled_publishing()
    else:
        call_command("publish_scheduled")


def report(section):
    from wagtail.models import PageLogEntry

    from news.models import NewsIndexPage, NewsPage

    print(
        json.dumps(
            {
                post.title: PageLogEntry.objects.filter(
                    page=post, action="wagtail.publish.scheduled"
                ).count()
                for post in NewsPage.objects.child_of(
                    NewsIndexPage.objects.get(slug=section)
                ).order_by("title")
            }
        )
    )


if __name__ == "__main__":
    setup()
    command, *arguments = sys.argv[1:]
    if command == "seed":
        seed(arguments[0], int(arguments[1]))
    elif command == "publish":
        publish(*arguments)
    elif command == "report":
        report(*arguments)
    else:
        raise SystemExit(f"unknown command {command!r}")
