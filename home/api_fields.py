"""The home page's ``front_page`` API field: the front page as readers see it.

A headless frontend builds its own front page; this field gives it what the HTML front
page shows (home/views.py): the lead story (an editor's pick or the newest post), the
breaking story while it is recent, the latest stories and the sections by tag. Working
that out needs the reader-visibility rule and the selectors, which sit above the content
layer (docs/architecture.md), so the home app's views layer installs the function that
builds it at startup (``install_front_page``, called from ``HomeConfig.ready()``), as
the news app installs the body resolver (cms/core/resolvers.py).
"""

import datetime

from pydantic import BaseModel, Field
from rest_framework.fields import Field as SerializerField

from cms.core.api_fields import ContextMixin
from cms.core.schemas import ImageObject

_build = None


def install_front_page(build):
    """Use ``build(page, request)`` for the ``front_page`` field (the request is None
    when API v3 asks: the field is then bound without a context)."""
    global _build  # set once, at startup
    _build = build


class FrontPageStory(BaseModel):
    id: int
    title: str
    api_url: str = Field(description="The post in API v2")
    html_url: str | None = Field(description="Where readers read it")
    publication_date: datetime.date
    first_published_at: datetime.datetime | None
    summary: str
    breaking: bool
    lead_image: ImageObject | None = Field(
        description="The post's lead image; for the lead story, its first body image when "
        "it has no lead image"
    )


class FrontPageTag(BaseModel):
    name: str
    slug: str


class FrontPageSection(BaseModel):
    heading: str = Field(description="The editor's heading, else the tag's name")
    tag: FrontPageTag
    html_url: str | None = Field(description="The tag's page on the site")
    stories: list[FrontPageStory]


class FrontPageObject(BaseModel):
    lead_story: FrontPageStory | None = Field(
        description="The editor's pick while readers can see it, else the newest post"
    )
    lead_story_picked: bool = Field(description="True when the lead story is the editor's pick")
    breaking: FrontPageStory | None = Field(
        description="The newest breaking post while it is recent (NEWSDESK_BREAKING_HOURS)"
    )
    breaking_until: datetime.datetime | None = Field(
        description="When the breaking story leaves the front page"
    )
    latest: list[FrontPageStory] = Field(description="The latest stories after the lead")
    sections: list[FrontPageSection] = Field(
        description="The editors' sections by tag, in their order; empty ones left out"
    )


class FrontPageField(ContextMixin, SerializerField):
    """The front page of a home page (module docstring)."""

    def to_representation(self, value) -> FrontPageObject:
        if _build is None:
            raise RuntimeError("No front page builder installed: is the home app ready?")
        return _build(value, self.request)
