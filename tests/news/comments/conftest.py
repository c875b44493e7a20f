"""Fixtures shared by the comment tests."""

import pytest

from news.freshness import changes as freshness
from tests.news.factories import NewsPageFactory


@pytest.fixture
def post(news_index):
    """The post readers comment on."""
    return NewsPageFactory(parent=news_index, title="Storm tops the wall", slug="storm")


@pytest.fixture
def freshness_calls(monkeypatch):
    """The pages news.freshness.changes.page_content_changed was called with (ids, in
    order)."""
    calls = []
    original = freshness.page_content_changed

    def record(page):
        calls.append(page.pk)
        return original(page)

    monkeypatch.setattr(freshness, "page_content_changed", record)
    return calls
