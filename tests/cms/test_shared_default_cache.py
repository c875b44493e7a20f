"""The default setup (no Redis) keeps every process on the machine consistent (issue #16,
item 3): gunicorn with two workers serves the cached home page, news index and API
listing; a post published by another process (``manage.py shell``, as the worker, an
import or an editor's script would) shows in all of them at once, from both workers,
because the default cache is files every process shares (cms/settings/base.py)."""

import secrets

import pytest

from tests.cms.test_scale_out import get, wait_until_serving
from tests.deployment import (
    deployment_env,
    fresh_database,
    manage,
    prepare_demo_site,
    start_gunicorn,
    stop,
)

pytestmark = pytest.mark.deployment

PUBLISH = """
from news.models import NewsIndexPage, NewsPage
index = NewsIndexPage.objects.first()
post = NewsPage(title="{title}", slug="{slug}", summary="Published by another process.")
index.add_child(instance=post)
post.save_revision().publish()
"""


def test_a_post_published_by_another_process_shows_in_every_worker(tmp_path):
    database_url, drop_database = fresh_database(tmp_path, "shared_cache")
    env = deployment_env(tmp_path, database_url)
    server = None
    try:
        prepare_demo_site(env, "shared-cache-pw")
        base, server = start_gunicorn(env, workers=2)
        wait_until_serving(base, server)
        paths = ["/", "/news/", "/api/v2/pages/?type=news.NewsPage&fields=_,title&limit=50"]
        for _ in range(6):  # both workers render and store, then serve hits
            for path in paths:
                assert get(base, path)[0] == 200
        assert get(base, "/")[1].get("X-Cache") == "HIT"

        title = f"Published elsewhere {secrets.token_hex(3)}"
        manage(
            env, "shell", "-c", PUBLISH.format(title=title, slug=title.lower().replace(" ", "-"))
        )
        for _ in range(6):  # whichever worker answers
            for path in paths:
                status, _headers, body = get(base, path)
                assert status == 200 and title in body, (path, _headers.get("X-Cache"))
    finally:
        if server is not None:
            stop(server)
        drop_database()
