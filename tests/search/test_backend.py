"""The search backend answers whatever it is asked, on SQLite and PostgreSQL: the admin's
search boxes and choosers pass what editors type straight to it."""

import pytest
from wagtail.search.backends import get_search_backend

from news.models import Author, NewsPage
from tests.news.factories import AuthorFactory, NewsPageFactory

pytestmark = pytest.mark.django_db

HOSTILE = ['"', '"harbour', "*", "NEAR(harbour wall)", "x' OR 1=1 --", "港口 🌊", "z" * 1000, ""]


@pytest.fixture
def indexed(news_index):
    NewsPageFactory(parent=news_index, title="Harbour wall holds")
    AuthorFactory(name="Harbour Reporter")


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_answer_without_error(indexed, query):
    backend = get_search_backend()
    assert isinstance(len(backend.search(query, NewsPage)), int)
    assert isinstance(len(backend.autocomplete(query, NewsPage)), int)
    assert isinstance(len(backend.autocomplete(query, Author, fields=["name"])), int)


def test_a_quote_around_a_word_still_finds_it(indexed):
    backend = get_search_backend()
    assert [p.title for p in backend.search('"harbour"', NewsPage)] == ["Harbour wall holds"]
    assert [p.title for p in backend.autocomplete('"harb', NewsPage)] == ["Harbour wall holds"]


def test_admin_listings_search_their_fields(indexed):
    """Wagtail's snippet listing passes its ``search_fields`` (the author's name)."""
    found = get_search_backend().autocomplete("harb", Author, fields=["name"])
    assert [author.name for author in found] == ["Harbour Reporter"]
