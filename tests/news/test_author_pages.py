"""Author pages (``/news/authors/<slug>/`` under the news index): who the author is, their
posts readers may see, paginated, the head metadata with a Person JSON-LD; bylines linking
to them (and following a rename at once); the authors section of the sitemap; the API's
``html_url``."""

import datetime
import json
import xml.etree.ElementTree as ET
from urllib.parse import quote

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import PageViewRestriction, Site

from news.models import Author
from news.selectors import author_page_path, author_page_url
from tests.news.factories import (
    AuthorFactory,
    ImageFactory,
    NewsIndexPageFactory,
    NewsPageFactory,
)

pytestmark = pytest.mark.django_db

SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
PAGE_URL = "http://localhost/news/authors/maren-holt/"


def html(response):
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.content, "html.parser")


def json_ld(page):
    [script] = page.select('script[type="application/ld+json"]')
    return json.loads(script.string)


@pytest.fixture
def maren():
    return AuthorFactory(
        name="Maren Holt",
        job_title="Harbour correspondent",
        bio="Maren has covered Port Alder's harbour since 2009.",
        photo=ImageFactory(title="Headshot", file__width=600, file__height=600),
    )


@pytest.fixture
def stories(news_index, maren):
    """Three of Maren's posts readers see (one shared with a colleague), on three days."""
    colleague = AuthorFactory(name="Luis Ferreira")
    made = []
    for number in range(3):
        made.append(
            NewsPageFactory(
                parent=news_index,
                title=f"Harbour story {number}",
                slug=f"harbour-{number}",
                publication_date=datetime.date(2026, 3, 10 + number),
                authors=[maren, colleague] if number == 1 else [maren],
            )
        )
    return made


def card_titles(page):
    return [title.get_text(strip=True) for title in page.select(".news-card__title")]


class TestAuthorPage:
    def test_shows_who_the_author_is_and_their_posts_newest_first(self, client, stories, maren):
        page = html(client.get("/news/authors/maren-holt/"))
        profile = page.select_one(".author-profile")
        assert profile.h1.get_text() == "Maren Holt"
        assert profile.select_one(".author-profile__role").get_text() == "Harbour correspondent"
        assert "covered Port Alder's harbour" in profile.select_one(".author-profile__bio").text
        photo = profile.select_one("img.author-profile__photo")
        assert photo["alt"] == "Maren Holt"
        assert ".fill-400x400" in photo["src"]
        assert card_titles(page) == ["Harbour story 2", "Harbour story 1", "Harbour story 0"]
        # The cards are the listing's: h3 under the page's "Stories by" heading.
        assert page.select_one("h2.author-page__heading").get_text() == "Stories by Maren Holt"
        assert len(page.select("h3.news-card__title")) == 3
        # The link back to the news index.
        assert page.select_one(".listing-header__kicker a")["href"] == "/news/"

    def test_head_title_description_canonical_and_share_image(self, client, stories, maren):
        page = html(client.get("/news/authors/maren-holt/"))
        assert page.title.get_text() == "Maren Holt | Newsdesk"  # the demo Site's name
        [description] = page.head.select('meta[name="description"]')
        assert description["content"] == maren.bio
        assert page.head.select_one('link[rel="canonical"]')["href"] == PAGE_URL
        assert page.head.select_one('meta[property="og:url"]')["content"] == PAGE_URL
        assert page.head.select_one('meta[property="og:type"]')["content"] == "profile"
        image = page.head.select_one('meta[property="og:image"]')["content"]
        assert image.startswith("http://localhost/media/images/") and "fill-400x400" in image
        assert page.head.select_one('meta[property="og:image:alt"]')["content"] == "Maren Holt"

    def test_the_title_carries_the_site_name(self, client, stories, home_page):
        Site.objects.filter(is_default_site=True).update(site_name="Port Alder Gazette")
        page = html(client.get("/news/authors/maren-holt/"))
        assert page.title.get_text() == "Maren Holt | Port Alder Gazette"

    def test_person_json_ld(self, client, stories, maren):
        Site.objects.filter(is_default_site=True).update(site_name="Port Alder Gazette")
        data = json_ld(html(client.get("/news/authors/maren-holt/")))
        image = data.pop("image")
        assert image.startswith("http://localhost/media/images/") and "fill-400x400" in image
        assert data == {
            "@context": "https://schema.org",
            "@type": "Person",
            "name": "Maren Holt",
            "url": PAGE_URL,
            "jobTitle": "Harbour correspondent",
            "description": maren.bio,
            "worksFor": {
                "@type": "Organization",
                "name": "Port Alder Gazette",
                "url": "http://localhost/",
            },
        }

    def test_an_author_without_photo_role_or_bio(self, client, news_index):
        plain = AuthorFactory(name="Jo Bloggs", bio="", job_title="")
        NewsPageFactory(parent=news_index, authors=[plain])
        page = html(client.get("/news/authors/jo-bloggs/"))
        assert page.select("img.author-profile__photo") == []
        assert page.select(".author-profile__role, .author-profile__bio") == []
        assert page.head.select('meta[name="description"]') == []
        assert page.head.select('meta[property="og:image"]') == []
        data = json_ld(page)
        assert set(data) == {"@context", "@type", "name", "url", "worksFor"}

    def test_json_ld_cannot_be_broken_out_of(self, client, news_index):
        author = AuthorFactory(name="Eve", bio="</script><script>alert(1)</script>")
        NewsPageFactory(parent=news_index, authors=[author])
        page = html(client.get("/news/authors/eve/"))
        assert json_ld(page)["description"] == "</script><script>alert(1)</script>"
        assert b"<script>alert(1)" not in client.get("/news/authors/eve/").content

    def test_a_non_ascii_name(self, client, news_index):
        author = AuthorFactory(name="Søren Ærø")
        NewsPageFactory(parent=news_index, title="Fjord", authors=[author])
        assert author.slug == "søren-ærø"
        path = "/news/authors/" + quote("søren-ærø") + "/"
        page = html(client.get(path))
        assert page.h1.get_text() == "Søren Ærø"
        canonical = page.head.select_one('link[rel="canonical"]')["href"]
        assert canonical == "http://localhost" + path
        assert json_ld(page)["url"] == canonical
        # The byline links to the same address.
        article = html(client.get(NewsPageFactory._meta.model.objects.get(title="Fjord").url))
        assert article.select_one(".byline a")["href"] == path


class TestWhatAuthorPagesNeverShow:
    @pytest.fixture
    def hidden(self, news_index, maren):
        """Maren's posts readers may not see, one per way of being hidden."""
        draft = NewsPageFactory(parent=news_index, title="Hidden draft", live=False)
        private = NewsPageFactory(parent=news_index, title="Hidden private")
        PageViewRestriction.objects.create(page=private, restriction_type="login")
        expired = NewsPageFactory(
            parent=news_index,
            title="Hidden expired",
            expire_at=timezone.now() - datetime.timedelta(minutes=1),
        )
        for post in (draft, private, expired):
            post.news_authors.create(author=maren)
        return [draft, private, expired]

    def test_drafts_private_and_expired_posts_are_left_out(self, client, stories, hidden):
        content = client.get("/news/authors/maren-holt/").content.decode()
        assert "Harbour story 0" in content
        assert "Hidden" not in content

    def test_an_author_with_only_hidden_posts_is_a_404(self, client, hidden):
        assert client.get("/news/authors/maren-holt/").status_code == 404

    def test_an_author_with_no_posts_is_a_404(self, client, news_index, maren):
        assert client.get("/news/authors/maren-holt/").status_code == 404

    def test_an_unknown_author_is_a_404(self, client, stories):
        for path in ("/news/authors/nobody/", "/news/authors/MAREN-HOLT/", "/news/authors/"):
            assert client.get(path).status_code == 404, path

    def test_posts_under_another_index_are_not_this_indexs(self, client, home_page, maren):
        first = NewsIndexPageFactory(parent=home_page, title="News", slug="news")
        other = NewsIndexPageFactory(parent=home_page, title="Sport", slug="sport")
        NewsPageFactory(parent=first, title="Harbour news", authors=[maren])
        NewsPageFactory(parent=other, title="Sport news", authors=[maren])
        content = client.get("/news/authors/maren-holt/").content.decode()
        assert "Harbour news" in content and "Sport news" not in content
        assert "Sport news" in client.get("/sport/authors/maren-holt/").content.decode()


class TestPagination:
    @pytest.fixture(autouse=True)
    def small_pages(self, settings):
        settings.NEWSDESK_PAGE_SIZE = 2

    def test_pages_like_the_index(self, client, stories):
        first = html(client.get("/news/authors/maren-holt/"))
        assert card_titles(first) == ["Harbour story 2", "Harbour story 1"]
        assert first.select_one('.pagination a[rel="next"]')["href"] == "?page=2"
        second = html(client.get("/news/authors/maren-holt/?page=2"))
        assert card_titles(second) == ["Harbour story 0"]
        assert second.select_one('.pagination a[rel="prev"]')["href"] == "?page=1"
        canonical = second.head.select_one('link[rel="canonical"]')["href"]
        assert canonical == PAGE_URL + "?page=2"
        # The Person is the author's page, whichever page of posts.
        assert json_ld(second)["url"] == PAGE_URL

    @pytest.mark.parametrize("page", ["3", "0", "-1", "x", "1.5", "9999999999", ""])
    def test_bad_or_out_of_range_pages_are_404(self, client, stories, page):
        response = client.get(f"/news/authors/maren-holt/?page={page}")
        assert response.status_code == 404


class TestQueries:
    def queries_for(self, client, path):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        return len(queries)

    def test_the_query_count_does_not_grow_with_the_posts_shown(
        self, client, news_index, maren, settings
    ):
        settings.NEWSDESK_RESPONSE_CACHE = False  # every request reaches the view
        settings.NEWSDESK_RENDER_ONCE = False  # every card is rendered
        colleagues = [AuthorFactory(photo=ImageFactory()) for _ in range(3)]
        for _ in range(2):
            NewsPageFactory(
                parent=news_index, lead_image=ImageFactory(), authors=[maren, *colleagues]
            )
        client.get("/news/authors/maren-holt/")  # renditions made once
        few = self.queries_for(client, "/news/authors/maren-holt/")
        for _ in range(6):
            NewsPageFactory(
                parent=news_index, lead_image=ImageFactory(), authors=[maren, *colleagues]
            )
        client.get("/news/authors/maren-holt/")
        many = self.queries_for(client, "/news/authors/maren-holt/")
        assert many == few
        # Wagtail finding the index (2), the author with the photo and its renditions (2),
        # the posts listed (1), their cards' renditions and bylines (2).
        assert many <= 8, many

    def test_a_stored_page_costs_no_query(self, client, stories):
        client.get("/news/authors/maren-holt/")
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/news/authors/maren-holt/")
        assert response["X-Cache"] == "HIT"
        assert len(queries) == 0


class TestBylines:
    def test_the_article_byline_links_every_author(self, client, stories):
        page = html(client.get(stories[1].url))
        links = page.select(".byline a")
        assert [(a.get_text(), a["href"], a["rel"]) for a in links] == [
            ("Maren Holt", "/news/authors/maren-holt/", ["author"]),
            ("Luis Ferreira", "/news/authors/luis-ferreira/", ["author"]),
        ]
        assert all("byline__author" in a["class"] for a in links)

    @pytest.mark.parametrize("path", ["/", "/news/", "/news/authors/maren-holt/"])
    def test_cards_link_their_authors(self, client, stories, path):
        page = html(client.get(path))
        hrefs = {a["href"] for a in page.select(".news-card__byline a")}
        assert hrefs == {"/news/authors/maren-holt/", "/news/authors/luis-ferreira/"}

    def test_every_linked_author_page_exists(self, client, stories):
        page = html(client.get("/news/"))
        for link in page.select(".news-card__byline a"):
            assert client.get(link["href"]).status_code == 200, link["href"]

    @pytest.mark.parametrize("path", ["/", "/news/", "/news/harbour-1/"])
    def test_a_new_name_and_slug_show_on_every_byline_at_once(self, client, stories, maren, path):
        client.get(path)
        assert client.get(path)["X-Cache"] == "HIT"  # stored, cards and article pieces too
        maren.name = "Maren Holt-Berg"
        maren.slug = "maren-holt-berg"
        maren.save()
        page = html(client.get(path))
        links = {a.get_text(): a["href"] for a in page.select(".byline a, .news-card__byline a")}
        assert links["Maren Holt-Berg"] == "/news/authors/maren-holt-berg/"
        assert "Maren Holt" not in links
        assert "/news/authors/maren-holt/" not in page.decode()
        assert client.get("/news/authors/maren-holt/").status_code == 404
        assert client.get("/news/authors/maren-holt-berg/").status_code == 200

    def test_the_author_page_follows_a_new_post_at_once(self, client, stories, news_index, maren):
        client.get("/news/authors/maren-holt/")
        post = NewsPageFactory(parent=news_index, title="Brand new", live=False, authors=[maren])
        post.save_revision().publish()
        page = html(client.get("/news/authors/maren-holt/"))
        assert card_titles(page)[0] == "Brand new"

    def test_the_author_page_follows_an_unpublished_post(self, client, stories):
        client.get("/news/authors/maren-holt/")
        stories[2].unpublish()
        assert "Harbour story 2" not in client.get("/news/authors/maren-holt/").content.decode()

    def test_without_a_news_index_bylines_are_plain_names(self, client, home_page, maren):
        assert author_page_path(maren) is None
        assert author_page_url(maren) is None

    def test_author_page_url(self, rf, stories, maren):
        request = rf.get("/")
        assert author_page_path(maren, request) == "/news/authors/maren-holt/"
        assert author_page_url(maren, request) == PAGE_URL
        # The index's address is looked up once per request, not once per author.
        with CaptureQueriesContext(connection) as queries:
            for _ in range(5):
                author_page_path(maren, request)
        assert len(queries) == 0


class TestAuthorSitemap:
    def sitemap(self, client):
        response = client.get("/sitemap.xml")
        assert response.status_code == 200
        root = ET.fromstring(response.content)  # noqa: S314 (our own response)
        return {
            url.findtext("sm:loc", namespaces=SITEMAP_NS): url.findtext(
                "sm:lastmod", namespaces=SITEMAP_NS
            )
            for url in root.findall("sm:url", SITEMAP_NS)
        }

    def test_lists_the_authors_with_visible_posts_and_their_newest_change(
        self, client, news_index, maren
    ):
        older = NewsPageFactory(
            parent=news_index,
            authors=[maren],
            last_published_at=datetime.datetime(2026, 3, 1, 9, tzinfo=datetime.UTC),
        )
        NewsPageFactory(
            parent=news_index,
            authors=[maren],
            last_published_at=datetime.datetime(2026, 3, 5, 9, tzinfo=datetime.UTC),
        )
        NewsPageFactory(
            parent=news_index,
            authors=[maren],
            live=False,  # a draft's date does not count
            last_published_at=datetime.datetime(2026, 4, 1, 9, tzinfo=datetime.UTC),
        )
        drafts_only = AuthorFactory(name="Drafts Only")
        NewsPageFactory(parent=news_index, live=False, authors=[drafts_only])
        private_only = AuthorFactory(name="Private Only")
        private = NewsPageFactory(parent=news_index, authors=[private_only])
        PageViewRestriction.objects.create(page=private, restriction_type="password", password="x")
        AuthorFactory(name="No Posts")
        urls = self.sitemap(client)
        authors = {url: lastmod for url, lastmod in urls.items() if "/authors/" in url}
        assert authors == {PAGE_URL: "2026-03-05"}
        assert older.full_url in urls  # the pages section is still there

    def test_every_author_url_in_the_sitemap_is_a_page(self, client, stories):
        for url in self.sitemap(client):
            if "/authors/" in url:
                assert client.get(url.removeprefix("http://localhost")).status_code == 200

    def test_a_site_without_a_news_index_lists_no_authors(self, client, home_page, maren):
        assert not any("/authors/" in url for url in self.sitemap(client))


class TestAuthorsAPI:
    @pytest.mark.parametrize("version", ["v2", "v3"])
    def test_authors_carry_their_pages_address(self, client, stories, maren, version):
        listing = client.get(f"/api/{version}/authors/").json()
        by_name = {item["name"]: item for item in listing["items"]}
        assert by_name["Maren Holt"]["html_url"] == PAGE_URL
        assert by_name["Maren Holt"]["path"] == "/news/authors/maren-holt/"
        assert by_name["Maren Holt"]["slug"] == "maren-holt"
        assert by_name["Maren Holt"]["job_title"] == "Harbour correspondent"
        detail = client.get(f"/api/{version}/authors/{maren.pk}/").json()
        assert detail["html_url"] == PAGE_URL

    def test_html_url_is_on_the_frontend_when_it_serves_the_pages(
        self, client, stories, maren, settings
    ):
        settings.NEWSDESK_FRONTEND_URL = "https://www.example.com"
        detail = client.get(f"/api/v3/authors/{maren.pk}/").json()
        assert detail["html_url"] == "https://www.example.com/news/authors/maren-holt/"


class TestAuthorAdmin:
    ADD = "/admin/snippets/news/author/add/"

    def test_a_new_author_gets_a_slug_from_the_name(self, admin_client):
        response = admin_client.post(
            self.ADD, {"name": "Maren Holt", "slug": "", "job_title": "Reporter", "bio": ""}
        )
        assert response.status_code == 302, response.content[:500]
        author = Author.objects.get(name="Maren Holt")
        assert author.slug == "maren-holt"
        assert author.job_title == "Reporter"
        # The same name again: the next free slug.
        admin_client.post(self.ADD, {"name": "Maren Holt", "slug": "", "bio": ""})
        assert sorted(Author.objects.values_list("slug", flat=True)) == [
            "maren-holt",
            "maren-holt-2",
        ]

    def test_a_slug_typed_by_the_editor_is_kept(self, admin_client):
        admin_client.post(self.ADD, {"name": "Maren Holt", "slug": "mholt", "bio": ""})
        assert Author.objects.get(name="Maren Holt").slug == "mholt"

    def test_a_taken_slug_is_a_form_error(self, admin_client, maren):
        response = admin_client.post(
            self.ADD, {"name": "Someone Else", "slug": "maren-holt", "bio": ""}
        )
        assert response.status_code == 200
        page = BeautifulSoup(response.content, "html.parser")
        error = page.select_one("#panel-child-slug-section .error-message, .error-message")
        assert error is not None and "already exists" in error.get_text()
        assert not Author.objects.filter(name="Someone Else").exists()

    @pytest.mark.parametrize("slug", ["has space", "slash/in", "ünïcode ok?"])
    def test_a_slug_that_is_no_slug_is_a_form_error(self, admin_client, slug):
        response = admin_client.post(self.ADD, {"name": "Someone", "slug": slug, "bio": ""})
        assert response.status_code == 200
        assert not Author.objects.filter(name="Someone").exists()


@pytest.mark.parametrize("version", ["v2", "v3"])
def test_find_names_the_author_route(client, stories, maren, news_index, version):
    found = client.get(f"/api/{version}/pages/find/?html_path=/news/authors/maren-holt/")
    assert found.status_code == 302
    assert found["Location"] == (
        f"http://localhost/api/{version}/pages/{news_index.pk}/?route=author&author_id={maren.pk}"
    )
    assert client.get(found["Location"]).status_code == 200
    nobody = AuthorFactory(name="Nobody Yet")
    for path in ("/news/authors/no-such-author/", f"/news/authors/{nobody.slug}/"):
        assert client.get(f"/api/{version}/pages/find/?html_path={path}").status_code == 404
