"""The default cache in files survives a directory it cannot use (a full disk, a
read-only filesystem, permissions changed by a deploy): readers keep getting pages from
the database, and the cache works again once the directory does (cms/core/cache.py)."""

import pytest
from django.core.cache import caches
from django.test import override_settings

from tests.cms.test_cache_outage import no_outage_left_over  # noqa: F401 (autouse)
from tests.news.factories import NewsPageFactory

pytestmark = pytest.mark.django_db


def file_caches(directory, retry_after):
    return {
        alias: {
            "BACKEND": "cms.core.cache.ResilientFileBasedCache",
            "LOCATION": str(directory / alias),
            "OPTIONS": {"RETRY_AFTER": retry_after},
        }
        for alias in ("default", "renditions")
    }


@pytest.fixture
def post(news_index):
    return NewsPageFactory(parent=news_index, title="Harbour wall holds")


def test_a_cache_directory_that_is_a_file_is_an_outage_not_a_500(client, post, tmp_path):
    """A path where the cache directory should be, taken by a file: every read and write
    fails with an OSError, as with a full disk or a read-only filesystem (which root, who
    runs this suite, would not see through permissions)."""
    blocked = tmp_path / "blocked"
    blocked.mkdir()
    for alias in ("default", "renditions"):
        (blocked / alias).write_text("not a directory")
    with override_settings(CACHES=file_caches(blocked, retry_after=60)):
        for path in (post.url, "/", "/news/", "/api/v2/pages/?type=news.NewsPage"):
            response = client.get(path)
            assert response.status_code == 200, path
            assert response["X-Cache"] == "MISS"  # rendered; the copy could not be kept
        assert caches["default"].unavailable


def test_the_cache_works_again_when_the_directory_does(client, post, tmp_path):
    directory = tmp_path / "cache"
    directory.mkdir()
    (directory / "default").write_text("in the way")
    with override_settings(CACHES=file_caches(directory, retry_after=0)):
        assert client.get(post.url).status_code == 200
        (directory / "default").unlink()  # the operator frees the path
        client.get(post.url)
        assert client.get(post.url)["X-Cache"] == "HIT"


def test_a_file_cut_short_is_a_miss(client, post, tmp_path):
    with override_settings(CACHES=file_caches(tmp_path, retry_after=0)):
        assert client.get(post.url).status_code == 200
        assert client.get(post.url)["X-Cache"] == "HIT"
        for entry in (tmp_path / "default").glob("*.djcache"):
            entry.write_bytes(entry.read_bytes()[:20])  # a full disk mid-write
        response = client.get(post.url)
        assert response.status_code == 200
        assert response["X-Cache"] in ("MISS", "PASS")
