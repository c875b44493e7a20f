"""PostgreSQL stopped under a running site (issue #16, items 2 and 12), for real.

The test starts a PostgreSQL cluster of its own (``initdb`` and ``pg_ctl``, as the
``postgres`` user, on a free port; the machine's shared server is never touched),
migrates it, loads the demo newsroom and serves it with gunicorn and production settings.
Then it stops the cluster (``pg_ctl stop -m immediate``, as a crash would): a page already
in the response cache is still a 200, everything else a 503 with ``Retry-After``, never a
500. It starts the cluster again and the same gunicorn answers normally: no restart.

It runs in the PostgreSQL suite (``make test-postgres``, the second half of ``.ci/run``);
the SQLite suite has the same behaviour in process (tests/cms/test_database_outage.py).
"""

import contextlib
import glob
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from tests.cms.test_scale_out import get, wait_until_serving
from tests.deployment import (
    deployment_env,
    free_port,
    on_postgres,
    prepare_demo_site,
    start_gunicorn,
    stop,
)

PG_BIN = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
RUNUSER = shutil.which("runuser")

pytestmark = [
    pytest.mark.deployment,
    pytest.mark.skipif(
        not on_postgres(),
        reason="runs in the PostgreSQL suite (make test-postgres); in-process twin: "
        "tests/cms/test_database_outage.py",
    ),
]


class Cluster:
    """A throwaway PostgreSQL cluster owned by the postgres user."""

    def __init__(self):
        if not PG_BIN or not RUNUSER:
            pytest.fail("PostgreSQL binaries (/usr/lib/postgresql/*/bin) and runuser are needed")
        self.bin = Path(PG_BIN[-1])
        self.dir = Path(tempfile.mkdtemp(prefix="newsdesk-pg-"))
        self.port = free_port()
        shutil.chown(self.dir, user="postgres")
        self.data = self.dir / "data"

    def as_postgres(self, *args, timeout=120):
        # No pipes: the server pg_ctl starts would hold them open (its output goes to -l).
        return subprocess.run(  # noqa: S603 - PostgreSQL's own tools
            [RUNUSER, "-u", "postgres", "--", *args],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=timeout,
            check=True,
        )

    def init(self):
        self.as_postgres(
            str(self.bin / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres"
        )

    def start(self):
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        self.as_postgres(
            str(self.bin / "pg_ctl"),
            *("-D", str(self.data), "-o", options, "-l", str(self.dir / "log"), "-w", "start"),
        )

    def stop(self):
        self.as_postgres(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")

    def remove(self):
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def url(self, name):
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"


@pytest.fixture
def cluster():
    cluster = Cluster()
    try:
        cluster.init()
        cluster.start()
        cluster.as_postgres(
            str(cluster.bin / "createdb"), "-h", "127.0.0.1", "-p", str(cluster.port), "newsdesk"
        )
        yield cluster
    finally:
        cluster.remove()


def test_postgresql_stopped_then_started_under_gunicorn(cluster, tmp_path):
    env = deployment_env(tmp_path, cluster.url("newsdesk"), NEWSDESK_OUTAGE_RETRY_AFTER="7")
    prepare_demo_site(env, "outage-test-pw")

    base, server = start_gunicorn(env, workers=1)
    try:
        wait_until_serving(base, server)
        assert get(base, "/")[0] == 200
        status, headers, _ = get(base, "/")
        assert (status, headers.get("X-Cache")) == (200, "HIT")

        cluster.stop()
        status, headers, _ = get(base, "/")
        assert (status, headers.get("X-Cache")) == (200, "HIT")  # cached: still served
        started = time.monotonic()
        for path in ("/news/", "/about/", "/api/v2/pages/?type=news.NewsPage", "/api/v3/pages/"):
            status, headers, body = get(base, path)
            assert status == 503, (path, status, body[:300])
            assert headers.get("Retry-After") == "7", path
        assert time.monotonic() - started < 30  # refused connections fail fast
        status, _, body = get(base, "/api/v2/pages/?type=news.NewsPage")
        assert "database is unavailable" in body

        cluster.start()
        deadline = time.monotonic() + 30
        while True:
            status, _, body = get(base, "/news/")
            if status == 200 or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        assert status == 200, body[:300]  # the same gunicorn, reconnected by itself
        assert get(base, "/api/v2/pages/?type=news.NewsPage")[0] == 200
    finally:
        stop(server)
        errors = server.stderr.read().decode()
        assert "Internal Server Error" not in errors, errors[-3000:]
