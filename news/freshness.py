"""Keeping cached responses fresh: cache tags, invalidation and frontend-cache purges.

Every response the server-side cache stores (``cms/middleware.py``) records the *tags*
it depends on and the version each tag had before the response was rendered:

- ``tree``: everything readers can see — which pages are live, their titles, menus,
  snippets, images. Every cached response depends on it.
- ``listings``: responses that list several posts (home, indexes, tag and month pages,
  feeds, API listings). Comment counts appear in listings, so comments touch it too.
- ``page:<id>``: the detail responses of one page (its HTML page and API detail).

Tag versions live in the same cache as the responses (Redis in production, shared by
every app instance), so bumping a version on one instance makes every instance's stored
responses that carry the tag stale at once. A cached response is served only while all
of its tags still have the versions it was stored with.

What bumps what (wired up in ``news/signals.py``):

- a page is published, unpublished (also by expiry in the worker), moved or deleted, its
  privacy changes, or a snippet, image or site setting that pages show changes → ``tree``;
- something on one page changes without republishing it (a comment is approved, or an
  approved comment is withdrawn) → ``page:<id>`` and ``listings``
  (:func:`page_content_changed`).

When a frontend cache or CDN is configured (``WAGTAILFRONTENDCACHE``, see README,
"Frontend cache"), the URLs that show the page are purged too: its own URLs, its
ancestors (the index and the home page), the index's tag pages for its tags, the feeds,
the sitemap and its API detail URLs. Purges run on a background thread after the
transaction commits, so a slow CDN never slows publishing.
"""

import logging
import secrets
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

logger = logging.getLogger(__name__)

TREE = "tree"
LISTINGS = "listings"
VERSION_PREFIX = "newsdesk:tag:"
NEXT_EXPIRY_KEY = "newsdesk:next-expiry:"


def page_tag(page_id):
    return f"page:{page_id}"


def _version_key(tag):
    return VERSION_PREFIX + tag


def depends_on_page(request, page):
    """Record that the response being rendered for ``request`` is ``page``'s detail
    (its HTML page): it is then invalidated by changes to that page alone, not by
    changes that only affect listings."""
    request = getattr(request, "_request", request)  # DRF wraps Django's request
    tags = getattr(request, "newsdesk_cache_tags", None)
    if tags is not None:
        tag = page_tag(page.pk)
        tags.add(tag)
        # Read now, before the page's content is: see cms/middleware.py.
        versions = getattr(request, "newsdesk_cache_versions", None)
        if versions is not None and tag not in versions:
            versions.update(current_versions([tag]))


def current_versions(tags):
    """The current version of each tag, creating versions for tags that have none.

    A tag whose version was evicted from the cache gets a new one, which makes every
    response stored under the old one stale: eviction can only cause a miss, never a
    stale hit.
    """
    tags = list(tags)
    keys = {_version_key(tag): tag for tag in tags}
    found = cache.get_many(list(keys))
    versions = {keys[key]: value for key, value in found.items()}
    for tag in tags:
        if tag not in versions:
            token = secrets.token_hex(8)
            # add() keeps a version another instance created meanwhile.
            cache.add(_version_key(tag), token, timeout=None)
            versions[tag] = cache.get(_version_key(tag)) or token
    return versions


def versions_match(stored):
    """True while every tag in ``stored`` ({tag: version}) still has that version."""
    if not stored:
        return False
    keys = {_version_key(tag): tag for tag in stored}
    found = cache.get_many(list(keys))
    return all(found.get(key) == stored[tag] for key, tag in keys.items())


def bump(*tags):
    """Give each tag a new version: every cached response carrying it becomes stale."""
    cache.set_many({_version_key(tag): secrets.token_hex(8) for tag in tags}, timeout=None)


def seconds_until_next_expiry(tree_version):
    """Seconds until the next live page reaches its expiry time, or None.

    Cached responses must not outlive a page's expiry (readers stop seeing an expired
    page at once, see news/wagtail_hooks.py), so they are stored at most this long.
    The answer is remembered per ``tree`` version: it changes only when pages do.
    """
    from wagtail.models import Page

    key = NEXT_EXPIRY_KEY + str(tree_version)
    now = timezone.now()
    cached = cache.get(key)
    if cached is None or (cached != "none" and cached <= now):
        next_expiry = (
            Page.objects.filter(live=True, expire_at__gt=now)
            .order_by("expire_at")
            .values_list("expire_at", flat=True)
            .first()
        )
        cached = next_expiry or "none"
        cache.set(key, cached, timeout=settings.NEWSDESK_CACHE_TIMEOUT)
    if cached == "none":
        return None
    return max(0, int((cached - now).total_seconds()))


def remembered(key, compute):
    """``compute()``, remembered until what readers can see changes.

    For aggregates over the whole archive that cost the same whatever page is shown
    (a listing's total count, the month archive, the site menu): keyed by the current
    ``tree`` version, so any publish, unpublish, move, delete or privacy change makes
    every instance compute them afresh, and never kept past the next page expiry.
    ``key`` must describe everything the result depends on besides that.
    """
    version = current_versions([TREE])[TREE]
    full_key = f"newsdesk:remembered:{version}:{key}"
    found = cache.get(full_key, _MISSING)
    if found is not _MISSING:
        return found
    value = compute()
    timeout = settings.NEWSDESK_CACHE_TIMEOUT
    until_expiry = seconds_until_next_expiry(version)
    if until_expiry is not None:
        timeout = min(timeout, until_expiry)
    if timeout > 0:
        cache.set(full_key, value, timeout)
    return value


_MISSING = object()


# Invalidation -------------------------------------------------------------------------


def _after_commit(function):
    """Run ``function`` once the current transaction commits (at once outside one).

    Invalidating after the commit matters: a request that rendered between the bump and
    the commit would store the old content under the new version.
    """
    transaction.on_commit(function)


def content_changed(pages=(), *, purge=True, moved=None):
    """What readers can see changed (publish, unpublish, move, delete, privacy, snippet,
    image or setting): every cached response is stale, and the frontend cache forgets
    the URLs that show ``pages`` (worked out now, while deleted pages still exist).
    ``moved=(url_path_before, url_path_after)`` also purges the pages' old addresses."""
    pages = [page for page in pages if page is not None]
    urls = frontend_urls(pages, listings=True) if purge else []
    if urls and moved and all(moved):
        urls += old_addresses(urls, *moved)

    def invalidate():
        bump(TREE)
        purge_frontend_cache(urls)

    # Bump now as well as after the commit: readers on other instances stop getting the
    # old version at once, and a response rendered before the commit is not kept.
    bump(TREE)
    _after_commit(invalidate)


def page_content_changed(page):
    """Call when something shown on ``page`` changed without the page being republished
    (e.g. a comment was approved or withdrawn): its detail responses and the listings
    are stale; the other pages' detail responses stay cached."""
    tags = (page_tag(page.pk), LISTINGS)
    urls = frontend_urls([page], listings=True)

    def invalidate():
        bump(*tags)
        purge_frontend_cache(urls)

    bump(*tags)
    _after_commit(invalidate)


# Frontend cache (CDN) purges ----------------------------------------------------------

_purge_executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="newsdesk-purge")


# Purging a section (made private, moved) covers at most this many pages by URL; purge
# the CDN by hand for bigger sections (docs/caching.md).
PURGE_SUBTREE_LIMIT = 2000


def old_addresses(urls, url_path_before, url_path_after):
    """The addresses ``urls`` had before a page moved from ``url_path_before`` to
    ``url_path_after`` (Wagtail url_paths, which start with the site root's slug)."""

    def relative(url_path):
        return "/" + url_path.strip("/").split("/", 1)[-1] + "/"

    before, after = relative(url_path_before), relative(url_path_after)
    return [url.replace(after, before, 1) for url in urls if after in url]


def frontend_cache_configured():
    return bool(getattr(settings, "WAGTAILFRONTENDCACHE", None))


def urls_showing(pages, *, listings=True):
    """Absolute URLs of the reader pages, feeds and API responses that show ``pages``."""
    from wagtail.models import Page

    urls = set()
    base = settings.WAGTAILAPI_BASE_URL.rstrip("/")
    for page in pages:
        page = page.specific if isinstance(page, Page) else page
        page_url = page.get_full_url()
        if page_url:
            urls.add(page_url)
            root = page_url[: -len(page.url)] if page.url and page.url != "/" else None
            base = root.rstrip("/") if root else base
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
        urls.update(
            base + path
            for path in (
                reverse("news_feed_rss"),
                reverse("news_feed_atom"),
                reverse("sitemap"),
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


def purge_frontend_cache(urls):
    """Ask the configured frontend caches to forget ``urls``, on a background thread so
    a slow or unreachable CDN never holds up an editor."""
    if urls:
        _purge_executor.submit(_purge_urls, list(urls))


def _purge_urls(urls):
    from wagtail.contrib.frontend_cache.utils import get_backends

    try:
        for name, backend in get_backends().items():
            mine = [url for url in urls if backend.invalidates_hostname(urlsplit(url).netloc)]
            if mine:
                backend.purge_batch(mine)
                logger.info("Purged %d URLs from frontend cache %r", len(mine), name)
    except Exception:
        logger.exception("Purging %d URLs from the frontend cache failed", len(urls))
