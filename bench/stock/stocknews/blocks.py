"""The article body's blocks, as the Wagtail tutorial and bakerydemo write them."""

from wagtail import blocks
from wagtail.images.blocks import ImageChooserBlock


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock()
    source_name = blocks.CharBlock(required=False)
    source_url = blocks.URLBlock(required=False)

    class Meta:
        icon = "openquote"
        template = "stocknews/blocks/quote.html"


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock()
    caption = blocks.CharBlock(required=False)
    credit = blocks.CharBlock(required=False)

    class Meta:
        icon = "image"
        template = "stocknews/blocks/image.html"


class BodyBlock(blocks.StreamBlock):
    paragraph = blocks.RichTextBlock()
    quote = QuoteBlock()
    image = ImageBlock()
    related = blocks.ListBlock(
        blocks.PageChooserBlock(page_type="stocknews.NewsPage"),
        template="stocknews/blocks/related.html",
    )
