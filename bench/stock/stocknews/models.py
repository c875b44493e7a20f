"""A news site as the Wagtail tutorial and bakerydemo build one: a home page listing the
latest posts, a news index, and news pages with a lead image, tags and a StreamField body,
exposed through Wagtail's API v2 with ``api_fields``."""

from django.core.paginator import Paginator
from django.db import models
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.api import APIField
from wagtail.fields import RichTextField, StreamField
from wagtail.images.api.fields import ImageRenditionField
from wagtail.models import Page
from wagtail.search import index

from stocknews.blocks import BodyBlock


class HomePage(Page):
    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["latest_posts"] = (
            NewsPage.objects.live().public().order_by("-publication_date")[:10]
        )
        return context


class NewsIndexPage(Page):
    intro = RichTextField(blank=True)

    content_panels = [*Page.content_panels, "intro"]
    api_fields = [APIField("intro")]
    subpage_types = ["stocknews.NewsPage"]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        posts = NewsPage.objects.child_of(self).live().public().order_by("-publication_date")
        tag = request.GET.get("tag")
        if tag:
            posts = posts.filter(tags__slug=tag)
        context["tag"] = tag
        context["posts"] = Paginator(posts, 20).get_page(request.GET.get("page"))
        return context


class NewsPageTag(TaggedItemBase):
    content_object = ParentalKey(
        "stocknews.NewsPage", related_name="tagged_items", on_delete=models.CASCADE
    )


class NewsPage(Page):
    publication_date = models.DateField("Publication date")
    summary = models.CharField(max_length=250, blank=True)
    lead_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    tags = ClusterTaggableManager(through=NewsPageTag, blank=True)
    body = StreamField(BodyBlock())

    content_panels = [
        *Page.content_panels,
        "publication_date",
        "summary",
        "lead_image",
        "tags",
        "body",
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
        index.FilterField("publication_date"),
    ]
    api_fields = [
        APIField("publication_date"),
        APIField("summary"),
        APIField("lead_image"),
        APIField(
            "lead_image_thumbnail",
            serializer=ImageRenditionField("fill-480x270", source="lead_image"),
        ),
        APIField("tags"),
        APIField("body"),
    ]
    parent_page_types = ["stocknews.NewsIndexPage"]
    subpage_types = []

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        siblings = NewsPage.objects.sibling_of(self, inclusive=False).live().public()
        context["newer"] = (
            siblings.filter(publication_date__gt=self.publication_date)
            .order_by("publication_date")
            .first()
        )
        context["older"] = (
            siblings.filter(publication_date__lt=self.publication_date)
            .order_by("-publication_date")
            .first()
        )
        return context
