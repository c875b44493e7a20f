"""The JSON shapes Newsdesk's API promises frontends, as pydantic models.

API v3 publishes these in /api/v3/openapi.json (so clients can generate types) and
validates its responses against them; API v2 returns the same shapes. Contract tests in
tests/news/test_api_contract.py pin them.
"""

import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field


class Rendition(BaseModel):
    url: str
    width: int
    height: int


class ImageRenditions(BaseModel):
    thumbnail: Rendition = Field(description="16:9 crop, 400x225")
    medium: Rendition = Field(description="800 pixels wide")
    large: Rendition = Field(description="1600 pixels wide (never upscaled)")


class ImageObject(BaseModel):
    id: int
    title: str
    alt: str = Field(description="Alternative text for the image")
    width: int
    height: int
    renditions: ImageRenditions


class AuthorObject(BaseModel):
    id: int
    name: str
    bio: str
    photo: ImageObject | None


class TagObject(BaseModel):
    name: str
    slug: str


class SourceObject(BaseModel):
    name: str
    url: str


class ParagraphBlock(BaseModel):
    type: Literal["paragraph"]
    id: str
    value: str = Field(description="HTML with internal links resolved")


class QuoteValue(BaseModel):
    text: str
    attribution: str
    source_name: str
    source_url: str


class QuoteBlock(BaseModel):
    type: Literal["quote"]
    id: str
    value: QuoteValue


class ImageBlockValue(BaseModel):
    image: ImageObject | None = Field(description="null when the image was deleted")
    caption: str
    credit: str
    alt: str = Field(description="The block's alt text override, else the image's own")


class ImageBlock(BaseModel):
    type: Literal["image"]
    id: str
    value: ImageBlockValue


class RelatedArticle(BaseModel):
    type: Literal["article"]
    id: int
    title: str
    api_url: str
    html_url: str
    publication_date: datetime.date
    summary: str
    thumbnail: Rendition | None


class RelatedLink(BaseModel):
    type: Literal["link"]
    url: str
    title: str


RelatedItem = Annotated[RelatedArticle | RelatedLink, Field(discriminator="type")]


class RelatedArticlesValue(BaseModel):
    heading: str
    items: list[RelatedItem] = Field(
        description="Unpublished, expired, private or deleted articles are left out"
    )


class RelatedArticlesBlock(BaseModel):
    type: Literal["related_articles"]
    id: str
    value: RelatedArticlesValue


class DisclaimerValue(BaseModel):
    source: Literal["snippet", "custom"]
    disclaimer_id: int | None
    html: str


class DisclaimerBlock(BaseModel):
    type: Literal["disclaimer"]
    id: str
    value: DisclaimerValue


class EmbedObject(BaseModel):
    html: str
    type: str
    provider_name: str
    thumbnail_url: str
    width: int | None
    height: int | None


class EmbedValue(BaseModel):
    url: str
    title: str
    caption: str
    embed: EmbedObject | None = Field(
        description="The provider's oEmbed data; null when it could not be fetched "
        "(show a plain link to url)"
    )


class EmbedBlock(BaseModel):
    type: Literal["embed"]
    id: str
    value: EmbedValue


NewsBodyBlock = Annotated[
    ParagraphBlock | QuoteBlock | ImageBlock | RelatedArticlesBlock | DisclaimerBlock | EmbedBlock,
    Field(discriminator="type"),
]
