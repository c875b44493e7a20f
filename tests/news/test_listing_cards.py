"""Reader listings rendered once (news/freshness/fragments.py, ``listing_cards``): each
post's card is rendered once per version of the post and reused by every listing that
shows it (the home page, the news index and its pages, tag and month pages), until
something it shows changes; the month archive's links and the home page's "All news"
link are remembered until pages change (news/freshness/remembered.py).

The response cache is switched off (``NEWSDESK_RESPONSE_CACHE=False``), so every request
reaches the views, as after a response-cache miss."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.news.factories import AuthorFactory, ImageFactory, NewsPageFactory

pytestmark = pytest.mark.django_db

# Tables only a card reads beyond the post's own row: lead image renditions and bylines.
CARD_TABLES = ('"wagtailimages_rendition"', '"news_newspageauthor"')
LISTINGS = ("/", "/news/", "/news/?page=1", "/news/tags/harbour/", "/news/2026/03/")


@pytest.fixture(autouse=True)
def response_cache_off(settings):
    settings.NEWSDESK_RESPONSE_CACHE = False


@pytest.fixture
def reporter():
    return AuthorFactory(name="Maren Holt")


@pytest.fixture
def posts(news_index, reporter):
    made = []
    for number in range(3):
        post = NewsPageFactory(
            parent=news_index,
            title=f"Harbour story {number}",
            slug=f"harbour-{number}",
            publication_date=datetime.date(2026, 3, 10 + number),
            lead_image=ImageFactory(title=f"Harbour picture {number}"),
            authors=[reporter],
            tags=["Harbour"],
        )
        post.save_revision().publish()
        made.append(post)
    return made


def card_tables_read(client, path):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return response, [q["sql"] for q in queries if any(t in q["sql"] for t in CARD_TABLES)]


@pytest.mark.parametrize("path", LISTINGS)
def test_cards_rendered_for_one_listing_are_reused_by_the_others(client, posts, path):
    client.get("/")  # the home page's cards (h3 headings)
    client.get("/news/")  # the index's (h2), which tag and month pages show too
    response, reads = card_tables_read(client, path)
    assert reads == []
    content = response.content.decode()
    for post in posts:
        assert post.title in content
    assert 'By <a rel="author" href="/news/authors/maren-holt/">Maren Holt</a>' in content
    assert 'class="news-card__image"' in content


def test_without_render_once_every_listing_renders_its_cards(client, posts, settings):
    settings.NEWSDESK_RENDER_ONCE = False
    client.get("/news/")
    _response, reads = card_tables_read(client, "/news/")
    assert reads  # the check above can fail


def test_a_listing_with_every_card_stored_reads_only_the_posts_it_lists(client, posts):
    client.get("/")
    client.get("/news/")
    # The count, the archive, the menu and the index link are remembered, the cards stored:
    # what is left is the posts listed (and, for the index, Wagtail finding the page by its
    # slug and loading it as a news index: two queries stock Wagtail makes too).
    with CaptureQueriesContext(connection) as home:
        assert client.get("/").status_code == 200
    with CaptureQueriesContext(connection) as index:
        assert client.get("/news/").status_code == 200
    assert len(home) == 1, [q["sql"] for q in home]
    assert len(index) == 3, [q["sql"] for q in index]
    assert all('"news_newspage"' in q["sql"] for q in [*home, index[-1]])


def test_the_cards_keep_their_heading_levels(client, posts):
    client.get("/news/")
    home = client.get("/").content.decode()
    index = client.get("/news/").content.decode()
    assert '<h3 class="news-card__title"><a href="/news/harbour-0/">' in home
    assert '<h2 class="news-card__title"><a href="/news/harbour-0/">' in index


@pytest.mark.parametrize("path", LISTINGS)
def test_a_republished_post_shows_on_every_listing_at_once(client, posts, path):
    for warm in LISTINGS:
        client.get(warm)
    posts[0].title = "Harbour reopens"
    posts[0].summary = "Ships are back."
    posts[0].save_revision().publish()
    content = client.get(path).content.decode()
    assert "Harbour reopens" in content
    assert "Ships are back." in content
    assert "Harbour story 0" not in content


@pytest.mark.parametrize("path", LISTINGS)
def test_a_renamed_author_shows_on_every_card_at_once(client, posts, reporter, path):
    for warm in LISTINGS:
        client.get(warm)
    reporter.name = "Maren Holt-Berg"
    reporter.slug = "maren-holt-berg"
    reporter.save()
    content = client.get(path).content.decode()
    assert (
        'By <a rel="author" href="/news/authors/maren-holt-berg/">Maren Holt-Berg</a>' in content
    )
    assert "Maren Holt<" not in content
    assert "/news/authors/maren-holt/" not in content


@pytest.mark.parametrize("path", LISTINGS)
def test_a_new_lead_image_shows_on_every_card_at_once(client, posts, path):
    for warm in LISTINGS:
        client.get(warm)
    old = client.get(path).content.decode()
    post = posts[1]
    post.lead_image = ImageFactory(title="Fresh picture")
    post.save_revision().publish()
    content = client.get(path).content.decode()
    new_src = post.lead_image.get_rendition("fill-480x270").url
    assert new_src in content and new_src not in old


@pytest.mark.parametrize("path", LISTINGS)
def test_a_drafts_title_never_reaches_a_card(client, posts, path):
    for warm in LISTINGS:
        client.get(warm)
    draft = posts[2].get_latest_revision_as_object()
    draft.title = "Unpublished scoop"
    draft.save_revision()
    preview = draft.make_preview_request()
    assert "Unpublished scoop" in preview.rendered_content
    content = client.get(path).content.decode()
    assert "Unpublished scoop" not in content
    assert "Harbour story 2" in content


def test_an_editor_signed_in_gets_cards_rendered_afresh(client, posts, admin_user):
    client.get("/news/")
    client.force_login(admin_user)
    _response, reads = card_tables_read(client, "/news/")
    assert reads  # nothing stored is served to a session


def test_an_unpublished_post_leaves_every_listing(client, posts):
    for warm in LISTINGS:
        client.get(warm)
    posts[1].unpublish()
    for path in LISTINGS:
        assert "Harbour story 1" not in client.get(path).content.decode(), path


def test_the_month_archive_links_follow_new_posts(client, posts, news_index):
    index = client.get("/news/").content.decode()
    assert '<a href="/news/2026/03/">March 2026</a> <span class="count">(3)</span>' in index
    april = NewsPageFactory(
        parent=news_index,
        title="April story",
        slug="april",
        publication_date=datetime.date(2026, 4, 2),
    )
    april.save_revision().publish()
    index = client.get("/news/").content.decode()
    assert '<a href="/news/2026/04/">April 2026</a> <span class="count">(1)</span>' in index
    month = client.get("/news/2026/04/").content.decode()
    assert '<a href="/news/2026/04/" aria-current="page">April 2026</a>' in month
    assert '<a href="/news/2026/03/">March 2026</a>' in month


def test_the_home_pages_news_link_follows_the_index(client, posts, news_index):
    assert '<a href="/news/">All news' in client.get("/").content.decode()
    news_index.slug = "latest"
    news_index.save_revision().publish()
    home = client.get("/").content.decode()
    assert '<a href="/latest/">All news' in home
    assert '<a href="/latest/harbour-0/">' in home  # the cards' links moved with it
    news_index.unpublish()
    assert "All news" not in client.get("/").content.decode()
