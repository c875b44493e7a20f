"""The body of a standard page (About, Contact, ...): the blocks shared with news posts."""

from cms.core.blocks import (
    CodeBlock,
    EmbedBlock,
    ImageBlock,
    NewsdeskStreamBlock,
    ParagraphBlock,
    QuoteBlock,
    TableBlock,
)


class StandardBodyBlock(NewsdeskStreamBlock):
    paragraph = ParagraphBlock()
    quote = QuoteBlock()
    image = ImageBlock()
    embed = EmbedBlock()
    code = CodeBlock()
    table = TableBlock()
