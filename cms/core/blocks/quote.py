"""``quote``: quoted text such as wire copy, with who said it and where it came from.

The quoted text is rich text with the inline formatting wire copy uses (bold, italic,
superscript, subscript, links), one ``<p>`` per paragraph. The API serves it twice:
``text_html`` (the rich text, internal links resolved, sanitised like every rich text) and
``text`` (plain text, paragraphs separated by a blank line: what API clients read before
quotes took formatting).

The source URL is a link only when it passes the link allow-list (``safe_url``): otherwise
the template shows the source's name as text, and the API serves ``source_url`` as "".
"""

import re
from html import escape, unescape

from pydantic import BaseModel, Field
from wagtail import blocks
from wagtail.blocks.migrations.operations import BaseBlockOperation

from cms.core.blocks.base import NewsdeskBlock, plain_text, prose_text, raw_text, words_in
from cms.core.safe_urls import safe_url

QUOTE_FEATURES = ["bold", "italic", "superscript", "subscript", "link"]

# Paragraph and line breaks of stored rich text, and any other tag.
_PARAGRAPH_END = re.compile(r"</p\s*>", re.I)
_LINE_BREAK = re.compile(r"<br\s*/?>", re.I)
_TAG = re.compile(r"<[^>]*>")


def quote_plain_text(html):
    """The quoted rich text as plain text: paragraphs separated by a blank line, line
    breaks kept, tags dropped, entities decoded."""
    text = _LINE_BREAK.sub("\n", _PARAGRAPH_END.sub("\n\n", html or ""))
    paragraphs = (part.strip() for part in unescape(_TAG.sub("", text)).split("\n\n"))
    return "\n\n".join(part for part in paragraphs if part)


def quote_html_from_plain_text(text):
    """Plain quoted text (before quotes took formatting: a blank line between paragraphs,
    a newline for a line break) as the rich text the block stores now."""
    paragraphs = (part.strip() for part in re.split(r"\n\s*\n", text or ""))
    return "".join(
        "<p>" + "<br/>".join(escape(line, quote=False) for line in part.split("\n")) + "</p>"
        for part in paragraphs
        if part
    )


class QuoteTextToRichText(BaseBlockOperation):
    """Data migration of stored quotes (pages and their revisions, through Wagtail's
    ``MigrateStreamData``): plain ``text`` becomes rich text. ``reverse=True`` goes back,
    keeping the words and dropping the formatting."""

    def __init__(self, reverse=False):
        super().__init__()
        self.reverse = reverse

    def apply(self, block_value):
        value = dict(block_value or {})
        text = value.get("text") or ""
        value["text"] = (
            quote_plain_text(text) if self.reverse else quote_html_from_plain_text(text)
        )
        return value

    @property
    def operation_name_fragment(self):
        return "quote_text_to_plain_text" if self.reverse else "quote_text_to_rich_text"


class QuoteValue(BaseModel):
    text: str = Field(
        description="The quoted words as plain text; paragraphs are separated by a blank line"
    )
    text_html: str = Field(
        description="The quoted words as HTML (paragraphs, bold, italic, superscript, "
        "subscript, links; internal links resolved)"
    )
    attribution: str
    source_name: str
    source_url: str = Field(
        description='An http(s), mailto, tel or relative URL; "" when there is none (or the '
        "stored one is not safe to link to): show the source's name without a link"
    )


class QuoteBlock(NewsdeskBlock, blocks.StructBlock):
    api_schema = QuoteValue

    text = blocks.RichTextBlock(
        features=QUOTE_FEATURES,
        label="Quoted text",
        help_text="The words quoted, e.g. wire copy, with their bold, italics and links.",
    )
    attribution = blocks.CharBlock(required=False, max_length=255, help_text="Who said it")
    source_name = blocks.CharBlock(
        required=False, max_length=255, help_text='Where it comes from, e.g. "AFP"'
    )
    source_url = blocks.URLBlock(required=False, label="Source URL")

    def api_value(self, raw, resolver):
        text = raw_text(raw, "text")
        return {
            "text": quote_plain_text(text),
            "text_html": resolver.rich_text(text) if text else "",
            "attribution": raw_text(raw, "attribution"),
            "source_name": raw_text(raw, "source_name"),
            "source_url": safe_url(raw_text(raw, "source_url")),
        }

    def search_text(self, raw, resolver=None):
        return " ".join(
            plain_text(raw_text(raw, key)) for key in ("text", "attribution", "source_name")
        )

    def word_count(self, raw):
        return words_in(raw_text(raw, "text"))

    def snippet_text(self, raw):
        return prose_text(raw_text(raw, "text"))

    class Meta:
        icon = "openquote"
        label = "Quote"
        template = "news/blocks/quote.html"
