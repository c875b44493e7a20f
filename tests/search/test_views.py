"""Search: ranking, stemming, visibility, filters, hostile input, editors' tools, API."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone
from wagtail.contrib.search_promotions.models import Query, SearchPromotion
from wagtail.models import PageViewRestriction

from tests.news.factories import AuthorFactory, NewsPageFactory
from tests.news.workflow_helpers import make_user

pytestmark = pytest.mark.django_db


def paragraph(text):
    return [{"type": "paragraph", "value": f"<p>{text}</p>"}]


def result_titles(client, **params):
    response = client.get("/search/", params)
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    return [h.get_text(strip=True) for h in soup.select(".search-result .news-card__title")]


def api_titles(client, **params):
    query = "&".join(f"{key}={value}" for key, value in params.items())
    response = client.get(f"/api/v2/pages/?type=news.NewsPage&fields=_,title&{query}")
    assert response.status_code == 200, response.content
    return [item["title"] for item in response.json()["items"]]


@pytest.fixture
def reindex():
    def run():
        call_command("update_index", verbosity=0)

    return run


class TestRanking:
    def test_title_match_ranks_above_body_only_match(self, client, news_index, reindex):
        NewsPageFactory(
            parent=news_index,
            title="Council meets on Tuesday",
            summary="Routine business.",
            body=paragraph("The lighthouse keeper spoke about the lighthouse restoration."),
        )
        NewsPageFactory(
            parent=news_index,
            title="Lighthouse restored",
            summary="Work is finished.",
            body=paragraph("Painters finished the tower."),
        )
        reindex()
        assert result_titles(client, q="lighthouse") == [
            "Lighthouse restored",
            "Council meets on Tuesday",
        ]
        assert api_titles(client, search="lighthouse") == result_titles(client, q="lighthouse")

    def test_stemming(self, client, news_index, reindex):
        NewsPageFactory(
            parent=news_index, title="Dock workers strike", body=paragraph("A strike.")
        )
        NewsPageFactory(parent=news_index, title="Unrelated", body=paragraph("Nothing here."))
        reindex()
        assert result_titles(client, q="strikes") == ["Dock workers strike"]
        assert result_titles(client, q="striking") == ["Dock workers strike"]
        assert api_titles(client, search="strikes") == ["Dock workers strike"]

    def test_multi_word_queries_prefer_pages_with_all_words(self, client, news_index, reindex):
        NewsPageFactory(parent=news_index, title="Ferry news", body=paragraph("Ferry timetable."))
        NewsPageFactory(
            parent=news_index, title="Strike news", body=paragraph("The ferry strike began.")
        )
        NewsPageFactory(
            parent=news_index, title="Other news", body=paragraph("A strike elsewhere.")
        )
        reindex()
        titles = result_titles(client, q="ferry strike")
        assert titles[0] == "Strike news"
        assert set(titles) == {"Ferry news", "Strike news", "Other news"}

    def test_finds_text_inside_every_kind_of_block_tags_and_authors(
        self, client, news_index, reindex
    ):
        target = NewsPageFactory(parent=news_index, title="Linked story")
        body = [
            {
                "type": "quote",
                "value": {
                    "text": "<p>Quotedword <b>boldquoteword</b> here</p>",
                    "attribution": "Attributionname",
                    "source_name": "",
                    "source_url": "",
                },
            },
            {
                "type": "related_articles",
                "value": {
                    "heading": "Read more",
                    "items": [
                        {"type": "article", "value": target.pk},
                        {
                            "type": "link",
                            "value": {"url": "https://x.example", "title": "Extlinkword"},
                        },
                    ],
                },
            },
            {
                "type": "embed",
                "value": {"url": "https://v.example", "title": "Videoword", "caption": ""},
            },
            {"type": "code", "value": {"language": "bash", "code": "make codeword"}},
            {
                "type": "table",
                "value": {
                    "data": [["Ferry", None], ["Tablecellword", "9:00"]],
                    "table_header_choice": "row",
                    "first_row_is_table_header": True,
                    "first_col_is_header": False,
                    "table_caption": "Captionword",
                },
            },
        ]
        NewsPageFactory(
            parent=news_index,
            title="Container",
            body=body,
            tags=["Tagword"],
            authors=[AuthorFactory(name="Authorname Smith")],
        )
        reindex()
        for word in [
            "quotedword",
            "boldquoteword",
            "codeword",
            "tablecellword",
            "captionword",
            "attributionname",
            "extlinkword",
            "videoword",
            "tagword",
            "authorname",
        ]:
            assert "Container" in result_titles(client, q=word), word
        assert "Container" in result_titles(client, q="linked story")


class TestVisibility:
    @pytest.fixture
    def pages(self, client, news_index, django_user_model, reindex):
        from tests.news.test_workflow import api_for

        editor = make_user(django_user_model, "ed", settings.NEWSDESK_EDITORS_GROUP)
        visible = NewsPageFactory(parent=news_index, title="Zebra visible")
        NewsPageFactory(parent=news_index, title="Zebra draft", live=False)
        moderated = NewsPageFactory(
            parent=news_index, title="Zebra moderated", live=False, authors=[AuthorFactory()]
        )
        moderated.save_revision(user=editor)
        api_for(client, editor).post(f"/api/v3/pages/{moderated.pk}/workflow/submit/")
        private = NewsPageFactory(parent=news_index, title="Zebra private")
        PageViewRestriction.objects.create(page=private, restriction_type="login")
        NewsPageFactory(
            parent=news_index,
            title="Zebra expired",
            expire_at=timezone.now() - datetime.timedelta(minutes=1),
        )
        reindex()
        return visible

    def test_only_published_public_pages(self, client, pages):
        assert result_titles(client, q="zebra") == ["Zebra visible"]
        assert api_titles(client, search="zebra") == ["Zebra visible"]

    def test_unpublished_a_moment_ago_disappears(self, client, pages):
        pages.save_revision().publish()
        assert result_titles(client, q="zebra") == ["Zebra visible"]
        pages.unpublish()
        assert result_titles(client, q="zebra") == []
        assert api_titles(client, search="zebra") == []

    def test_deleted_page_leaves_the_index(self, client, pages):
        from wagtail.search.models import IndexEntry

        pk = pages.pk
        pages.delete()
        assert result_titles(client, q="zebra") == []
        assert not IndexEntry.objects.filter(object_id=str(pk)).exists()


def test_publishing_updates_the_index(client, news_index):
    page = NewsPageFactory(parent=news_index, title="Original headline", live=False)
    revision = page.save_revision()
    revision.publish()
    assert result_titles(client, q="original") == ["Original headline"]
    page.title = "Corrected headline"
    page.save_revision().publish()
    assert result_titles(client, q="corrected") == ["Corrected headline"]
    assert result_titles(client, q="original") == []


class TestSearchPage:
    @pytest.fixture
    def posts(self, news_index, reindex):
        for title, tag, date in [
            ("Harbour wall in January", "Climate", "2017-01-10"),
            ("Harbour wall in March", "Politics", "2017-03-10"),
            ("Harbour wall in May", "Climate", "2017-05-10"),
        ]:
            NewsPageFactory(
                parent=news_index,
                title=title,
                tags=[tag],
                publication_date=datetime.date.fromisoformat(date),
                body=paragraph("The harbour wall held against the waves overnight."),
            )
        reindex()

    def test_results_count_snippet_and_noindex(self, client, posts):
        response = client.get("/search/", {"q": "waves"})
        soup = BeautifulSoup(response.content, "html.parser")
        assert soup.select_one(".result-count").get_text(strip=True) == "3 results for “waves”"
        snippet = soup.select_one(".search-result__snippet")
        assert snippet.mark.get_text() == "waves"
        assert soup.select_one('meta[name="robots"]')["content"] == "noindex"

    def test_tag_and_date_filters(self, client, posts):
        assert sorted(result_titles(client, q="harbour", tag="climate")) == [
            "Harbour wall in January",
            "Harbour wall in May",
        ]
        assert result_titles(
            client, q="harbour", date_from="2017-02-01", date_to="2017-04-01"
        ) == ["Harbour wall in March"]

    def test_bad_filters_are_form_errors(self, client, posts):
        response = client.get("/search/", {"q": "harbour", "date_from": "2017-13-45"})
        assert response.status_code == 200
        assert b"Enter a valid date." in response.content
        response = client.get(
            "/search/", {"q": "harbour", "date_from": "2017-05-01", "date_to": "2017-01-01"}
        )
        assert b"The end date is before the start date." in response.content
        response = client.get("/search/", {"q": "harbour", "tag": "<script>"})
        assert response.status_code == 200
        assert b"<script>" not in response.content.split(b"<main")[1]

    def test_pagination(self, client, news_index, reindex, settings):
        for number in range(12):
            NewsPageFactory(parent=news_index, title=f"Tide report {number}")
        reindex()
        assert len(result_titles(client, q="tide")) == 10
        second = client.get("/search/", {"q": "tide", "page": 2})
        assert len(BeautifulSoup(second.content, "html.parser").select(".search-result")) == 2
        assert client.get("/search/", {"q": "tide", "page": 3}).status_code == 404
        assert client.get("/search/", {"q": "tide", "page": "x"}).status_code == 404

    def test_no_results_help(self, client, posts):
        response = client.get("/search/", {"q": "qwertyuiop", "tag": "climate"})
        soup = BeautifulSoup(response.content, "html.parser")
        help_text = soup.select_one(".no-results").get_text(" ", strip=True)
        assert "Check the spelling" in help_text
        assert "without the tag and date filters" in help_text

    def test_queries_are_logged_and_promotions_shown_first(self, client, posts, news_index):
        promoted = NewsPageFactory(parent=news_index, title="Flood guide")
        SearchPromotion.objects.create(
            query=Query.get("harbour"), page=promoted, description="Everything about floods"
        )
        hidden = NewsPageFactory(parent=news_index, title="Hidden promoted", live=False)
        SearchPromotion.objects.create(query=Query.get("harbour"), page=hidden, sort_order=1)
        response = client.get("/search/", {"q": "harbour"})
        soup = BeautifulSoup(response.content, "html.parser")
        assert [a.get_text() for a in soup.select(".promoted a")] == ["Flood guide"]
        assert Query.get("harbour").hits == 1


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        "x" * 1200,
        "!!!",
        "***",
        '"unbalanced',
        "'single",
        "NEAR",
        "NEAR(a b)",
        "AND OR NOT",
        "a AND OR b",
        "title:harbour",
        "(((",
        "'; DROP TABLE wagtailcore_page;--",
        "1 OR 1=1",
        "泥石流 🌊",
        "харбор",  # noqa: RUF001 - Cyrillic on purpose
        "مرفأ",
        "\\",
        "%",
        "_",
    ],
)
def test_hostile_queries_never_fail(client, news_index, query):
    NewsPageFactory(parent=news_index, title="Harbour wall")
    assert client.get("/search/", {"q": query}).status_code == 200
    response = client.get("/api/v2/pages/", {"type": "news.NewsPage", "search": query})
    assert response.status_code in (200, 400)
    assert "application/json" in response["Content-Type"]


def test_update_index_rebuilds(client, news_index):
    from wagtail.search.models import IndexEntry

    NewsPageFactory(parent=news_index, title="Rebuilt story")
    IndexEntry.objects.all().delete()
    assert result_titles(client, q="rebuilt") == []
    call_command("update_index", verbosity=0)
    assert result_titles(client, q="rebuilt") == ["Rebuilt story"]


def test_editors_can_manage_promotions(client, django_user_model):
    editor = make_user(django_user_model, "ed", settings.NEWSDESK_EDITORS_GROUP)
    client.force_login(editor)
    assert client.get("/admin/searchpicks/").status_code == 200
    assert client.get("/admin/searchpicks/add/").status_code == 200


def test_query_log_report_for_administrators(client, django_user_model):
    Query.get("harbour").add_hit()
    admin = make_user(django_user_model, "ad", superuser=True)
    client.force_login(admin)
    response = client.get("/admin/searchpicks/reports/search-terms/")
    assert response.status_code == 200
    assert b"harbour" in response.content


class TestLinkedArticleTitles:
    """A post is found by the titles of the articles it links to, but only while readers
    may see those articles. The linking posts are re-indexed by a task queued when the
    change commits (run at once by the test settings' immediate task backend)."""

    @pytest.fixture
    def linking(self, news_index, reindex):
        target = NewsPageFactory(parent=news_index, title="Zanzibar merger agreed")
        body = [
            {
                "type": "related_articles",
                "value": {"heading": "More", "items": [{"type": "article", "value": target.pk}]},
            }
        ]
        NewsPageFactory(parent=news_index, title="Linking post", body=body)
        reindex()
        return target

    def test_visible_title_is_searchable(self, client, linking):
        assert set(result_titles(client, q="zanzibar")) == {
            "Zanzibar merger agreed",
            "Linking post",
        }

    def test_private_title_leaves_the_index(
        self, client, linking, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            PageViewRestriction.objects.create(page=linking, restriction_type="login")
        assert result_titles(client, q="zanzibar") == []
        assert api_titles(client, search="zanzibar") == []
        response = client.get("/search/", {"q": "merger"})
        assert b"Zanzibar" not in response.content

    def test_unpublished_title_leaves_the_index_and_comes_back(
        self, client, linking, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            linking.unpublish()
        assert result_titles(client, q="zanzibar") == []
        with django_capture_on_commit_callbacks(execute=True):
            linking.save_revision().publish()
        assert set(result_titles(client, q="zanzibar")) == {
            "Zanzibar merger agreed",
            "Linking post",
        }

    def test_deleted_title_leaves_the_index(
        self, client, linking, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            linking.delete()
        assert result_titles(client, q="zanzibar") == []


def test_only_first_result_page_counts_as_a_search(client, news_index, reindex):
    for number in range(12):
        NewsPageFactory(parent=news_index, title=f"Tide report {number}")
    reindex()
    client.get("/search/", {"q": "tide"})
    client.get("/search/", {"q": "tide", "page": 2})
    assert Query.get("tide").hits == 1


def search_landmarks(content):
    """(accessible name, form) of each search landmark; ids on the page."""
    soup = BeautifulSoup(content, "html.parser")
    ids = [element["id"] for element in soup.find_all(id=True)]
    landmarks = []
    for form in soup.select('[role="search"], search'):
        if form.get("aria-labelledby"):
            name = soup.find(id=form["aria-labelledby"]).get_text(strip=True)
        else:
            name = form.get("aria-label", "")
        landmarks.append(name)
    return landmarks, ids


class TestSearchLandmarks:
    def test_the_header_and_page_search_forms_have_distinct_names(self, client, news_index):
        response = client.get("/search/", {"q": "harbour"})
        landmarks, ids = search_landmarks(response.content)
        assert landmarks == ["Site search", "Search and narrow down the results"]
        assert len(ids) == len(set(ids))

    def test_one_named_search_landmark_elsewhere(self, client, news_index):
        landmarks, ids = search_landmarks(client.get("/news/").content)
        assert landmarks == ["Site search"]
        assert len(ids) == len(set(ids))


def boilerplate_body(own_paragraph):
    """A body shaped like the demo posts': the post's own paragraph, then the image
    caption, video, related-article box and disclaimer many posts share, each holding
    the word "harbour"."""
    return [
        {"type": "paragraph", "value": f"<p>{own_paragraph}</p>"},
        {
            "type": "embed",
            "value": {
                "heading": "Harbour video",
                "url": "https://www.youtube.com/watch?v=aqz-KE-bpKQ",
                "title": "Watch: the view from the harbour wall",
                "caption": "The harbour wall at high tide, filmed by a reader.",
            },
        },
        {
            "type": "related_articles",
            "value": {
                "heading": "More from the harbour",
                "items": [
                    {
                        "type": "link",
                        "value": {
                            "url": "https://example.org/background",
                            "title": "Background: a short history of the harbour",
                            "summary": "How a fishing quay became a harbour.",
                        },
                    }
                ],
            },
        },
        {
            "type": "disclaimer",
            "value": {"disclaimer": None, "text": "<p>Harbour photos by readers.</p>"},
        },
    ]


BOILERPLATE = (
    "high tide",
    "view from the harbour",
    "history of the harbour",
    "fishing quay",
    "More from the harbour",
    "Harbour photos",
    "Harbour video",
)


class TestSnippets:
    @pytest.fixture
    def harbour_posts(self, news_index, reindex):
        own = {
            "Ferry timetable": ("", "The first ferry leaves the harbour at six from March."),
            "Wall repairs": (
                "Repairs begin.",
                "Masons &amp; divers started on the harbour wall.</p><p>Work takes a year.",
            ),
            "Council budget": ("The council set its budget.", "Councillors voted 9 to 4."),
            "Marathon": ("", "Runners will pass the old quay and the lighthouse."),
            "Festival": ("Screenings by the harbour.", "Films run for a week in August."),
        }
        for title, (summary, paragraph_text) in own.items():
            NewsPageFactory(
                parent=news_index,
                title=title,
                summary=summary,
                body=boilerplate_body(paragraph_text),
            )
        hidden = NewsPageFactory(
            parent=news_index, title="Private", body=boilerplate_body("Secret harbour plan.")
        )
        PageViewRestriction.objects.create(page=hidden, restriction_type="login")
        NewsPageFactory(
            parent=news_index, title="Draft", live=False, body=boilerplate_body("Draft harbour.")
        )
        reindex()

    def results(self, client, q):
        response = client.get("/search/", {"q": q})
        soup = BeautifulSoup(response.content, "html.parser")
        shown = {}
        for result in soup.select(".search-result"):
            summary = result.select_one(".news-card__summary")
            snippet = result.select_one(".search-result__snippet")
            shown[result.select_one(".news-card__title").get_text(strip=True)] = (
                summary.decode_contents() if summary else None,
                snippet.decode_contents() if snippet else None,
            )
        return shown

    def test_snippets_come_from_each_posts_own_text(self, client, harbour_posts):
        shown = self.results(client, "harbour")
        assert shown == {
            # The body's paragraph with the word, marked.
            "Ferry timetable": (
                None,
                "The first ferry leaves the <mark>harbour</mark> at six from March.",
            ),
            # Two paragraphs' words do not run together; entities are not escaped twice.
            "Wall repairs": (
                "Repairs begin.",
                "Masons &amp; divers started on the <mark>harbour</mark> wall. Work takes a year.",
            ),
            # Matched only on the shared boxes: its own opening words.
            "Council budget": ("The council set its budget.", "Councillors voted 9 to 4."),
            "Marathon": (None, "Runners will pass the old quay and the lighthouse."),
            # The word in the summary is marked there.
            "Festival": (
                "Screenings by the <mark>harbour</mark>.",
                "Films run for a week in August.",
            ),
        }
        every_text = " ".join(part or "" for pair in shown.values() for part in pair)
        for shared in BOILERPLATE:
            assert shared.lower() not in every_text.lower()

    def test_a_long_paragraph_gives_an_excerpt_around_the_word(self, client, news_index, reindex):
        words = " ".join(f"word{number}" for number in range(80))
        NewsPageFactory(
            parent=news_index,
            title="Long read",
            summary="",
            body=paragraph(f"{words} then the lighthouse keeper {words}"),
        )
        reindex()
        snippet = self.results(client, "lighthouse")["Long read"][1]
        assert snippet.startswith("… ")
        assert snippet.endswith(" …")
        assert "<mark>lighthouse</mark> keeper" in snippet
        assert len(snippet.split()) <= 34

    def test_markup_in_a_summary_is_escaped(self, client, news_index, reindex):
        NewsPageFactory(
            parent=news_index,
            title="Tide tables",
            summary='<script>alert("tide")</script> tide',
            body=paragraph("Nothing to see."),
        )
        reindex()
        summary, _snippet = self.results(client, "tide")["Tide tables"]
        assert "<script>" not in summary
        assert summary.endswith("<mark>tide</mark>")
