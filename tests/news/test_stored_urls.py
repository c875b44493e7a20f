"""Stored content is rendered safely, however it was stored.

The admin's forms validate URLs and the rich text editor stores only its features'
markup, but an import, the shell or the database may store anything. These tests store
hostile values the way those do (raw StreamField data and model fields, no form) and
check what readers and API clients get: no live ``javascript:`` (or ``data:``,
``vbscript:``) link or source, no script, no event handler, no frame; the text is still
there, without a link. Legitimate links render as they are.
"""

import json

import pytest
from bs4 import BeautifulSoup
from django.core.cache import cache
from wagtail.contrib.search_promotions.models import Query, SearchPromotion
from wagtail.embeds.embeds import get_embed_hash
from wagtail.embeds.models import Embed
from wagtail.models import Site

from cms.core.blocks import embed as embed_block
from cms.core.safe_urls import safe_url
from news.models import NewsPage, NewsSettings
from tests.home.factories import StandardPageFactory
from tests.news.factories import DisclaimerFactory, NewsPageFactory

pytestmark = pytest.mark.django_db

SCRIPT_URLS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(2)",
    " java\tscript:alert(3) ",
    "javascript&#58;alert(4)",
    "data:text/html,<script>alert(5)</script>",
    "vbscript:msgbox(6)",
]

HOSTILE_RICH_TEXT = (
    '<p data-block-key="a">Safe words.</p><script>alert("in the paragraph")</script>'
    '<p onclick="alert(1)" style="color:red">Click me</p>'
    '<p><a href="javascript:alert(1)">plain</a> <a href="JaVaScRiPt:alert(1)">mixed</a>'
    ' <a href="java&#9;script:alert(1)">tab</a> <a href="javascript&#58;alert(1)">entity</a>'
    ' <a href="https://ok.example/" onmouseover="alert(1)">handler</a></p>'
    '<img src="x" onerror="alert(1)"><iframe src="javascript:alert(1)"></iframe>'
    "<svg onload=alert(1)></svg><![CDATA[ > <img src=x onerror=alert(1)> ]]>"
)
SCRIPT_MARKERS = ("javascript:", "vbscript:", "data:text/html", "<script>", "alert(")


def hostile_body():
    """Every block with a URL or rich text, holding hostile values."""
    return [
        {"type": "paragraph", "value": HOSTILE_RICH_TEXT},
        {
            "type": "quote",
            "value": {
                "text": "The wall will hold.",
                "attribution": "Harbour master",
                "source_name": "Wire service",
                "source_url": "javascript:alert('quote')",
            },
        },
        {
            "type": "related_articles",
            "value": {
                "heading": "Read more",
                "items": [
                    {
                        "type": "link",
                        "value": {"url": url, "title": f"Link {number}", "summary": ""},
                    }
                    for number, url in enumerate(SCRIPT_URLS)
                ],
            },
        },
        {
            "type": "embed",
            "value": {
                "heading": "Video",
                "url": "javascript:alert('embed')",
                "title": "The storm on video",
                "caption": "At dawn",
            },
        },
        {
            "type": "disclaimer",
            "value": {"disclaimer": None, "text": '<p>Own note</p><script>alert("d")</script>'},
        },
    ]


@pytest.fixture
def hostile_post(news_index, home_page):
    """A live post, the site-wide disclaimer, the news index and home page intros, all
    stored with hostile values."""
    snippet = DisclaimerFactory(text='<p onclick="alert(1)">Site notice</p><script>x()</script>')
    settings_row = NewsSettings.for_site(Site.objects.get(is_default_site=True))
    settings_row.default_disclaimer = snippet
    settings_row.save()
    intro = '<p>Welcome<script>alert("intro")</script> <a href="javascript:alert(1)">here</a></p>'
    type(home_page).objects.filter(pk=home_page.pk).update(intro=intro)
    type(news_index).objects.filter(pk=news_index.pk).update(intro=intro)
    post = NewsPageFactory(
        parent=news_index,
        title="Hostile post",
        slug="hostile-post",
        source_name="Agency",
        site_disclaimer="both",
    )
    # As the shell or a database import would: straight into the table, no form, no
    # validation.
    NewsPage.objects.filter(pk=post.pk).update(
        body=json.dumps(hostile_body()), source_url="javascript:alert('source')"
    )
    post.refresh_from_db()
    return post


def soup(response):
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.content, "html.parser")


def assert_no_live_script(document, html):
    """No script (other than JSON-LD data), handler, frame or unsafe URL in the page."""
    for script in document.find_all("script"):
        assert script.get("type") == "application/ld+json", script
    assert not document.find_all(["iframe", "svg", "object", "img"], src="x")
    for tag in document.find_all(True):
        for name, value in tag.attrs.items():
            assert not name.lower().startswith("on"), (tag.name, name)
            if name in ("href", "src", "cite", "action", "formaction", "poster", "data"):
                assert safe_url(value) == value, (tag.name, name, value)
    lowered = html.lower()
    for marker in ("javascript:", "vbscript:", "data:text/html", "onerror", "onclick"):
        assert marker not in lowered, marker


def assert_json_inert(value):
    text = json.dumps(value, ensure_ascii=False).lower()
    for marker in (*SCRIPT_MARKERS, "onerror", "onclick", "onmouseover", "onload", "<iframe"):
        assert marker not in text, marker


def blocks_by_type(body):
    return {block["type"]: block["value"] for block in body}


class TestReaderPages:
    def test_the_post_renders_no_live_script(self, client, hostile_post):
        response = client.get(hostile_post.url)
        document = soup(response)
        assert_no_live_script(document, response.content.decode())

    def test_the_text_stays_without_its_links(self, client, hostile_post):
        document = soup(client.get(hostile_post.url))
        body = document.select_one(".article-body")

        paragraph = body.select_one(".block-paragraph")
        assert "Safe words." in paragraph.get_text()
        assert "Click me" in paragraph.get_text()
        links = {a.get_text(): a.get("href") for a in paragraph.select("a")}
        assert links == {
            "plain": None,
            "mixed": None,
            "tab": None,
            "entity": None,
            "handler": "https://ok.example/",
        }

        quote = body.select_one(".block-quote")
        assert quote.blockquote.get("cite") is None
        source = quote.select_one(".block-quote__source")
        assert source.get_text(" ", strip=True) == "Source: Wire service"
        assert source.a is None

        related = body.select_one(".block-related")
        assert related.select("a") == []
        titles = [item.get_text(strip=True) for item in related.select(".block-related__item")]
        assert titles == [f"Link {number}" for number in range(len(SCRIPT_URLS))]

        embed = body.select_one(".block-embed")
        assert embed.a is None
        assert embed.select_one(".block-embed__fallback").get_text() == "The storm on video"
        assert embed.figcaption.get_text() == "At dawn"

        notes = [aside.get_text(strip=True) for aside in document.select("aside.disclaimer")]
        assert notes == ["Own note", "Site notice"]

        credit = document.select_one(".source-credit")
        assert credit.get_text(strip=True) == "Source: Agency"
        assert credit.a is None

    def test_an_embed_with_a_script_url_is_never_looked_up(
        self, client, hostile_post, monkeypatch
    ):
        asked = []
        monkeypatch.setattr(embed_block, "get_embed", lambda url, *a, **k: asked.append(url))
        # Even an oEmbed result stored for that URL (by the shell, say) is not used.
        url = "javascript:alert('embed')"
        Embed.objects.create(
            url=url, hash=get_embed_hash(url), html="<script>alert('stored')</script>"
        )
        cache.clear()
        response = client.get(hostile_post.url)
        assert_no_live_script(soup(response), response.content.decode())
        client.get(f"/api/v2/pages/{hostile_post.pk}/")
        client.get(f"/api/v3/pages/{hostile_post.pk}/")
        assert asked == []

    def test_home_and_index_intros_are_sanitised(self, client, hostile_post):
        for url, intro in (("/", ".front-intro"), ("/news/", ".lede")):
            response = client.get(url)
            document = soup(response)
            lede = document.select_one(intro)
            assert lede.get_text(" ", strip=True) == "Welcome here"
            assert lede.a is not None and lede.a.get("href") is None
            assert_no_live_script(document, response.content.decode())

    def test_a_standard_page_body_is_sanitised(self, client, home_page):
        page = StandardPageFactory(parent=home_page, title="About", slug="about")
        body = [block for block in hostile_body() if block["type"] in ("paragraph", "quote")]
        type(page).objects.filter(pk=page.pk).update(body=json.dumps(body))
        response = client.get("/about/")
        assert_no_live_script(soup(response), response.content.decode())

    def test_a_promoted_search_result_with_a_script_url_is_not_a_link(self, client, news_index):
        NewsPageFactory(parent=news_index, title="Harbour news")
        SearchPromotion.objects.create(
            query=Query.get("harbour"),
            external_link_url="javascript:alert(1)",
            external_link_text="Promoted",
            description="Recommended",
        )
        response = client.get("/search/", {"q": "harbour"})
        document = soup(response)
        promoted = document.select_one(".promoted")
        assert promoted.a is None
        assert "Promoted" in promoted.get_text()
        assert_no_live_script(document, response.content.decode())


class TestAPI:
    @pytest.mark.parametrize("version", ["v2", "v3"])
    def test_the_detail_serves_no_live_script(self, client, hostile_post, version):
        response = client.get(f"/api/{version}/pages/{hostile_post.pk}/")
        assert response.status_code == 200, response.content[:300]
        data = response.json()
        assert_json_inert(data)

        blocks = blocks_by_type(data["body"])
        paragraph = BeautifulSoup(blocks["paragraph"], "html.parser")
        assert "Safe words." in paragraph.get_text()
        assert [a.get("href") for a in paragraph.select("a")] == [
            None,
            None,
            None,
            None,
            "https://ok.example/",
        ]
        assert blocks["quote"]["source_url"] == ""
        assert blocks["quote"]["source_name"] == "Wire service"
        assert [item["url"] for item in blocks["related_articles"]["items"]] == [""] * len(
            SCRIPT_URLS
        )
        assert blocks["embed"]["url"] == ""
        assert blocks["embed"]["embed"] is None
        assert "Own note" in blocks["disclaimer"]["html"]
        assert data["source"] == {"name": "Agency", "url": ""}
        assert "Site notice" in data["default_disclaimer"]

        body_html = BeautifulSoup(data["body_html"], "html.parser")
        assert "Safe words." in body_html.get_text()
        assert_no_live_script(body_html, data["body_html"])

    @pytest.mark.parametrize("version", ["v2", "v3"])
    def test_listings_serve_no_live_script(self, client, hostile_post, version):
        fields = "body,body_html,source,default_disclaimer"
        response = client.get(f"/api/{version}/pages/?type=news.NewsPage&fields={fields}")
        assert response.status_code == 200, response.content[:300]
        items = response.json()["items"]
        assert [item["title"] for item in items] == ["Hostile post"]
        assert_json_inert(items)

    @pytest.mark.parametrize("version", ["v2", "v3"])
    def test_intros_and_the_site_disclaimer(self, client, hostile_post, news_index, version):
        index = client.get(f"/api/{version}/pages/{news_index.pk}/").json()
        assert_json_inert(index)
        assert BeautifulSoup(index["intro"], "html.parser").get_text() == "Welcome here"
        site = client.get(f"/api/{version}/site/").json()
        assert_json_inert(site)
        assert "Site notice" in site["default_disclaimer"]


LEGIT_RICH_TEXT = (
    '<p data-block-key="k1">See <a href="https://wire.example/a?x=1&amp;y=2">the wire</a>,'
    ' <a href="http://old.example/">the archive</a>, <a href="mailto:desk@newsdesk.example">'
    'mail us</a>, <a href="tel:+442079460000">call us</a>, <a href="/news/">the index</a>'
    ' or <a href="#notes">the notes</a>.</p>'
)


@pytest.fixture
def linked_post(news_index):
    earlier = NewsPageFactory(parent=news_index, title="Earlier", slug="earlier")
    post = NewsPageFactory(
        parent=news_index,
        title="Linked post",
        slug="linked-post",
        source_name="AFP",
        source_url="https://wire.example/afp",
    )
    body = [
        {
            "type": "paragraph",
            "value": LEGIT_RICH_TEXT
            + f'<p data-block-key="k2">And <a linktype="page" id="{earlier.pk}">earlier</a>.</p>',
        },
        {
            "type": "quote",
            "value": {
                "text": "Quoted.",
                "attribution": "",
                "source_name": "Wire",
                "source_url": "https://wire.example/q",
            },
        },
        {
            "type": "related_articles",
            "value": {
                "heading": "Read more",
                "items": [
                    {"type": "article", "value": earlier.pk},
                    {"type": "link", "value": {"url": "/news/earlier/", "title": "Relative"}},
                    {"type": "link", "value": {"url": "mailto:tips@x.example", "title": "Tips"}},
                    {"type": "link", "value": {"url": "//elsewhere.example/s", "title": "Other"}},
                ],
            },
        },
        {
            "type": "embed",
            "value": {"url": "https://video.example/v/1", "title": "Watch", "caption": ""},
        },
    ]
    NewsPage.objects.filter(pk=post.pk).update(body=json.dumps(body))
    post.refresh_from_db()
    return post, earlier


EXPECTED_PARAGRAPH_LINKS = [
    ("the wire", "https://wire.example/a?x=1&y=2"),
    ("the archive", "http://old.example/"),
    ("mail us", "mailto:desk@newsdesk.example"),
    ("call us", "tel:+442079460000"),
    ("the index", "/news/"),
    ("the notes", "#notes"),
]


class TestLegitimateLinks:
    def test_the_reader_page_links_them(self, client, linked_post):
        post, earlier = linked_post
        document = soup(client.get(post.url))
        paragraph = document.select_one(".block-paragraph")
        links = [(a.get_text(), a["href"]) for a in paragraph.select("a")]
        assert links == [*EXPECTED_PARAGRAPH_LINKS, ("earlier", earlier.url)]
        quote = document.select_one(".block-quote")
        assert quote.blockquote["cite"] == "https://wire.example/q"
        assert quote.select_one(".block-quote__source a")["href"] == "https://wire.example/q"
        related = [(a.get_text(), a["href"]) for a in document.select(".block-related a")]
        assert related == [
            ("Earlier", earlier.url),
            ("Relative", "/news/earlier/"),
            ("Tips", "mailto:tips@x.example"),
            ("Other", "https://elsewhere.example/s"),
        ]
        fallback = document.select_one(".block-embed__fallback a")
        assert fallback["href"] == "https://video.example/v/1"
        assert document.select_one(".source-credit a")["href"] == "https://wire.example/afp"

    @pytest.mark.parametrize("version", ["v2", "v3"])
    def test_the_api_serves_them(self, client, linked_post, version):
        post, earlier = linked_post
        data = client.get(f"/api/{version}/pages/{post.pk}/").json()
        blocks = blocks_by_type(data["body"])
        paragraph = BeautifulSoup(blocks["paragraph"], "html.parser")
        links = [(a.get_text(), a["href"]) for a in paragraph.select("a")]
        assert links[:-1] == [
            (text, href if not href.startswith("/") else "http://localhost" + href)
            for text, href in EXPECTED_PARAGRAPH_LINKS
        ]
        assert links[-1] == ("earlier", "http://localhost" + earlier.url)
        assert blocks["quote"]["source_url"] == "https://wire.example/q"
        links = [item for item in blocks["related_articles"]["items"] if item["type"] == "link"]
        assert [link["url"] for link in links] == [
            "/news/earlier/",
            "mailto:tips@x.example",
            "https://elsewhere.example/s",
        ]
        assert blocks["embed"]["url"] == "https://video.example/v/1"
        assert data["source"] == {"name": "AFP", "url": "https://wire.example/afp"}
        body_html = BeautifulSoup(data["body_html"], "html.parser")
        assert body_html.select_one(".block-quote__source a")["href"] == "https://wire.example/q"


@pytest.mark.parametrize(
    "paragraph",
    [
        '<p><a linktype="page" id="abc">a page</a></p>',
        '<p><a linktype="page" id="99999999999999999999">a page</a></p>',
        '<p><a linktype="document" id="1.5">a file</a></p>',
        '<p>x</p><embed embedtype="image" id="abc" format="fullwidth" alt="x"/>',
        '<p>x</p><embed embedtype="image" id="99999999999999999999" format="left" alt="x"/>',
        '<p>x</p><embed embedtype="media" id="1"/>',
    ],
)
def test_links_and_embeds_with_ids_no_handler_can_look_up_do_not_break_the_page(
    client, news_index, paragraph
):
    """Stored by an import or the shell: Wagtail's handlers failed on them (ValueError,
    OverflowError, KeyError), a 500 on the page and in the API."""
    post = NewsPageFactory(parent=news_index, title="Odd links")
    body = [{"type": "paragraph", "value": paragraph}]
    NewsPage.objects.filter(pk=post.pk).update(body=json.dumps(body))
    post.refresh_from_db()
    assert client.get(post.url).status_code == 200
    for url in (f"/api/v2/pages/{post.pk}/", f"/api/v3/pages/{post.pk}/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "abc" not in json.dumps(response.json()["body"])


@pytest.mark.parametrize(
    "embed",
    [
        '<embed embedtype="image" id="{id}" alt="x"/>',  # no format
        '<embed embedtype="image" id="{id}" format="bogus" alt="x"/>',
        '<embed embedtype="image" format="left" alt="x"/>',  # no image
        '<embed alt="x" embedtype="image" format="fullwidth" id="{id}" onload="x()"/>',
    ],
)
def test_an_image_embed_wagtail_cannot_render_does_not_break_the_page(client, news_index, embed):
    from tests.news.factories import ImageFactory

    image = ImageFactory()
    post = NewsPageFactory(parent=news_index, title="Odd image")
    paragraph = "<p>Before</p>" + embed.format(id=image.pk) + "<p>After</p>"
    NewsPage.objects.filter(pk=post.pk).update(
        body=json.dumps([{"type": "paragraph", "value": paragraph}])
    )
    response = client.get(post.url)
    assert response.status_code == 200
    assert "After" in response.content.decode()
    assert "onload" not in response.content.decode()
    for url in (f"/api/v2/pages/{post.pk}/", f"/api/v3/pages/{post.pk}/"):
        assert client.get(url).status_code == 200, url


def test_an_image_embed_the_editor_wrote_still_renders(client, news_index):
    from tests.news.factories import ImageFactory

    image = ImageFactory()
    post = NewsPageFactory(parent=news_index, title="Editor image")
    paragraph = (
        f'<p>Before</p><embed alt="A pier" embedtype="image" format="fullwidth" id="{image.pk}"/>'
    )
    NewsPage.objects.filter(pk=post.pk).update(
        body=json.dumps([{"type": "paragraph", "value": paragraph}])
    )
    assert 'alt="A pier"' in client.get(post.url).content.decode()
