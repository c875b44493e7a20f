"""Two app instances sharing one database, one Redis and one media folder: the scale-out
recipe in the README, run for real.

The test builds a deployment of its own: a fresh database (a SQLite file, or a new
PostgreSQL database on the server of ``DATABASE_URL`` when the suite runs on
PostgreSQL), migrations, collected static files, the demo newsroom, and two gunicorn
servers with production settings pointed at the local Redis. Publishing through the
API on one instance must change the cached home page, listing, feed and detail
responses that the *other* instance serves.
"""

import json
import os
import secrets
import time
import urllib.error
import urllib.request

import pytest

from tests.deployment import (
    deployment_env,
    fresh_database,
    manage,
    prepare_demo_site,
    start_gunicorn,
    stop,
)

REDIS_URL = os.environ.get("NEWSDESK_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")

pytestmark = pytest.mark.deployment


def get(base, path, headers=None):
    request = urllib.request.Request(base + path, headers=headers or {})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


def send_json(base, method, path, data, token):
    request = urllib.request.Request(  # noqa: S310 - loopback
        base + path,
        data=json.dumps(data).encode(),
        method=method,
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - loopback
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def wait_until_serving(base, process, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"gunicorn exited:\n{process.stderr.read().decode()[-3000:]}")
        try:
            status, _headers, _body = get(base, "/robots.txt")
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{base} did not start within {timeout} s")


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    import redis

    tmp_path = tmp_path_factory.mktemp("scale-out")
    database_url, drop_database = fresh_database(tmp_path, "scale_out")
    prefix = f"scale-out-{secrets.token_hex(4)}"
    env = deployment_env(tmp_path, database_url, REDIS_URL=REDIS_URL, CACHE_KEY_PREFIX=prefix)
    prepare_demo_site(env, "scale-out-test-pw")
    token = (
        manage(
            env,
            "shell",
            "-c",
            "from django.contrib.auth import get_user_model; from wagtail.models import APIToken; "
            "admin = get_user_model().objects.get(username='admin'); "
            "_, plain = APIToken.create_token(user=admin, name='scale-out test'); print(plain)",
        )
        .strip()
        .splitlines()[-1]
    )

    instances, processes = [], []
    try:
        for _ in range(2):
            base, process = start_gunicorn(env, workers=2)
            processes.append(process)
            instances.append(base)
        for base, process in zip(instances, processes, strict=True):
            wait_until_serving(base, process)
        yield {"instances": instances, "token": token}
    finally:
        for process in processes:
            stop(process)
        drop_database()
        client = redis.Redis.from_url(REDIS_URL)
        for key in client.scan_iter(f"{prefix}:*"):
            client.delete(key)


def test_publishing_on_one_instance_refreshes_what_the_other_serves(deployment):
    one, other = deployment["instances"]
    status, _headers, body = get(other, "/api/v2/pages/?type=news.NewsPage&fields=title&limit=1")
    assert status == 200
    newest = json.loads(body)["items"][0]
    old_title = newest["title"]
    html_path = newest["meta"]["html_url"].split("://", 1)[1].split("/", 1)[1]
    index_path = "/" + html_path.rstrip("/").rsplit("/", 1)[0] + "/"
    urls = [
        "/",
        index_path,
        "/feeds/news/rss/",
        f"/{html_path}",
        f"/api/v2/pages/{newest['id']}/",
        "/api/v2/pages/?type=news.NewsPage&fields=title",
    ]
    # Warm the other instance's cache: the second request is a hit.
    for url in urls:
        get(other, url)
        status, headers, body = get(other, url)
        assert (status, headers["X-Cache"]) == (200, "HIT"), url
        assert old_title in body, url

    new_title = f"Correction: {old_title}"
    status, body = send_json(
        one,
        "PATCH",
        f"/api/v3/pages/{newest['id']}/",
        {"meta": {"type": "news.NewsPage", "action": "publish"}, "title": new_title},
        deployment["token"],
    )
    assert status == 200, body

    for url in urls:
        status, headers, body = get(other, url)
        assert status == 200, url
        assert new_title in body, f"{url} on the other instance still shows the old title"
        assert headers["X-Cache"] == "MISS", url
        # ...and it is cached again, with the new content.
        status, headers, body = get(other, url)
        assert headers["X-Cache"] == "HIT" and new_title in body, url
