"""What every Newsdesk block says about itself.

A block class owns everything about its concept, so adding a block touches its module and
its template only:

- ``references(raw)``: the objects its stored (raw) value refers to, by kind
  (``{"images": [...], "pages": [...], "disclaimers": [...], "embeds": [...]}``), so a
  whole response can load each kind in one query;
- ``api_value(raw, resolver)``: its JSON for API clients, with those objects resolved by
  the resolver it is handed (see cms/core/resolvers.py);
- ``api_schema``: the type of that JSON (a pydantic model, or an annotated ``str``), which
  API v3 publishes in its OpenAPI document and the contract tests pin;
- ``search_text(raw, resolver=None)``: the words readers can find the post by (with a
  resolver, also titles of linked articles readers may see);
- ``word_count(raw)``: the words a reader reads, for the reading time;
- ``snippet_text(raw)``: the post's own prose in the block (a paragraph, a quote), for
  search result snippets; "" for what is not the story's text (captions, related-article
  boxes, videos, disclaimers, code, tables).

Blocks work on the stored value (``raw``, what ``get_prep_value`` returns), which needs no
query to read. ``get_api_representation`` is Wagtail's entry point for one block; it
resolves the block the same way a whole listing is resolved.
"""

import re
from html import unescape

from django.utils.html import strip_tags

from cms.core.resolvers import resolver_for


def raw_text(raw, key):
    """``raw[key]`` as a string ("" when missing or empty)."""
    return (raw or {}).get(key) or ""


def plain_text(html):
    return strip_tags(html or "")


# A tag in stored rich text (Wagtail's editor writes well-formed HTML).
_TAG = re.compile(r"<[^>]*>")


def words_in(html):
    """How many words the rich text ``html`` holds: tags count as spaces. An estimate for
    reading times, without ``strip_tags``' HTML parser (which costs a listing of twenty
    posts milliseconds)."""
    return len(_TAG.sub(" ", html or "").split())


def prose_text(html):
    """The rich text ``html`` as one line of plain text: tags count as spaces (so the
    words of two paragraphs do not run together), entities decoded."""
    return " ".join(unescape(_TAG.sub(" ", html or "")).split())


class NewsdeskBlock:
    """Mixed into each block class, before the Wagtail block class it builds on."""

    api_schema = None

    def references(self, raw):
        return {}

    def api_value(self, raw, resolver):
        raise NotImplementedError(f"{type(self).__name__} must define api_value()")

    def search_text(self, raw, resolver=None):
        return ""

    def word_count(self, raw):
        return 0

    def snippet_text(self, raw):
        return ""

    def get_api_representation(self, value, context=None):
        resolver = resolver_for(context)
        raw = self.get_prep_value(value)
        resolver.prepare_block(self, raw)
        return self.api_value(raw, resolver)
