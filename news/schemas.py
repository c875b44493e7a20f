"""The JSON shapes of news posts' API fields, as pydantic models.

API v3 publishes these in /api/v3/openapi.json (so clients can generate types) and
validates its responses against them; API v2 returns the same shapes. Contract tests in
tests/news/test_api_contract.py pin them. Each block's shape is in its own module
(``api_schema``); ``NewsBodyBlock`` is their union, as the body lists them.
"""

from pydantic import BaseModel, Field

from cms.core.schemas import ImageObject, ImageRenditions, Rendition
from news import blocks


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
    url: str = Field(
        description='An http(s), mailto, tel or relative URL; "" when there is none (or the '
        "stored one fails the link allow-list)"
    )


NewsBodyBlock = blocks.NewsBodyBlock().api_schema()

__all__ = [
    "AuthorObject",
    "ImageObject",
    "ImageRenditions",
    "NewsBodyBlock",
    "Rendition",
    "SourceObject",
    "TagObject",
]
