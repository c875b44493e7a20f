"""A StreamField body made of Newsdesk blocks, resolved and searched as a whole."""

from typing import Annotated, Literal

from pydantic import BaseModel, Field, create_model
from wagtail import blocks

from cms.core.resolvers import resolver_for

# One model per (name, block class): the same child in two bodies is one OpenAPI schema.
_child_schemas = {}


def child_schema(name, block):
    """``{"type": name, "id": ..., "value": <the block's api_schema>}`` as a pydantic model
    named after the child (``quote`` -> ``QuoteBlock``)."""
    key = (name, type(block))
    if key not in _child_schemas:
        _child_schemas[key] = create_model(
            "".join(part.title() for part in name.split("_")) + "Block",
            __base__=BaseModel,
            type=(Literal[name], ...),
            id=(str, ...),
            value=(block.api_schema, ...),
        )
    return _child_schemas[key]


class NewsdeskStreamBlock(blocks.StreamBlock):
    """A body whose children are Newsdesk blocks (cms/core/blocks/base.py).

    - ``get_api_representation``: every block resolved, each kind of referenced object in
      one query for the whole body;
    - ``search_text(stream_value, resolver=None)``: the words of every block, for the
      search index (with a resolver, also titles of linked articles readers may see);
    - ``word_count(stream_value)``: the words a reader reads;
    - ``snippet_passages(stream_value)``: the post's own prose, block by block in reading
      order (paragraphs and quotes, no boxes or captions), for search result snippets;
    - ``api_schema()``: the type of one resolved child, a union of the children's shapes
      told apart by ``type`` (news/schemas.py publishes the body's).
    """

    def api_schema(self):
        children = tuple(child_schema(name, block) for name, block in self.child_blocks.items())
        union = children[0]
        for child in children[1:]:
            union = union | child
        return Annotated[union, Field(discriminator="type")]

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

    def snippet_passages(self, stream_value):
        passages = (block.snippet_text(raw) for block, raw in self.children(stream_value))
        return [passage for passage in passages if passage]

    def word_count(self, stream_value):
        return sum(block.word_count(raw) for block, raw in self.children(stream_value))
