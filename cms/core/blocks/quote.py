"""``quote``: quoted text such as wire copy, with who said it and where it came from.

The source URL is a link only when it passes the link allow-list (``safe_url``): otherwise
the template shows the source's name as text, and the API serves ``source_url`` as "".
"""

from pydantic import BaseModel, Field
from wagtail import blocks

from cms.core.blocks.base import NewsdeskBlock, plain_text, raw_text, words_in
from cms.core.safe_urls import safe_url

QUOTE_FIELDS = ("text", "attribution", "source_name", "source_url")


class QuoteValue(BaseModel):
    text: str
    attribution: str
    source_name: str
    source_url: str = Field(
        description='An http(s), mailto, tel or relative URL; "" when there is none (or the '
        "stored one is not safe to link to): show the source's name without a link"
    )


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
        value = {key: raw_text(raw, key) for key in QUOTE_FIELDS}
        value["source_url"] = safe_url(value["source_url"])
        return value

    def search_text(self, raw, resolver=None):
        return " ".join(
            plain_text(raw_text(raw, key)) for key in ("text", "attribution", "source_name")
        )

    def word_count(self, raw):
        return words_in(raw_text(raw, "text"))

    class Meta:
        icon = "openquote"
        label = "Quote"
        template = "news/blocks/quote.html"
