"""Serializer fields of the news posts' API fields (``NewsPage.api_fields``).

They serve API v2 (Django REST framework) and, through Wagtail's v3 compatibility shim,
API v3, which types each field in /api/v3/openapi.json from the ``to_representation``
return annotation (the shapes in news/schemas.py).

They are declared with the model, so they sit in the content layer: what needs the layers
above (image renditions and absolute URLs, linked articles readers may see) they get from
the resolver in their context, or from ``resolver_for`` (cms/core/resolvers.py). API v2
puts one resolver in the context for the whole response, prepared with everything its
posts refer to; API v3 binds each field on its own, without a context.
"""

from rest_framework.fields import Field

from cms.core.api_fields import BodyHTMLField, ContextMixin, RichTextHTMLField, stream_field
from cms.core.safe_urls import safe_url
from news.schemas import AuthorObject, ImageObject, NewsBodyBlock, SourceObject, TagObject

# Set on a listing's posts by news.comments.selectors.with_visible_comment_counts.
COMMENT_COUNT_ANNOTATION = "visible_comment_count"

__all__ = [
    "COMMENT_COUNT_ANNOTATION",
    "AuthorsField",
    "BodyField",
    "BodyHTMLField",
    "CommentCountField",
    "DefaultDisclaimerField",
    "ImageObjectField",
    "LeadImageField",
    "MinutesField",
    "RichTextHTMLField",
    "ShowsDefaultDisclaimerField",
    "SourceField",
    "TagsField",
]


def author_object(author, resolver):
    return {
        "id": author.pk,
        "name": author.name,
        "bio": author.bio,
        "photo": resolver.image(author.photo_id),
    }


def alt_with_caption(alt, title, caption):
    """An image's alt text where a caption describes it: ``alt`` is the image's default
    alt text (Wagtail's: its description, else its title). An image with no description
    of its own is described by ``caption`` rather than by its title."""
    return caption if caption and alt == title else alt


def tag_object(tag):
    return {"name": tag.name, "slug": tag.slug}


class ImageObjectField(ContextMixin, Field):
    """An image given by its id (``source="<field>_id"``), as a resolved image object."""

    def to_representation(self, value) -> ImageObject | None:
        return self.resolver.image(value)


class LeadImageField(ContextMixin, Field):
    """A post's lead image (``source="*"``: the post) as an image object whose ``alt``
    falls back to the post's caption for it (``alt_with_caption``)."""

    def to_representation(self, value) -> ImageObject | None:
        image = self.resolver.image(value.lead_image_id)
        if image is None:
            return None
        alt = alt_with_caption(image["alt"], image["title"], value.lead_image_caption)
        # The resolver shares one object per image across the response: change a copy.
        return image if alt == image["alt"] else {**image, "alt": alt}


class AuthorsField(ContextMixin, Field):
    """A post's byline (``source="*"``: the post, whose ``authors`` may be prefetched),
    through the resolver, which may have it stored (``post_detail``)."""

    def to_representation(self, value) -> list[AuthorObject]:
        resolver = self.resolver
        return resolver.post_detail(
            value, "authors", lambda: [author_object(author, resolver) for author in value.authors]
        )


class TagsField(ContextMixin, Field):
    """A post's tags (``source="*"``: the post, whose ``tag_list`` may be prefetched),
    through the resolver, which may have them stored (``post_detail``)."""

    def to_representation(self, value) -> list[TagObject]:
        return self.resolver.post_detail(
            value, "tags", lambda: [tag_object(tag) for tag in value.tag_list]
        )


class SourceField(Field):
    """The source credit as one object, or null when the post has none. Its ``url`` is ""
    when there is none, or when the stored one is not safe to link to (``safe_url``)."""

    def to_representation(self, value) -> SourceObject | None:
        if not value.source_name:
            return None
        return {"name": value.source_name, "url": safe_url(value.source_url)}


class MinutesField(Field):
    """A whole number of minutes (typed as an integer in /api/v3/openapi.json)."""

    def to_representation(self, value) -> int:
        return int(value)


class ShowsDefaultDisclaimerField(Field):
    """Whether the site-wide disclaimer goes under the post: the editor's choice
    (``site_disclaimer``) applied to its body."""

    def to_representation(self, value) -> bool:
        return value.shows_default_disclaimer


class DefaultDisclaimerField(ContextMixin, Field):
    """HTML of the site-wide disclaimer when the post shows it, else null."""

    def to_representation(self, value) -> str | None:
        disclaimer = value.default_disclaimer(self.request)
        return self.resolver.rich_text(disclaimer.text) if disclaimer else None


BodyField = stream_field(NewsBodyBlock, "BodyField")


class CommentCountField(Field):
    """How many comments readers see on the post (approved, replies included): listings
    annotate it in their own query (``COMMENT_COUNT_ANNOTATION``); a detail counts the
    post's ``comments`` (the comments app's reverse relation and its ``visible()`` rule).
    A post never saved (previewed from the new-post form) has none."""

    def to_representation(self, value) -> int:
        if value.pk is None:
            return 0
        annotated = value.__dict__.get(COMMENT_COUNT_ANNOTATION)
        return annotated if annotated is not None else value.comments.visible().count()
