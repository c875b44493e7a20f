"""What a post is shared and found with: the lead image's caption and credit (page, API,
alt text, feeds), the share image and its fallbacks, and the JSON-LD ``NewsArticle``
(dates, publisher, authors) as Google documents it."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import PageViewRestriction, Site

from news.models import NewsPage, NewsSettings
from news.representation import PREFETCHED_RENDITION_SPECS
from tests.home.factories import StandardPageFactory
from tests.news.factories import AuthorFactory, ImageFactory, NewsPageFactory, image_block
from tests.news.test_seo import html, json_ld, meta

pytestmark = pytest.mark.django_db

MEDIA_RSS = "http://search.yahoo.com/mrss/"


def news_settings(**values):
    row = NewsSettings.for_site(Site.objects.get(is_default_site=True))
    for name, value in values.items():
        setattr(row, name, value)
    row.save()
    return row


def wide_image(title, **kwargs):
    return ImageFactory(title=title, file__width=1600, file__height=900, **kwargs)


# Lead image caption and credit ------------------------------------------------------------


class TestLeadImageCaption:
    def test_caption_and_credit_under_the_lead_image(self, client, news_index):
        post = NewsPageFactory(
            parent=news_index,
            lead_image=wide_image("IMG_0042"),
            lead_image_caption="Waves over the harbour wall on Tuesday",
            lead_image_credit="Photo: Jo Lens/AFP",
        )
        page = html(client.get(post.url))
        figure = page.select_one("figure.lead-image")
        assert figure.select_one(".block-image__caption").get_text() == (
            "Waves over the harbour wall on Tuesday"
        )
        assert figure.select_one(".block-image__credit").get_text() == "Photo: Jo Lens/AFP"
        # The image has no description of its own: the caption describes it, not its title.
        assert figure.img["alt"] == "Waves over the harbour wall on Tuesday"
        assert meta(page, "og:image:alt") == ["Waves over the harbour wall on Tuesday"]
        assert meta(page, "twitter:image:alt") == ["Waves over the harbour wall on Tuesday"]

    def test_the_images_own_description_wins_over_the_caption(self, client, news_index):
        post = NewsPageFactory(
            parent=news_index,
            lead_image=wide_image("IMG_0042", description="Grey waves breaking over a wall"),
            lead_image_caption="Tuesday's storm",
        )
        page = html(client.get(post.url))
        assert page.select_one("figure.lead-image img")["alt"] == "Grey waves breaking over a wall"
        assert meta(page, "og:image:alt") == ["Grey waves breaking over a wall"]
        assert page.select_one(".block-image__caption").get_text() == "Tuesday's storm"

    def test_no_caption_no_figcaption(self, client, news_index):
        post = NewsPageFactory(parent=news_index, lead_image=wide_image("Harbour"))
        page = html(client.get(post.url))
        assert page.select_one("figure.lead-image figcaption") is None
        assert page.select_one("figure.lead-image img")["alt"] == "Harbour"

    def test_credit_alone(self, client, news_index):
        post = NewsPageFactory(
            parent=news_index, lead_image=wide_image("Harbour"), lead_image_credit="Reuters"
        )
        figcaption = html(client.get(post.url)).select_one("figure.lead-image figcaption")
        assert figcaption.select_one(".block-image__caption") is None
        assert figcaption.select_one(".block-image__credit").get_text() == "Reuters"

    def test_caption_is_text_not_markup(self, client, news_index):
        post = NewsPageFactory(
            parent=news_index,
            lead_image=wide_image("Harbour"),
            lead_image_caption='<script>alert(1)</script> "quoted"',
        )
        response = client.get(post.url)
        assert b"<script>alert(1)" not in response.content
        page = html(response)
        assert page.select_one("figure.lead-image img")["alt"] == (
            '<script>alert(1)</script> "quoted"'
        )

    def test_in_the_api_v2_and_v3(self, client, news_index):
        post = NewsPageFactory(
            parent=news_index,
            lead_image=wide_image("IMG_0042"),
            lead_image_caption="Waves over the wall",
            lead_image_credit="AFP",
        )
        for url in (f"/api/v2/pages/{post.pk}/", f"/api/v3/pages/{post.pk}/"):
            data = client.get(url).json()
            assert data["lead_image_caption"] == "Waves over the wall"
            assert data["lead_image_credit"] == "AFP"
            assert data["lead_image"]["title"] == "IMG_0042"
            assert data["lead_image"]["alt"] == "Waves over the wall"
        listing = client.get(
            "/api/v2/pages/?type=news.NewsPage&fields=lead_image,lead_image_caption"
        ).json()
        [item] = listing["items"]
        assert item["lead_image"]["alt"] == "Waves over the wall"
        assert item["lead_image_caption"] == "Waves over the wall"

    def test_api_without_a_caption_keeps_the_images_alt(self, client, news_index):
        post = NewsPageFactory(parent=news_index, lead_image=wide_image("Harbour"))
        data = client.get(f"/api/v2/pages/{post.pk}/").json()
        assert data["lead_image"]["alt"] == "Harbour"
        assert data["lead_image_caption"] == ""
        assert data["lead_image_credit"] == ""

    def test_a_draft_caption_stays_out_of_the_page_and_api(self, client, news_index):
        post = NewsPageFactory(
            parent=news_index, lead_image=wide_image("Harbour"), lead_image_caption="Published"
        )
        post.save_revision().publish()
        post.lead_image_caption = "Unpublished draft caption"
        post.save_revision()
        assert b"Unpublished draft caption" not in client.get(post.url).content
        assert b"Unpublished draft caption" not in client.get(f"/api/v2/pages/{post.pk}/").content

    @pytest.mark.parametrize("url", ["/feeds/news/rss/", "/feeds/news/atom/"])
    def test_feeds_carry_the_caption_as_the_media_description(self, client, news_index, url):
        NewsPageFactory(
            parent=news_index, lead_image=wide_image("Harbour"), lead_image_caption="Waves"
        )
        root = ET.fromstring(client.get(url).content)  # noqa: S314 (our own response)
        [content] = root.iter(f"{{{MEDIA_RSS}}}content")
        assert content.get("medium") == "image"
        [description] = content.findall(f"{{{MEDIA_RSS}}}description")
        assert description.text == "Waves"
        assert description.get("type") == "plain"

    def test_feeds_without_a_caption_have_no_media_description(self, client, news_index):
        NewsPageFactory(parent=news_index, lead_image=wide_image("Harbour"))
        root = ET.fromstring(client.get("/feeds/news/rss/").content)  # noqa: S314
        assert list(root.iter(f"{{{MEDIA_RSS}}}content"))
        assert not list(root.iter(f"{{{MEDIA_RSS}}}description"))


# The share image --------------------------------------------------------------------------


class TestShareImage:
    def test_lead_image_first(self, client, news_index):
        lead = wide_image("Lead")
        post = NewsPageFactory(
            parent=news_index, lead_image=lead, body=[image_block(wide_image("Body"))]
        )
        page = html(client.get(post.url))
        [url] = meta(page, "og:image")
        assert url.endswith(lead.get_rendition("width-1200").url)

    def test_first_body_image_without_a_lead_image(self, client, news_index):
        first, second = wide_image("First"), wide_image("Second")
        body = [
            {"type": "paragraph", "value": "<p>Text first.</p>"},
            {
                "type": "image",
                "value": {
                    "image": first.pk,
                    "caption": "The pier",
                    "credit": "",
                    "alt_text": "A stone pier at dawn",
                },
            },
            image_block(second),
        ]
        news_settings(default_share_image=wide_image("Default"))
        post = NewsPageFactory(parent=news_index, body=body)
        page = html(client.get(post.url))
        rendition = first.get_rendition("width-1200")
        assert meta(page, "og:image") == [f"http://localhost{rendition.url}"]
        assert meta(page, "og:image:width") == ["1200"]
        assert meta(page, "og:image:alt") == ["A stone pier at dawn"]
        assert meta(page, "twitter:card") == ["summary_large_image"]
        assert meta(page, "twitter:image") == [f"http://localhost{rendition.url}"]
        assert json_ld(page)["image"] == [f"http://localhost{rendition.url}"]

    def test_a_deleted_body_image_is_skipped_for_the_default(self, client, news_index):
        gone = wide_image("Gone")
        default = wide_image("Default")
        news_settings(default_share_image=default)
        post = NewsPageFactory(parent=news_index, body=[image_block(gone)])
        gone.delete()
        page = html(client.get(post.url))
        assert meta(page, "og:image") == [
            f"http://localhost{default.get_rendition('width-1200').url}"
        ]

    def test_site_default_when_the_post_has_no_image(self, client, news_index):
        default = wide_image("Harbour skyline")
        news_settings(default_share_image=default)
        post = NewsPageFactory(parent=news_index)
        page = html(client.get(post.url))
        url = f"http://localhost{default.get_rendition('width-1200').url}"
        assert meta(page, "og:image") == [url]
        assert meta(page, "og:image:alt") == ["Harbour skyline"]
        assert meta(page, "twitter:card") == ["summary_large_image"]
        assert json_ld(page)["image"] == [url]

    def test_no_image_anywhere_is_a_summary_card(self, client, news_index):
        post = NewsPageFactory(parent=news_index)
        page = html(client.get(post.url))
        assert meta(page, "og:image") == []
        assert meta(page, "twitter:card") == ["summary"]
        assert "image" not in json_ld(page)

    @pytest.mark.parametrize(
        "url", ["/", "/news/", "/news/tags/storm/", "/news/2017/02/", "/about/", "/search/?q=x"]
    )
    def test_other_reader_pages_share_the_site_default(self, client, home_page, news_index, url):
        NewsPageFactory(
            parent=news_index, tags=["Storm"], publication_date=datetime.date(2017, 2, 14)
        )
        StandardPageFactory(parent=home_page, slug="about")
        assert meta(html(client.get(url)), "og:image") == []  # none set yet
        default = wide_image("Harbour skyline")
        news_settings(default_share_image=default)
        # Saving the settings refreshes stored pages: the image shows at once.
        page = html(client.get(url))
        image_url = f"http://localhost{default.get_rendition('width-1200').url}"
        assert meta(page, "og:image") == [image_url]
        assert meta(page, "og:image:width") == ["1200"]
        assert meta(page, "og:image:alt") == ["Harbour skyline"]
        assert meta(page, "twitter:card") == ["summary_large_image"]
        assert meta(page, "twitter:image") == [image_url]

    def test_another_sites_default_is_not_used(self, client, home_page, news_index, settings):
        settings.ALLOWED_HOSTS = ["localhost", "other.example", "testserver"]
        other_root = StandardPageFactory(parent=home_page, slug="other-root")
        other = Site.objects.create(hostname="other.example", port=80, root_page=other_root)
        row = NewsSettings.for_site(other)
        row.default_share_image = wide_image("Other site's image")
        row.save()
        post = NewsPageFactory(parent=news_index)
        assert meta(html(client.get(post.url)), "og:image") == []

    def test_the_fallback_reads_no_images_of_its_own(self, client, news_index):
        """A post whose picture is in its body, rendered from nothing: the body's image
        comes from the one image query (and one rendition query) the page makes anyway;
        the site's default share image and publisher logo are read once, not per post."""
        news_settings(default_share_image=wide_image("Default"), publisher_logo=wide_image("Logo"))
        posts = [
            NewsPageFactory(
                parent=news_index, slug=f"post-{n}", body=[image_block(wide_image("B"))]
            )
            for n in range(2)
        ]
        for post in posts:  # the renditions exist, as they do once a post was shown
            post.body[0].value["image"].get_renditions(*PREFETCHED_RENDITION_SPECS)
        client.get(posts[0].url)  # the settings' images are read
        with CaptureQueriesContext(connection) as queries:
            page = html(client.get(posts[1].url))
        sql = [query["sql"] for query in queries]
        assert len([q for q in sql if q.startswith('SELECT "wagtailimages_image"')]) == 1, sql
        assert len([q for q in sql if 'FROM "wagtailimages_rendition"' in q]) == 1, sql
        assert not [q for q in sql if "news_newssettings" in q], sql
        body_image = posts[1].body[0].value["image"]
        assert meta(page, "og:image") == [
            f"http://localhost{body_image.get_rendition('width-1200').url}"
        ]


# JSON-LD NewsArticle ----------------------------------------------------------------------


def assert_news_article_shape(data):
    """The properties Google reads from a NewsArticle, with the types it expects."""
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "NewsArticle"
    assert isinstance(data["headline"], str)
    assert data["headline"]
    for key in ("datePublished", "dateModified"):
        moment = datetime.datetime.fromisoformat(data[key])
        assert moment.utcoffset() is not None, f"{key} has no offset: {data[key]}"
    assert datetime.datetime.fromisoformat(data["dateModified"]) >= (
        datetime.datetime.fromisoformat(data["datePublished"])
    )
    assert isinstance(data["author"], list)
    for person in data["author"]:
        assert person["@type"] == "Person"
        assert isinstance(person["name"], str)
        assert person["url"].startswith("http")
    publisher = data["publisher"]
    assert publisher["@type"] == "Organization"
    assert isinstance(publisher["name"], str)
    assert publisher["url"].startswith("http")
    if "logo" in publisher:
        assert publisher["logo"]["@type"] == "ImageObject"
        assert publisher["logo"]["width"] <= 600
        assert publisher["logo"]["height"] <= 60
    for image in data.get("image", []):
        assert image.startswith("http")


class TestNewsArticleJsonLd:
    @override_settings(TIME_ZONE="Europe/Oslo")
    def test_date_published_is_when_the_post_went_live(self, client, news_index):
        post = NewsPageFactory(
            parent=news_index, live=False, publication_date=datetime.date(2017, 2, 14)
        )
        post.save_revision().publish()
        post.refresh_from_db()
        page = html(client.get(post.url))
        data = json_ld(page)
        assert_news_article_shape(data)
        published = datetime.datetime.fromisoformat(data["datePublished"])
        # The same instant (to the second)...
        assert published == post.first_published_at.replace(microsecond=0)
        assert published.utcoffset() == timezone.localtime(post.first_published_at).utcoffset()
        # ...and OpenGraph says the same.
        assert meta(page, "article:published_time") == [data["datePublished"]]

    def test_a_later_publish_keeps_the_first_publication_time(self, client, news_index):
        first = datetime.datetime(2017, 2, 14, 8, 5, tzinfo=datetime.UTC)
        post = NewsPageFactory(parent=news_index, first_published_at=first)
        post.title = "Corrected headline"
        post.save_revision().publish()
        data = json_ld(html(client.get(post.url)))
        assert data["datePublished"] == "2017-02-14T08:05:00+00:00"
        assert datetime.datetime.fromisoformat(data["dateModified"]) > first

    def test_scheduled_draft_preview_is_dated_when_it_goes_live(self, admin_client, news_index):
        go_live = (timezone.now() + datetime.timedelta(days=2)).replace(microsecond=0)
        draft = NewsPageFactory(parent=news_index, live=False, go_live_at=go_live)
        revision = draft.save_revision()
        response = admin_client.get(f"/admin/pages/{draft.pk}/revisions/{revision.pk}/view/")
        data = json_ld(html(response))
        assert datetime.datetime.fromisoformat(data["datePublished"]) == go_live

    def test_publisher_url_and_logo(self, client, news_index):
        logo = ImageFactory(title="Logo", file__width=1200, file__height=300)
        news_settings(publisher_logo=logo)
        post = NewsPageFactory(parent=news_index, authors=[AuthorFactory(name="Maren Holt")])
        data = json_ld(html(client.get(post.url)))
        assert_news_article_shape(data)
        rendition = logo.get_rendition("max-600x60")
        assert data["publisher"] == {
            "@type": "Organization",
            "name": "Newsdesk",
            "url": "http://localhost/",
            "logo": {
                "@type": "ImageObject",
                "url": f"http://localhost{rendition.url}",
                "width": 240,
                "height": 60,
            },
        }
        assert data["author"] == [
            {
                "@type": "Person",
                "name": "Maren Holt",
                "url": "http://localhost/news/authors/maren-holt/",
            }
        ]

    def test_no_logo_no_logo_property(self, client, news_index):
        post = NewsPageFactory(parent=news_index)
        data = json_ld(html(client.get(post.url)))
        assert_news_article_shape(data)
        assert "logo" not in data["publisher"]

    def test_a_logo_set_later_shows_on_a_stored_page(self, client, news_index):
        post = NewsPageFactory(parent=news_index)
        assert "logo" not in json_ld(html(client.get(post.url)))["publisher"]
        news_settings(publisher_logo=ImageFactory(title="Logo"))
        assert "logo" in json_ld(html(client.get(post.url)))["publisher"]

    def test_private_posts_give_nothing_away(self, client, news_index):
        post = NewsPageFactory(parent=news_index, title="Secret merger", lead_image_caption="x")
        PageViewRestriction.objects.create(
            page=post, restriction_type=PageViewRestriction.PASSWORD, password="secret"
        )
        response = client.get(post.url)
        assert b"Secret merger" not in response.content
        assert b"application/ld+json" not in response.content

    def test_imported_time_is_the_old_blogs(self, client, news_index):
        """An import records when the old blog published the post as its first
        publication (news/importers/base.py): that is its datePublished."""
        post = NewsPageFactory(parent=news_index, publication_date=datetime.date(2012, 5, 3))
        NewsPage.objects.filter(pk=post.pk).update(
            first_published_at=datetime.datetime(2012, 5, 3, 14, 20, tzinfo=datetime.UTC)
        )
        data = json_ld(html(client.get(post.url)))
        assert data["datePublished"] == "2012-05-03T14:20:00+00:00"

    def test_feeds_date_items_as_the_page_does(self, client, news_index):
        post = NewsPageFactory(
            parent=news_index,
            first_published_at=datetime.datetime(2017, 2, 14, 8, 5, tzinfo=datetime.UTC),
        )
        page_date = json_ld(html(client.get(post.url)))["datePublished"]
        rss = ET.fromstring(client.get("/feeds/news/rss/").content)  # noqa: S314
        assert rss.findtext("channel/item/pubDate") == "Tue, 14 Feb 2017 08:05:00 +0000"
        atom = ET.fromstring(client.get("/feeds/news/atom/").content)  # noqa: S314
        namespace = "{http://www.w3.org/2005/Atom}"
        published = atom.findtext(f"{namespace}entry/{namespace}published")
        assert published == page_date == "2017-02-14T08:05:00+00:00"
