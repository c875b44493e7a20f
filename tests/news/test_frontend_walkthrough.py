"""docs/api.md "Build a frontend", step by step, against the demo newsroom: every call the
walkthrough tells a frontend to make answers what the walkthrough says it does, in API
v2 and (step 10) API v3."""

import datetime
from io import StringIO
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import call_command
from wagtail.contrib.redirects.models import Redirect

from news.models import NewsPage

pytestmark = pytest.mark.django_db

CMS = "http://localhost"


@pytest.fixture
def demo(db):
    call_command("load_demo_content", stdout=StringIO())
    call_command("update_index", verbosity=0)


def api(client, path, status=200):
    response = client.get(path.removeprefix(CMS))
    assert response.status_code == status, (path, response.content[:300])
    return response.json()


def follow_find(client, version, path):
    """Step 3: find/ then the detail it redirects to; the route named in the URL."""
    found = client.get(f"/api/{version}/pages/find/", {"html_path": path})
    if found.status_code == 404:
        return None, None
    assert found.status_code == 302, found.content[:300]
    location = found["Location"]
    assert location.startswith(CMS + f"/api/{version}/pages/")
    route = {key: values[0] for key, values in parse_qs(urlsplit(location).query).items()}
    return api(client, location), route


@pytest.mark.parametrize("version", ["v2", "v3"])
def test_the_walkthrough_works_on_the_demo_newsroom(client, demo, version):
    v3 = version == "v3"

    def items(document):
        return document["items"]

    def total(document):
        return document["count"] if v3 else document["meta"]["total_count"]

    # 1. Layout: menu and settings.
    site = api(client, f"/api/{version}/site/")
    assert site["name"]
    menu = {item["title"]: item["path"] for item in site["navigation"]}
    assert "/news/" in menu.values() and "/about/" in menu.values()

    # 2. Home page: the latest posts, newest first, with teaser fields.
    fields = "summary,publication_date,breaking,lead_image,authors,tags"
    listing = f"/api/{version}/pages/?type=news.NewsPage&limit=10&fields=" + (
        fields if v3 else "_,title," + fields
    )
    home = items(api(client, listing))
    dates = [post["publication_date"] for post in home]
    assert len(home) == 10 and dates == sorted(dates, reverse=True)
    assert any(post["lead_image"] and post["lead_image"]["renditions"] for post in home)
    breaking = items(
        api(client, f"/api/{version}/pages/?type=news.NewsPage&breaking=true&limit=1")
    )
    assert breaking, "the demo has a breaking post"

    # 3. Routing a reader's path: an article, a tag page, a month, a standard page.
    post = NewsPage.objects.live().order_by("-publication_date").first()
    article, route = follow_find(client, version, post.url)
    assert article["id"] == post.pk and route == {}
    assert article["body"] and article["body_html"].count("http") >= 1
    assert 'src="/' not in article["body_html"] and 'href="/' not in article["body_html"]
    by_slug = items(
        api(client, f"/api/{version}/pages/?type=news.NewsPage&slug={post.slug}&fields=*")
    )
    assert by_slug[0]["body_html"] == article["body_html"]
    tag = post.tags.first()
    index, route = follow_find(client, version, f"/news/tags/{tag.slug}/")
    assert index["meta"]["type"] == "news.NewsIndexPage"
    assert route == {"route": "tag", "tag": tag.slug}
    tagged = api(client, f"/api/{version}/pages/?type=news.NewsPage&tags={route['tag']}")
    assert total(tagged) == api(client, f"/api/{version}/tags/{tag.slug}/")["post_count"] >= 1
    day = post.publication_date
    _, route = follow_find(client, version, f"/news/{day:%Y}/{day:%m}/")
    assert route == {"route": "month", "year": f"{day:%Y}", "month": f"{day:%m}"}
    first = datetime.date(day.year, day.month, 1)
    month = api(
        client,
        f"/api/{version}/pages/?type=news.NewsPage&published_after={first}&published_before={day}",
    )
    assert post.pk in [item["id"] for item in items(month)]
    about, _ = follow_find(client, version, "/about/")
    assert about["meta"]["type"] == "home.StandardPage" and "body_html" in about

    # 4. Comments (v2 listing; the v3 one is typed the same way).
    comments = (
        api(client, f"/api/v3/pages/{post.pk}/comments/")
        if v3
        else api(client, f"/api/v2/comments/?page={post.pk}")
    )
    assert "comment_count" in comments["meta"]
    assert "token" in api(client, f"/api/{version}/comments/form-token/")

    # 5. Author pages, from a byline.
    author_id = article["authors"][0]["id"]
    author = api(client, f"/api/{version}/authors/{author_id}/")
    assert post.pk in [item["id"] for item in author["posts"]]
    assert api(client, author["posts_api_url"])

    # 6. Search, within a filter and site-wide.
    word = post.title.split()[0]
    found = items(api(client, f"/api/{version}/pages/?type=news.NewsPage&search={word}"))
    assert post.pk in [item["id"] for item in found]
    assert items(api(client, f"/api/{version}/pages/?search={word}"))

    # 7. Preview: without a token it is a clear 400/422, never a page.
    preview = client.get(f"/api/{version}/page_preview/?content_type=news.newspage")
    assert preview.status_code in (400, 422) and "message" in preview.json()

    # 8. Redirects: a path find/ does not know, looked up in the redirects (one an editor
    # added in the admin, as Wagtail's Redirects menu does).
    Redirect.objects.create(old_path="/old-story-address", redirect_page=post)
    assert follow_find(client, version, "/old-story-address/") == (None, None)
    answer = items(api(client, f"/api/{version}/redirects/?old_path=/old-story-address/"))
    assert [(item["status"], item["target_url"]) for item in answer] == [(301, CMS + post.url)]
