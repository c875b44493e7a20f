"""API shapes shared across blocks and fields: images and their renditions (pydantic).

Each block's own shape is in its module (``api_schema``); the body's union of them is
built by its stream block (cms/core/blocks/stream.py). API v3 publishes them in
/api/v3/openapi.json; API v2 returns the same shapes; contract tests pin them.
"""

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
