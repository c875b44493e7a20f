"""Requests API v3 answered with a 500 (found by schemathesis and by hand on PostgreSQL),
each now a 400 or 404 with a message, whoever sends it."""

import pytest
from wagtail.models import Page

from tests.news.workflow_helpers import api_for

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("who", ["editor", "moderator", "admin"])
@pytest.mark.parametrize(
    ("action", "data", "message"),
    [
        ("copy", {}, "The root page cannot be copied"),
        ("copy", {"destination_id": 3}, "The root page cannot be copied"),
        ("create_alias", {}, "The root page cannot have an alias"),
    ],
)
def test_the_root_page_is_not_copied_or_aliased(
    client, users, news_index, who, action, data, message
):
    root = Page.objects.get(depth=1)
    pages = Page.objects.count()
    response = api_for(client, users[who]).post(f"/api/v3/pages/{root.pk}/actions/{action}/", data)
    assert response.status_code == 400
    assert response.json()["message"] == message
    assert Page.objects.count() == pages


@pytest.mark.parametrize("who", ["editor", "moderator"])
def test_moving_the_root_page_is_refused(client, users, news_index, who):
    root = Page.objects.get(depth=1)
    api = api_for(client, users[who])
    response = api.post(
        f"/api/v3/pages/{root.pk}/actions/move/", {"destination_id": news_index.pk}
    )
    assert response.status_code == 403
    assert response.json()["message"]
    assert Page.objects.get(depth=1).pk == root.pk


@pytest.mark.parametrize("listing", ["images", "documents", "pages", "tags", "authors"])
@pytest.mark.parametrize("offset", ["1000000001", "9223372036854775808", "99999999999999999999"])
def test_an_offset_past_the_maximum_is_refused(client, news_index, listing, offset):
    response = client.get(f"/api/v3/{listing}/", {"offset": offset})
    assert response.status_code in (400, 422), response.content
    assert "offset" in response.content.decode()
    assert response.json()["message"]


@pytest.mark.parametrize("listing", ["images", "documents"])
def test_the_largest_offset_is_answered(client, news_index, listing):
    response = client.get(f"/api/v3/{listing}/", {"offset": "1000000000"})
    assert response.status_code == 200
    assert response.json()["items"] == []


@pytest.mark.parametrize("page_id", ["abc", "1.5", "99999999999999999999", "%C2%BD"])
def test_updating_a_page_id_that_cannot_exist_is_not_found(client, users, news_index, page_id):
    api = api_for(client, users["editor"])
    response = api.patch(f"/api/v3/pages/{page_id}/", {"title": "x"})
    assert response.status_code in (404, 422), response.content
    assert response.json()["message"]


@pytest.mark.parametrize("body", ["[]", "[1, 2]", "3", '"page"', "null", "true"])
@pytest.mark.parametrize(
    "path", ["/api/v3/pages/", "/api/v3/pages/4/", "/api/v3/pages/4/comments/"]
)
def test_a_body_that_is_not_a_json_object_is_a_400(client, users, news_index, body, path):
    api = api_for(client, users["editor"])
    method = api.client.patch if path == "/api/v3/pages/4/" else api.client.post
    response = method(path, body, content_type="application/json", headers=api.headers)
    assert response.status_code == 400, response.content
    assert response.json()["message"] == "The request body must be a JSON object."


@pytest.mark.parametrize(
    "path",
    [
        "/api/v3/pages/21967087043831209984/",
        "/api/v3/images/9223372036854775808/",
        "/api/v3/pages/99999999999999999999/revisions/",
        "/api/v2/pages/99999999999999999999/",
        "/api/v2/images/99999999999999999999/",
        "/api/v3/pages/" + "9" * 5000 + "/",  # past Python's int() digit limit too
    ],
)
def test_an_id_past_the_database_range_is_not_found(client, users, news_index, path):
    api = api_for(client, users["editor"])
    response = api.get(path)
    assert response.status_code == 404
    assert response.json()["message"]


@pytest.mark.parametrize(
    "path", ["/api/v3/pages/21967087043831209984/", "/api/v3/images/99999999999999999999/"]
)
def test_updating_an_id_past_the_database_range_is_not_found(client, users, news_index, path):
    """With a page type in the body, Wagtail reads the page id before validating it."""
    body = {"meta": {"type": "news.NewsPage"}, "title": "x"}
    response = api_for(client, users["editor"]).patch(path, body)
    assert response.status_code == 404, response.content
    assert response.json()["message"]


def test_the_largest_database_id_is_looked_up(client, users, news_index):
    api = api_for(client, users["editor"])
    response = api.get("/api/v3/pages/9223372036854775807/")
    assert response.status_code == 404
    assert response.json()["message"] != "Nothing has this id."  # the view answered


@pytest.mark.parametrize("content_type", ["text/plain", "application/merge-patch+json", ""])
def test_a_list_body_is_a_400_whatever_its_content_type(client, users, news_index, content_type):
    """Ninja reads any body that is not a form as JSON."""
    api = api_for(client, users["editor"])
    response = api.client.post(
        "/api/v3/pages/", "[1, 2]", content_type=content_type, headers=api.headers
    )
    assert response.status_code == 400, response.content
    assert response.json()["message"] == "The request body must be a JSON object."


@pytest.mark.parametrize("who", ["anonymous", "editor"])
def test_json_nested_too_deeply_to_parse_is_not_a_500(client, users, news_index, who):
    api = api_for(client, users[who])
    response = api.client.post(
        "/api/v3/pages/", "[" * 100_000, content_type="application/json", headers=api.headers
    )
    assert response.status_code == (401 if who == "anonymous" else 400), response.content
    assert response.json()["message"]


def test_json_nested_too_deeply_on_a_public_operation_is_a_400(client, news_index):
    page = news_index.pk
    response = client.post(
        f"/api/v3/pages/{page}/comments/", "[" * 100_000, content_type="application/json"
    )
    assert response.status_code == 400, response.content
    assert response.json()["message"]
