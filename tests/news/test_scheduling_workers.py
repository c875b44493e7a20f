"""Two workers at once never publish the same revision twice (news/scheduling.py).

Two real worker processes share one database (a SQLite file, or a fresh PostgreSQL database
when the suite runs on PostgreSQL) and run a scheduled-publishing round at the same moment
over the same due posts, with each publish slowed down so their work overlaps. Wagtail's
own ``publish_scheduled`` is run the same way first, to show the race is real: it
publishes every post twice.
"""

import json
import subprocess
import sys

import pytest

from tests.deployment import PROJECT, clean_environment, fresh_database, python

pytestmark = pytest.mark.deployment

POSTS = 3


@pytest.fixture(scope="module")
def shared_database(tmp_path_factory, migrated_database):
    """One database for the module; each race seeds a section of its own."""
    directory = tmp_path_factory.mktemp("scheduling")
    url, drop = fresh_database(directory, "scheduling", template=migrated_database)
    yield clean_environment(
        DATABASE_URL=url, LOG_LEVEL="WARNING", DJANGO_SETTINGS_MODULE="cms.settings.test"
    )
    drop()


def race(env, scheduler, barrier):
    """Seed the due posts, run two workers at once; how often each post was published."""
    section = f"race-{scheduler}"
    seeded = python("-m", "tests.news.scheduling_race", "seed", section, str(POSTS), env=env)
    assert seeded.returncode == 0, seeded.stderr[-3000:]
    barrier.mkdir()
    command = [sys.executable, "-m", "tests.news.scheduling_race", "publish", scheduler]
    workers = [
        subprocess.Popen(  # noqa: S603 - our own test script
            [*command, str(barrier), name],
            cwd=PROJECT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("worker-1", "worker-2")
    ]
    for worker in workers:
        _out, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err[-3000:]
    result = python("-m", "tests.news.scheduling_race", "report", section, env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_wagtails_own_command_publishes_twice(shared_database, tmp_path):
    published = race(shared_database, "wagtail", tmp_path / "barrier")
    assert published == {f"Embargoed {number}": 2 for number in range(POSTS)}


def test_two_newsdesk_workers_publish_each_revision_once(shared_database, tmp_path):
    published = race(shared_database, "newsdesk", tmp_path / "barrier")
    assert published == {f"Embargoed {number}": 1 for number in range(POSTS)}
