"""API v3 listings that can drive a news site (issue #15, items 5 and 7): the same
filters, order and fields as API v2, typed; ``find/`` naming the route of a news index."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import APIToken

from news.models import NewsPage
from tests.news.api_helpers import filter_posts, full_posts
from tests.news.factories import AuthorFactory, NewsPageFactory

pytestmark = pytest.mark.django_db

V3 = "/api/v3/pages/?type=news.NewsPage"
V2 = "/api/v2/pages/?type=news.NewsPage"


def get_json(client, url, status=200, **headers):
    response = client.get(url, headers=headers)
    assert response.status_code == status, (url, response.content[:300])
    return response.json()


def titles(client, query, base=V3):
    return [item["title"] for item in get_json(client, f"{base}&{query}")["items"]]


@pytest.fixture
def posts(news_index):
    return filter_posts(news_index)


def test_news_is_newest_first_and_filters_match_v2(client, posts):
    assert titles(client, "") == ["Sport", "Only politics", "Only climate", "Climate and politics"]
    alice = posts["alice"].pk
    for query in [
        "tags=climate",  # case-insensitive: Wagtail's v3 filter gave 0 for "climate"
        "tags=Climate",
        "tags=climate,politics",
        "tags=climate|politics",
        "tags=Port Alder|sport",
        "published_after=2017-02-20&published_before=2017-03-05",
        f"author={alice}",
        "breaking=true",
        "breaking=false&tags=climate",
        "order=title",
        "limit=2&offset=1",
    ]:
        assert titles(client, query) == titles(client, query, base=V2), query
    assert titles(client, "tags=climate") == ["Only climate", "Climate and politics"]
    assert titles(client, "tags=climate,politics") == ["Climate and politics"]


def test_search_within_filters_and_across_types(client, posts):
    call_command("update_index", verbosity=0)
    assert titles(client, "search=politics&tags=climate") == ["Climate and politics"]
    assert titles(client, "search=climate&published_after=2017-02-15") == ["Only climate"]
    everything = get_json(client, "/api/v3/pages/?search=sport")
    assert [item["title"] for item in everything["items"]] == ["Sport"]


def test_fields_are_selected_and_typed(client, posts):
    data = get_json(client, f"{V3}&fields=summary,publication_date,tags,authors&limit=1")
    item = data["items"][0]
    assert data["count"] == 4
    assert set(item) == {"id", "title", "meta", "summary", "publication_date", "tags", "authors"}
    assert item["tags"] == [{"name": "Sport", "slug": "sport"}]
    assert item["authors"][0]["name"] == "Bob"
    assert set(item["meta"]) == {
        "type",
        "detail_url",
        "html_url",
        "slug",
        "locale",
        "first_published_at",
    }
    assert item["meta"]["detail_url"] == f"http://localhost/api/v3/pages/{item['id']}/"
    # Without fields: id, title and meta only.
    assert set(get_json(client, V3)["items"][0]) == {"id", "title", "meta"}
    # Every field with *, the same values as v2 (meta aside).
    v3_item = get_json(client, f"{V3}&fields=*&limit=1")["items"][0]
    v2_item = get_json(client, f"{V2}&fields=*&limit=1")["items"][0]
    assert {k: v for k, v in v3_item.items() if k != "meta"} == {
        k: v for k, v in v2_item.items() if k != "meta"
    }
    assert "body_html" in v3_item


def test_the_openapi_document_types_the_listing(client):
    document = get_json(client, "/api/v3/openapi.json")
    operation = document["paths"]["/api/v3/pages/"]["get"]
    parameters = {p["name"]: p for p in operation["parameters"]}
    for name in ("fields", "tags", "published_after", "published_before", "author", "breaking"):
        assert name in parameters, name
    assert parameters["limit"]["schema"]["maximum"] == 100
    item = document["components"]["schemas"]["NewsPageListItem"]
    assert set(item["required"]) == {"id", "title", "meta"}
    assert {"summary", "body_html", "tags", "reading_minutes"} <= set(item["properties"])
    minutes = document["components"]["schemas"]["NewsPageSchema"]["properties"]["reading_minutes"]
    assert {"type": "integer"} in minutes["anyOf"]


def test_every_operation_documents_its_errors(client):
    document = get_json(client, "/api/v3/openapi.json")
    paths = document["paths"]

    def statuses(path, method):
        return set(paths[path][method]["responses"])

    assert {"200", "400", "422"} <= statuses("/api/v3/pages/", "get")
    assert {"200", "400", "404", "422"} <= statuses("/api/v3/pages/{page_id}/", "get")
    assert {"400", "401", "403", "404", "409", "422"} <= statuses(
        "/api/v3/pages/{page_id}/workflow/approve/", "post"
    )
    assert {"201", "400", "403", "429"} <= statuses("/api/v3/pages/{page_id}/comments/", "post")
    problem = paths["/api/v3/pages/"]["get"]["responses"]["400"]["content"]
    assert problem["application/problem+json"]["schema"] == {
        "$ref": "#/components/schemas/Problem"
    }
    assert "message" in document["components"]["schemas"]["Problem"]["required"]
    for path, item in paths.items():
        for method, operation in item.items():
            assert "400" in operation["responses"] or 400 in operation["responses"], (path, method)
            for parameter in operation.get("parameters", []):
                if parameter["name"] == "limit":
                    assert "maximum" in parameter["schema"], (path, method)


@pytest.mark.parametrize(
    ("query", "status", "says"),
    [
        ("bogus=1", 400, "bogus"),
        ("fields=nope", 400, "nope"),
        ("tags=a,b|c", 400, "tags"),
        ("published_after=yesterday", 422, "published_after"),
        ("limit=101", 422, "limit"),
        ("author=x", 422, "author"),
    ],
)
def test_bad_parameters_are_clear_errors(client, posts, query, status, says):
    data = get_json(client, f"{V3}&{query}", status=status)
    assert says in data["message"]


def test_news_filters_need_the_news_type(client, posts):
    assert "type=news.NewsPage" in get_json(client, "/api/v3/pages/?tags=x", 400)["message"]


def test_listing_queries_do_not_grow_with_the_page_size(client, news_index, settings):
    settings.NEWSDESK_RESPONSE_CACHE = False
    full_posts(news_index, 6)
    get_json(client, f"{V3}&fields=*&limit=6")  # renditions made once
    counts = []
    for limit in (1, 6):
        with CaptureQueriesContext(connection) as queries:
            assert len(get_json(client, f"{V3}&fields=*&limit={limit}")["items"]) == limit
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_drafts_stay_out_and_a_token_lists_what_its_editor_may_edit(
    client, news_index, posts, admin_user
):
    NewsPageFactory(parent=news_index, title="Unpublished draft", live=False)
    assert "Unpublished draft" not in titles(client, "limit=50")
    _token, plaintext = APIToken.create_token(user=admin_user, name="tests")
    listed = titles(client, "limit=50&order=title", base=V3)
    assert "Unpublished draft" not in listed
    data = get_json(client, f"{V3}&limit=50", Authorization=f"Bearer {plaintext}")
    assert "Unpublished draft" in [item["title"] for item in data["items"]]


class TestFindRoutes:
    @pytest.mark.parametrize("version", ["v2", "v3"])
    def test_tag_and_month_routes_are_named(self, client, posts, news_index, version):
        def find(path):
            return client.get(f"/api/{version}/pages/find/?html_path={path}")

        post = NewsPage.objects.get(title="Sport")
        detail = f"http://localhost/api/{version}/pages/"
        located = find(f"/news/{post.slug}/")
        assert located.status_code == 302
        assert located["Location"].split("?")[0] == f"{detail}{post.pk}/"
        assert "route=" not in located["Location"]
        assert find("/news/tags/climate/")["Location"] == (
            f"{detail}{news_index.pk}/?route=tag&tag=climate"
        )
        assert find("/news/2017/02/")["Location"] == (
            f"{detail}{news_index.pk}/?route=month&year=2017&month=02"
        )
        assert "route=" not in find("/news/")["Location"]
        for missing in ("/news/tags/no-such-tag/", "/news/2017/13/", "/nowhere/"):
            assert find(missing).status_code == 404, missing
        # The redirect is followed to a detail that accepts the route parameters.
        followed = client.get(find("/news/tags/climate/")["Location"])
        assert followed.status_code == 200
        assert followed.json()["id"] == news_index.pk

    def test_v3_find_by_id_and_bad_input(self, client, posts, news_index):
        found = client.get(f"/api/v3/pages/find/?id={news_index.pk}&fields=x")
        assert found["Location"] == f"http://localhost/api/v3/pages/{news_index.pk}/?fields=x"
        assert client.get("/api/v3/pages/find/?id=abc").status_code == 422
        assert client.get("/api/v3/pages/find/?html_path=%00").status_code == 400


class TestSiteChromeV3:
    @pytest.fixture
    def chrome(self, news_index):
        maren = AuthorFactory(name="Maren Holt")
        post = NewsPageFactory(parent=news_index, title="Harbour", authors=[maren], tags=["Storm"])
        NewsPageFactory(parent=news_index, title="Draft", live=False, tags=["Secret"])
        news_index.show_in_menus = True
        news_index.save_revision().publish()
        return {"maren": maren, "post": post}

    def test_same_documents_as_v2_with_v3_links(self, client, chrome):
        for v2, v3 in [
            ("/api/v2/site/", "/api/v3/site/"),
            ("/api/v2/tags/storm/", "/api/v3/tags/storm/"),
            (f"/api/v2/authors/{chrome['maren'].pk}/", f"/api/v3/authors/{chrome['maren'].pk}/"),
        ]:
            old, new = get_json(client, v2), get_json(client, v3)
            assert str(old).replace("/api/v2/", "/api/v3/") == str(new), v3
        for v2, v3 in [
            ("/api/v2/tags/", "/api/v3/tags/"),
            ("/api/v2/authors/", "/api/v3/authors/"),
            ("/api/v2/redirects/", "/api/v3/redirects/"),
        ]:
            old, new = get_json(client, v2), get_json(client, v3)
            assert new["count"] == old["meta"]["total_count"]
            assert str(old["items"]).replace("/api/v2/", "/api/v3/") == str(new["items"]), v3
        tags = get_json(client, "/api/v3/tags/")
        assert [tag["slug"] for tag in tags["items"]] == ["storm"]  # no draft's tag
        assert tags["items"][0]["posts_api_url"].startswith("http://localhost/api/v3/pages/?")
        assert get_json(client, tags["items"][0]["posts_api_url"])["count"] == 1

    def test_redirects_leave_out_drafts_old_paths(self, client, chrome, news_index):
        draft = NewsPage.objects.get(title="Draft")
        Redirect.objects.create(old_path="/news/old-draft-slug", redirect_page=draft)
        Redirect.objects.create(old_path="/news/old-harbour", redirect_page=chrome["post"])
        items = get_json(client, "/api/v3/redirects/")["items"]
        assert [item["old_path"] for item in items] == ["/news/old-harbour"]
        assert items[0]["target_url"] == f"http://localhost/news/{chrome['post'].slug}/"
        assert items[0]["status"] == 301

    def test_refreshed_when_content_changes(self, client, chrome, news_index):
        assert get_json(client, "/api/v3/tags/storm/")["post_count"] == 1
        NewsPageFactory(parent=news_index, title="Storm two", tags=["Storm"])
        assert get_json(client, "/api/v3/tags/storm/")["post_count"] == 2

    @pytest.mark.parametrize(
        ("url", "status"),
        [
            ("/api/v3/tags/?bogus=1", 400),
            ("/api/v3/tags/?limit=0", 422),
            ("/api/v3/authors/999999/", 404),
            ("/api/v3/authors/0/", 422),
            ("/api/v3/tags/no-such-tag/", 404),
            ("/api/v3/site/?x=1", 400),
            ("/api/v3/redirects/?offset=-1", 422),
        ],
    )
    def test_bad_requests(self, client, chrome, url, status):
        assert "message" in get_json(client, url, status=status)


def test_a_tokens_total_is_never_shared_with_anonymous_clients(client, news_index, admin_user):
    """The remembered listing total is per filter set; a token's listing (drafts included)
    counts on its own, so an anonymous listing never reports the drafts."""
    NewsPageFactory(parent=news_index, title="Live")
    NewsPageFactory(parent=news_index, title="Secret draft", live=False)
    _token, plaintext = APIToken.create_token(user=admin_user, name="tests")
    editor = get_json(client, V3, Authorization=f"Bearer {plaintext}")
    assert editor["count"] == 2
    anonymous = get_json(client, V3)
    assert anonymous["count"] == 1 and len(anonymous["items"]) == 1
    assert get_json(client, V3, Authorization=f"Bearer {plaintext}")["count"] == 2


def test_fields_forms_and_stock_parameters(client, posts, news_index):
    everything_but_body = get_json(client, f"{V3}&fields=*,-body&limit=1")["items"][0]
    assert "body" not in everything_but_body and "body_html" in everything_but_body
    for bad in ("_,title", "-summary", "summary,*"):
        assert "fields" in get_json(client, f"{V3}&fields={bad}", status=400)["message"]
    meta = get_json(client, f"{V3}&fields=seo_title,show_in_menus&limit=1")["items"][0]["meta"]
    assert meta["seo_title"] == "" and meta["show_in_menus"] is False
    rooted = get_json(client, "/api/v3/pages/?child_of=root")["items"]
    assert [item["title"] for item in rooted] == ["News"]
    sport = NewsPage.objects.get(title="Sport")
    assert titles(client, f"slug={sport.slug}") == ["Sport"]


def test_find_keeps_only_the_route_that_matched(client, posts, news_index):
    for version in ("v2", "v3"):
        post = NewsPage.objects.get(title="Sport")
        found = client.get(f"/api/{version}/pages/find/?html_path={post.url}&route=tag&tag=x")
        assert "route=" not in found["Location"] and "tag=" not in found["Location"]
        found = client.get(f"/api/{version}/pages/find/?html_path=/news/tags/sport/&route=no")
        assert found["Location"].endswith("?route=tag&tag=sport"), found["Location"]


def test_wagtails_redirect_detail_and_find_hide_drafts_old_paths(client, news_index, admin_user):
    draft = NewsPageFactory(parent=news_index, title="Embargoed", live=False)
    live = NewsPageFactory(parent=news_index, title="Out")
    hidden = Redirect.objects.create(old_path="/news/old-embargoed", redirect_page=draft)
    shown = Redirect.objects.create(old_path="/news/old-out", redirect_page=live)
    assert client.get(f"/api/v3/redirects/{hidden.pk}/").status_code == 404
    assert client.get("/api/v3/redirects/find/?html_path=/news/old-embargoed").status_code == 404
    assert get_json(client, f"/api/v3/redirects/{shown.pk}/")["old_path"] == "/news/old-out"
    found = client.get("/api/v3/redirects/find/?html_path=/news/old-out")
    assert found["Location"] == f"http://localhost/api/v3/redirects/{shown.pk}/"
    _token, plaintext = APIToken.create_token(user=admin_user, name="tests")
    as_editor = get_json(
        client, f"/api/v3/redirects/{hidden.pk}/", Authorization=f"Bearer {plaintext}"
    )
    assert as_editor["redirect_page_id"] == draft.pk
