"""The body of a standard page (About, Contact, ...): the blocks shared with news posts."""

from cms.core.blocks import EmbedBlock, ImageBlock, NewsdeskStreamBlock, ParagraphBlock, QuoteBlock


class StandardBodyBlock(NewsdeskStreamBlock):
    paragraph = ParagraphBlock()
    quote = QuoteBlock()
    image = ImageBlock()
    embed = EmbedBlock()
