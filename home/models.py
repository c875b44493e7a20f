"""The site root and plain pages (About, Contact, ...).

The content layer (docs/architecture.md): what these pages store. The home page's reader
view (the latest news) is in home/views.py.
"""

from django.db import models
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from cms.core.api_fields import BodyHTMLField, RichTextHTMLField, stream_field
from cms.core.pages import NewsdeskPage
from home.blocks import StandardBodyBlock

StandardBodyField = stream_field(StandardBodyBlock().api_schema(), "StandardBodyField")


class HomePage(NewsdeskPage, Page):
    """The root of a site; shows the latest news from every news index below it."""

    intro = RichTextField(blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    api_fields = [APIField("intro", serializer=RichTextHTMLField())]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["news.NewsIndexPage", "home.StandardPage"]
    lists_posts = True

    class Meta:
        verbose_name = "home page"


class StandardPage(NewsdeskPage, Page):
    """A plain page such as About or Contact, listed in the site navigation."""

    intro = models.TextField(blank=True, max_length=500)
    body = StreamField(StandardBodyBlock(), blank=True)
    # Off by default: an About or Contact page rarely wants a comment form (WordPress
    # closes comments on new pages too). Approved comments are shown either way, so the
    # comments an imported page had stay readable (docs/comments.md).
    comments_enabled = models.BooleanField(
        "allow reader comments",
        default=False,
        help_text="Readers may comment under the page; a comment appears once a moderator "
        "approves it. Approved comments are shown even when this is off.",
    )

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    settings_panels = [
        *Page.settings_panels,
        MultiFieldPanel([FieldPanel("comments_enabled")], heading="Reader comments"),
    ]
    api_fields = [
        APIField("intro"),
        APIField("body", serializer=StandardBodyField()),
        APIField("body_html", serializer=BodyHTMLField(source="*")),
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]

    parent_page_types = ["home.HomePage", "home.StandardPage"]
    subpage_types = ["home.StandardPage"]
    show_in_menus_default = True

    class Meta:
        verbose_name = "standard page"
