"""Site chrome over API v2 (issue #15, item 7): navigation and settings, tags, authors and
redirects, with nothing a reader may not see."""

import pytest
from wagtail.contrib.redirects.models import Redirect

from home.models import StandardPage
from news.models import Author, NewsSettings
from tests.news.factories import AuthorFactory, DisclaimerFactory, ImageFactory, NewsPageFactory

pytestmark = pytest.mark.django_db

BASE = "http://localhost"


def get_json(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, (url, response.content[:300])
    return response.json()


@pytest.fixture
def site_content(home_page, news_index):
    news_index.show_in_menus = True
    news_index.save_revision().publish()
    about = StandardPage(title="About", slug="about", show_in_menus=True)
    home_page.add_child(instance=about)
    hidden = StandardPage(title="Staff only", slug="staff", show_in_menus=True, live=False)
    home_page.add_child(instance=hidden)
    maren = AuthorFactory(name="Maren Holt", photo=ImageFactory())
    jo = AuthorFactory(name="Jo Lens")
    AuthorFactory(name="Only on a draft")
    live = NewsPageFactory(
        parent=news_index, title="Harbour reopens", authors=[maren], tags=["Storm"]
    )
    NewsPageFactory(
        parent=news_index, title="Storm again", authors=[maren, jo], tags=["Storm", "Ferry"]
    )
    NewsPageFactory(parent=news_index, title="Draft", live=False, authors=[jo], tags=["Secret"])
    NewsPageFactory(
        parent=news_index,
        title="Another draft",
        live=False,
        authors=[AuthorFactory(name="Draft-only author")],
    )
    settings_row = NewsSettings.for_site(home_page.get_site())
    settings_row.default_disclaimer = DisclaimerFactory(text="<p>Standing notice.</p>")
    settings_row.save()
    return {
        "about": about,
        "hidden": hidden,
        "maren": maren,
        "jo": jo,
        "live": live,
        "index": news_index,
    }


def test_site_settings_and_navigation(client, site_content):
    data = get_json(client, "/api/v2/site/")
    assert data["base_url"] == BASE
    assert data["default_disclaimer"] == "<p>Standing notice.</p>"
    assert data["feeds"]["rss"].startswith(BASE) and data["feeds"]["atom"].startswith(BASE)
    titles = [item["title"] for item in data["navigation"]]
    assert titles == ["News", "About"]  # menu order; the draft page is not in it
    about = data["navigation"][1]
    assert about["path"] == "/about/"
    assert about["html_url"] == f"{BASE}/about/"
    assert about["type"] == "home.StandardPage"


def test_tags_with_counts_of_visible_posts_only(client, site_content):
    data = get_json(client, "/api/v2/tags/")
    counts = {item["slug"]: item["post_count"] for item in data["items"]}
    assert counts == {"storm": 2, "ferry": 1}  # "secret" is only on a draft
    storm = get_json(client, "/api/v2/tags/storm/")
    assert storm["path"] == "/news/tags/storm/"
    assert storm["html_url"] == f"{BASE}/news/tags/storm/"
    assert get_json(client, "/api/v2/tags/?slug=FERRY")["items"][0]["name"] == "Ferry"
    assert get_json(client, "/api/v2/tags/secret/", status=404)["message"]


def test_authors_list_and_detail_with_their_visible_posts(client, site_content):
    data = get_json(client, "/api/v2/authors/")
    counts = {item["name"]: item["post_count"] for item in data["items"]}
    # Only authors credited on posts readers can see (not the draft-only one).
    assert counts == {"Jo Lens": 1, "Maren Holt": 2}
    maren = get_json(client, f"/api/v2/authors/{site_content['maren'].pk}/")
    assert maren["photo"]["renditions"]["thumbnail"]["url"].startswith(BASE)
    # Newest first (same publication date: the later post first).
    assert [post["title"] for post in maren["posts"]] == ["Storm again", "Harbour reopens"]
    jo = get_json(client, f"/api/v2/authors/{site_content['jo'].pk}/")
    assert [post["title"] for post in jo["posts"]] == ["Storm again"]  # not the draft
    get_json(client, "/api/v2/authors/999999/", status=404)
    draft_only = next(a for a in Author.objects.all() if a.name == "Draft-only author")
    get_json(client, f"/api/v2/authors/{draft_only.pk}/", status=404)


def test_redirects_with_targets_readers_may_see(client, site_content, home_page):
    site = home_page.get_site()
    Redirect.add_redirect("/old-harbour", redirect_to=site_content["live"], is_permanent=True)
    Redirect.objects.create(old_path="/to-draft", site=site, redirect_page=site_content["hidden"])
    Redirect.add_redirect("/wire", redirect_to="https://wire.example/", is_permanent=False)
    data = get_json(client, "/api/v2/redirects/")
    by_path = {item["old_path"]: item for item in data["items"]}
    assert by_path["/old-harbour"]["status"] == 301
    assert by_path["/old-harbour"]["target_path"] == site_content["live"].url
    assert by_path["/old-harbour"]["target_url"] == BASE + site_content["live"].url
    assert "/to-draft" not in by_path  # never reveals where a draft's readers would go
    assert data["meta"]["total_count"] == 2
    assert by_path["/wire"] == {
        "old_path": "/wire",
        "is_permanent": False,
        "status": 302,
        "target_path": "https://wire.example/",
        "target_url": "https://wire.example/",
        "target_page_id": None,
    }
    one = get_json(client, "/api/v2/redirects/?old_path=/old-harbour/")
    assert [item["old_path"] for item in one["items"]] == ["/old-harbour"]


@pytest.mark.parametrize(
    "url",
    [
        "/api/v2/site/?x=1",
        "/api/v2/tags/?limit=abc",
        "/api/v2/tags/?limit=100000",
        "/api/v2/authors/?offset=-1",
        "/api/v2/redirects/?nope=1",
    ],
)
def test_bad_parameters_are_400_with_a_message(client, site_content, url):
    assert get_json(client, url, status=400)["message"]


def test_a_new_redirect_shows_at_once_through_the_response_cache(
    client, site_content, django_capture_on_commit_callbacks
):
    assert get_json(client, "/api/v2/redirects/")["items"] == []
    assert client.get("/api/v2/redirects/")["X-Cache"] == "HIT"
    with django_capture_on_commit_callbacks(execute=True):
        Redirect.add_redirect("/later", redirect_to="https://example.org/")
    assert [i["old_path"] for i in get_json(client, "/api/v2/redirects/")["items"]] == ["/later"]
