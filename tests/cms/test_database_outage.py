"""A database that is down answers 503 with Retry-After, never 500 (issue #16, item 2).

In process: every query fails as it does when PostgreSQL is gone (``OperationalError``
from the connection), for views and for the middleware's own queries. The same with a
real PostgreSQL cluster stopped under a running gunicorn is in
tests/cms/test_database_outage_process.py.
"""

import pytest
from django.db import OperationalError, connection
from django.test import Client

from tests.news.factories import NewsPageFactory

pytestmark = pytest.mark.django_db


def database_gone(execute, sql, params, many, context):
    raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")


@pytest.fixture
def post(news_index):
    return NewsPageFactory(parent=news_index, title="Harbour wall holds")


def test_uncached_requests_get_503_with_retry_after_cached_ones_200(post, settings, admin_user):
    settings.NEWSDESK_OUTAGE_RETRY_AFTER = 17
    client = Client(raise_request_exception=False)
    assert client.get(post.url).status_code == 200  # now in the response cache
    editor = Client(raise_request_exception=False)
    editor.force_login(admin_user)
    with connection.execute_wrapper(database_gone):
        cached = client.get(post.url)
        assert cached.status_code == 200 and cached["X-Cache"] == "HIT"

        page = client.get("/news/?page=1")
        assert page.status_code == 503
        assert page["Retry-After"] == "17" and page["Cache-Control"] == "no-store"
        assert b"try again in 17 seconds" in page.content
        assert b"font-family: Georgia" in page.content  # templates/error_page_style.html

        v2 = client.get("/api/v2/pages/?type=news.NewsPage")
        assert v2.status_code == 503 and v2["Retry-After"] == "17"
        assert "database is unavailable" in v2.json()["message"]

        v3 = client.get("/api/v3/pages/?type=news.NewsPage")
        assert v3.status_code == 503 and v3["Content-Type"] == "application/problem+json"
        assert v3.json()["status"] == 503 and v3.json()["message"]

        for url in ("/search/?q=harbour", "/feeds/news/rss/", "/sitemap.xml"):
            response = client.get(url)
            assert response.status_code == 503, (url, response.status_code)
        # The admin's session is read by a middleware, outside any view.
        admin = editor.get("/admin/")
        assert admin.status_code == 503 and admin["Retry-After"] == "17"
        # Not stored: the same request after the outage is answered afresh.
        assert client.get("/news/?page=1").status_code == 503
    recovered = client.get("/news/?page=1")
    assert recovered.status_code == 200


def test_other_errors_are_still_500(post, monkeypatch):
    from news.models import NewsIndexPage

    def broken(*args, **kwargs):
        raise RuntimeError("a bug, not an outage")

    monkeypatch.setattr(NewsIndexPage, "serve", broken)
    client = Client(raise_request_exception=False)
    response = client.get("/news/")
    assert response.status_code == 500
    assert b"Something went wrong" in response.content
    assert b"font-family: Georgia" in response.content
