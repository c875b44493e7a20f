"""The body of a news post: ``NewsBodyBlock``.

It lists its blocks under the public names that templates, the API and importers rely on:
``paragraph``, ``quote``, ``image``, ``related_articles``, ``disclaimer``, ``embed``,
``code`` and ``table``.
The blocks shared with standard pages are in ``cms/core/blocks/``; the news-only ones are
here, one module each. Every block follows the protocol of ``cms/core/blocks/base.py``.
"""

from cms.core.blocks import (
    CodeBlock,
    EmbedBlock,
    ImageBlock,
    NewsdeskStreamBlock,
    ParagraphBlock,
    QuoteBlock,
    TableBlock,
)
from news.blocks.disclaimer import DisclaimerBlock
from news.blocks.related import ExternalLinkBlock, RelatedArticlesBlock, RelatedItemsBlock


class NewsBodyBlock(NewsdeskStreamBlock):
    paragraph = ParagraphBlock()
    quote = QuoteBlock()
    image = ImageBlock()
    related_articles = RelatedArticlesBlock()
    disclaimer = DisclaimerBlock()
    embed = EmbedBlock()
    code = CodeBlock()
    table = TableBlock()


__all__ = [
    "DisclaimerBlock",
    "ExternalLinkBlock",
    "NewsBodyBlock",
    "RelatedArticlesBlock",
    "RelatedItemsBlock",
]
