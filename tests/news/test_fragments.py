"""Render once (news/freshness/fragments.py): a post's body, its image objects and the
article page's head and article are rendered once and reused by every surface that shows
them, until something they show changes; drafts and previews never go through them.

The response cache is switched off here (``NEWSDESK_RESPONSE_CACHE=False``) so every
request reaches the views, as after a response-cache miss."""

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.news.factories import (
    AuthorFactory,
    DisclaimerFactory,
    ImageFactory,
    NewsPageFactory,
    every_block_body,
)

pytestmark = pytest.mark.django_db

# Tables only rendering a body reads: a request that reuses stored bodies reads none.
BODY_TABLES = ('"wagtailimages_rendition"', '"news_disclaimer"', '"wagtailembeds_embed"')


@pytest.fixture(autouse=True)
def response_cache_off(settings):
    settings.NEWSDESK_RESPONSE_CACHE = False


@pytest.fixture
def related(news_index):
    return NewsPageFactory(parent=news_index, title="Pier closed for repairs", slug="pier")


@pytest.fixture
def post(news_index, related):
    body = every_block_body(
        image=ImageFactory(title="Old pier"), related_page=related, disclaimer=DisclaimerFactory()
    )
    post = NewsPageFactory(parent=news_index, title="Storm hits harbour", slug="storm", body=body)
    post.save_revision().publish()
    post.refresh_from_db()
    return post


def tables_read(client, path, tables):
    """The response to ``path`` and its queries that read any of ``tables``."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return response, [q["sql"] for q in queries if any(t in q["sql"] for t in tables)]


def body_tables_read(client, path):
    return tables_read(client, path, BODY_TABLES)


SURFACES = (
    "article",
    "/api/v2/pages/{id}/",
    "/api/v2/pages/?type=news.NewsPage&fields=body,body_html",
    "/api/v2/pages/?type=news.NewsPage&fields=*",
)


def surface_path(post, surface):
    return post.url if surface == "article" else surface.format(id=post.pk)


@pytest.mark.parametrize("surface", SURFACES)
def test_a_body_rendered_for_one_surface_is_reused_by_the_next(client, post, surface):
    # The article renders the body's HTML; the detail its API stream: between them,
    # everything the other surfaces show of it.
    client.get(post.url)
    client.get(f"/api/v2/pages/{post.pk}/")
    response, reads = body_tables_read(client, surface_path(post, surface))
    assert reads == []
    assert b"Waves over the old pier" in response.content


def test_without_render_once_every_response_renders_the_body(client, post, settings):
    settings.NEWSDESK_RENDER_ONCE = False
    client.get(f"/api/v2/pages/{post.pk}/")
    _response, reads = body_tables_read(client, f"/api/v2/pages/{post.pk}/")
    assert reads  # the check above can fail


@pytest.mark.parametrize("surface", SURFACES)
def test_a_republished_related_article_shows_everywhere_at_once(client, post, related, surface):
    for warm in SURFACES:
        client.get(surface_path(post, warm))
    related.title = "Pier reopens after repairs"
    related.save_revision().publish()
    content = client.get(surface_path(post, surface)).content.decode()
    assert "Pier reopens after repairs" in content
    assert "Pier closed for repairs" not in content


@pytest.mark.parametrize("surface", SURFACES)
def test_a_renamed_image_shows_everywhere_at_once(client, post, surface):
    for warm in SURFACES:
        client.get(surface_path(post, warm))
    image = post.body[2].value["image"]
    image.title = "New pier"
    image.save()
    content = client.get(surface_path(post, surface)).content.decode()
    if surface != "article":  # the article shows the block's own alt text, not the title
        assert '"title":"New pier"' in content.replace(": ", ":")
    assert "Old pier" not in content or surface == "article"


@pytest.mark.parametrize("surface", SURFACES)
def test_a_drafts_body_never_reaches_a_surface(client, post, surface):
    for warm in SURFACES:
        client.get(surface_path(post, warm))
    draft = post.get_latest_revision_as_object()
    draft.body = [{"type": "paragraph", "value": "<p>Unpublished scoop in the draft.</p>"}]
    draft.save_revision()
    # An editor previews the draft: what a preview renders is never stored for readers.
    preview = draft.make_preview_request()
    assert "Unpublished scoop" in preview.rendered_content
    assert "Unpublished scoop" not in client.get(surface_path(post, surface)).content.decode()


def test_the_published_revision_replaces_the_stored_body(client, post):
    client.get(post.url)
    post.body = [{"type": "paragraph", "value": "<p>Correction: the wall held.</p>"}]
    post.save_revision().publish()
    assert "Correction: the wall held." in client.get(post.url).content.decode()
    detail = client.get(f"/api/v2/pages/{post.pk}/").json()
    assert detail["body"][0]["value"] == "<p>Correction: the wall held.</p>"
    assert "Correction: the wall held." in detail["body_html"]


def test_an_article_rendered_from_nothing_loads_its_images_together(client, news_index, related):
    """The lead image and the body's image come in one image query and one rendition
    query (not the lead image and each of its sizes on their own, as the template asks
    for them), and every size is shown."""
    related.lead_image = ImageFactory(title="Pier thumbnail")
    related.save_revision().publish()
    body = every_block_body(
        image=ImageFactory(title="Old pier"), related_page=related, disclaimer=DisclaimerFactory()
    )
    post = NewsPageFactory(
        parent=news_index,
        slug="lead",
        body=body,
        # Wide enough for every size to be a rendition of its own in the srcset.
        lead_image=ImageFactory(title="Lead", file__width=1200, file__height=675),
    )
    post.save_revision().publish()
    client.get(post.url)  # the renditions are made; then every cache is emptied
    for alias in ("default", "renditions"):
        caches[alias].clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(post.url)
    html = response.content.decode()
    sql = [q["sql"] for q in queries]
    assert len([q for q in sql if q.startswith('SELECT "wagtailimages_image"')]) == 1, sql
    assert len([q for q in sql if 'FROM "wagtailimages_rendition"' in q]) == 1, sql
    for spec in ("width-480", "width-800", "width-1200"):
        lead = post.lead_image.get_rendition(spec)
        assert lead.url in html, spec
    assert "Waves over the old pier" in html


# The API's tags and bylines, stored per version of their post like its body.
DETAIL_TABLES = ('"taggit_tag"', '"news_newspageauthor"')
DETAIL_SURFACES = (
    "/api/v2/pages/{id}/",
    "/api/v2/pages/?type=news.NewsPage&fields=tags,authors",
    "/api/v2/pages/?type=news.NewsPage&fields=*",
)


@pytest.fixture
def credited(news_index):
    author = AuthorFactory(name="Ines Kalda", photo=ImageFactory(title="Ines"))
    post = NewsPageFactory(parent=news_index, slug="credited", authors=[author])
    post.tags.add("harbour")
    post.save_revision().publish()
    post.refresh_from_db()
    return post, author


def detail_tables_read(client, path):
    return tables_read(client, path, DETAIL_TABLES)


@pytest.mark.parametrize("surface", DETAIL_SURFACES)
def test_stored_tags_and_bylines_are_reused_by_the_next_api_response(client, credited, surface):
    post, _author = credited
    for warm in DETAIL_SURFACES:  # a listing stores its posts' details, a detail its own
        client.get(warm.format(id=post.pk))
    response, reads = detail_tables_read(client, surface.format(id=post.pk))
    assert reads == []
    content = response.content.decode()
    assert '"name":"Ines Kalda"' in content.replace(": ", ":")
    assert '"slug":"harbour"' in content.replace(": ", ":")


def test_without_render_once_every_api_response_reads_them(client, credited, settings):
    settings.NEWSDESK_RENDER_ONCE = False
    post, _author = credited
    client.get(f"/api/v2/pages/{post.pk}/")
    _response, reads = detail_tables_read(client, f"/api/v2/pages/{post.pk}/")
    assert len(reads) == 2  # the check above can fail


@pytest.mark.parametrize("surface", DETAIL_SURFACES)
def test_a_renamed_author_and_new_tags_show_at_once(client, credited, surface):
    post, author = credited
    for warm in DETAIL_SURFACES:
        client.get(warm.format(id=post.pk))
    author.name = "Ines Kalda-Mets"
    author.save()
    content = client.get(surface.format(id=post.pk)).content.decode().replace(": ", ":")
    assert '"name":"Ines Kalda-Mets"' in content
    post.tags.set(["storm"])
    post.save_revision().publish()
    content = client.get(surface.format(id=post.pk)).content.decode().replace(": ", ":")
    assert '"slug":"storm"' in content
    assert '"slug":"harbour"' not in content


def test_a_listing_of_stored_posts_with_every_field_is_one_query(client, news_index, credited):
    """Bodies, images, tags and bylines all stored: what is left is the posts themselves
    (the total is remembered, comment counts come with the posts)."""
    path = "/api/v2/pages/?type=news.NewsPage&fields=*"
    client.get(path)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    assert len(queries) == 1, [q["sql"][:150] for q in queries.captured_queries]
