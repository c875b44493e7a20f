"""The headless read API: v2 pages with resolved blocks and news filters, v3, preview."""

import datetime
import json

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.signing import TimestampSigner
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.embeds.embeds import get_embed_hash
from wagtail.embeds.models import Embed
from wagtail.models import PageViewRestriction

from news.models import NewsPage, NewsSettings
from tests.news.api_helpers import filter_posts, full_posts, news_form_data
from tests.news.factories import (
    AuthorFactory,
    DisclaimerFactory,
    ImageFactory,
    NewsPageFactory,
    every_block_body,
)

pytestmark = pytest.mark.django_db

LISTING = "/api/v2/pages/?type=news.NewsPage"
# The default Site's root URL (home/migrations/0002): the base of every absolute API URL.
SITE_BASE = "http://localhost"
MEDIA_BASE = SITE_BASE + settings.MEDIA_URL


def get_json(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, (url, response.content[:300])
    return response.json()


def titles(client, query):
    data = get_json(client, f"{LISTING}&fields=_,title&{query}")
    return [item["title"] for item in data["items"]]


@pytest.mark.parametrize("version", ["v2", "v3"])
def test_the_site_wide_disclaimer_is_shown_once_per_post_unless_both_are_asked_for(
    client, news_index, home_page, version
):
    settings_row = NewsSettings.for_site(home_page.get_site())
    settings_row.default_disclaimer = DisclaimerFactory(text="<p>Site-wide notice.</p>")
    settings_row.save()
    own = [{"type": "disclaimer", "value": {"disclaimer": None, "text": "<p>Mine.</p>"}}]
    cases = [
        (NewsPageFactory(parent=news_index), "auto", True),
        (NewsPageFactory(parent=news_index, body=own), "auto", False),
        (NewsPageFactory(parent=news_index, body=own, site_disclaimer="both"), "both", True),
        (NewsPageFactory(parent=news_index, site_disclaimer="never"), "never", False),
    ]
    for post, choice, shown in cases:
        data = get_json(client, f"/api/{version}/pages/{post.pk}/")
        assert data["site_disclaimer"] == choice
        assert data["show_default_disclaimer"] is shown
        assert data["default_disclaimer"] == ("<p>Site-wide notice.</p>" if shown else None)


class TestResolvedBlocks:
    @pytest.fixture
    def post(self, news_index):
        related = NewsPageFactory(
            parent=news_index,
            title="Earlier story",
            summary="What happened before.",
            publication_date=datetime.date(2017, 2, 1),
            lead_image=ImageFactory(title="Earlier lead", file__width=1600, file__height=900),
        )
        url = "https://video.example/v/stored"
        Embed.objects.create(
            url=url,
            hash=get_embed_hash(url),
            html='<iframe src="https://video.example/embed/1"></iframe>',
            type="video",
            provider_name="VideoSite",
            width=640,
            height=360,
        )
        return NewsPageFactory(
            parent=news_index,
            title="Storm tops the wall",
            publication_date=datetime.date(2017, 2, 14),
            lead_image=ImageFactory(title="Lead", description="Waves at the wall"),
            breaking=True,
            source_name="AFP",
            source_url="https://wire.example/afp",
            body=every_block_body(
                image=ImageFactory(title="Pier", file__width=2000, file__height=1000),
                related_page=related,
                disclaimer=DisclaimerFactory(text='<p>See <a href="https://x.example">x</a>.</p>'),
                embed_url=url,
            ),
            authors=[AuthorFactory(name="Maren Holt", photo=ImageFactory())],
            tags=["Storm", "Port Alder"],
        )

    def blocks(self, client, post):
        data = get_json(client, f"/api/v2/pages/{post.pk}/")
        return data, {block["type"]: block["value"] for block in data["body"]}

    def test_paragraph_is_html(self, client, post):
        _, blocks = self.blocks(client, post)
        assert blocks["paragraph"] == "<p>Opening paragraph with <b>bold</b> words.</p>"

    def test_image_is_resolved_with_renditions(self, client, post):
        _, blocks = self.blocks(client, post)
        image = blocks["image"]
        assert image["caption"] == "Waves over the old pier"
        assert image["credit"] == "Jo Lens/Reuters"
        assert image["alt"] == "Grey waves breaking over a stone pier"
        assert image["image"]["title"] == "Pier"
        assert (image["image"]["width"], image["image"]["height"]) == (2000, 1000)
        renditions = image["image"]["renditions"]
        assert set(renditions) == {"thumbnail", "medium", "large"}
        assert (renditions["thumbnail"]["width"], renditions["thumbnail"]["height"]) == (400, 225)
        assert renditions["medium"]["width"] == 800
        assert renditions["large"]["width"] == 1600
        # Absolute on the site's root URL (cms/core/site_urls.py), and the file exists.
        assert renditions["medium"]["url"].startswith(f"{SITE_BASE}/media/images/")
        assert default_storage.exists(renditions["medium"]["url"].removeprefix(MEDIA_BASE))

    def test_related_articles_are_resolved(self, client, post):
        _, blocks = self.blocks(client, post)
        related = blocks["related_articles"]
        article, link = related["items"]
        earlier = NewsPage.objects.get(title="Earlier story")
        assert article == {
            "type": "article",
            "id": earlier.pk,
            "title": "Earlier story",
            "api_url": f"{SITE_BASE}/api/v2/pages/{earlier.pk}/",
            "html_url": SITE_BASE + earlier.url,
            "publication_date": "2017-02-01",
            "summary": "What happened before.",
            "thumbnail": article["thumbnail"],
        }
        assert article["thumbnail"]["width"] == 400
        assert link == {
            "type": "link",
            "url": "https://elsewhere.example/story",
            "title": "Elsewhere",
            "summary": "What the other paper found.",
        }

    def test_unpublished_related_article_is_left_out(self, client, post):
        NewsPage.objects.get(title="Earlier story").unpublish()
        _, blocks = self.blocks(client, post)
        assert [item["type"] for item in blocks["related_articles"]["items"]] == ["link"]

    def test_quote_disclaimer_and_embed(self, client, post):
        data, _ = self.blocks(client, post)
        quote = next(b["value"] for b in data["body"] if b["type"] == "quote")
        assert quote == {
            "text": "The wall will hold this winter.",
            "text_html": "<p>The wall will hold <i>this</i> winter.</p>",
            "attribution": "Harbour master Ines Kalda",
            "source_name": "AFP",
            "source_url": "https://wire.example/afp/123",
        }
        code = next(b["value"] for b in data["body"] if b["type"] == "code")
        assert code == {"language": "python", "code": "if tide < 2:\n    close()"}
        table = next(b["value"] for b in data["body"] if b["type"] == "table")
        assert table == {
            "caption": "Sailings",
            "header": ["Ferry", "Time"],
            "rows": [["Alder", "9:00"], ["Birch", ""]],
            "first_column_is_header": False,
        }
        snippet, custom = [b["value"] for b in data["body"] if b["type"] == "disclaimer"]
        assert snippet["source"] == "snippet"
        assert snippet["html"] == '<p>See <a href="https://x.example">x</a>.</p>'
        assert custom == {
            "source": "custom",
            "disclaimer_id": None,
            "html": "<p>Updated to correct a date.</p>",
        }
        embed = next(b["value"] for b in data["body"] if b["type"] == "embed")
        assert embed["embed"]["html"] == '<iframe src="https://video.example/embed/1"></iframe>'
        assert embed["embed"]["provider_name"] == "VideoSite"
        assert (embed["heading"], embed["title"], embed["caption"]) == (
            "Related video",
            "Watch the storm",
            "The pier at dawn",
        )

    def test_embed_that_cannot_be_fetched_is_null(self, client, news_index):
        body = [
            {"type": "embed", "value": {"url": "https://v.example/x", "title": "T", "caption": ""}}
        ]
        post = NewsPageFactory(parent=news_index, body=body)
        data = get_json(client, f"/api/v2/pages/{post.pk}/")
        assert data["body"][0]["value"] == {
            "heading": "",  # blocks saved before embeds had a heading
            "url": "https://v.example/x",
            "title": "T",
            "caption": "",
            "embed": None,
        }

    def test_page_fields_authors_tags_lead_image_body_html(self, client, post):
        data, _ = self.blocks(client, post)
        assert data["publication_date"] == "2017-02-14"
        assert data["breaking"] is True
        assert data["source"] == {"name": "AFP", "url": "https://wire.example/afp"}
        assert data["lead_image"]["alt"] == "Waves at the wall"
        assert data["authors"][0]["name"] == "Maren Holt"
        assert set(data["authors"][0]["photo"]["renditions"]) == {"thumbnail", "medium", "large"}
        assert data["tags"] == [
            {"name": "Port Alder", "slug": "port-alder"},
            {"name": "Storm", "slug": "storm"},
        ] or data["tags"] == [
            {"name": "Storm", "slug": "storm"},
            {"name": "Port Alder", "slug": "port-alder"},
        ]
        assert 'class="block-quote"' in data["body_html"]
        assert "Waves over the old pier" in data["body_html"]
        assert data["reading_minutes"] == 1

    def test_v3_detail_carries_the_same_blocks(self, client, post):
        v2 = get_json(client, f"/api/v2/pages/{post.pk}/")
        v3 = get_json(client, f"/api/v3/pages/{post.pk}/")

        # One base for every absolute URL, whichever version asks.
        assert v3["body"] == v2["body"]
        assert v3["tags"] and v3["authors"] and v3["lead_image"]["renditions"]


class TestFilters:
    @pytest.fixture
    def posts(self, news_index):
        return filter_posts(news_index)

    def test_newest_first_by_default(self, client, posts):
        assert titles(client, "") == [
            "Sport",
            "Only politics",
            "Only climate",
            "Climate and politics",
        ]

    def test_tags_all_and_any(self, client, posts):
        assert titles(client, "tags=climate,politics") == ["Climate and politics"]
        assert titles(client, "tags=climate|politics") == [
            "Only politics",
            "Only climate",
            "Climate and politics",
        ]
        # Names work too, as in stock Wagtail.
        assert titles(client, "tags=Climate") == ["Only climate", "Climate and politics"]

    def test_dates_author_breaking(self, client, posts):
        assert titles(client, "published_after=2017-02-20&published_before=2017-03-05") == [
            "Only politics",
            "Only climate",
        ]
        assert titles(client, f"author={posts['alice'].pk}") == [
            "Only politics",
            "Climate and politics",
        ]
        assert titles(client, "breaking=true") == ["Climate and politics"]
        assert titles(client, "breaking=false&tags=climate") == ["Only climate"]

    def test_search_combines_with_tags_and_dates(self, client, posts):
        from django.core.management import call_command

        call_command("update_index", verbosity=0)
        assert titles(client, "search=politics&tags=climate") == ["Climate and politics"]
        assert titles(client, "search=sport&tags=politics|sport") == ["Sport"]
        assert titles(client, "search=climate&published_after=2017-02-15") == ["Only climate"]

    def test_stock_parameters_still_work(self, client, posts, news_index):
        data = get_json(client, f"{LISTING}&child_of={news_index.pk}&order=title&limit=2&offset=1")
        assert data["meta"]["total_count"] == 4
        assert [item["title"] for item in data["items"]] == ["Only climate", "Only politics"]
        data = get_json(client, f"{LISTING}&fields=-summary,body")
        assert "summary" not in data["items"][0]
        assert "body" in data["items"][0]
        post = NewsPage.objects.get(title="Sport")
        found = client.get(f"/api/v2/pages/find/?html_path=/news/{post.slug}/")
        assert found.status_code == 302
        assert found["Location"].endswith(f"/api/v2/pages/{post.pk}/?")


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("&fields=nope", "unknown"),
        ("&nope=1", "nope"),
        ("&published_after=2017-13-01", "published_after"),
        ("&published_before=yesterday", "published_before"),
        ("&limit=-1", "limit"),
        ("&limit=abc", "limit"),
        ("&limit=100000", "limit"),
        ("&offset=-5", "offset"),
        ("&tags=climate,|politics", "tags"),
        ("&tags=climate,,politics", "tags"),
        ("&tags=|", "tags"),
        ("&author=me", "author"),
        ("&author=%C2%B2", "author"),
        ("&author=99999999999999999999999", "author"),
        ("&breaking=maybe", "breaking"),
        ("&order=nope", "nope"),
    ],
)
def test_bad_parameters_are_400_with_a_message(client, news_index, query, message):
    NewsPageFactory(parent=news_index)
    data = get_json(client, LISTING + query, status=400)
    assert message in data["message"]


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/api/v2/pages/?type=nope.Nope", 400),
        ("/api/v2/pages/?tags=climate", 400),  # news filters need type=news.NewsPage
        ("/api/v2/pages/999999/", 404),
        ("/api/v2/page_preview/", 400),
        ("/api/v2/page_preview/?content_type=news.newspage&token=garbage", 400),
        ("/api/v2/page_preview/?content_type=nope&token=x", 400),
        ("/api/v2/page_preview/?content_type=auth.user&token=x", 400),
        ("/api/v3/pages/?limit=-1", 422),
        ("/api/v3/pages/999999/", 404),
    ],
)
def test_other_bad_requests_are_4xx_json(client, news_index, url, status):
    response = client.get(url)
    assert response.status_code == status
    assert response.json()["message"]


class TestVisibility:
    @pytest.fixture
    def hidden(self, news_index):
        NewsPageFactory(parent=news_index, title="Visible post")
        draft = NewsPageFactory(parent=news_index, title="Draft post", live=False)
        private = NewsPageFactory(parent=news_index, title="Private post")
        PageViewRestriction.objects.create(page=private, restriction_type="login")
        expired = NewsPageFactory(
            parent=news_index,
            title="Expired post",
            expire_at=timezone.now() - datetime.timedelta(minutes=5),
        )
        return [draft, private, expired]

    def test_absent_from_listings_detail_and_find(self, client, hidden):
        for url in [
            LISTING,
            "/api/v2/pages/",
            "/api/v3/pages/",
            "/api/v3/pages/?type=news.NewsPage",
        ]:
            content = client.get(url).content
            assert b"Visible post" in content or url.startswith("/api/v2/pages/?") is False
            for page in hidden:
                assert page.title.encode() not in content, (url, page.title)
        for page in hidden:
            assert client.get(f"/api/v2/pages/{page.pk}/").status_code == 404
            assert client.get(f"/api/v3/pages/{page.pk}/").status_code == 404
            find = client.get(f"/api/v2/pages/find/?html_path=/news/{page.slug}/")
            assert find.status_code == 404

    def test_related_article_to_private_page_is_left_out(self, client, news_index, hidden):
        private = hidden[1]
        body = [
            {
                "type": "related_articles",
                "value": {"heading": "More", "items": [{"type": "article", "value": private.pk}]},
            }
        ]
        post = NewsPageFactory(parent=news_index, body=body)
        data = get_json(client, f"/api/v2/pages/{post.pk}/")
        assert data["body"][0]["value"]["items"] == []


@pytest.mark.parametrize("limit", [1, 20])
def test_listing_with_every_field_costs_a_fixed_number_of_queries(
    client, news_index, limit, settings
):
    settings.NEWSDESK_RESPONSE_CACHE = False  # measure rendering, not the response cache
    full_posts(news_index, 20)
    url = f"{LISTING}&fields=*&limit={limit}"
    client.get(f"{LISTING}&fields=*&limit=20")  # creates every rendition once
    with CaptureQueriesContext(connection) as queries:
        data = get_json(client, url)
    assert len(data["items"]) == limit
    assert len(queries) <= 12, [q["sql"][:120] for q in queries.captured_queries]
    # The same count whatever the page size:
    with CaptureQueriesContext(connection) as other:
        get_json(client, f"{LISTING}&fields=*&limit={21 - limit}")
    assert len(other) == len(queries)


def test_a_listing_of_posts_is_read_newest_first_from_their_own_rows(client, news_index, settings):
    """The visibility rule is applied to the posts' own rows, so the database can walk
    the date index and stop at the page asked for, not read every page of the site as
    ``id IN (...)`` and sort them all (Wagtail's listing of one type)."""
    settings.NEWSDESK_RESPONSE_CACHE = False
    full_posts(news_index, 3)
    with CaptureQueriesContext(connection) as queries:
        data = get_json(client, f"{LISTING}&fields=_,title&limit=2")
    assert data["meta"]["total_count"] == NewsPage.objects.live().count()
    assert len(data["items"]) == 2
    listing = [q["sql"] for q in queries if 'FROM "news_newspage"' in q["sql"]]
    assert listing and all(" IN (SELECT" not in sql for sql in listing), listing
    with connection.cursor() as cursor:  # (SQLite's plan; PostgreSQL's differs in words)
        if connection.vendor == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + listing[-1])
            plan = " ".join(str(row[-1]) for row in cursor.fetchall())
            assert "news_newspage_publication_date" in plan and "TEMP B-TREE" not in plan, plan


@pytest.mark.parametrize(
    "query",
    ["&fields=_,title&limit=2", "&fields=*", "&search=harbour", "&fields=_,title&order=title"],
)
def test_a_listing_builds_its_queryset_once(client, news_index, settings, monkeypatch, query):
    """Wagtail's ``get_serializer_class`` asks for the listing's queryset again only to
    read its model: the pages of a response are worked out once per request."""
    from news.api.v2.pages import NewsPagesAPIViewSet

    settings.NEWSDESK_RESPONSE_CACHE = False
    full_posts(news_index, 3)
    NewsPageFactory(parent=news_index, title="Harbour wall rebuilt")
    built = []
    pages_queryset = NewsPagesAPIViewSet.pages_queryset

    def counted(view):
        built.append(view.action)
        return pages_queryset(view)

    monkeypatch.setattr(NewsPagesAPIViewSet, "pages_queryset", counted)
    data = get_json(client, f"{LISTING}{query}")
    assert built == ["listing_view"]
    assert data["items"]
    if "search" in query:
        # In the ranking's order (the title weighs most), loaded by id.
        assert data["items"][0]["title"] == "Harbour wall rebuilt"
    else:
        assert data["meta"]["total_count"] == NewsPage.objects.live().count()


class TestPreview:
    @pytest.fixture
    def previewing(self, client, news_index, admin_client):
        post = NewsPageFactory(parent=news_index, title="Published title")
        return post

    @override_settings(
        WAGTAIL_HEADLESS_PREVIEW={
            "CLIENT_URLS": {"default": "https://frontend.example/preview"},
            "ENFORCE_TRAILING_SLASH": False,
        }
    )
    def test_preview_shows_the_draft_with_a_valid_token(self, admin_client, client, previewing):
        post = previewing
        edit = admin_client.get(f"/admin/pages/{post.pk}/edit/")
        assert edit.status_code == 200
        form_data = news_form_data(
            "Draft title in preview", post.slug, post.publication_date.isoformat()
        )
        preview_url = f"/admin/pages/{post.pk}/edit/preview/"
        assert admin_client.post(preview_url, form_data).json()["is_valid"] is True
        response = admin_client.get(preview_url)
        assert response.status_code == 200
        content = response.content.decode()
        assert "https://frontend.example/preview?content_type=news.newspage&amp;token=" in content
        token = content.split("token=")[1].split('"')[0]

        data = get_json(client, f"/api/v2/page_preview/?content_type=news.newspage&token={token}")
        assert data["title"] == "Draft title in preview"
        # A full detail, shaped like the published post's, so a frontend renders it alike.
        detail = get_json(client, f"/api/v2/pages/{post.pk}/")
        assert set(data) == set(detail)
        assert data["id"] == post.pk
        assert isinstance(data["body"], list)
        # The live page and the public API still show the published version.
        assert get_json(client, f"/api/v2/pages/{post.pk}/")["title"] == "Published title"

        # API v3 previews the same draft, with v3's meta, never cached.
        v3_url = f"/api/v3/page_preview/?content_type=news.newspage&token={token}"
        v3 = client.get(v3_url)
        assert v3.status_code == 200, v3.content[:300]
        assert v3["Cache-Control"] == "private, no-store"
        v3 = v3.json()
        assert v3["title"] == "Draft title in preview"
        assert v3["meta"]["detail_url"] == f"{SITE_BASE}/api/v3/pages/{post.pk}/"
        assert {k: v for k, v in v3.items() if k != "meta"} == {
            k: v for k, v in data.items() if k != "meta"
        }
        assert client.get(v3_url[:-3] + "abc").json()["message"].startswith("token")
        assert client.get("/api/v3/page_preview/?content_type=news.newspage").status_code == 422

        forged = token[:-3] + ("abc" if not token.endswith("abc") else "xyz")
        response = client.get(f"/api/v2/page_preview/?content_type=news.newspage&token={forged}")
        assert response.status_code == 400
        assert "token" in response.json()["message"]

        with override_settings(NEWSDESK_PREVIEW_TOKEN_MAX_AGE=-1):
            response = client.get(
                f"/api/v2/page_preview/?content_type=news.newspage&token={token}"
            )
        assert response.status_code == 400
        assert "expired" in response.json()["message"]

    @override_settings(
        WAGTAIL_HEADLESS_PREVIEW={
            "CLIENT_URLS": {"default": "https://frontend.example/preview"},
            "ENFORCE_TRAILING_SLASH": False,
        }
    )
    def test_preview_shows_the_drafts_tags_not_the_published_ones(
        self, admin_client, client, previewing
    ):
        post = previewing
        post.tags.add("harbour")
        post.save_revision().publish()
        get_json(client, f"/api/v2/pages/{post.pk}/")  # the published tags, stored
        form_data = news_form_data("Draft", post.slug, post.publication_date.isoformat())
        form_data["tags"] = "storm, pier"
        preview_url = f"/admin/pages/{post.pk}/edit/preview/"
        assert admin_client.post(preview_url, form_data).json()["is_valid"] is True
        content = admin_client.get(preview_url).content.decode()
        token = content.split("token=")[1].split('"')[0]
        data = get_json(client, f"/api/v2/page_preview/?content_type=news.newspage&token={token}")
        assert sorted(tag["name"] for tag in data["tags"]) == ["pier", "storm"]
        published = get_json(client, f"/api/v2/pages/{post.pk}/")
        assert [tag["name"] for tag in published["tags"]] == ["harbour"]

    def test_token_signed_for_no_stored_preview_is_refused(self, client, previewing):
        token = TimestampSigner(salt="headlesspreview.token").sign("id=12345")
        response = client.get(f"/api/v2/page_preview/?content_type=news.newspage&token={token}")
        assert response.status_code == 400
        assert "no preview" in response.json()["message"]

    def test_without_a_frontend_preview_is_server_rendered(self, admin_client, previewing):
        response = admin_client.get(f"/admin/pages/{previewing.pk}/view_draft/")
        assert response.status_code == 200
        assert b'class="article' in response.content


@override_settings(CORS_ALLOWED_ORIGINS=["https://frontend.example"])
def test_cors_for_configured_frontends_on_the_api_only(client, news_index):
    allowed = client.get(LISTING, headers={"Origin": "https://frontend.example"})
    assert allowed["Access-Control-Allow-Origin"] == "https://frontend.example"
    other = client.get(LISTING, headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in other
    page = client.get("/", headers={"Origin": "https://frontend.example"})
    assert "Access-Control-Allow-Origin" not in page


def test_openapi_document_is_valid_and_types_each_block(client):
    from openapi_spec_validator import validate

    document = get_json(client, "/api/v3/openapi.json")
    validate(document)
    assert document["openapi"].startswith("3.")
    schemas = document["components"]["schemas"]
    body = schemas["NewsPageSchema"]["properties"]["body"]
    assert "items" in json.dumps(body)
    expected_fields = {
        "ParagraphBlock": {"type", "id", "value"},
        "QuoteValue": {"text", "text_html", "attribution", "source_name", "source_url"},
        "CodeValue": {"language", "code"},
        "TableValue": {"caption", "header", "rows", "first_column_is_header"},
        "ImageBlockValue": {"image", "caption", "credit", "alt"},
        "RelatedArticlesValue": {"heading", "items"},
        "RelatedArticle": {
            "type",
            "id",
            "title",
            "api_url",
            "html_url",
            "publication_date",
            "summary",
            "thumbnail",
        },
        "RelatedLink": {"type", "url", "title", "summary"},
        "DisclaimerValue": {"source", "disclaimer_id", "html"},
        "EmbedValue": {"heading", "url", "title", "caption", "embed"},
        "ImageObject": {"id", "title", "alt", "width", "height", "renditions"},
    }
    for name, fields in expected_fields.items():
        assert set(schemas[name]["properties"]) == fields, name
    block_refs = json.dumps(body)
    for block in [
        "ParagraphBlock",
        "QuoteBlock",
        "ImageBlock",
        "RelatedArticlesBlock",
        "DisclaimerBlock",
        "EmbedBlock",
        "CodeBlock",
        "TableBlock",
    ]:
        assert block in block_refs or block in json.dumps(schemas), block


@pytest.mark.parametrize(
    "url",
    [
        "/api/v2/pages/?type=news.NewsPage&offset=99999999999999999999999",
        "/api/v3/pages/99999999999999999999999/comments/",
        "/api/v3/pages/1/comments/?offset=99999999999999999999999",
    ],
)
def test_huge_numbers_are_clear_errors_not_crashes(client, news_index, url):
    response = client.get(url)
    assert response.status_code in (400, 404, 422)
    assert response.json()["message"]


def test_openapi_request_bodies_are_the_schemas_their_operations_take(client):
    """Component names are class names: two schemas with one name would share one
    component, and the workflow's approve would be typed as the reader-comment form."""
    document = get_json(client, "/api/v3/openapi.json")
    schemas = document["components"]["schemas"]

    def body_properties(path, method="post"):
        content = document["paths"][path][method]["requestBody"]["content"]
        ref = content["application/json"]["schema"]
        ref = ref.get("$ref") or next(part["$ref"] for part in ref["anyOf"] if "$ref" in part)
        return set(schemas[ref.rsplit("/", 1)[1]]["properties"])

    assert body_properties("/api/v3/pages/{page_id}/workflow/approve/") == {"comment"}
    assert body_properties("/api/v3/pages/{page_id}/workflow/reject/") == {"comment"}
    assert {"author_name", "author_email", "body", "token"} <= body_properties(
        "/api/v3/pages/{page_id}/comments/"
    )


@override_settings(
    WAGTAIL_HEADLESS_PREVIEW={
        "CLIENT_URLS": {"default": "https://frontend.example/preview"},
        "ENFORCE_TRAILING_SLASH": False,
    }
)
def test_preview_of_a_post_never_saved(admin_client, client, news_index):
    """Preview on the new-post form: the draft has no id or detail URL yet, in v2 as in v3
    (whose preview schema says so). Wagtail's detail URL field made this a 500."""
    preview_url = f"/admin/pages/add/news/newspage/{news_index.pk}/preview/"
    form_data = news_form_data("Not saved yet", "not-saved-yet", "2026-11-30", summary="Soon.")
    assert admin_client.post(preview_url, form_data).json()["is_valid"] is True
    content = admin_client.get(preview_url).content.decode()
    token = content.split("token=")[1].split('"')[0]
    for version in ("v2", "v3"):
        data = get_json(
            client, f"/api/{version}/page_preview/?content_type=news.newspage&token={token}"
        )
        assert data["id"] is None
        assert data["title"] == "Not saved yet"
        assert data["summary"] == "Soon."
        assert data["meta"]["detail_url"] is None
