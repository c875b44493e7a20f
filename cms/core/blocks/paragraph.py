"""``paragraph``: rich text with inline formatting, links, lists and sub-headings."""

from typing import Annotated

from pydantic import Field
from wagtail import blocks

from cms.core.blocks.base import NewsdeskBlock, plain_text, prose_text, words_in

# Inline formatting (superscript and subscript for units, footnote marks and formulae),
# links (external, internal pages, documents), lists and sub-headings. No embeds or images
# inside paragraphs: those are blocks of their own.
PARAGRAPH_FEATURES = [
    "bold",
    "italic",
    "superscript",
    "subscript",
    "link",
    "document-link",
    "ol",
    "ul",
    "h2",
    "h3",
]


class ParagraphBlock(NewsdeskBlock, blocks.RichTextBlock):
    api_schema = Annotated[str, Field(description="HTML with internal links resolved")]

    def __init__(self, **kwargs):
        kwargs.setdefault("features", PARAGRAPH_FEATURES)
        super().__init__(**kwargs)

    def api_value(self, raw, resolver):
        return resolver.rich_text(raw or "")

    def search_text(self, raw, resolver=None):
        return plain_text(raw)

    def word_count(self, raw):
        return words_in(raw)

    def snippet_text(self, raw):
        return prose_text(raw)

    class Meta:
        icon = "pilcrow"
        label = "Paragraph"
        template = "news/blocks/paragraph.html"
