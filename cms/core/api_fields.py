"""Serializer fields every page type's API fields use (``api_fields`` on the models).

They serve API v2 (Django REST framework) and, through Wagtail's v3 compatibility shim,
API v3, which types each field in /api/v3/openapi.json from the ``to_representation``
return annotation. What needs the layers above (renditions and absolute URLs, linked
articles readers may see) they get from the resolver in their context, or from
``resolver_for`` (cms/core/resolvers.py). News-only fields are in news/api_fields.py.
"""

from rest_framework.fields import Field

from cms.core.resolvers import resolver_for
from cms.core.site_urls import absolute_urls_in_html


class ContextMixin:
    @property
    def request(self):
        return self.context.get("request")

    @property
    def resolver(self):
        """The response's shared resolver (v2 batches a listing through it), else a new
        one (API v3 binds each field on its own, without a context)."""
        return resolver_for({"resolver": self.context.get("resolver"), "request": self.request})


class RichTextHTMLField(ContextMixin, Field):
    """Stored rich text as HTML, its links resolved and absolute."""

    def to_representation(self, value) -> str:
        return self.resolver.rich_text(value or "")


def stream_field(schema, name):
    """A serializer field class ``name`` for a StreamField: the list of resolved blocks,
    typed with ``schema`` (the union of its blocks' ``api_schema``, made once per body:
    ``SomeStreamBlock().api_schema()``)."""

    def to_representation(self, value) -> list[schema]:
        return self.resolver.stream(value)

    return type(
        name,
        (ContextMixin, Field),
        {
            "__doc__": "The body as a list of resolved blocks.",
            "__module__": __name__,
            "to_representation": to_representation,
        },
    )


class BodyHTMLField(ContextMixin, Field):
    """A page's ``body`` rendered with Newsdesk's own block templates, for simple clients.

    Every URL in it is absolute (images and their srcset, links to pages and documents),
    as in the rest of the response, so a frontend on another origin can insert it as it
    is. Its images, disclaimers and embeds come from the response's resolver, loaded for
    every page of a listing at once.
    """

    def to_representation(self, value) -> str:
        return absolute_urls_in_html(self.resolver.body_html(value), request=self.request)
