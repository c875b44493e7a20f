"""StreamField blocks for news posts and standard pages.

Each concept is one block class with its own template (``templates/news/blocks/``), admin
icon and label. ``NewsBodyBlock`` lists them under the public names that templates, the
API and importers rely on: ``paragraph``, ``quote``, ``image``, ``related_articles``,
``disclaimer`` and ``embed``.
"""

import hashlib
import logging

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorList
from django.utils.html import strip_tags
from wagtail import blocks
from wagtail.blocks import StructBlockValidationError
from wagtail.embeds.embeds import get_embed
from wagtail.embeds.exceptions import EmbedException
from wagtail.images.blocks import ImageChooserBlock
from wagtail.snippets.blocks import SnippetChooserBlock

logger = logging.getLogger(__name__)

# Rich text in posts: inline formatting, links (external, internal pages, documents),
# lists and sub-headings. No embeds or images inside paragraphs: those are blocks.
PARAGRAPH_FEATURES = ["bold", "italic", "link", "document-link", "ol", "ul", "h2", "h3"]


class APIBlockMixin:
    """API representation through news.api.representation.BodyResolver.

    A block says which objects its stored (raw) value refers to (``api_references``) and
    how to represent it once they are loaded (``api_value``). ``get_api_representation``
    (used by API v3 and for a single block) resolves one block the same way a whole
    listing is resolved in bulk.
    """

    def api_references(self, raw):
        return {}

    def api_value(self, raw, resolver):
        raise NotImplementedError

    def get_api_representation(self, value, context=None):
        from news.api.representation import BodyResolver

        raw = self.get_prep_value(value)
        resolver = BodyResolver(request=(context or {}).get("request"))
        resolver.prepare_block(self, raw)
        return self.api_value(raw, resolver)


def raw_text(raw, key):
    return (raw or {}).get(key) or ""


class ParagraphBlock(APIBlockMixin, blocks.RichTextBlock):
    def __init__(self, **kwargs):
        kwargs.setdefault("features", PARAGRAPH_FEATURES)
        super().__init__(**kwargs)

    def api_value(self, raw, resolver):
        from news.api.representation import rich_text_html

        return rich_text_html(raw or "")

    class Meta:
        icon = "pilcrow"
        label = "Paragraph"
        template = "news/blocks/paragraph.html"


class QuoteBlock(APIBlockMixin, blocks.StructBlock):
    """Quoted text, e.g. wire copy, with who said it and where it came from."""

    text = blocks.TextBlock(label="Quoted text")
    attribution = blocks.CharBlock(required=False, max_length=255, help_text="Who said it")
    source_name = blocks.CharBlock(
        required=False, max_length=255, help_text='Where it comes from, e.g. "AFP"'
    )
    source_url = blocks.URLBlock(required=False, label="Source URL")

    def api_value(self, raw, resolver):
        return {
            key: raw_text(raw, key) for key in ("text", "attribution", "source_name", "source_url")
        }

    class Meta:
        icon = "openquote"
        label = "Quote"
        template = "news/blocks/quote.html"


class ImageBlock(APIBlockMixin, blocks.StructBlock):
    """An image with its caption and credit, as shown in the body of a post."""

    image = ImageChooserBlock()
    caption = blocks.CharBlock(required=False, max_length=500)
    credit = blocks.CharBlock(
        required=False, max_length=255, help_text='Photographer or agency, e.g. "Reuters"'
    )
    alt_text = blocks.CharBlock(
        required=False,
        max_length=255,
        help_text="Describes the image for people who cannot see it. "
        "Leave empty to use the image's own description.",
    )

    def api_references(self, raw):
        return {"images": [(raw or {}).get("image")]}

    def api_value(self, raw, resolver):
        image = resolver.image((raw or {}).get("image"))
        return {
            "image": image,
            "caption": raw_text(raw, "caption"),
            "credit": raw_text(raw, "credit"),
            "alt": raw_text(raw, "alt_text") or (image["alt"] if image else ""),
        }

    class Meta:
        icon = "image"
        label = "Image"
        template = "news/blocks/image.html"


class ExternalLinkBlock(blocks.StructBlock):
    url = blocks.URLBlock(label="URL")
    title = blocks.CharBlock(max_length=255)

    class Meta:
        icon = "link-external"
        label = "External link"


class RelatedItemsBlock(blocks.StreamBlock):
    article = blocks.PageChooserBlock(page_type="news.NewsPage", label="News article")
    link = ExternalLinkBlock()

    class Meta:
        min_num = 1


def related_article_items(value):
    """The items of a ``related_articles`` value that a reader may follow.

    Internal articles that were deleted, unpublished, expired or made private are left out
    (in one query for the whole block); external links are kept. Each item is a dict with
    ``type`` ("article" or "link"), ``title`` and ``url``, plus ``page`` for articles.
    """
    from news.models import NewsPage
    from news.selectors import reader_visible

    children = list(value["items"])
    page_ids = [
        child.value.pk
        for child in children
        if child.block_type == "article" and child.value is not None
    ]
    visible = (
        {page.pk: page for page in reader_visible(NewsPage.objects.filter(pk__in=page_ids))}
        if page_ids
        else {}
    )
    items = []
    for child in children:
        if child.block_type == "article":
            page = visible.get(getattr(child.value, "pk", None))
            if page is not None:
                items.append(
                    {"type": "article", "title": page.title, "url": page.url, "page": page}
                )
        elif child.block_type == "link":
            items.append(
                {"type": "link", "title": child.value["title"], "url": child.value["url"]}
            )
    return items


class RelatedArticlesBlock(APIBlockMixin, blocks.StructBlock):
    """'Read more' links: other Newsdesk articles or external stories."""

    heading = blocks.CharBlock(max_length=255, default="Read more")
    items = RelatedItemsBlock()

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        context["items"] = related_article_items(value)
        return context

    def api_references(self, raw):
        items = (raw or {}).get("items") or []
        return {"pages": [item.get("value") for item in items if item.get("type") == "article"]}

    def api_value(self, raw, resolver):
        items = []
        for item in (raw or {}).get("items") or []:
            if item.get("type") == "article":
                article = resolver.related_article(item.get("value"))
                if article is not None:
                    items.append(article)
            elif item.get("type") == "link":
                link = item.get("value") or {}
                items.append(
                    {
                        "type": "link",
                        "url": raw_text(link, "url"),
                        "title": raw_text(link, "title"),
                    }
                )
        return {"heading": raw_text(raw, "heading"), "items": items}

    class Meta:
        icon = "list-ul"
        label = "Related articles"
        template = "news/blocks/related_articles.html"


class DisclaimerBlock(APIBlockMixin, blocks.StructBlock):
    """A reusable Disclaimer snippet, or text written for this post only."""

    disclaimer = SnippetChooserBlock("news.Disclaimer", required=False)
    text = blocks.RichTextBlock(
        required=False, features=["bold", "italic", "link"], label="Custom text"
    )

    def clean(self, value):
        value = super().clean(value)
        has_snippet = value.get("disclaimer") is not None
        has_text = bool(value.get("text") and strip_tags(value["text"].source).strip())
        if has_snippet == has_text:
            message = (
                "Choose a saved disclaimer or write custom text, not both."
                if has_snippet
                else "Choose a saved disclaimer or write custom text."
            )
            raise StructBlockValidationError(
                block_errors={"disclaimer": ErrorList([ValidationError(message)])}
            )
        return value

    def api_references(self, raw):
        return {"disclaimers": [(raw or {}).get("disclaimer")]}

    def api_value(self, raw, resolver):
        from news.api.representation import rich_text_html

        disclaimer_id = (raw or {}).get("disclaimer")
        if disclaimer_id:
            disclaimer = resolver.disclaimer(disclaimer_id)
            return {
                "source": "snippet",
                "disclaimer_id": disclaimer.pk if disclaimer else None,
                "html": rich_text_html(disclaimer.text) if disclaimer else "",
            }
        return {
            "source": "custom",
            "disclaimer_id": None,
            "html": rich_text_html(raw_text(raw, "text")),
        }

    class Meta:
        icon = "warning"
        label = "Disclaimer"
        template = "news/blocks/disclaimer.html"


def embed_miss_key(url):
    return "newsdesk:embed-miss:" + hashlib.sha256(url.encode()).hexdigest()


def recently_failed_embeds(urls):
    """Those of ``urls`` whose lookup failed recently (one cache round trip for all)."""
    keys = {embed_miss_key(url): url for url in urls}
    return {keys[key] for key, failed in cache.get_many(list(keys)).items() if failed}


def find_embed(url):
    """The oEmbed result for ``url``, or None when no embed can be had.

    The database copy is used when there is one; otherwise the configured finders are
    asked. A failure is remembered in the cache for NEWSDESK_EMBED_FAILURE_TTL seconds so
    an unreachable provider does not slow down every page view.
    """
    miss_key = embed_miss_key(url)
    if cache.get(miss_key):
        return None
    try:
        return get_embed(url)
    except (EmbedException, OSError) as error:
        logger.info("No embed for %s: %s", url, error)
        cache.set(miss_key, True, settings.NEWSDESK_EMBED_FAILURE_TTL)
        return None


class EmbedBlock(APIBlockMixin, blocks.StructBlock):
    """A video or other oEmbed URL; shown as a plain link when it cannot be embedded."""

    url = blocks.URLBlock(label="URL", help_text="e.g. a YouTube or Vimeo address")
    title = blocks.CharBlock(
        required=False,
        max_length=255,
        help_text="Shown as the link text when the video cannot be embedded",
    )
    caption = blocks.CharBlock(required=False, max_length=500)

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        context["embed"] = find_embed(value["url"])
        return context

    def api_references(self, raw):
        return {"embeds": [(raw or {}).get("url")]}

    def api_value(self, raw, resolver):
        url = raw_text(raw, "url")
        return {
            "url": url,
            "title": raw_text(raw, "title"),
            "caption": raw_text(raw, "caption"),
            "embed": resolver.embed(url) if url else None,
        }

    class Meta:
        icon = "media"
        label = "Embedded video"
        template = "news/blocks/embed.html"


class ResolvedStreamBlock(blocks.StreamBlock):
    """A body whose API representation resolves every block with bulk queries."""

    def get_api_representation(self, value, context=None):
        from news.api.representation import BodyResolver

        return BodyResolver(request=(context or {}).get("request")).stream(value)


class NewsBodyBlock(ResolvedStreamBlock):
    paragraph = ParagraphBlock()
    quote = QuoteBlock()
    image = ImageBlock()
    related_articles = RelatedArticlesBlock()
    disclaimer = DisclaimerBlock()
    embed = EmbedBlock()


class StandardBodyBlock(ResolvedStreamBlock):
    paragraph = ParagraphBlock()
    quote = QuoteBlock()
    image = ImageBlock()
    embed = EmbedBlock()
