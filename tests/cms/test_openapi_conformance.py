"""The check that every API v3 response conforms to the served OpenAPI document
(tests/openapi_conformance.py, run for every test by tests/conftest.py) can fail."""

import json

import pytest

from tests.news.factories import NewsPageFactory
from tests.openapi_conformance import problems_in, response_problems

pytestmark = pytest.mark.django_db


def test_responses_are_recorded_and_checked(client, news_index, v3_responses_conform):
    NewsPageFactory(parent=news_index, title="Checked")
    response = client.get("/api/v3/pages/?type=news.NewsPage&fields=summary,tags")
    assert response.status_code == 200
    method, path, recorded = v3_responses_conform[-1]
    assert (method, path, recorded) == ("GET", "/api/v3/pages/", response)
    assert problems_in(response, method, path) == []


@pytest.mark.parametrize(
    ("status", "body", "says"),
    [
        (200, {"count": 1, "items": [{"id": "seven", "title": "x"}]}, "items/0"),
        (200, {"items": []}, "'count' is a required property"),
        (
            200,
            {
                "count": 1,
                "items": [
                    {
                        "id": 1,
                        "title": "t",
                        "meta": {
                            "type": "news.NewsPage",
                            "detail_url": "u",
                            "html_url": None,
                            "slug": "s",
                            "locale": None,
                            "first_published_at": None,
                        },
                        "reading_minutes": "three",
                    }
                ],
            },
            "items/0",
        ),
        (418, {}, "status not documented"),
    ],
)
def test_a_response_unlike_the_document_is_named(status, body, says):
    problems = response_problems(
        "GET", "/api/v3/pages/", status, "application/json", json.dumps(body)
    )
    assert problems and says in " ".join(problems), problems


def test_errors_are_checked_against_the_problem_schema():
    assert response_problems(
        "GET", "/api/v3/pages/", 400, "application/problem+json", json.dumps({"detail": "x"})
    )
    assert not response_problems(
        "GET",
        "/api/v3/pages/",
        400,
        "application/problem+json",
        json.dumps({"title": "Bad Request", "status": 400, "message": "x"}),
    )
    assert response_problems("GET", "/api/v3/nowhere/", 200, "application/json", "{}")
