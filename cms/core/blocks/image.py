"""``image``: an image with its caption and credit, as shown in the body of a post."""

from pydantic import BaseModel, Field
from wagtail import blocks

from cms.core.blocks.base import NewsdeskBlock, plain_text, raw_text
from cms.core.blocks.choosers import ResolvedImageChooserBlock
from cms.core.schemas import ImageObject

# The renditions of the block's template (templates/news/blocks/image.html, srcset_image
# width-{480,800,1200}): the API's resolver prefetches them with its own, so body_html
# costs no query per image.
TEMPLATE_RENDITION_SPECS = ("width-480", "width-800", "width-1200")


class ImageBlockValue(BaseModel):
    image: ImageObject | None = Field(description="null when the image was deleted")
    caption: str
    credit: str
    alt: str = Field(description="The block's alt text override, else the image's own")


class ImageBlock(NewsdeskBlock, blocks.StructBlock):
    api_schema = ImageBlockValue

    image = ResolvedImageChooserBlock()
    caption = blocks.CharBlock(required=False, max_length=500)
    credit = blocks.CharBlock(
        required=False, max_length=255, help_text='Photographer or agency, e.g. "Reuters"'
    )
    alt_text = blocks.CharBlock(
        required=False,
        max_length=255,
        help_text="Describes the image for people who cannot see it. "
        "Leave empty to use the image's own description.",
    )

    def references(self, raw):
        return {"images": [(raw or {}).get("image")]}

    def api_value(self, raw, resolver):
        image = resolver.image((raw or {}).get("image"))
        return {
            "image": image,
            "caption": raw_text(raw, "caption"),
            "credit": raw_text(raw, "credit"),
            "alt": raw_text(raw, "alt_text") or (image["alt"] if image else ""),
        }

    def search_text(self, raw, resolver=None):
        return " ".join(plain_text(raw_text(raw, key)) for key in ("caption", "credit"))

    class Meta:
        icon = "image"
        label = "Image"
        template = "news/blocks/image.html"
