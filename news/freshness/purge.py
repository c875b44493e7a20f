"""Which URLs a frontend cache (CDN, Varnish) must forget when pages change.

Configured by ``WAGTAILFRONTENDCACHE`` (README, "Configuration"). The URLs that show a
page are its own URL, its ancestors (the news index, the home page), the index's tag
pages and tag feeds for its tags, the site feeds, the sitemaps, and its API detail and
comment URLs. Purging is Wagtail's task (``purge_urls_from_cache_task``, what Wagtail's
``purge_urls_from_cache`` queues), run by the task worker, never in the editor's request.
Newsdesk queues it on a queue of its own, ``purges``: Wagtail's HTTP (Varnish) backend sends
its PURGE requests without a timeout, and a cache server that hangs must hold up only later
purges, not search indexing.
"""

import logging

from django.conf import settings
from django.urls import reverse
from wagtail.contrib.frontend_cache.tasks import purge_urls_from_cache_task
from wagtail.models import Page

from cms.core.site_urls import site_base_url

logger = logging.getLogger(__name__)

# Purging a section (made private, moved) covers at most this many pages by URL; purge
# the CDN by hand for bigger sections (docs/caching.md).
PURGE_SUBTREE_LIMIT = 2000


def frontend_cache_configured():
    return bool(getattr(settings, "WAGTAILFRONTENDCACHE", None))


def old_addresses(urls, url_path_before, url_path_after):
    """The addresses ``urls`` had before a page moved from ``url_path_before`` to
    ``url_path_after`` (Wagtail url_paths, which start with the site root's slug)."""

    def relative(url_path):
        return "/" + url_path.strip("/").split("/", 1)[-1] + "/"

    before, after = relative(url_path_before), relative(url_path_after)
    return [url.replace(after, before, 1) for url in urls if after in url]


def urls_showing(pages, *, listings=True):
    """Absolute URLs of the reader pages, feeds and API responses that show ``pages``."""
    urls = set()
    bases = set()
    for page in pages:
        page = page.specific if isinstance(page, Page) else page
        base = site_base_url(page.get_site())
        bases.add(base)
        page_url = page.get_full_url()
        if page_url:
            urls.add(page_url)
        urls.add(base + reverse("wagtailapi:pages:detail", args=[page.pk]))
        urls.add(f"{base}/api/v3/pages/{page.pk}/")
        # Its reader comments in both APIs (comments show on the page's own responses).
        urls.add(f"{base}/api/v2/comments/?page={page.pk}")
        urls.add(f"{base}/api/v3/pages/{page.pk}/comments/")
        if not listings:
            continue
        for ancestor in page.get_ancestors().filter(depth__gt=1).specific():
            ancestor_url = ancestor.get_full_url()
            if ancestor_url:
                urls.add(ancestor_url)
                tags = getattr(page, "tags", None)
                if tags is not None and hasattr(ancestor, "reverse_subpage"):
                    for slug in tags.values_list("slug", flat=True):
                        urls.add(ancestor_url + ancestor.reverse_subpage("tag", args=[slug]))
                        for kind in ("rss", "atom"):
                            urls.add(base + reverse(f"tag_feed_{kind}", args=[slug]))
    if listings:
        for base in bases or {site_base_url()}:
            urls.update(
                base + path
                for path in (
                    reverse("news_feed_rss"),
                    reverse("news_feed_atom"),
                    reverse("sitemap"),
                    reverse("news_sitemap"),
                    reverse("wagtailapi:pages:listing"),
                    "/api/v3/pages/",
                )
            )
    return sorted(urls)


def frontend_urls(pages, *, listings=True):
    """The URLs to purge for ``pages``; empty when no frontend cache is configured."""
    if not frontend_cache_configured():
        return []
    try:
        return urls_showing(pages, listings=listings)
    except Exception:
        logger.exception("Could not work out which URLs to purge from the frontend cache")
        return []


PURGE_QUEUE = "purges"


def purge(urls):
    """Queue the purge of ``urls`` from every configured frontend cache (a task)."""
    if urls:
        purge_urls_from_cache_task.using(queue_name=PURGE_QUEUE).enqueue(list(urls), None, None)
