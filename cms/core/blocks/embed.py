"""``embed``: a video or other oEmbed URL, shown as a plain link when it cannot be embedded.

``find_embed`` is the one way Newsdesk asks for an embed: the database copy when there is
one, else the configured oEmbed finders. A failed lookup is remembered in the cache for
NEWSDESK_EMBED_FAILURE_TTL seconds, so an unreachable provider does not slow every page.

Only an absolute http(s) URL is ever looked up (``embeddable_url``); the link shown when
there is no embed passes the link allow-list (``safe_url``), and without a safe URL the
block shows its title (if any) and caption as text. The API serves the URL as it is
rendered: "" when it is not safe, with ``embed`` null.

The link says where it goes (``fallback_link_text``): "Watch on YouTube", "View on
Vimeo", else "Open video on <host>", after the block's title when it has one; the URL
itself is never printed.
"""

import hashlib
import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from pydantic import BaseModel, Field
from wagtail import blocks
from wagtail.embeds.embeds import get_embed
from wagtail.embeds.exceptions import EmbedException

from cms.core.blocks.base import NewsdeskBlock, plain_text, raw_text
from cms.core.resolvers import resolver_for
from cms.core.safe_urls import embeddable_url, safe_url

logger = logging.getLogger(__name__)


def embed_miss_key(url):
    return "newsdesk:embed-miss:" + hashlib.sha256(url.encode()).hexdigest()


def recently_failed_embeds(urls):
    """Those of ``urls`` whose lookup failed recently (one cache round trip for all)."""
    keys = {embed_miss_key(url): url for url in urls}
    return {keys[key] for key, failed in cache.get_many(list(keys)).items() if failed}


def find_embed(url, checked=False):
    """The oEmbed result (a wagtail Embed) for ``url``, or None when there is none; None
    without asking anyone when ``url`` is not an absolute http(s) URL. ``checked``: the
    caller has just asked ``recently_failed_embeds`` and it was not among them."""
    if not embeddable_url(url):
        return None
    miss_key = embed_miss_key(url)
    if not checked and cache.get(miss_key):
        return None
    try:
        return get_embed(url)
    except (EmbedException, OSError) as error:
        logger.info("No embed for %s: %s", url, error)
        cache.set(miss_key, True, settings.NEWSDESK_EMBED_FAILURE_TTL)
        return None


#: Video sites readers know by name: (host names, link text).
KNOWN_PROVIDERS = (
    (("youtube.com", "youtu.be", "youtube-nocookie.com"), "Watch on YouTube"),
    (("vimeo.com",), "View on Vimeo"),
)


def fallback_link_text(url):
    """What the link to a video that cannot be embedded says: the provider's name for
    the sites readers know ("Watch on YouTube"), else the host name ("Open video on
    example.org"), else (a relative or odd URL) "Watch the video"."""
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        host = ""
    host = host.removeprefix("www.").removeprefix("m.")
    for hosts, text in KNOWN_PROVIDERS:
        if any(host == known or host.endswith("." + known) for known in hosts):
            return text
    return f"Open video on {host}" if host else "Watch the video"


class EmbedObject(BaseModel):
    html: str
    type: str
    provider_name: str
    thumbnail_url: str
    width: int | None
    height: int | None


class EmbedValue(BaseModel):
    heading: str
    url: str = Field(
        description='The video\'s address, to link to when embed is null; "" when the stored '
        "one is not safe to link to (only http, https, mailto, tel and relative URLs are)"
    )
    title: str
    caption: str
    embed: EmbedObject | None = Field(
        description="The provider's oEmbed data; null when it could not be fetched "
        "(show a plain link to url)"
    )


class EmbedBlock(NewsdeskBlock, blocks.StructBlock):
    api_schema = EmbedValue

    heading = blocks.CharBlock(
        required=False,
        max_length=255,
        help_text='Optional: a heading above the video, e.g. "Related video"',
    )
    url = blocks.URLBlock(label="URL", help_text="e.g. a YouTube or Vimeo address")
    title = blocks.CharBlock(
        required=False,
        max_length=255,
        help_text="Shown as the link text when the video cannot be embedded",
    )
    caption = blocks.CharBlock(
        required=False,
        max_length=500,
        help_text="Optional: a line under the video saying what it shows",
    )

    def get_context(self, value, parent_context=None):
        """``url``: the URL to link to when there is no embed ("" when it is not safe);
        ``link_title`` and ``link_text``: what that link says (the block's title, else the
        provider's, then where it goes); ``embed``: the stored oEmbed
        result, or None."""
        context = super().get_context(value, parent_context=parent_context)
        url = value.get("url") or ""
        context["url"] = safe_url(url)
        context["link_text"] = fallback_link_text(context["url"])
        # The response's resolver loaded the embeds of every body it renders at once.
        embed_url = embeddable_url(url)
        context["embed"] = (
            resolver_for(parent_context).stored_embed(embed_url) if embed_url else None
        )
        context["link_title"] = value.get("title") or getattr(context["embed"], "title", "")
        return context

    def references(self, raw):
        return {"embeds": [embeddable_url(raw_text(raw, "url"))]}

    def api_value(self, raw, resolver):
        url = raw_text(raw, "url")
        embed_url = embeddable_url(url)
        return {
            "heading": raw_text(raw, "heading"),
            "url": safe_url(url),
            "title": raw_text(raw, "title"),
            "caption": raw_text(raw, "caption"),
            "embed": resolver.embed(embed_url) if embed_url else None,
        }

    def search_text(self, raw, resolver=None):
        return " ".join(plain_text(raw_text(raw, key)) for key in ("heading", "title", "caption"))

    class Meta:
        icon = "media"
        label = "Embedded video"
        template = "news/blocks/embed.html"
