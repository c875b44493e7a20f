"""The page tree rules and the page editor, through Wagtail's admin views."""

import datetime
import json

from wagtail.models import Page, Site
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import (
    inline_formset,
    nested_form_data,
    rich_text,
    streamfield,
)

from home.models import HomePage, StandardPage
from news.models import NewsIndexPage, NewsPage
from tests.home.factories import StandardPageFactory
from tests.news.factories import (
    AuthorFactory,
    DisclaimerFactory,
    ImageFactory,
    NewsIndexPageFactory,
    NewsPageFactory,
)


class PageTreeTests(WagtailPageTestCase):
    """Each page type can be created only where the content model allows it."""

    @classmethod
    def setUpTestData(cls):
        cls.home = Site.objects.get(is_default_site=True).root_page.specific
        cls.index = NewsIndexPageFactory(parent=cls.home)

    def test_home_page_only_at_the_tree_root(self):
        self.assertCanCreateAt(Page, HomePage)
        self.assertCanNotCreateAt(HomePage, HomePage)
        self.assertCanNotCreateAt(NewsIndexPage, HomePage)
        self.assertCanNotCreateAt(StandardPage, HomePage)

    def test_news_index_only_under_home(self):
        self.assertCanCreateAt(HomePage, NewsIndexPage)
        self.assertCanNotCreateAt(Page, NewsIndexPage)
        self.assertCanNotCreateAt(NewsIndexPage, NewsIndexPage)
        self.assertCanNotCreateAt(StandardPage, NewsIndexPage)
        self.assertCanNotCreateAt(NewsPage, NewsIndexPage)

    def test_news_page_only_under_news_index(self):
        self.assertCanCreateAt(NewsIndexPage, NewsPage)
        self.assertCanNotCreateAt(HomePage, NewsPage)
        self.assertCanNotCreateAt(StandardPage, NewsPage)
        self.assertCanNotCreateAt(NewsPage, NewsPage)
        self.assertCanNotCreateAt(Page, NewsPage)

    def test_standard_page_under_home_or_standard_page(self):
        self.assertCanCreateAt(HomePage, StandardPage)
        self.assertCanCreateAt(StandardPage, StandardPage)
        self.assertCanNotCreateAt(NewsIndexPage, StandardPage)
        self.assertAllowedParentPageTypes(StandardPage, {HomePage, StandardPage})

    def test_allowed_types_in_full(self):
        self.assertAllowedSubpageTypes(HomePage, {NewsIndexPage, StandardPage})
        self.assertAllowedSubpageTypes(NewsIndexPage, {NewsPage})
        self.assertAllowedSubpageTypes(NewsPage, set())
        self.assertAllowedParentPageTypes(NewsPage, {NewsIndexPage})

    def test_admin_add_page_refuses_wrong_parent(self):
        self.login()
        response = self.client.get(f"/admin/pages/add/news/newspage/{self.home.pk}/")
        # Wagtail answers a disallowed parent with a redirect and a permission message.
        self.assertEqual(response.status_code, 302)
        self.assertNotIn("/add/", response["Location"])
        response = self.client.get(f"/admin/pages/add/news/newspage/{self.index.pk}/")
        self.assertEqual(response.status_code, 200)


class NewsPageEditorTests(WagtailPageTestCase):
    """An editor can build a post with every block through the admin form."""

    @classmethod
    def setUpTestData(cls):
        cls.home = Site.objects.get(is_default_site=True).root_page.specific
        cls.index = NewsIndexPageFactory(parent=cls.home)
        cls.image = ImageFactory(title="Pier")
        cls.author = AuthorFactory(name="Maren Holt")
        cls.second_author = AuthorFactory(name="Luis Ferreira")
        cls.disclaimer = DisclaimerFactory(text="<p>Standing note for readers.</p>")
        cls.related = NewsPageFactory(parent=cls.index, title="Earlier story")

    def setUp(self):
        self.login()

    def post_data(self, **overrides):
        data = {
            "title": "Storm closes the harbour",
            "slug": "storm-closes-the-harbour",
            "publication_date": "2017-02-14",
            "summary": "The harbour is shut until Thursday.",
            "lead_image": self.image.pk,
            "breaking": "on",
            "source_name": "AFP",
            "source_url": "https://wire.example/afp",
            "site_disclaimer": "auto",
            "tags": "Storm, Port Alder",
            "news_authors": inline_formset(
                [{"author": self.author.pk}, {"author": self.second_author.pk}]
            ),
            "body": streamfield(
                [
                    ("paragraph", rich_text("<p>Waves <b>topped</b> the wall.</p>")),
                    (
                        "quote",
                        {
                            "text": rich_text("<p>We closed it <i>at dawn</i>.</p>"),
                            "attribution": "Harbour master",
                            "source_name": "AFP",
                            "source_url": "https://wire.example/afp/1",
                        },
                    ),
                    (
                        "image",
                        {
                            "image": self.image.pk,
                            "caption": "The pier at noon",
                            "credit": "Reuters",
                            "alt_text": "",
                        },
                    ),
                    (
                        "related_articles",
                        {
                            "heading": "Read more",
                            "items": streamfield(
                                [
                                    ("article", self.related.pk),
                                    ("link", {"url": "https://else.example/", "title": "Else"}),
                                ]
                            ),
                        },
                    ),
                    ("disclaimer", {"disclaimer": self.disclaimer.pk, "text": rich_text("")}),
                    (
                        "embed",
                        {
                            "url": "https://video.example/v/9",
                            "title": "Video",
                            "caption": "",
                        },
                    ),
                    (
                        "code",
                        {"language": "Python", "code": "\r\n    if tide < 2:\r\n\tclose()\r\n"},
                    ),
                    (
                        "table",
                        json.dumps(
                            {
                                "data": [["Ferry", "Time"], ["Alder", None]],
                                "table_header_choice": "row",
                                "table_caption": "Sailings",
                            }
                        ),
                    ),
                ]
            ),
        }
        data.update(overrides)
        return nested_form_data(data)

    def test_can_create_news_page_with_every_block(self):
        self.assertCanCreate(self.index, NewsPage, self.post_data())
        page = NewsPage.objects.get(slug="storm-closes-the-harbour")
        self.assertEqual(
            [block.block_type for block in page.body],
            [
                "paragraph",
                "quote",
                "image",
                "related_articles",
                "disclaimer",
                "embed",
                "code",
                "table",
            ],
        )
        self.assertIn("We closed it <i>at dawn</i>.</p>", page.body[1].value["text"].source)
        self.assertEqual(
            # Indentation kept (the first line's too), browsers' line breaks made "\n".
            page.body[6].value,
            {"language": "python", "code": "    if tide < 2:\n\tclose()"},
        )
        table = page.body[7].value
        self.assertEqual(table["data"], [["Ferry", "Time"], ["Alder", None]])
        self.assertTrue(table["first_row_is_table_header"])
        self.assertEqual(table["table_caption"], "Sailings")
        self.assertEqual(page.publication_date, datetime.date(2017, 2, 14))
        self.assertEqual([a.name for a in page.authors], ["Maren Holt", "Luis Ferreira"])
        self.assertEqual(sorted(t.name for t in page.tags.all()), ["Port Alder", "Storm"])
        self.assertTrue(page.breaking)
        self.assertEqual(page.body[1].value["source_name"], "AFP")
        self.assertEqual(page.body[3].value["items"][0].value.pk, self.related.pk)

    def test_publication_date_defaults_to_today(self):
        response = self.client.get(f"/admin/pages/add/news/newspage/{self.index.pk}/")
        self.assertContains(response, datetime.date.today().isoformat())

    def test_disclaimer_needs_exactly_one_of_snippet_or_text(self):
        add_url = f"/admin/pages/add/news/newspage/{self.index.pk}/"
        for value, message in [
            ({"disclaimer": "", "text": rich_text("")}, "Choose a saved disclaimer or write"),
            (
                {"disclaimer": self.disclaimer.pk, "text": rich_text("<p>Mine</p>")},
                "not both",
            ),
        ]:
            data = self.post_data(slug="bad-disclaimer", body=streamfield([("disclaimer", value)]))
            data["action-publish"] = "action-publish"
            response = self.client.post(add_url, nested_form_data(data))
            self.assertEqual(response.status_code, 200)
            self.assertContains(response, message)
            self.assertFalse(NewsPage.objects.filter(slug="bad-disclaimer").exists())

    def test_a_code_block_needs_code_and_a_language_name(self):
        add_url = f"/admin/pages/add/news/newspage/{self.index.pk}/"
        for value, message in [
            ({"language": '"><script>', "code": "x = 1"}, "Use a language name such as python"),
            ({"language": "python", "code": " \r\n\t "}, "Paste the code to show"),
        ]:
            data = self.post_data(slug="bad-code", body=streamfield([("code", value)]))
            response = self.client.post(add_url, nested_form_data(data))
            self.assertEqual(response.status_code, 200)
            self.assertContains(response, message)
            self.assertFalse(NewsPage.objects.filter(slug="bad-code").exists())

    def test_blocks_left_empty_save_in_a_draft_and_stop_publishing(self):
        """A related-articles block with no links yet and an empty disclaimer block are
        work in progress: a draft (and autosave) keeps them; publishing says what is
        missing, on the block."""
        add_url = f"/admin/pages/add/news/newspage/{self.index.pk}/"
        body = streamfield(
            [
                ("related_articles", {"heading": "Read more", "items": streamfield([])}),
                ("disclaimer", {"disclaimer": "", "text": rich_text("")}),
            ]
        )
        draft = self.post_data(slug="in-progress", body=body)
        self.assertEqual(self.client.post(add_url, draft).status_code, 302)
        page = NewsPage.objects.get(slug="in-progress")
        self.assertEqual([b.block_type for b in page.body], ["related_articles", "disclaimer"])

        response = self.client.post(
            f"/admin/pages/{page.pk}/edit/", {**draft, "action-publish": "action-publish"}
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Add at least one article or link, or remove this block.")
        self.assertContains(response, "Choose a saved disclaimer or write custom text.")
        page.refresh_from_db()
        self.assertFalse(page.live)

    def test_the_editor_explains_the_fields_and_blocks(self):
        response = self.client.get(f"/admin/pages/add/news/newspage/{self.index.pk}/")
        page = response.content.decode()
        # The headline box grows to show a long headline.
        self.assertRegex(page, r'<textarea name="title"[^>]*data-controller="w-autosize w-sync"')
        self.assertIn('placeholder="Headline*"', page)
        for help_text in [
            "In a paragraph, Enter starts a new paragraph.",
            "The words quoted, e.g. wire copy, with their bold, italics and links.",
            "Pasted as it is: spaces, tabs and line breaks are kept",
            "font-family: monospace",
            "Choose a saved disclaimer or write your own.",
            "Optional: a heading above the video",
            "Optional: a sentence or two shown after the headline",
            "Add an article or a link",
            "Show it, unless the post has its own disclaimer block",
        ]:
            self.assertIn(help_text, page)
        self.assertIn("cms/admin/labelled-stream-block.js", page)

    def test_a_headline_is_saved_on_one_line(self):
        data = self.post_data(slug="one-line", title="Storm closes\r\nthe   harbour ")
        self.assertEqual(
            self.client.post(f"/admin/pages/add/news/newspage/{self.index.pk}/", data).status_code,
            302,
        )
        self.assertEqual(NewsPage.objects.get(slug="one-line").title, "Storm closes the harbour")

    def test_a_draft_saves_without_an_author_publishing_and_submitting_need_one(self):
        add_url = f"/admin/pages/add/news/newspage/{self.index.pk}/"
        draft = self.post_data(slug="no-author", news_authors=inline_formset([]))
        response = self.client.post(add_url, draft)  # "Save draft", as autosave does
        self.assertEqual(response.status_code, 302)
        page = NewsPage.objects.get(slug="no-author")
        self.assertFalse(page.live)

        edit_url = f"/admin/pages/{page.pk}/edit/"
        for action in ("action-publish", "action-submit"):
            data = {**draft, action: action}
            response = self.client.post(edit_url, data)
            self.assertEqual(response.status_code, 200, action)
            self.assertContains(response, "Credit at least one author before submitting")
            page.refresh_from_db()
            self.assertFalse(page.live)
            self.assertIsNone(page.current_workflow_state)

        data = self.post_data(
            slug="no-author", news_authors=inline_formset([{"author": self.author.pk}])
        )
        data["action-publish"] = "action-publish"
        self.assertEqual(self.client.post(edit_url, data).status_code, 302)
        page.refresh_from_db()
        self.assertTrue(page.live)

    def test_can_create_standard_page(self):
        self.assertCanCreate(
            self.home,
            StandardPage,
            nested_form_data(
                {
                    "title": "About us",
                    "slug": "about-us",
                    "intro": "Who we are.",
                    "body": streamfield([("paragraph", rich_text("<p>We report.</p>"))]),
                }
            ),
        )

    def test_existing_post_opens_in_the_editor(self):
        page = NewsPageFactory(parent=self.index, title="Editable")
        response = self.client.get(f"/admin/pages/{page.pk}/edit/")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Editable")

    def test_standard_page_factory_menu_default(self):
        page = StandardPageFactory(parent=self.home)
        self.assertTrue(page.show_in_menus)


class SnippetAdminTests(WagtailPageTestCase):
    def setUp(self):
        self.login()

    def test_create_author_and_disclaimer_snippets(self):
        response = self.client.post(
            "/admin/snippets/news/author/add/",
            {"name": "Adaeze Okafor", "bio": "Business editor", "photo": ""},
        )
        self.assertEqual(response.status_code, 302)
        response = self.client.get("/admin/snippets/news/author/")
        self.assertContains(response, "Adaeze Okafor")

        response = self.client.post(
            "/admin/snippets/news/disclaimer/add/",
            {"title": "Opinion", "text": rich_text("<p>Views are the author's own.</p>")},
        )
        self.assertEqual(response.status_code, 302)

    def test_author_needs_a_name(self):
        response = self.client.post("/admin/snippets/news/author/add/", {"name": "", "bio": ""})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "This field is required")

    def test_news_settings_default_disclaimer(self):
        disclaimer = DisclaimerFactory(title="Corrections policy")
        site = Site.objects.get(is_default_site=True)
        response = self.client.post(
            f"/admin/settings/news/newssettings/{site.pk}/",
            {"default_disclaimer": disclaimer.pk},
        )
        self.assertEqual(response.status_code, 302)
        from news.models import NewsSettings

        self.assertEqual(NewsSettings.for_site(site).default_disclaimer, disclaimer)
