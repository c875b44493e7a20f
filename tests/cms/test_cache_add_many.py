"""``add_many`` (cms/core/cache.py): the missing halves of cache-tag versions are made in
one round trip, keeping what another process made first; an outage answers nothing and
raises nothing. On a redis-server of the test's own (never the machine's), and on the
caches without Redis."""

import pytest
from django.core.cache import caches
from django.test import override_settings
from redis.client import Pipeline, Redis

from cms.core.cache import add_many, outage
from news.freshness import versions
from tests.cms.test_cache_outage import REDIS_SERVER, RedisServer, cache_settings

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_cache(tmp_path):
    if not REDIS_SERVER:
        pytest.fail("needs redis-server (Debian package redis-server), as the machine has")
    server = RedisServer(tmp_path)
    server.start()
    outage._until.clear()
    with override_settings(CACHES=cache_settings(server.port, retry_after=30)):
        yield server, caches["default"]
    outage._until.clear()
    if server.process.poll() is None:
        server.kill()


class RoundTrips:
    """Counts commands sent on their own and pipelines sent, on every Redis client."""

    def __init__(self, monkeypatch):
        self.commands = []
        self.pipelines = 0
        command, execute = Redis.execute_command, Pipeline.execute

        def counted_command(client, *args, **kwargs):
            if not isinstance(client, Pipeline):
                self.commands.append(args[0])
            return command(client, *args, **kwargs)

        def counted_execute(pipeline, *args, **kwargs):
            self.pipelines += 1
            return execute(pipeline, *args, **kwargs)

        monkeypatch.setattr(Redis, "execute_command", counted_command)
        monkeypatch.setattr(Pipeline, "execute", counted_execute)


def test_on_redis_it_adds_what_is_missing_in_one_round_trip(redis_cache, monkeypatch):
    _server, cache = redis_cache
    cache.set("taken", "another process's", timeout=None)
    trips = RoundTrips(monkeypatch)
    held = add_many(cache, {"taken": "mine", "free": "mine too"})
    assert held == {"taken": "another process's", "free": "mine too"}
    assert (trips.commands, trips.pipelines) == ([], 1)
    assert cache.get("free") == "mine too"
    assert cache.ttl("free") is None  # kept until deleted, like a tag version


def test_on_redis_a_killed_server_answers_nothing(redis_cache):
    server, cache = redis_cache
    server.kill()
    assert add_many(cache, {"a": 1}) == {}
    assert cache.unavailable


@pytest.mark.parametrize("alias", ["locmem", "files"])
def test_without_redis_it_adds_and_reads_back(alias, tmp_path):
    backend = {
        "locmem": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "files": {
            "BACKEND": "cms.core.cache.ResilientFileBasedCache",
            "LOCATION": str(tmp_path / "cache"),
        },
    }[alias]
    with override_settings(CACHES={"default": backend}):
        cache = caches["default"]
        cache.set("taken", "first", timeout=None)
        assert add_many(cache, {"taken": "second", "free": 2}) == {"taken": "first", "free": 2}
        assert add_many(cache, {}) == {}


def test_missing_tag_versions_are_made_in_one_round_trip(redis_cache, monkeypatch):
    """Every half of three tags missing (as after Redis restarts): one read and one
    pipeline, not an add and a read per half; a half that survived is kept."""
    _server, cache = redis_cache
    kept = versions.current_versions(["tree"])["tree"]
    cache.delete("newsdesk:tag:tree:soft")
    trips = RoundTrips(monkeypatch)
    made = versions.current_versions(["tree", "listings", "page:7"])
    assert (trips.commands, trips.pipelines) == (["MGET"], 1)
    assert made["tree"].split(":")[0] == kept.split(":")[0]  # the hard half survived
    assert made["tree"] != kept  # a new soft half: copies stored before are misses
    assert versions.current_versions(["tree", "listings", "page:7"]) == made
