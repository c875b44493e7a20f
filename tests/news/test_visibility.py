"""Unpublished work never reaches readers: drafts, posts in moderation, rejected posts and
posts scheduled for later are absent from every public page and from the public API."""

import datetime

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import PageViewRestriction

from news.models import NewsPage
from tests.home.factories import StandardPageFactory
from tests.news.factories import AuthorFactory, NewsPageFactory
from tests.news.workflow_helpers import api_for, make_user

pytestmark = pytest.mark.django_db

HIDDEN_STATES = ["draft", "in moderation", "rejected", "scheduled", "private", "expired"]


@pytest.fixture
def hidden_pages(client, home_page, news_index, django_user_model):
    """One post (and one menu page) per hidden state, each titled 'Hidden <state>'."""
    editor = make_user(django_user_model, "ed", settings.NEWSDESK_EDITORS_GROUP)
    moderator = make_user(django_user_model, "mo", settings.NEWSDESK_MODERATORS_GROUP)
    editor_api, moderator_api = api_for(client, editor), api_for(client, moderator)
    date = datetime.date(2025, 6, 15)
    NewsPageFactory(
        parent=news_index, title="Visible story", tags=["Hidden"], publication_date=date
    )
    pages = {}
    for state in HIDDEN_STATES:
        title = f"Hidden {state}"
        live = state in ("private", "expired")
        post = NewsPageFactory(
            parent=news_index,
            title=title,
            live=live,
            tags=["Hidden"],
            publication_date=date,
            authors=[AuthorFactory()],
        )
        menu_page = StandardPageFactory(parent=home_page, title=f"{title} menu", live=live)
        for page in (post, menu_page):
            if state == "scheduled":
                page.go_live_at = timezone.now() + datetime.timedelta(days=3)
            if state == "expired":
                # Published with an expiry that has just passed; the worker has not run yet.
                page.expire_at = timezone.now() - datetime.timedelta(minutes=1)
                page.save()
            if state == "private":
                PageViewRestriction.objects.create(page=page, restriction_type="login")
            page.save_revision(user=editor)
            if state in ("in moderation", "rejected", "scheduled"):
                editor_api.post(f"/api/v3/pages/{page.pk}/workflow/submit/")
            if state == "rejected":
                moderator_api.post(f"/api/v3/pages/{page.pk}/workflow/reject/", {"comment": "No"})
            if state == "scheduled":
                moderator_api.post(f"/api/v3/pages/{page.pk}/workflow/approve/")
        pages[state] = post
    call_command("update_index", verbosity=0)
    return pages


PUBLIC_URLS = [
    "/",
    "/news/",
    "/news/?tag=hidden",
    "/news/tags/hidden/",
    "/news/2025/06/",
    "/search/?q=story",
    "/api/v2/pages/",
    "/api/v2/pages/?type=news.NewsPage&fields=*",
    "/api/v2/pages/?type=news.NewsPage&order=-first_published_at",
    "/api/v2/pages/?type=news.NewsPage&search=story",
    "/api/v3/pages/",
    "/api/v3/pages/?type=news.NewsPage",
    "/feeds/news/rss/",
    "/feeds/news/atom/",
    "/feeds/tags/hidden/rss/",
    "/sitemap.xml",
]


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_hidden_posts_are_absent_from_public_listings(client, hidden_pages, url):
    client.logout()
    response = client.get(url)
    assert response.status_code == 200
    content = response.content
    if url == "/sitemap.xml":
        # The sitemap lists URLs, not titles.
        visible = NewsPage.objects.get(title="Visible story")
        assert f"/{visible.slug}/</loc>".encode() in content
        for state, page in hidden_pages.items():
            assert f"/{page.slug}/</loc>".encode() not in content, (state, url)
        return
    if url not in ("/api/v2/pages/", "/api/v3/pages/"):  # paginated before the post
        assert b"Visible story" in content
    for state in HIDDEN_STATES:
        assert f"Hidden {state}".encode() not in content, (state, url)


@pytest.mark.parametrize("state", HIDDEN_STATES)
def test_hidden_posts_have_no_public_detail(client, hidden_pages, state):
    client.logout()
    page = hidden_pages[state]
    response = client.get(page.url or f"/news/{page.slug}/")
    if state == "private":
        assert response.status_code == 302  # to the login page
        assert "/_util/login/" in response["Location"] or "login" in response["Location"]
    else:
        assert response.status_code == 404
    assert client.get(f"/api/v3/pages/{page.pk}/").status_code == 404


def test_hidden_pages_are_not_in_the_menu(client, hidden_pages):
    response = client.get("/")
    menu = response.content.split(b'class="site-nav"')[1].split(b"</nav>")[0]
    assert b"Hidden" not in menu


def test_scheduled_post_really_is_scheduled(hidden_pages):
    page = hidden_pages["scheduled"]
    page.refresh_from_db()
    assert not page.live
    assert page.get_latest_revision().approved_go_live_at is not None
