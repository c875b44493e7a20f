"""The news content model: the blog index, posts, authors, disclaimers and news settings."""

import datetime
import math
import re

from django.conf import settings
from django.core.paginator import Paginator
from django.db import models
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.dates import MONTHS
from django.utils.html import strip_tags
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import Tag, TaggedItemBase
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    MultiFieldPanel,
    MultipleChooserPanel,
)
from wagtail.api import APIField
from wagtail.contrib.routable_page.models import RoutablePageMixin, path, re_path
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from news.api import fields
from news.blocks import NewsBodyBlock
from news.permissions import NewsdeskPermissionsMixin
from news.preview import NewsdeskPreviewMixin


class Author(index.Indexed, models.Model):
    """A person credited in bylines. Managed as a snippet."""

    name = models.CharField(max_length=255)
    bio = models.TextField("short bio", blank=True, max_length=1000)
    photo = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    panels = [FieldPanel("name"), FieldPanel("bio"), FieldPanel("photo")]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


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

    panels = [FieldPanel("default_disclaimer")]

    class Meta:
        verbose_name = "news settings"


class NewsIndexPage(NewsdeskPermissionsMixin, NewsdeskPreviewMixin, RoutablePageMixin, Page):
    """The blog index: paginated posts, tag pages and month archives.

    URLs below the index (``/news/`` here):
    - ``/news/?page=2`` and ``/news/?tag=<slug>``
    - ``/news/tags/<slug>/``
    - ``/news/<yyyy>/<mm>/``
    A non-numeric or out-of-range page, an unknown tag or an impossible month is a 404.
    """

    intro = RichTextField(blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]

    parent_page_types = ["home.HomePage"]
    subpage_types = ["news.NewsPage"]
    show_in_menus_default = True

    class Meta:
        verbose_name = "news index page"

    def news(self):
        from news.selectors import published_news

        return published_news(index=self)

    def paginate(self, request, posts, count_key):
        """The requested page of ``posts``; a bad or out-of-range ``?page=`` is a 404.

        Counting every post of a big archive costs more than showing ten of them, so the
        total is remembered under ``count_key`` until published content changes
        (news/freshness.py)."""
        from news.freshness import remembered

        paginator = Paginator(posts, settings.NEWSDESK_PAGE_SIZE)
        paginator.count = remembered(f"news-index:{self.pk}:{count_key}:count", posts.count)
        raw = request.GET.get("page", "1")
        if not re.fullmatch(r"[0-9]{1,9}", raw) or not 1 <= int(raw) <= max(
            paginator.num_pages, 1
        ):
            raise Http404("No such page of news")
        return paginator.page(int(raw))

    def render_listing(self, request, posts, count_key, **extra):
        return self.render(
            request,
            context_overrides={"posts": self.paginate(request, posts, count_key), **extra},
        )

    @path("")
    def index_route(self, request):
        tag_slug = request.GET.get("tag")
        if tag_slug is not None:
            return self.tag_route(request, tag_slug, tag_query=tag_slug)
        return self.render_listing(request, self.news(), "all")

    @path("tags/<str:tag>/", name="tag")
    def tag_route(self, request, tag, tag_query=None):
        from news.selectors import published_news

        tag_object = get_object_or_404(Tag, slug=tag)
        return self.render_listing(
            request,
            published_news(index=self, tag=tag_object.slug),
            f"tag:{tag_object.slug}",
            tag=tag_object,
            tag_query=tag_query,
        )

    @re_path(r"^(?P<year>\d{4})/(?P<month>\d{2})/$", name="month")
    def month_route(self, request, year, month):
        year, month = int(year), int(month)
        if not (1 <= month <= 12 and year >= datetime.MINYEAR):
            raise Http404("No such month")
        posts = self.news().filter(publication_date__year=year, publication_date__month=month)
        return self.render_listing(
            request,
            posts,
            f"month:{year}-{month}",
            archive_month=datetime.date(year, month, 1),
            archive_label=f"{MONTHS[month]} {year}",
        )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["archive_months"] = self.archive_months()
        return context

    def archive_months(self):
        """(date of the 1st, number of posts) for every month with posts, newest first.
        Remembered until published content changes: it reads the whole archive."""
        from django.db.models import Count
        from django.db.models.functions import TruncMonth

        from news.freshness import remembered

        return remembered(
            f"news-index:{self.pk}:months",
            lambda: list(
                self.news()
                .order_by()
                .annotate(month=TruncMonth("publication_date"))
                .values("month")
                .annotate(count=Count("pk"))
                .values_list("month", "count")
                .order_by("-month")
            ),
        )


class NewsPageTag(TaggedItemBase):
    content_object = ParentalKey(
        "news.NewsPage", on_delete=models.CASCADE, related_name="tagged_items"
    )


class NewsPageAuthor(Orderable):
    """One byline entry: the authors of a post, in the order they are credited."""

    page = ParentalKey("news.NewsPage", on_delete=models.CASCADE, related_name="news_authors")
    author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="+")

    panels = [FieldPanel("author")]


class NewsPage(NewsdeskPermissionsMixin, NewsdeskPreviewMixin, Page):
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
    breaking = models.BooleanField(
        default=False, help_text="Marks the post as breaking news in listings and on the page"
    )
    source_name = models.CharField(
        "source", max_length=255, blank=True, help_text='Credit the source, e.g. "AFP"'
    )
    source_url = models.URLField("source URL", blank=True, max_length=500)
    show_default_disclaimer = models.BooleanField(
        "show the site-wide disclaimer",
        default=True,
        help_text="The default disclaimer is set in Settings > News settings",
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
        *Page.content_panels,
        FieldRowPanel([FieldPanel("publication_date"), FieldPanel("breaking")]),
        FieldPanel("summary"),
        FieldPanel("lead_image"),
        MultipleChooserPanel(
            "news_authors", chooser_field_name="author", label="Authors", min_num=1
        ),
        FieldPanel("body"),
        FieldPanel("tags"),
        MultiFieldPanel(
            [FieldPanel("source_name"), FieldPanel("source_url")],
            heading="Source credit",
        ),
        FieldPanel("show_default_disclaimer"),
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

    api_fields = [
        APIField("publication_date"),
        APIField("summary"),
        APIField("breaking"),
        APIField("lead_image", serializer=fields.ImageObjectField(source="lead_image_id")),
        APIField("authors", serializer=fields.AuthorsField()),
        APIField("tags", serializer=fields.TagsField()),
        APIField("source", serializer=fields.SourceField(source="*")),
        APIField("show_default_disclaimer"),
        APIField("default_disclaimer", serializer=fields.DefaultDisclaimerField(source="*")),
        APIField("body", serializer=fields.BodyField()),
        APIField("body_html", serializer=fields.BodyHTMLField(source="*")),
        APIField("reading_minutes"),
        APIField("comment_count", serializer=fields.CommentCountField(source="*")),
    ]

    class Meta:
        verbose_name = "news page"

    @property
    def authors(self):
        """The credited authors in byline order (uses prefetched rows when present)."""
        return [row.author for row in self.news_authors.all()]

    @property
    def reading_minutes(self):
        """Estimated reading time at 230 words a minute (reads the stored text only)."""
        words = 0
        for child in self.body.raw_data:
            if child["type"] == "paragraph":
                words += len(strip_tags(child["value"] or "").split())
            elif child["type"] == "quote":
                words += len(((child["value"] or {}).get("text") or "").split())
        return max(1, math.ceil(words / 230))

    @property
    def comment_count(self):
        """How many comments readers see on the post (API listings annotate it as
        ``visible_comment_count``; otherwise one query)."""
        annotated = self.__dict__.get("visible_comment_count")
        if annotated is not None:
            return annotated
        return Comment.objects.visible().filter(page=self).count()

    def default_disclaimer(self, request):
        if not self.show_default_disclaimer:
            return None
        return NewsSettings.for_request(request).default_disclaimer

    def search_body_text(self, related_titles=True):
        """The words of every block, for the search index: paragraph text, quotes with
        their attribution and source, captions and credits, related-article titles,
        video titles and captions, custom disclaimers.

        Titles of linked articles are included only while readers may see those
        articles; news/signals.py re-indexes the linking posts when that changes.
        ``related_titles=False`` leaves them out (and costs no query), for snippets."""
        parts = []
        article_ids = []
        for child in self.body.raw_data:
            value = child["value"]
            if child["type"] == "paragraph":
                parts.append(strip_tags(value or ""))
            elif isinstance(value, dict):
                if child["type"] == "related_articles":
                    parts.append(value.get("heading") or "")
                    for item in value.get("items") or []:
                        if item.get("type") == "link":
                            parts.append((item.get("value") or {}).get("title") or "")
                        elif (
                            item.get("type") == "article" and item.get("value") and related_titles
                        ):
                            article_ids.append(item["value"])
                else:
                    for key in (
                        "text",
                        "attribution",
                        "source_name",
                        "caption",
                        "credit",
                        "title",
                    ):
                        parts.append(strip_tags(str(value.get(key) or "")))
        if article_ids:
            parts += self.visible_titles(article_ids)
        return " ".join(part for part in parts if part)

    def visible_titles(self, page_ids):
        """Titles of the pages among ``page_ids`` that readers may see. Remembered on this
        instance: the search backends read the indexed text once per index column."""
        from news.selectors import reader_visible

        remembered = self.__dict__.setdefault("_visible_titles", {})
        key = tuple(page_ids)
        if key not in remembered:
            visible = reader_visible(Page.objects.filter(pk__in=page_ids))
            remembered[key] = list(visible.values_list("title", flat=True))
        return remembered[key]

    def search_tag_names(self):
        return " ".join(tag.name for tag in self.tags.all())

    def search_author_names(self):
        return " ".join(author.name for author in self.authors)

    def get_context(self, request, *args, comment_form=None, **kwargs):
        from news.comments.views import comments_context
        from news.selectors import adjacent_news, prefetch_post_details

        # The byline, tag list and SEO metadata all read the authors and tags: load once
        # (not in a preview, which shows the draft's own, unsaved authors and tags).
        if self.pk and not getattr(request, "is_preview", False):
            prefetch_post_details([self])
        context = super().get_context(request, *args, **kwargs)
        index_page = self.get_parent().specific
        context["newer"], context["older"] = adjacent_news(self, index_page)
        context["default_disclaimer"] = self.default_disclaimer(request)
        context["index_page"] = index_page
        context.update(comments_context(self, request, form=comment_form))
        return context


# Models kept in their own modules; imported here so Django registers them with the news app.
from news.comments.models import Comment  # noqa: E402
from news.importers.models import ImportRecord  # noqa: E402, F401
from news.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint  # noqa: E402, F401
