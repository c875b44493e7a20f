"""Reader pages: what a visitor sees on the home page, the news index and a post."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail.embeds.models import Embed
from wagtail.models import PageViewRestriction, Site

from news.models import NewsPage, NewsSettings
from tests.home.factories import StandardPageFactory
from tests.news.factories import (
    AuthorFactory,
    DisclaimerFactory,
    ImageFactory,
    NewsIndexPageFactory,
    NewsPageFactory,
    every_block_body,
)

pytestmark = pytest.mark.django_db


def html(response):
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.content, "html.parser")


@pytest.fixture
def full_post(news_index):
    """A live post using every block type, with lead image, authors, tags and source."""
    related = NewsPageFactory(
        parent=news_index,
        title="Earlier: harbour wall plans",
        publication_date=datetime.date(2017, 2, 1),
    )
    post = NewsPageFactory(
        parent=news_index,
        title="Storm tops the harbour wall",
        slug="storm-tops-the-harbour-wall",
        publication_date=datetime.date(2017, 2, 14),
        summary="Waves overtopped the wall for the first time since 1987.",
        lead_image=ImageFactory(title="Lead"),
        breaking=True,
        source_name="AFP",
        source_url="https://wire.example/afp",
        body=every_block_body(
            image=ImageFactory(title="Pier"),
            related_page=related,
            disclaimer=DisclaimerFactory(text="<p>Snippet disclaimer text.</p>"),
        ),
        authors=[AuthorFactory(name="Maren Holt"), AuthorFactory(name="Luis Ferreira")],
        tags=["Storm", "Port Alder"],
    )
    return post


class TestNewsPage:
    def test_header_byline_and_metadata(self, client, full_post):
        page = html(client.get(full_post.url))
        assert page.select_one("h1").get_text(strip=True) == "Storm tops the harbour wall"
        assert page.select_one(".date-header time")["datetime"] == "2017-02-14"
        assert "Tuesday, 14 February 2017" in page.select_one(".date-header").get_text()
        assert "Breaking" in page.select_one(".badge--breaking").get_text()
        byline = page.select_one(".byline").get_text(" ", strip=True)
        assert "Maren Holt and Luis Ferreira" in byline
        assert page.select_one(".lead-image img") is not None
        source = page.select_one(".source-credit a")
        assert source.get_text() == "AFP"
        assert source["href"] == "https://wire.example/afp"
        tags = {a.get_text(): a["href"] for a in page.select(".tag-list a")}
        assert tags == {"Storm": "/news/tags/storm/", "Port Alder": "/news/tags/port-alder/"}

    def test_every_block_renders_its_data(self, client, full_post):
        page = html(client.get(full_post.url))
        body = page.select_one(".article-body")
        assert body.select_one(".block-paragraph b").get_text() == "bold"

        quote = body.select_one(".block-quote")
        assert "The wall will hold this winter." in quote.blockquote.get_text()
        assert quote.blockquote.select_one("p i").get_text() == "this"
        assert quote.blockquote["cite"] == "https://wire.example/afp/123"
        assert quote.select_one(".block-quote__attribution").get_text() == (
            "Harbour master Ines Kalda"
        )
        assert quote.select_one(".block-quote__source").get_text(" ", strip=True) == "Source: AFP"
        assert quote.select_one(".block-quote__source a")["href"] == (
            "https://wire.example/afp/123"
        )

        code = body.select_one("pre.block-code")
        assert code["data-language"] == "python"
        assert code.code["class"] == ["language-python"]
        assert code.code.get_text() == "if tide < 2:\n    close()"

        table = body.select_one(".block-table table")
        assert table.caption.get_text() == "Sailings"
        assert [th.get_text() for th in table.select("thead th")] == ["Ferry", "Time"]
        rows = [[td.get_text() for td in tr.select("td")] for tr in table.select("tbody tr")]
        assert rows == [["Alder", "9:00"], ["Birch", ""]]

        figure = body.select_one(".block-image")
        assert figure.img["alt"] == "Grey waves breaking over a stone pier"
        assert "srcset" in figure.img.attrs
        assert figure.select_one(".block-image__caption").get_text() == "Waves over the old pier"
        assert "Jo Lens/Reuters" in figure.select_one(".block-image__credit").get_text()

        related = body.select_one(".block-related")
        assert related.h2.get_text() == "Read more"
        earlier = NewsPage.objects.get(title="Earlier: harbour wall plans")
        links = [(a.get_text(), a["href"]) for a in related.select("a")]
        assert links == [
            ("Earlier: harbour wall plans", earlier.url),
            ("Elsewhere", "https://elsewhere.example/story"),
        ]
        # An external link's teaser belongs to its item.
        link_item = related.select(".block-related__item--link")[0]
        assert link_item.select_one(".block-related__summary").get_text() == (
            "What the other paper found."
        )

        disclaimers = [d.get_text(strip=True) for d in body.select(".disclaimer")]
        assert disclaimers == ["Snippet disclaimer text.", "Updated to correct a date."]

        embed = body.select_one(".block-embed")
        fallback = embed.select_one(".block-embed__fallback a")
        assert fallback["href"] == "https://video.example/v/1"
        assert fallback.get_text(" ", strip=True) == "Watch the storm Open video on video.example"
        assert "https://video.example/v/1" not in embed.get_text()
        assert embed.figcaption.get_text() == "The pier at dawn"
        heading = embed.find_previous_sibling("h2")
        assert heading["class"] == ["block-embed__heading"]
        assert heading.get_text() == "Related video"

    def test_embed_uses_stored_oembed_html_when_available(self, client, news_index):
        from wagtail.embeds.embeds import get_embed_hash

        url = "https://video.example/v/stored"
        Embed.objects.create(
            url=url,
            hash=get_embed_hash(url),
            html='<iframe src="https://video.example/embed/stored" title="Stored"></iframe>',
            type="video",
            width=640,
            height=360,
        )
        post = NewsPageFactory(
            parent=news_index,
            body=[{"type": "embed", "value": {"url": url, "title": "", "caption": ""}}],
        )
        page = html(client.get(post.url))
        assert page.select_one(".block-embed iframe")["src"] == (
            "https://video.example/embed/stored"
        )
        assert page.select_one(".block-embed__fallback") is None

    @pytest.mark.parametrize(
        ("url", "title", "expected"),
        [
            (
                "https://www.youtube.com/watch?v=aqz-KE-bpKQ",
                "The wall at high tide",
                "Watch on YouTube",
            ),
            ("https://youtu.be/aqz-KE-bpKQ", "", "Watch on YouTube"),
            ("https://m.youtube.com/watch?v=aqz-KE-bpKQ", "", "Watch on YouTube"),
            ("https://vimeo.com/76979871", "Ferry trials", "View on Vimeo"),
            ("https://player.vimeo.com/video/76979871", "", "View on Vimeo"),
            (
                "https://media.example.org/clips/2017/storm.mp4",
                "",
                "Open video on media.example.org",
            ),
            ("/media/storm.mp4", "", "Watch the video"),
        ],
    )
    def test_embed_fallback_names_the_provider(self, client, news_index, url, title, expected):
        """With no oEmbed answer (the tests have no finders: every lookup fails), the
        video is a link saying where it goes, after the title; the URL is not printed."""
        cache.clear()
        long_url = url + ("&t=" + "x" * 300 if url.startswith("https://www.youtube") else "")
        post = NewsPageFactory(
            parent=news_index,
            body=[
                {
                    "type": "embed",
                    "value": {"url": long_url, "title": title, "caption": "At high tide"},
                }
            ],
        )
        embed = html(client.get(post.url)).select_one(".block-embed")
        link = embed.select_one(".block-embed__fallback a")
        assert link["href"] == long_url
        assert link.select_one(".block-embed__provider").get_text() == expected
        title_span = link.select_one(".block-embed__title")
        assert (title_span.get_text() if title_span else "") == title
        assert long_url not in embed.get_text()
        assert "(" not in embed.select_one(".block-embed__fallback").get_text()
        assert embed.figcaption.get_text() == "At high tide"

    def test_embed_without_title_says_where_the_link_goes(self, client, news_index):
        cache.clear()
        post = NewsPageFactory(
            parent=news_index,
            body=[
                {
                    "type": "embed",
                    "value": {"url": "https://v.example/x", "title": "", "caption": ""},
                }
            ],
        )
        page = html(client.get(post.url))
        assert page.select_one(".block-embed__fallback a").get_text() == "Open video on v.example"

    def test_one_disclaimer_per_post_unless_the_editor_asks_for_both(
        self, client, news_index, home_page
    ):
        settings_row = NewsSettings.for_site(Site.objects.get(is_default_site=True))
        settings_row.default_disclaimer = DisclaimerFactory(text="<p>Site-wide notice.</p>")
        settings_row.save()
        own = [{"type": "disclaimer", "value": {"disclaimer": None, "text": "<p>Mine.</p>"}}]
        plain = NewsPageFactory(parent=news_index)
        with_own = NewsPageFactory(parent=news_index, body=own)
        both = NewsPageFactory(parent=news_index, body=own, site_disclaimer="both")
        hidden = NewsPageFactory(parent=news_index, site_disclaimer="never")

        def disclaimers(post):
            page = html(client.get(post.url))
            return [
                (aside["aria-label"], aside.get_text(strip=True))
                for aside in page.select("aside.disclaimer")
            ]

        site_wide = ("Site-wide disclaimer", "Site-wide notice.")
        assert disclaimers(plain) == [site_wide]
        assert disclaimers(with_own) == [("Disclaimer", "Mine.")]
        # Both, as two landmarks a screen reader can tell apart.
        assert disclaimers(both) == [("Disclaimer", "Mine."), site_wide]
        assert disclaimers(hidden) == []

    def test_previous_and_next_links(self, client, news_index):
        old = NewsPageFactory(
            parent=news_index, title="Old", publication_date=datetime.date(2020, 1, 1)
        )
        mid = NewsPageFactory(
            parent=news_index, title="Mid", publication_date=datetime.date(2020, 2, 1)
        )
        new = NewsPageFactory(
            parent=news_index, title="New", publication_date=datetime.date(2020, 3, 1)
        )
        NewsPageFactory(
            parent=news_index,
            title="Draft",
            live=False,
            publication_date=datetime.date(2020, 2, 15),
        )
        page = html(client.get(mid.url))
        assert page.select_one(".post-nav__newer")["href"] == new.url
        assert page.select_one(".post-nav__older")["href"] == old.url
        first = html(client.get(new.url))
        assert first.select_one(".post-nav__newer") is None
        assert first.select_one(".post-nav__older")["href"] == mid.url


class TestRelatedArticlesVisibility:
    @pytest.fixture
    def post_linking_to(self, news_index):
        def make(target):
            return NewsPageFactory(
                parent=news_index,
                title="Linking post",
                body=[
                    {
                        "type": "related_articles",
                        "value": {
                            "heading": "Read more",
                            "items": [
                                {"type": "article", "value": target.pk},
                                {
                                    "type": "link",
                                    "value": {"url": "https://ext.example/", "title": "External"},
                                },
                            ],
                        },
                    }
                ],
            )

        return make

    def related_titles(self, client, post):
        page = html(client.get(post.url))
        return [a.get_text() for a in page.select(".block-related a")]

    def test_live_target_is_shown(self, client, news_index, post_linking_to):
        target = NewsPageFactory(parent=news_index, title="Live target")
        assert self.related_titles(client, post_linking_to(target)) == ["Live target", "External"]

    def test_draft_target_is_skipped(self, client, news_index, post_linking_to):
        target = NewsPageFactory(parent=news_index, title="Draft target", live=False)
        assert self.related_titles(client, post_linking_to(target)) == ["External"]

    def test_unpublished_target_is_skipped(self, client, news_index, post_linking_to):
        target = NewsPageFactory(parent=news_index, title="Was live")
        post = post_linking_to(target)
        target.unpublish()
        assert self.related_titles(client, post) == ["External"]

    def test_deleted_target_is_skipped(self, client, news_index, post_linking_to):
        target = NewsPageFactory(parent=news_index, title="Deleted target")
        post = post_linking_to(target)
        target.delete()
        assert self.related_titles(client, post) == ["External"]

    def test_private_and_expired_targets_are_skipped(self, client, news_index, post_linking_to):
        private = NewsPageFactory(parent=news_index, title="Private target")
        PageViewRestriction.objects.create(page=private, restriction_type="login")
        expired = NewsPageFactory(
            parent=news_index,
            title="Expired target",
            expire_at=timezone.now() - datetime.timedelta(minutes=1),
        )
        assert self.related_titles(client, post_linking_to(private)) == ["External"]
        assert self.related_titles(client, post_linking_to(expired)) == ["External"]

    def test_block_with_nothing_visible_renders_nothing(self, client, news_index):
        target = NewsPageFactory(parent=news_index, title="Gone", live=False)
        post = NewsPageFactory(
            parent=news_index,
            body=[
                {
                    "type": "related_articles",
                    "value": {
                        "heading": "Read more",
                        "items": [{"type": "article", "value": target.pk}],
                    },
                }
            ],
        )
        assert html(client.get(post.url)).select_one(".block-related") is None


class TestNewsIndex:
    def test_lists_only_what_readers_may_see(self, client, news_index):
        NewsPageFactory(parent=news_index, title="Visible story")
        NewsPageFactory(parent=news_index, title="Draft story", live=False)
        private = NewsPageFactory(parent=news_index, title="Private story")
        PageViewRestriction.objects.create(page=private, restriction_type="password", password="x")
        NewsPageFactory(
            parent=news_index,
            title="Expired story",
            expire_at=timezone.now() - datetime.timedelta(hours=1),
        )
        titles = [
            h.get_text(strip=True) for h in html(client.get("/news/")).select(".news-card__title")
        ]
        assert titles == ["Visible story"]

    def test_newest_first_with_breaking_badge_and_byline(self, client, news_index):
        NewsPageFactory(
            parent=news_index, title="Older", publication_date=datetime.date(2021, 1, 1)
        )
        NewsPageFactory(
            parent=news_index,
            title="Newer",
            breaking=True,
            publication_date=datetime.date(2021, 5, 1),
            authors=[AuthorFactory(name="Priya Raman")],
        )
        page = html(client.get("/news/"))
        cards = page.select(".news-card")
        assert [c.select_one(".news-card__title").get_text(strip=True) for c in cards] == [
            "Newer",
            "Older",
        ]
        assert cards[0].select_one(".badge--breaking") is not None
        assert "Priya Raman" in cards[0].select_one(".news-card__byline").get_text()
        assert cards[1].select_one(".badge--breaking") is None

    @override_settings(NEWSDESK_PAGE_SIZE=2)
    def test_pagination(self, client, news_index):
        for day in range(1, 6):
            NewsPageFactory(
                parent=news_index, title=f"Day {day}", publication_date=datetime.date(2022, 1, day)
            )
        first = html(client.get("/news/"))
        assert [h.get_text(strip=True) for h in first.select(".news-card__title")] == [
            "Day 5",
            "Day 4",
        ]
        assert first.select_one('a[rel="next"]')["href"] == "?page=2"
        last = html(client.get("/news/?page=3"))
        assert [h.get_text(strip=True) for h in last.select(".news-card__title")] == ["Day 1"]
        assert last.select_one('a[rel="next"]') is None

    @pytest.mark.parametrize(
        "query",
        ["?page=abc", "?page=0", "?page=-1", "?page=99999", "?page=1.5", "?page=", "?page=%C2%B2"],
    )
    def test_bad_page_numbers_are_404(self, client, news_index, query):
        NewsPageFactory(parent=news_index)
        response = client.get("/news/" + query)
        assert response.status_code == 404
        assert b"Page not found" in response.content

    def test_empty_index_page_one_is_fine(self, client, news_index):
        page = html(client.get("/news/"))
        assert "No news has been published yet." in page.get_text()

    def test_tag_pages(self, client, news_index):
        NewsPageFactory(parent=news_index, title="Tagged", tags=["Climate"])
        NewsPageFactory(parent=news_index, title="Untagged", tags=["Sport"])
        NewsPageFactory(parent=news_index, title="Tagged draft", tags=["Climate"], live=False)
        for url in ["/news/tags/climate/", "/news/?tag=climate"]:
            page = html(client.get(url))
            assert [h.get_text(strip=True) for h in page.select(".news-card__title")] == ["Tagged"]
            assert "Posts tagged “Climate”" in page.h1.get_text()

    @override_settings(NEWSDESK_PAGE_SIZE=1)
    def test_tag_query_pagination_keeps_the_tag(self, client, news_index):
        NewsPageFactory(parent=news_index, title="A", tags=["Climate"])
        NewsPageFactory(parent=news_index, title="B", tags=["Climate"])
        page = html(client.get("/news/?tag=climate"))
        assert page.select_one('a[rel="next"]')["href"] == "?tag=climate&page=2"

    def test_unknown_tag_is_404(self, client, news_index):
        assert client.get("/news/tags/no-such-tag/").status_code == 404
        assert client.get("/news/?tag=no-such-tag").status_code == 404
        assert client.get("/news/?tag=").status_code == 404

    def test_tag_with_no_published_posts_says_so(self, client, news_index):
        NewsPageFactory(parent=news_index, tags=["Secret"], live=False)
        page = html(client.get("/news/tags/secret/"))
        assert "No published posts carry this tag." in page.get_text()

    def test_month_archive(self, client, news_index):
        NewsPageFactory(
            parent=news_index, title="February", publication_date=datetime.date(2017, 2, 14)
        )
        NewsPageFactory(
            parent=news_index, title="March", publication_date=datetime.date(2017, 3, 1)
        )
        page = html(client.get("/news/2017/02/"))
        assert [h.get_text(strip=True) for h in page.select(".news-card__title")] == ["February"]
        assert page.h1.get_text() == "February 2017"
        archive = {a.get_text(): a["href"] for a in page.select(".archive-list a")}
        assert archive == {"March 2017": "/news/2017/03/", "February 2017": "/news/2017/02/"}

    def test_sidebar_lists_the_tags_of_visible_posts_most_used_first(
        self, client, news_index, home_page
    ):
        NewsPageFactory(parent=news_index, tags=["Climate", "Port Alder"])
        NewsPageFactory(parent=news_index, tags=["Climate", "Ferries"])
        NewsPageFactory(parent=news_index, tags=["Climate"])
        NewsPageFactory(parent=news_index, tags=["Ferries", "Draft only"], live=False)
        private = NewsPageFactory(parent=news_index, tags=["Private only", "Ferries"])
        PageViewRestriction.objects.create(page=private, restriction_type="login")
        expired = NewsPageFactory(parent=news_index, tags=["Expired only"])
        NewsPage.objects.filter(pk=expired.pk).update(
            expire_at=timezone.now() - datetime.timedelta(days=1)
        )
        elsewhere = NewsIndexPageFactory(parent=home_page, title="Sport", slug="sport")
        NewsPageFactory(parent=elsewhere, tags=["Rowing"])

        for url in ["/news/", "/news/tags/ferries/", "/news/2017/02/"]:
            page = html(client.get(url))
            sidebar = page.select_one('aside[aria-label="Browse the news"]')
            tags = [
                (a.get_text(), a["href"], a.find_next_sibling(class_="count").get_text())
                for a in sidebar.select(".sidebar-tags a")
            ]
            assert tags == [
                ("Climate", "/news/tags/climate/", "(3)"),
                ("Ferries", "/news/tags/ferries/", "(1)"),
                ("Port Alder", "/news/tags/port-alder/", "(1)"),
            ], url
            current = sidebar.select('.sidebar-tags a[aria-current="page"]')
            assert [a.get_text() for a in current] == (["Ferries"] if "ferries" in url else [])
            assert sidebar.select_one("#tags-heading").get_text() == "Tags"

    @override_settings(NEWSDESK_PAGE_SIZE=2)
    def test_sidebar_shows_at_most_twenty_tags(self, client, news_index):
        NewsPageFactory(parent=news_index, tags=[f"Tag {number:02d}" for number in range(25)])
        NewsPageFactory(parent=news_index, tags=["Tag 24"])
        page = html(client.get("/news/"))
        names = [a.get_text() for a in page.select(".sidebar-tags a")]
        assert len(names) == 20
        assert names[0] == "Tag 24"
        assert names[1:] == [f"Tag {number:02d}" for number in range(19)]

    def test_a_published_post_updates_the_sidebar_tags(self, client, news_index):
        NewsPageFactory(parent=news_index, tags=["Climate"])
        assert "Ferries" not in html(client.get("/news/")).select_one(".sidebar-tags").get_text()
        post = NewsPageFactory(parent=news_index, title="New", tags=["Ferries"], live=False)
        post.save_revision().publish()
        names = [a.get_text() for a in html(client.get("/news/")).select(".sidebar-tags a")]
        assert names == ["Climate", "Ferries"]

    def test_index_query_count_with_the_sidebar(self, client, news_index):
        """The tag list costs one query, and none once remembered."""
        for number in range(3):
            NewsPageFactory(parent=news_index, tags=["Climate", f"Tag {number}"])
        cache.clear()
        with CaptureQueriesContext(connection) as cold:
            html(client.get("/news/"))
        tag_queries = [q["sql"] for q in cold if '"taggit_tag"' in q["sql"]]
        assert len(tag_queries) == 1, tag_queries
        # Site, page, menu, restrictions, count, listing, card details, archive, tags; once
        # per process and content version, the News settings (the default share image:
        # here created, 4 statements) and the news index the bylines link to (1).
        assert len(cold) == 18, [q["sql"] for q in cold]
        # Another listing of the same index (not a stored copy of this one) reuses it.
        with CaptureQueriesContext(connection) as warm:
            page = html(client.get("/news/2017/02/"))
        assert page.select_one(".sidebar-tags a").get_text() == "Climate"
        assert warm.captured_queries
        assert not [q for q in warm if '"taggit_tag"' in q["sql"]]

    def test_empty_month_is_an_empty_page(self, client, news_index):
        page = html(client.get("/news/2016/07/"))
        assert "Nothing was published in July 2016." in page.get_text()

    @pytest.mark.parametrize(
        "url",
        ["/news/2017/13/", "/news/2017/00/", "/news/0000/01/", "/news/2017/2/", "/news/99999/01/"],
    )
    def test_impossible_months_are_404(self, client, news_index, url):
        assert client.get(url).status_code == 404

    @pytest.mark.parametrize("url", ["/news/", "/"])
    def test_listing_queries_do_not_grow_with_page_size(self, client, news_index, url):
        """Lead images, renditions, authors and tags are prefetched: 1 post or 10, same cost."""

        def add_posts(count):
            for number in range(count):
                NewsPageFactory(
                    parent=news_index,
                    lead_image=ImageFactory(),
                    authors=[AuthorFactory(), AuthorFactory()],
                    tags=["Climate", f"Tag {number}"],
                )

        def queries_for_listing():
            client.get(url)  # creates any missing renditions
            with CaptureQueriesContext(connection) as queries:
                html(client.get(url))
            return len(queries)

        add_posts(1)
        one = queries_for_listing()
        add_posts(6)
        seven = queries_for_listing()
        assert one == seven
        assert seven <= 18  # site, page, menu, restrictions, listing + 3 prefetches, archive


class TestHomeAndStandardPages:
    def test_home_shows_latest_published_news(self, client, news_index):
        NewsPageFactory(parent=news_index, title="Fresh story")
        NewsPageFactory(parent=news_index, title="Hidden draft", live=False)
        page = html(client.get("/"))
        # The newest post leads the front page (tests/home/test_front_page.py).
        titles = [
            h.get_text(strip=True) for h in page.select(".lead-story__title, .news-card__title")
        ]
        assert titles == ["Fresh story"]
        assert page.select_one(".more-link a")["href"] == "/news/"

    @override_settings(NEWSDESK_HOME_LATEST=3)
    def test_home_limits_the_number_of_posts(self, client, news_index):
        for _ in range(5):
            NewsPageFactory(parent=news_index)
        assert len(html(client.get("/")).select(".news-card")) == 3

    def test_home_without_news(self, client, home_page):
        assert "No news has been published yet." in html(client.get("/")).get_text()

    def test_standard_page_and_menu(self, client, home_page, news_index):
        about = StandardPageFactory(
            parent=home_page,
            title="About",
            slug="about",
            intro="Who we are.",
            body=[{"type": "paragraph", "value": "<p>An independent newsroom.</p>"}],
        )
        StandardPageFactory(parent=home_page, title="Hidden from menu", show_in_menus=False)
        StandardPageFactory(parent=home_page, title="Draft page", live=False)
        news_index.show_in_menus = True
        news_index.save()
        page = html(client.get(about.url))
        assert page.h1.get_text() == "About"
        assert "An independent newsroom." in page.select_one(".article-body").get_text()
        menu = [a.get_text() for a in page.select(".site-nav a")]
        assert menu == ["News", "About"]
        assert page.select_one('.site-nav a[aria-current="page"]').get_text() == "About"


class TestErrorPages:
    def test_404_page(self, client, home_page):
        response = client.get("/no/such/page/")
        assert response.status_code == 404
        assert b"Page not found" in response.content
        assert b'action="/search/"' in response.content

    def test_500_page_renders_without_context(self, rf):
        from django.views.defaults import server_error

        response = server_error(rf.get("/"))
        assert response.status_code == 500
        assert b"Something went wrong" in response.content

    def test_second_site_news_index_is_separate(self, client, home_page):
        # A second news index under the same home keeps its own listing and archive.
        sport = NewsIndexPageFactory(parent=home_page, title="Sport", slug="sport")
        NewsPageFactory(parent=sport, title="Match report")
        page = html(client.get("/sport/"))
        assert [h.get_text(strip=True) for h in page.select(".news-card__title")] == [
            "Match report"
        ]


def test_previewing_a_new_post_before_its_first_save(admin_client, news_index):
    """The editor's preview of a post that has never been saved renders (no id yet: no
    newer/older links, no comments), with the draft's own title, byline and tags."""
    from tests.news.factories import AuthorFactory
    from tests.news.workflow_helpers import news_form_data

    author = AuthorFactory(name="Preview Reporter")
    data = news_form_data(title="Unsaved scoop", slug="unsaved-scoop", author=author)
    data["tags"] = "previewed-tag"
    url = reverse("wagtailadmin_pages:preview_on_add", args=["news", "newspage", news_index.pk])
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert response.json()["is_valid"] is True
    response = admin_client.get(url)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Unsaved scoop" in content
    assert "Preview Reporter" in content
    assert "previewed-tag" in content
