"""A StreamField body made of Newsdesk blocks, resolved and searched as a whole."""

from wagtail import blocks

from cms.core.resolvers import resolver_for


class NewsdeskStreamBlock(blocks.StreamBlock):
    """A body whose children are Newsdesk blocks (cms/core/blocks/base.py).

    - ``get_api_representation``: every block resolved, each kind of referenced object in
      one query for the whole body;
    - ``search_text(stream_value, resolver=None)``: the words of every block, for the
      search index (with a resolver, also titles of linked articles readers may see);
    - ``word_count(stream_value)``: the words a reader reads.
    """

    def get_api_representation(self, value, context=None):
        return resolver_for(context).stream(value)

    def children(self, stream_value):
        """(block, raw value) of each child whose block type still exists in the code."""
        for child in stream_value.raw_data:
            block = self.child_blocks.get(child["type"])
            if block is not None:
                yield block, child["value"]

    def search_text(self, stream_value, resolver=None):
        if resolver is not None:
            resolver.prepare([stream_value], kinds=("pages",))
        parts = (block.search_text(raw, resolver) for block, raw in self.children(stream_value))
        return " ".join(part for part in parts if part and part.strip())

    def word_count(self, stream_value):
        return sum(block.word_count(raw) for block, raw in self.children(stream_value))
