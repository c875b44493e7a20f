"""``quote``: quoted text such as wire copy, with who said it and where it came from."""

from pydantic import BaseModel
from wagtail import blocks

from cms.core.blocks.base import NewsdeskBlock, plain_text, raw_text

QUOTE_FIELDS = ("text", "attribution", "source_name", "source_url")


class QuoteValue(BaseModel):
    text: str
    attribution: str
    source_name: str
    source_url: str


class QuoteBlock(NewsdeskBlock, blocks.StructBlock):
    api_schema = QuoteValue

    text = blocks.TextBlock(
        label="Quoted text",
        help_text="The words quoted, e.g. wire copy. A blank line starts a new paragraph.",
    )
    attribution = blocks.CharBlock(required=False, max_length=255, help_text="Who said it")
    source_name = blocks.CharBlock(
        required=False, max_length=255, help_text='Where it comes from, e.g. "AFP"'
    )
    source_url = blocks.URLBlock(required=False, label="Source URL")

    def api_value(self, raw, resolver):
        return {key: raw_text(raw, key) for key in QUOTE_FIELDS}

    def search_text(self, raw, resolver=None):
        return " ".join(
            plain_text(raw_text(raw, key)) for key in ("text", "attribution", "source_name")
        )

    def word_count(self, raw):
        return len(raw_text(raw, "text").split())

    class Meta:
        icon = "openquote"
        label = "Quote"
        template = "news/blocks/quote.html"
