"""Every public path and query parameter of the reader side, fuzzed with hypothesis: home,
the news index and its tag and month routes, articles, search, feeds, the sitemap,
robots.txt, documents, health checks and the comment form. Any path segment, parameter
name or value gets an answer below 500 (a 400 or 404 for nonsense), on SQLite and on
PostgreSQL, which refuses some input SQLite takes (NUL characters, numbers past bigint).
"""

from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.news.factories import AuthorFactory, NewsPageFactory
from tests.news.test_api_fuzz import HOSTILE

pytestmark = pytest.mark.django_db

# What the reader side understands (news/freshness/middleware.py READER_PARAMETERS), and
# names it does not, which must be ignored.
PARAMETERS = ["page", "tag", "q", "p", "page_id", "reply_to", "comment", "utm_source", "cb"]
# Paths with ``{}`` where a fuzzed segment goes (quoted, so any text is one segment).
PATHS = [
    "/",
    "/{}/",
    "/news/",
    "/news/{}/",
    "/news/tags/{}/",
    "/news/{}/{}/",
    "/news/harbour-wall/",
    "/news/harbour-wall/{}/",
    "/search/",
    "/feeds/news/rss/",
    "/feeds/news/atom/",
    "/feeds/tags/{}/rss/",
    "/feeds/tags/{}/atom/",
    "/sitemap.xml",
    "/robots.txt",
    "/documents/{}/{}/",
    "/healthz",
    "/readyz",
]
texts = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=40), st.integers().map(str))
segments = st.one_of(texts, st.integers(min_value=0, max_value=10**25).map(str))


@pytest.fixture
def article(news_index):
    author = AuthorFactory()
    return NewsPageFactory(
        parent=news_index,
        title="Harbour wall",
        slug="harbour-wall",
        tags=["Storm"],
        authors=[author],
    )


FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.mark.parametrize("template", PATHS)
def test_any_path_and_query_is_answered_without_a_server_error(client, article, template):
    @FUZZ
    @given(
        st.lists(segments, min_size=template.count("{}"), max_size=template.count("{}")),
        st.dictionaries(st.sampled_from(PARAMETERS), texts, max_size=4),
    )
    def check(parts, params):
        path = template.format(*(quote(part, safe="") for part in parts))
        response = client.get(path, params)
        assert response.status_code < 500, (path, params, response.status_code)

    check()


def test_any_comment_form_is_answered_without_a_server_error(client, article):
    """The comment form under each article, posted with anything in any field."""
    fields = ["author_name", "author_email", "author_url", "body", "parent", "token", "homepage"]

    @FUZZ
    @given(st.dictionaries(st.sampled_from(fields), texts, max_size=len(fields)))
    def check(form):
        response = client.post(f"/comments/{article.pk}/", form)
        assert response.status_code < 500, (form, response.status_code)

    check()


@pytest.mark.parametrize(
    "path",
    [
        "/news/99999999999999999999/01/",
        "/comments/99999999999999999999/",
        "/documents/9999999999999999999999/x/",
    ],
)
def test_numbers_past_the_database_range_are_not_found(client, article, path):
    """Path numbers are checked against the database's range before any query."""
    response = client.get(path) if "comments" not in path else client.post(path, {"body": "x"})
    assert response.status_code in (400, 404), (path, response.status_code)
