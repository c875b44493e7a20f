"""RSS 2.0 and Atom feeds of published news: all posts of the site, and per tag.

Items come from ``published_news()``, so drafts, private, expired and not yet published
posts never appear. Authors, tags and lead image renditions are prefetched there, so a
feed costs the same number of queries whatever its length.

URLs (see ``cms/urls.py``): ``/feeds/news/rss/``, ``/feeds/news/atom/``,
``/feeds/tags/<slug>/rss/``, ``/feeds/tags/<slug>/atom/``.
"""

import copy

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import escape
from taggit.models import Tag

from cms.core.site_urls import absolute_url, site_base_url, site_for
from news.selectors import news_index_under, published_news
from news.seo import (
    lead_image_alt,
    modification_datetime,
    publication_datetime,
    site_name,
    social_image,
)

FEED_LENGTH = 50

DUBLIN_CORE_NS = "http://purl.org/dc/elements/1.1/"
MEDIA_RSS_NS = "http://search.yahoo.com/mrss/"


def _add_media_content(handler, item):
    image = item.get("image")
    if image:
        handler.startElement(
            "media:content",
            {
                "url": image["url"],
                "medium": "image",
                "type": image["type"],
                "width": str(image["width"]),
                "height": str(image["height"]),
            },
        )
        if item.get("image_caption"):
            handler.addQuickElement("media:description", item["image_caption"], {"type": "plain"})
        handler.endElement("media:content")


class NewsRssFeed(Rss201rev2Feed):
    """RSS 2.0 with one ``dc:creator`` per author and the lead image as ``media:content``
    (its caption as ``media:description``)."""

    def rss_attributes(self):
        return {
            **super().rss_attributes(),
            "xmlns:dc": DUBLIN_CORE_NS,
            "xmlns:media": MEDIA_RSS_NS,
        }

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for name in item.get("author_names", ()):
            handler.addQuickElement("dc:creator", name)
        _add_media_content(handler, item)


class NewsAtomFeed(Atom1Feed):
    """Atom 1.0 with one ``author`` per author and the lead image as ``media:content``
    (its caption as ``media:description``)."""

    def root_attributes(self):
        return {**super().root_attributes(), "xmlns:media": MEDIA_RSS_NS}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for name in item.get("author_names", ()):
            handler.startElement("author", {})
            handler.addQuickElement("name", name)
            handler.endElement("author")
        _add_media_content(handler, item)


class NewsFeed(Feed):
    """The latest published posts of the requested site; with ``slug``, of one tag."""

    feed_type = NewsRssFeed
    item_guid_is_permalink = True

    def __call__(self, request, *args, **kwargs):
        # One Feed instance serves every request of its URL pattern: keep per-request
        # state (the request itself) on a copy, never on the shared instance.
        feed = copy.copy(self)
        feed.request = request
        return Feed.__call__(feed, request, *args, **kwargs)

    def get_object(self, request, slug=None):
        site = site_for(request)
        if site is None:
            raise Http404("No site")
        tag = get_object_or_404(Tag, slug=slug) if slug is not None else None
        return {"site": site, "tag": tag}

    # Feed-level values

    def title(self, obj):
        name = site_name(obj["site"])
        if obj["tag"] is not None:
            return f"{name}: posts tagged “{obj['tag'].name}”"
        return f"{name}: latest news"

    def description(self, obj):
        name = site_name(obj["site"])
        if obj["tag"] is not None:
            return f"The latest posts tagged “{obj['tag'].name}” from {name}."
        return f"The latest news from {name}."

    subtitle = description

    def link(self, obj):
        """The reader page the feed mirrors: the tag page, or the site's home page."""
        root = obj["site"].root_page
        if obj["tag"] is not None:
            index = news_index_under(root)
            if index is not None:
                return index.get_full_url(self.request) + index.reverse_subpage(
                    "tag", args=[obj["tag"].slug]
                )
        return root.get_full_url(self.request) or site_base_url(obj["site"]) + "/"

    def feed_url(self, obj):
        """The feed's own address (``atom:link rel="self"``), on the site's root URL like
        every other link in it, not on the host the request named."""
        return absolute_url(self.request.path, site=obj["site"])

    def items(self, obj):
        tag = obj["tag"].slug if obj["tag"] is not None else None
        posts = list(published_news(index=obj["site"].root_page, tag=tag)[:FEED_LENGTH])
        for post in posts:
            post.feed_url = post.get_full_url(self.request)
        return posts

    # Item values

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        # Feed readers treat descriptions as HTML; the summary is plain text.
        return escape(item.summary)

    def item_link(self, item):
        return item.feed_url

    def item_guid(self, item):
        return item.feed_url

    def item_pubdate(self, item):
        return publication_datetime(item)

    def item_updateddate(self, item):
        return modification_datetime(item)

    def item_categories(self, item):
        return [tag.name for tag in item.tag_list]

    def item_extra_kwargs(self, item):
        return {
            "author_names": [author.name for author in item.authors],
            "image": social_image(item.lead_image, self.request, alt=lead_image_alt(item)),
            "image_caption": item.lead_image_caption if item.lead_image_id else "",
        }


class NewsAtomFeedView(NewsFeed):
    feed_type = NewsAtomFeed
