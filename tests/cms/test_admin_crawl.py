"""A crawl of the admin as each role, so a broken admin screen cannot go unnoticed.

On the demo newsroom (plus what the demo does not make: a post in moderation, a locked
page, a document, a redirect, a promoted result, a webhook endpoint with a delivery), as
the administrator, an editor and a moderator, the crawl visits:

- every view of the admin menu the role sees, and the dashboard;
- on each listing, the first item's views (edit, history, usage, inspect, delete
  confirmation), and the page explorer's first pages;
- each listing, explorer and chooser that has a search box, with a word that exists and
  with hostile ones (a quote, ``*``, ``NEAR``, SQL, unicode, 1,000 characters).

Nothing may answer 5xx; a view outside a role's menu answers as Wagtail does (a redirect or
403); a search for a word that exists finds it. Every problem is listed at the end.
"""

import re
from urllib.parse import urlencode, urlsplit

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.test import RequestFactory
from django.utils import timezone
from wagtail.admin.menu import admin_menu
from wagtail.contrib.redirects.models import Redirect
from wagtail.contrib.search_promotions.models import Query, SearchPromotion
from wagtail.documents import get_document_model
from wagtail.models import Collection, Page

from news.models import NewsPage
from news.webhooks.models import WebhookAttempt, WebhookDelivery
from tests.news.webhooks.factories import WebhookEndpointFactory

pytestmark = pytest.mark.django_db

WORD = "harbour"  # in demo headlines, an image title, a document
HOSTILE = ['"', "*", "NEAR", "x' OR 1=1 --", "Überschwemmung 港口 🌊", "z" * 1000]
ITEM_VIEW = re.compile(r"/(edit|history|usage|inspect|delete)/[^/]+/$")
PAGE_VIEW = re.compile(r"^/admin/pages/(\d+)/(edit|history|usage|delete)/$")
# Searches that must find something: (listing or chooser, query, text of a result).
MUST_FIND = [
    ("/admin/pages/search/", "harbour", "Council approves new harbour wall"),
    ("/admin/choose-page/search/", "harbour", "Council approves new harbour wall"),
    ("/admin/images/", "harbour", "Harbour at dawn"),
    ("/admin/images/chooser/results/", "harb", "Harbour at dawn"),
    ("/admin/documents/", "harbour", "Harbour wall report"),
    ("/admin/snippets/news/author/", "maren", "Maren Holt"),
    ("/admin/snippets/choose/news/author/results/", "mar", "Maren Holt"),
    ("/admin/comments/", "patched", "About time. The old wall"),
]
CHOOSERS = [
    "/admin/choose-page/",
    "/admin/choose-page/search/",
    "/admin/images/chooser/",
    "/admin/images/chooser/results/",
    "/admin/documents/chooser/",
    "/admin/documents/chooser/results/",
    "/admin/snippets/choose/news/author/",
    "/admin/snippets/choose/news/author/results/",
    "/admin/snippets/choose/news/disclaimer/results/",
    "/admin/pages/search/",
]


@pytest.fixture
def newsroom(django_capture_on_commit_callbacks):
    call_command("load_demo_content", "--posts", "12", "--password", "crawl-pw-123", stdout=None)
    users = get_user_model().objects
    editor, moderator = users.get(username="editor"), users.get(username="moderator")
    posts = list(NewsPage.objects.live().order_by("pk"))
    # In moderation: an editor's change, submitted.
    submitted = posts[0]
    submitted.title = f"{submitted.title} (updated)"
    revision = submitted.save_revision(user=editor)
    submitted.get_workflow().start(submitted, editor)
    # Locked by the moderator.
    locked = posts[1]
    locked.locked, locked.locked_by, locked.locked_at = True, moderator, timezone.now()
    locked.save(update_fields=["locked", "locked_by", "locked_at"])
    get_document_model().objects.create(
        title="Harbour wall report",
        file=ContentFile(b"%PDF-1.4 report", name="harbour-wall-report.pdf"),
        collection=Collection.get_first_root_node(),
    )
    Redirect.objects.create(old_path="/old-harbour-story", redirect_page=posts[2])
    SearchPromotion.objects.create(
        query=Query.get(WORD), page=posts[2], sort_order=0, description="Our harbour coverage"
    )
    endpoint = WebhookEndpointFactory(url="https://frontend.example/hooks")
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint, event="page.published", body="{}", page_id=posts[2].pk
    )
    WebhookAttempt.objects.create(delivery=delivery, number=1, response_code=503, error="503")
    return {
        "admin": users.get(username="admin"),
        "editor": editor,
        "moderator": moderator,
        "revision": revision,
    }


def menu_urls(user):
    """The admin URLs in the menu as ``user`` sees it."""
    request = RequestFactory().get("/admin/")
    request.user = user
    urls = []

    def walk(menu):
        for item in menu.menu_items_for_request(request):
            if getattr(item, "menu", None) is not None:
                walk(item.menu)
            elif item.url.startswith("/admin/"):
                urls.append(item.url)

    walk(admin_menu)
    return urls


class Crawl:
    def __init__(self, client, role):
        self.client = client
        self.role = role
        self.problems = []
        self.visited = {}

    def get(self, url, *, allowed=(200,)):
        if url in self.visited:
            return self.visited[url]
        response = self.client.get(url)
        self.visited[url] = response
        if response.status_code >= 500:
            self.problems.append(f"{self.role}: GET {url[:120]} answered {response.status_code}")
        elif response.status_code not in allowed:
            self.problems.append(
                f"{self.role}: GET {url[:120]} answered {response.status_code}, "
                f"expected one of {allowed}"
            )
        return response

    def html(self, response):
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            return None
        return BeautifulSoup(response.content, "html.parser")

    def item_views(self, listing_url, soup):
        """The first link of each kind of item view on a listing."""
        first = {}
        prefix = urlsplit(listing_url).path
        for link in soup.find_all("a", href=True):
            path = urlsplit(link["href"]).path
            kind = ITEM_VIEW.search(path)
            if kind and path.startswith(prefix) and kind[1] not in first:
                first[kind[1]] = path
        return list(first.values())

    def searches(self, url, soup=None):
        if soup is not None and not soup.find("input", attrs={"name": "q"}):
            return
        for term in [WORD, *HOSTILE]:
            self.get(f"{url}?{urlencode({'q': term})}", allowed=(200,))

    def finds(self, url, term, expected):
        response = self.get(f"{url}?{urlencode({'q': term})}", allowed=(200,))
        if response.status_code == 200 and expected not in response.content.decode():
            self.problems.append(f"{self.role}: searching {url} for {term!r} missed {expected!r}")


def crawl(client, user, role, admin_only_urls):
    client.raise_request_exception = False  # a 500 is a finding, not the end of the crawl
    client.force_login(user)
    crawl = Crawl(client, role)
    crawl.get("/admin/")  # the dashboard and its panels
    for url in menu_urls(user):
        response = crawl.get(url, allowed=(200, 302))  # settings redirect to the site's
        soup = crawl.html(response)
        if soup is None:
            continue
        for view in crawl.item_views(url, soup):
            crawl.get(view, allowed=(200, 302))
        crawl.searches(url, soup)
    # The page explorer: the home page's and the news index's listings and first pages.
    home = Page.objects.get(depth=2)
    index = home.get_children().first()
    for listing in (f"/admin/pages/{home.pk}/", f"/admin/pages/{index.pk}/"):
        soup = crawl.html(crawl.get(listing))
        if soup is not None:
            pages = {}
            for link in soup.find_all("a", href=True):
                match = PAGE_VIEW.match(urlsplit(link["href"]).path)
                if match and match[2] not in pages:
                    pages[match[2]] = match[0]
            for view in pages.values():
                crawl.get(view, allowed=(200, 302))
            crawl.searches(listing, soup)
    for url in CHOOSERS:
        crawl.get(url)
        crawl.searches(url)
    for url, term, expected in MUST_FIND:
        if url in crawl.visited or url in CHOOSERS:  # the role may use this screen
            crawl.finds(url, term, expected)
    # What the administrator sees and this role does not: refused, as Wagtail refuses.
    for url in admin_only_urls:
        crawl.get(url, allowed=(302, 403))
    return crawl


def test_every_admin_view_answers_for_every_role(client, newsroom):
    admin_urls = set(menu_urls(newsroom["admin"]))
    problems, visited = [], 0
    for role in ("admin", "editor", "moderator"):
        user = newsroom[role]
        others = sorted(admin_urls - set(menu_urls(user))) if role != "admin" else []
        result = crawl(client, user, role, others)
        problems += result.problems
        visited += len(result.visited)
        client.logout()
    assert visited > 300  # the crawl reached the admin, not just its front door
    assert problems == [], "\n".join(problems)


def test_the_crawl_sees_the_comment_and_webhook_screens(client, newsroom):
    """The apps' own screens are part of the crawl (their menu items are found)."""
    urls = menu_urls(newsroom["admin"])
    assert {
        "/admin/comments/",
        "/admin/webhooks/deliveries/",
        "/admin/webhooks/endpoints/",
    } <= set(urls)
    assert ContentType.objects.get_for_model(WebhookDelivery).app_label == "webhooks"
