"""Serializer fields for NewsPage's ``api_fields``.

They serve API v2 (Django REST framework) and, through Wagtail's v3 compatibility shim,
API v3, which types each field in /api/v3/openapi.json from the ``to_representation``
return annotation (the models in news/api/schemas.py).
"""

from django.template.loader import render_to_string
from rest_framework.fields import Field

from news.api.representation import (
    BodyResolver,
    author_object,
    rich_text_html,
    tag_object,
)
from news.api.schemas import AuthorObject, ImageObject, NewsBodyBlock, SourceObject, TagObject


class ContextMixin:
    @property
    def request(self):
        return self.context.get("request")

    @property
    def resolver(self):
        """The request's shared resolver (v2 listings batch through it), else a new one."""
        return self.context.get("body_resolver") or BodyResolver(self.request)


class ImageObjectField(ContextMixin, Field):
    """An image given by its id (``source="<field>_id"``), as a resolved image object."""

    def to_representation(self, value) -> ImageObject | None:
        return self.resolver.image(value)


class AuthorsField(ContextMixin, Field):
    def to_representation(self, value) -> list[AuthorObject]:
        resolver = self.resolver
        return [author_object(author, resolver) for author in value]


class TagsField(Field):
    def to_representation(self, value) -> list[TagObject]:
        return [tag_object(tag) for tag in value.all()]


class SourceField(Field):
    """The source credit as one object, or null when the post has none."""

    def to_representation(self, value) -> SourceObject | None:
        if not value.source_name:
            return None
        return {"name": value.source_name, "url": value.source_url}


class DefaultDisclaimerField(ContextMixin, Field):
    """HTML of the site-wide disclaimer when the post shows it, else null."""

    def to_representation(self, value) -> str | None:
        from news.models import NewsSettings

        if not value.show_default_disclaimer:
            return None
        if self.request is not None:
            news_settings = NewsSettings.for_request(self.request)  # cached per request
        else:
            site = value.get_site()
            if site is None:
                return None
            news_settings = NewsSettings.for_site(site)
        disclaimer = news_settings.default_disclaimer
        return rich_text_html(disclaimer.text) if disclaimer else None


class BodyField(ContextMixin, Field):
    """The body as a list of resolved blocks (see news/api/schemas.py)."""

    def to_representation(self, value) -> list[NewsBodyBlock]:
        return self.resolver.stream(value)


class BodyHTMLField(ContextMixin, Field):
    """The body rendered with Newsdesk's own block templates, for simple clients."""

    def to_representation(self, value) -> str:
        return render_to_string(
            "news/includes/body.html", {"page": value, "request": self.request}
        ).strip()


class CommentCountField(Field):
    """How many comments readers see on the post (approved, replies included)."""

    def to_representation(self, value) -> int:
        return value.comment_count
