"""Blocks shared by news posts and standard pages, one module per block.

Each block follows the protocol in ``base.py`` and has its template under
``templates/news/blocks/``. News-only blocks (related articles, disclaimers) and the news
body live in ``news/blocks/``; the standard page body in ``home/blocks.py``.
"""

from cms.core.blocks.base import NewsdeskBlock, plain_text, raw_text
from cms.core.blocks.code import CodeBlock
from cms.core.blocks.embed import EmbedBlock, find_embed, recently_failed_embeds
from cms.core.blocks.image import ImageBlock
from cms.core.blocks.labelled_stream import LabelledStreamBlock
from cms.core.blocks.paragraph import PARAGRAPH_FEATURES, ParagraphBlock
from cms.core.blocks.quote import QuoteBlock
from cms.core.blocks.stream import NewsdeskStreamBlock
from cms.core.blocks.table import TableBlock

__all__ = [
    "PARAGRAPH_FEATURES",
    "CodeBlock",
    "EmbedBlock",
    "ImageBlock",
    "LabelledStreamBlock",
    "NewsdeskBlock",
    "NewsdeskStreamBlock",
    "ParagraphBlock",
    "QuoteBlock",
    "TableBlock",
    "find_embed",
    "plain_text",
    "raw_text",
    "recently_failed_embeds",
]
