"""The news content model: the blog index, posts, authors, disclaimers and news settings.

The content layer (docs/architecture.md): what pages and snippets store and how editors
edit them. What readers are shown with a page is worked out in news/views.py; the API
fields' serializers are in news/api_fields.py."""

import datetime
import math

from django import forms
from django.db import models
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.text import slugify
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import Tag, TaggedItemBase
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    MultiFieldPanel,
    MultipleChooserPanel,
    TitleFieldPanel,
)
from wagtail.admin.widgets import AdminAutoHeightTextInput
from wagtail.api import APIField
from wagtail.contrib.routable_page.models import RoutablePageMixin, path, re_path
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page, Site
from wagtail.search import index

from cms.core import content_version
from cms.core.pages import NewsdeskPage
from cms.core.resolvers import resolver_for
from news import api_fields
from news.blocks import NewsBodyBlock
from news.forms import NewsPageForm


class Author(index.Indexed, models.Model):
    """A person credited in bylines. Managed as a snippet; each has a reader page at
    ``/news/authors/<slug>/`` under the news index."""

    name = models.CharField(max_length=255)
    slug = models.SlugField(
        max_length=255,
        unique=True,
        allow_unicode=True,
        blank=True,
        help_text="The last part of the author page's address, /news/authors/<slug>/; "
        "made from the name when left empty",
    )
    job_title = models.CharField(
        "role",
        max_length=255,
        blank=True,
        help_text='Shown on the author page, e.g. "Political correspondent"',
    )
    bio = models.TextField("short bio", blank=True, max_length=1000)
    photo = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("job_title"),
        FieldPanel("bio"),
        FieldPanel("photo"),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_author_slug(self.name, Author.objects.exclude(pk=self.pk))
        super().save(*args, **kwargs)


def unique_author_slug(name, others):
    """A slug for an author called ``name`` that none of ``others`` (a queryset) has:
    the slugified name, then ``-2``, ``-3``... ``author`` when the name has no letters."""
    base = slugify(name, allow_unicode=True)[:240] or "author"
    slug, number = base, 1
    while others.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


class Disclaimer(index.Indexed, models.Model):
    """A standing notice reused across posts, e.g. "Opinions are the author's own"."""

    title = models.CharField(max_length=255, help_text="For editors; not shown to readers")
    text = RichTextField(features=["bold", "italic", "link"])

    panels = [FieldPanel("title"), FieldPanel("text")]
    search_fields = [index.SearchField("title"), index.AutocompleteField("title")]

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title


@register_setting(icon="warning")
class NewsSettings(BaseSiteSetting):
    """Per-site news settings, edited under Settings > News settings."""

    default_disclaimer = models.ForeignKey(
        Disclaimer,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Shown at the foot of every post unless the post turns it off",
    )

    default_share_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Shown when a page is shared and has no image of its own (a post without "
        "a lead image or body image, the home page, listings)",
    )
    publisher_logo = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The publication's logo, named as the publisher in search engines' "
        "article data (schema.org); a wide logo at most 600 px by 60 px suits Google",
    )

    panels = [
        FieldPanel("default_disclaimer"),
        FieldPanel("default_share_image"),
        FieldPanel("publisher_logo"),
    ]

    class Meta:
        verbose_name = "news settings"


class NewsIndexPage(NewsdeskPage, RoutablePageMixin, Page):
    """The blog index: paginated posts, tag pages and month archives.

    URLs below the index (``/news/`` here):
    - ``/news/?page=2`` and ``/news/?tag=<slug>``
    - ``/news/tags/<slug>/``
    - ``/news/<yyyy>/<mm>/``
    - ``/news/authors/<slug>/`` (an author's page: bio, photo and posts, ``?page=2``)
    A non-numeric or out-of-range page, an unknown tag or an impossible month is a 404,
    and so is an unknown author or one with no post readers can see.
    The routes work out which listing is asked for; the posts in it are the reader view's
    (``news.views.news_index_context``).
    """

    intro = RichTextField(blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    api_fields = [APIField("intro", serializer=api_fields.RichTextHTMLField())]

    parent_page_types = ["home.HomePage"]
    subpage_types = ["news.NewsPage"]
    show_in_menus_default = True
    lists_posts = True

    class Meta:
        verbose_name = "news index page"

    def route(self, request, path_components):
        result = super().route(request, path_components)
        page = result[0] if result else None
        if isinstance(page, NewsPage) and page.depth == self.depth + 1:
            # The article view needs its index (tag links, the posts either side): it
            # is this page, already loaded.
            page.routed_index = self
        return result

    @path("")
    def index_route(self, request):
        tag_slug = request.GET.get("tag")
        if tag_slug is not None:
            return self.tag_route(request, tag_slug, tag_query=tag_slug)
        return self.render(request)

    @path("tags/<str:tag>/", name="tag")
    def tag_route(self, request, tag, tag_query=None):
        tag_object = get_object_or_404(Tag, slug=tag)
        return self.render(request, tag=tag_object, tag_query=tag_query)

    @re_path(r"^(?P<year>\d{4})/(?P<month>\d{2})/$", name="month")
    def month_route(self, request, year, month):
        year, month = int(year), int(month)
        if not (1 <= month <= 12 and year >= datetime.MINYEAR):
            raise Http404("No such month")
        return self.render(request, month=datetime.date(year, month, 1))

    @path("authors/<str:slug>/", name="author")
    def author_route(self, request, slug):
        author = get_object_or_404(
            Author.objects.select_related("photo").prefetch_related("photo__renditions"),
            slug=slug,
        )
        return self.render(request, template="news/author_page.html", author=author)


class NewsPageTag(TaggedItemBase):
    content_object = ParentalKey(
        "news.NewsPage", on_delete=models.CASCADE, related_name="tagged_items"
    )


class NewsPageAuthor(Orderable):
    """One byline entry: the authors of a post, in the order they are credited."""

    page = ParentalKey("news.NewsPage", on_delete=models.CASCADE, related_name="news_authors")
    author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="+")

    panels = [FieldPanel("author")]


class SiteDisclaimer(models.TextChoices):
    """Whether a post shows the site-wide disclaimer (News settings) under its body.

    One disclaimer per post by default: a post that has a disclaimer block of its own
    shows only that one, unless the editor asks for both."""

    AUTO = "auto", "Show it, unless the post has its own disclaimer block"
    BOTH = "both", "Show it, also when the post has its own disclaimer block"
    NEVER = "never", "Don't show it"


class NewsPage(NewsdeskPage, Page):
    """A dated, headlined news post."""

    publication_date = models.DateField(
        default=datetime.date.today,
        db_index=True,
        help_text="Shown as the date header; posts are listed newest first by this date",
    )
    summary = models.TextField(
        blank=True,
        max_length=500,
        help_text="One or two sentences shown in listings and previews",
    )
    lead_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    lead_image_caption = models.CharField(
        "caption",
        max_length=500,
        blank=True,
        help_text="Shown under the lead image; also its text for readers who can't see it "
        "when the image has no alt text of its own",
    )
    lead_image_credit = models.CharField(
        "credit", max_length=255, blank=True, help_text='Who took or owns it, e.g. "Photo: AFP"'
    )
    breaking = models.BooleanField(
        default=False, help_text="Marks the post as breaking news in listings and on the page"
    )
    source_name = models.CharField(
        "source", max_length=255, blank=True, help_text='Credit the source, e.g. "AFP"'
    )
    source_url = models.URLField("source URL", blank=True, max_length=500)
    site_disclaimer = models.CharField(
        "site-wide disclaimer",
        max_length=6,
        choices=SiteDisclaimer.choices,
        default=SiteDisclaimer.AUTO,
        help_text="The site-wide disclaimer is written in Settings > News settings. A post "
        "with a disclaimer block of its own shows just that one unless you choose to show both.",
    )
    body = StreamField(NewsBodyBlock(), blank=True)
    tags = ClusterTaggableManager(through=NewsPageTag, blank=True)
    comments_enabled = models.BooleanField(
        "allow reader comments",
        default=True,
        help_text="Readers may comment under the post; a comment appears once a moderator "
        "approves it. Comments may also close a set number of days after the post's date.",
    )

    content_panels = [
        # A headline can be long: the title grows to show all of it (news/forms.py keeps
        # it on one line when saved).
        TitleFieldPanel(
            "title",
            placeholder="Headline*",
            widget=AdminAutoHeightTextInput,
            help_text="The headline readers see, in listings and on the post",
        ),
        FieldRowPanel([FieldPanel("publication_date"), FieldPanel("breaking")]),
        FieldPanel("summary"),
        MultiFieldPanel(
            [
                FieldPanel("lead_image"),
                FieldRowPanel([FieldPanel("lead_image_caption"), FieldPanel("lead_image_credit")]),
            ],
            heading="Lead image",
        ),
        # Required to submit or publish, not to save a draft (news/forms.py).
        MultipleChooserPanel(
            "news_authors",
            chooser_field_name="author",
            label="Authors",
            help_text="Who wrote it, in byline order. Needed to submit or publish.",
        ),
        FieldPanel(
            "body",
            help_text="The story, block by block: add paragraphs, quotes with their source, "
            "images, related articles, videos and disclaimers with the + buttons. In a "
            "paragraph, Enter starts a new paragraph.",
        ),
        FieldPanel("tags"),
        MultiFieldPanel(
            [FieldPanel("source_name"), FieldPanel("source_url")],
            heading="Source credit",
        ),
        FieldPanel("site_disclaimer", widget=forms.RadioSelect),
    ]
    settings_panels = [
        *Page.settings_panels,
        MultiFieldPanel([FieldPanel("comments_enabled")], heading="Reader comments"),
    ]

    # Page.search_fields has the title (boosted 2); the rest counts once.
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("search_body_text"),
        index.SearchField("search_tag_names"),
        index.SearchField("search_author_names"),
        index.FilterField("publication_date"),
        index.FilterField("breaking"),
        index.FilterField("expire_at"),
    ]

    parent_page_types = ["news.NewsIndexPage"]
    subpage_types = []
    base_form_class = NewsPageForm

    api_fields = [
        APIField("publication_date"),
        APIField("summary"),
        APIField("breaking"),
        APIField("lead_image", serializer=api_fields.LeadImageField(source="*")),
        APIField("lead_image_caption"),
        APIField("lead_image_credit"),
        APIField("authors", serializer=api_fields.AuthorsField(source="*")),
        APIField("tags", serializer=api_fields.TagsField(source="*")),
        APIField("source", serializer=api_fields.SourceField(source="*")),
        APIField("site_disclaimer"),
        APIField(
            "show_default_disclaimer",
            serializer=api_fields.ShowsDefaultDisclaimerField(source="*"),
        ),
        APIField("default_disclaimer", serializer=api_fields.DefaultDisclaimerField(source="*")),
        APIField("body", serializer=api_fields.BodyField()),
        APIField("body_html", serializer=api_fields.BodyHTMLField(source="*")),
        APIField("reading_minutes", serializer=api_fields.MinutesField(read_only=True)),
        APIField("comment_count", serializer=api_fields.CommentCountField(source="*")),
    ]

    class Meta:
        verbose_name = "news page"

    #: Where news.selectors.post_detail_prefetches puts a post's tags and byline rows.
    PREFETCHED_TAGS = "prefetched_tags"
    PREFETCHED_BYLINE = "prefetched_byline"

    @property
    def authors(self):
        """The credited authors in byline order (uses prefetched rows when present)."""
        rows = self.__dict__.get(self.PREFETCHED_BYLINE)
        if rows is None:
            rows = self.news_authors.all()
        return [row.author for row in rows]

    @property
    def tag_list(self):
        """The post's tags (the prefetched list when present; a preview's own, unsaved
        tags otherwise, as ``tags.all()`` gives them)."""
        tags = self.__dict__.get(self.PREFETCHED_TAGS)
        return tags if tags is not None else list(self.tags.all())

    @property
    def reading_minutes(self):
        """Estimated reading time at 230 words a minute (reads the stored text only)."""
        return max(1, math.ceil(self.body.stream_block.word_count(self.body) / 230))

    @property
    def shows_default_disclaimer(self):
        """Whether the site-wide disclaimer goes under this post (``site_disclaimer``);
        reads the stored body, no query."""
        if self.site_disclaimer == SiteDisclaimer.AUTO:
            return not any(block.get("type") == "disclaimer" for block in self.body.raw_data)
        return self.site_disclaimer == SiteDisclaimer.BOTH

    def default_disclaimer(self, request=None):
        """The site-wide disclaimer shown under the post (News settings of the site serving
        ``request``, else of the post's own site), or None."""
        if not self.shows_default_disclaimer:
            return None
        if request is not None:
            # Read once per process and content version for each site (the settings and
            # the disclaimers are shown everywhere: changing either bumps ``tree``).
            site = Site.find_for_request(request)
            return content_version.memo(
                f"default-disclaimer:{site.pk if site else ''}",
                lambda: NewsSettings.for_request(request).default_disclaimer,
            )
        site = self.get_site()
        return NewsSettings.for_site(site).default_disclaimer if site is not None else None

    def search_body_text(self):
        """The words of every block, for the search index: paragraph text, quotes with
        their attribution and source, captions and credits, related-article headings and
        titles, video titles and captions, custom disclaimers (each block says which).

        Titles of linked articles are included only while readers may see those articles;
        the linking posts are re-indexed when that changes (news/signal_handlers.py).
        Search result snippets come from the story's own prose instead
        (``StreamBlock.snippet_passages``). The resolver is kept on the instance: search
        backends read this once per index column. A batch indexer that loads pages only
        to index them may work the text out once and leave it as ``_search_body_text``
        (the importer's ``flush_index``).
        """
        if "_search_body_text" in self.__dict__:
            return self._search_body_text
        if "_search_resolver" not in self.__dict__:
            self._search_resolver = resolver_for()
        return self.body.stream_block.search_text(self.body, self._search_resolver)

    def search_tag_names(self):
        # Sorted: the indexed text is the same however the tags were loaded.
        return " ".join(sorted(tag.name for tag in self.tag_list))

    def search_author_names(self):
        return " ".join(author.name for author in self.authors)
