"""Redis killed under a running site, for real: gunicorn with production settings, two
workers and a private redis-server on a free port (the machine's shared Redis is never
touched). Readers keep getting pages while Redis is killed, stays down and comes back:
no 5xx at any point, and the response cache works again once Redis is back, without a
restart. (tests/cms/test_cache_outage.py has the same in process, and a Redis that hangs.)
"""

import threading
import time

import pytest

from tests.cms.test_cache_outage import REDIS_SERVER, RedisServer
from tests.cms.test_scale_out import get, wait_until_serving
from tests.deployment import (
    deployment_env,
    fresh_database,
    prepare_demo_site,
    start_gunicorn,
    stop,
)

pytestmark = [
    pytest.mark.deployment,
    pytest.mark.skipif(not REDIS_SERVER, reason="needs redis-server"),
]


class Readers(threading.Thread):
    """Requests the given paths in a loop until stopped, keeping every status."""

    def __init__(self, base, paths):
        super().__init__(daemon=True)
        self.base, self.paths = base, paths
        self.statuses = []
        self.finished = threading.Event()

    def run(self):
        while not self.finished.is_set():
            for path in self.paths:
                self.statuses.append((path, get(self.base, path)[0]))

    def stop(self):
        self.finished.set()
        self.join(timeout=60)


def test_readers_get_pages_while_redis_is_killed_and_restarted(tmp_path):
    redis_server = RedisServer(tmp_path)
    redis_server.start()
    database_url, drop_database = fresh_database(tmp_path, "redis_killed")
    env = deployment_env(
        tmp_path,
        database_url,
        REDIS_URL=f"redis://127.0.0.1:{redis_server.port}/0",
        REDIS_RETRY_AFTER="1",
    )
    server = readers = None
    try:
        prepare_demo_site(env, "redis-pw")
        base, server = start_gunicorn(env, workers=2)
        wait_until_serving(base, server)
        paths = ["/", "/news/", "/api/v2/pages/?type=news.NewsPage&fields=title", "/search/?q=a"]
        for _ in range(3):
            for path in paths:
                get(base, path)
        assert get(base, "/")[1]["X-Cache"] == "HIT"

        readers = Readers(base, paths)
        readers.start()
        time.sleep(1)
        redis_server.kill()  # SIGKILL, mid-traffic
        time.sleep(4)
        down = len(readers.statuses)
        redis_server.start()  # back on the same port, empty
        time.sleep(4)
        readers.stop()

        errors = [(path, status) for path, status in readers.statuses if status >= 500]
        assert errors == [], errors[:10]
        assert down > 20 and len(readers.statuses) > down, "readers kept being served"
        # The cache works again without a restart: stored anew, then served.
        deadline = time.monotonic() + 10
        while get(base, "/")[1]["X-Cache"] != "HIT":
            assert time.monotonic() < deadline, "the response cache did not come back"
            time.sleep(0.5)
        stop(server)
        log = server.stderr.read().decode()
        server = None
        assert "Cache at" in log, "the outage was noticed and logged"
        assert "Traceback" not in log, log[-3000:]
    finally:
        if readers is not None:
            readers.stop()
        if server is not None:
            stop(server)
        drop_database()
        if redis_server.process.poll() is None:
            redis_server.kill()
