"""The site keeps serving when its Redis goes away or hangs (issue #16, item 1).

Each test starts its own redis-server (or a server that accepts connections and never
answers) on a free port, points the cache at it with the production backend
(cms/core/cache.py), and kills it while readers, the API and a commenter use the site:
every answer is a 200 (or a 201), the cache is skipped after the first failure (no
connection is tried meanwhile) and comes back by itself. The machine's own Redis is never
touched.
"""

import shutil
import socket
import subprocess
import threading
import time

import pytest
from django.core.cache import caches
from django.test import override_settings

from cms.core.cache import outage
from news.comments.models import Comment
from tests.deployment import free_port
from tests.news.comments.helpers import form_data
from tests.news.factories import NewsPageFactory

REDIS_SERVER = shutil.which("redis-server")
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not REDIS_SERVER, reason="needs redis-server"),
]


def cache_settings(port, *, retry_after):
    return {
        "default": {
            "BACKEND": "cms.core.cache.ResilientRedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "KEY_PREFIX": f"outage-test-{port}",
            "OPTIONS": {
                "CLIENT_CLASS": "django_redis.client.DefaultClient",
                "SOCKET_CONNECT_TIMEOUT": 0.2,
                "SOCKET_TIMEOUT": 0.2,
                "RETRY_AFTER": retry_after,
            },
        },
        "renditions": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }


class RedisServer:
    def __init__(self, tmp_path, *extra):
        self.port = free_port()
        self.dir = tmp_path
        self.extra = extra
        self.process = None

    def start(self):
        self.process = subprocess.Popen(  # noqa: S603 - a local redis-server
            [
                REDIS_SERVER,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.dir),
                *self.extra,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def kill(self):
        self.process.kill()
        self.process.wait(timeout=10)


class SilentServer:
    """Accepts connections and never answers: a Redis that drops packets."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.accepted = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                connection, _ = self.sock.accept()
            except OSError:
                return
            self.accepted.append(connection)

    def close(self):
        self.sock.close()
        for connection in self.accepted:
            connection.close()


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path)
    server.start()
    yield server
    if server.process.poll() is None:
        server.kill()


@pytest.fixture(autouse=True)
def no_outage_left_over():
    outage._until.clear()
    yield
    outage._until.clear()


@pytest.fixture
def post(news_index):
    return NewsPageFactory(parent=news_index, title="Harbour wall holds")


def reader_urls(post):
    return [
        post.url,
        "/",
        "/news/",
        "/feeds/news/rss/",
        "/search/?q=harbour",
        "/api/v2/pages/?type=news.NewsPage&fields=*",
        f"/api/v2/pages/{post.pk}/",
        f"/api/v3/pages/{post.pk}/",
        "/api/v2/site/",
    ]


def test_redis_killed_while_serving_then_back(client, post, redis_server):
    with override_settings(CACHES=cache_settings(redis_server.port, retry_after=0.3)):
        assert client.get(post.url).status_code == 200
        assert client.get(post.url)["X-Cache"] == "HIT"  # stored in this Redis

        redis_server.kill()
        for url in reader_urls(post):
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
        assert caches["default"].unavailable
        # A reader's comment is still taken (rate limits count nothing meanwhile).
        response = client.post(
            "/api/v2/comments/",
            {**form_data(), "page": post.pk, "parent": None, "homepage": None},
            content_type="application/json",
        )
        assert response.status_code == 201, response.content[:300]
        assert Comment.objects.filter(page=post).count() == 1

        # Published during the outage: the version bump it makes cannot be stored.
        NewsPageFactory(parent=post.get_parent(), title="Published while Redis was away")

        redis_server.start()  # the same port, empty: as after a restart
        time.sleep(0.4)  # RETRY_AFTER
        assert client.get(post.url).status_code == 200
        assert not caches["default"].unavailable
        assert client.get(post.url)["X-Cache"] == "HIT"  # the cache is back, no restart


def test_what_was_published_during_an_outage_shows_once_redis_is_back(
    client, post, redis_server, news_index
):
    """Redis survives (a network outage, not a restart): it still holds the responses and
    versions from before, but missed the bumps of what was published meanwhile."""
    with override_settings(CACHES=cache_settings(redis_server.port, retry_after=0.3)):
        assert client.get("/news/")["X-Cache"] in ("MISS", "HIT")
        assert client.get("/news/")["X-Cache"] == "HIT"
        outage.failed(caches["default"]._server, 0.3, OSError("network partition"))
        fresh = NewsPageFactory(parent=news_index, title="Published during the partition")
        assert fresh.title.encode() in client.get("/news/").content  # rendered afresh
        time.sleep(0.4)
        index = client.get("/news/")
        assert fresh.title.encode() in index.content, index["X-Cache"]


def test_a_hanging_redis_costs_one_timeout_not_one_per_call(client, post):
    server = SilentServer()
    try:
        with override_settings(CACHES=cache_settings(server.port, retry_after=60)):
            assert client.get(post.url).status_code == 200
            tried = len(server.accepted)
            assert tried >= 1 and caches["default"].unavailable
            for url in reader_urls(post):
                assert client.get(url).status_code == 200, url
            assert len(server.accepted) == tried  # skipped: no connection, no timeout
    finally:
        server.close()


def test_a_refused_connection_is_a_miss(client, post):
    closed_port = free_port()  # nothing listens there
    with override_settings(CACHES=cache_settings(closed_port, retry_after=60)):
        cache = caches["default"]
        assert cache.get("anything", "fallback") == "fallback"
        assert cache.get_many(["a", "b"]) == {}
        assert cache.add("k", 1) is False
        with pytest.raises(ValueError):
            cache.incr("k")
        assert cache.get_or_set("k", lambda: "made") == "made"
        for url in reader_urls(post):
            assert client.get(url).status_code == 200, url


def test_a_redis_refusing_writes_is_an_outage_too(client, post, tmp_path):
    """A read-only replica (as after a failover) answers every write with an error."""
    replica = RedisServer(tmp_path, "--replicaof", "127.0.0.1", str(free_port()))
    replica.start()
    try:
        with override_settings(CACHES=cache_settings(replica.port, retry_after=60)):
            for url in reader_urls(post):
                assert client.get(url).status_code == 200, url
            assert caches["default"].unavailable
    finally:
        replica.kill()
