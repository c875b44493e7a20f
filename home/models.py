"""The site root and plain pages (About, Contact, ...).

The content layer (docs/architecture.md): what these pages store. The home page's reader
view (the front page: lead story, breaking strip, latest news, sections by tag) is in
home/views.py; its API field in home/api_fields.py.
"""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel, PageChooserPanel
from wagtail.api import APIField
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from cms.core.api_fields import BodyHTMLField, RichTextHTMLField, stream_field
from cms.core.pages import NewsdeskPage
from home.api_fields import FrontPageField
from home.blocks import StandardBodyBlock

#: The page type an editor may pick as the lead story (a string: home builds on cms.core
#: only, never on the news app).
NEWS_POST_TYPE = "news.NewsPage"

StandardBodyField = stream_field(StandardBodyBlock().api_schema(), "StandardBodyField")


class HomePage(NewsdeskPage, Page):
    """The root of a site: its front page, made of the news from every news index below
    it (docs/content-model.md, "The front page")."""

    intro = RichTextField(blank=True, features=["bold", "italic", "link"])
    lead_story = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="lead story",
        help_text="The story shown first, with a large picture. Leave empty for the newest "
        "post; a picked story readers can no longer see (unpublished, private, expired) "
        "gives way to the newest too.",
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        MultiFieldPanel(
            [PageChooserPanel("lead_story", page_type=NEWS_POST_TYPE)], heading="Lead story"
        ),
        InlinePanel(
            "sections",
            heading="Sections by tag",
            label="section",
            help_text="Shown below the latest news, in this order: the newest posts with "
            "the tag that are not already higher up the page. A section with no posts "
            "to show is left out.",
        ),
    ]
    api_fields = [
        APIField("intro", serializer=RichTextHTMLField()),
        APIField("front_page", serializer=FrontPageField(source="*")),
    ]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["news.NewsIndexPage", "home.StandardPage"]
    lists_posts = True

    class Meta:
        verbose_name = "home page"

    def clean(self):
        super().clean()
        story = self.lead_story
        if story is not None and story.specific_class._meta.label != NEWS_POST_TYPE:
            raise ValidationError({"lead_story": "Pick a news post."})


class HomePageSection(Orderable):
    """A section of the front page: the newest posts carrying one tag."""

    page = ParentalKey(HomePage, on_delete=models.CASCADE, related_name="sections")
    tag = models.ForeignKey(
        "taggit.Tag",
        on_delete=models.CASCADE,
        related_name="+",
        help_text="Posts with this tag; the heading links to the tag's page.",
    )
    heading = models.CharField(
        max_length=80, blank=True, help_text="Shown above the posts; the tag's name if empty."
    )
    post_count = models.PositiveSmallIntegerField(
        "number of posts",
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )

    panels = [FieldPanel("tag"), FieldPanel("heading"), FieldPanel("post_count")]

    class Meta(Orderable.Meta):
        verbose_name = "front page section"

    def __str__(self):
        return self.title

    @property
    def title(self):
        """The heading readers see."""
        return self.heading or self.tag.name


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
