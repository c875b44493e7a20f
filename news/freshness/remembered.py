"""Aggregates remembered until what readers can see changes.

A listing's total count, the month archive, the site menu and the search page's tag filter
each read the whole archive and cost the same whatever page is shown; they change only
when published content does: when ``tree`` changes (unpublish, move, privacy, a page in
the menu published) or ``listings`` does (a post published, a comment approved).
"""

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from wagtail.models import Page

from cms.core import content_version
from news.freshness.versions import LISTINGS, TREE, current_versions

NEXT_EXPIRY_KEY = "newsdesk:next-expiry:"
#: Remembered aggregates that list no posts, only pages under a site's root (the site
#: menu: home/templatetags/navigation_tags.py, news/api/chrome.py; the home page's news
#: index: home/views.py). Which pages they show
#: changes only with ``tree`` (a page in the menu published, unpublished, moved, made
#: private), so a published post or an approved comment does not make them stale.
TREE_ONLY_KEYS = ("site-menu:", "news-index-under:")
_MISSING = object()
#: (``tree`` version, next expiry or "none") as this process last read it.
_next_expiry = (None, None)


def seconds_until_next_expiry(tree_version):
    """Seconds until the next live page reaches its expiry time, or None.

    Cached responses must not outlive a page's expiry (readers stop seeing an expired
    page at once, news/visibility.py), so they are stored at most this long. The answer
    is remembered per ``tree`` version (it changes only when pages do): in the cache for
    every process, and in this one for the last version it asked about, since a request
    that stores a response and the pieces in it asks several times.
    """
    global _next_expiry
    now = timezone.now()
    version, cached = _next_expiry
    if version != tree_version or (cached != "none" and cached <= now):
        key = NEXT_EXPIRY_KEY + str(tree_version)
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
        _next_expiry = (tree_version, cached)
    if cached == "none":
        return None
    return max(0, int((cached - now).total_seconds()))


def remembered(key, compute):
    """``compute()``, remembered until what readers can see changes.

    Keyed by the current ``tree`` and ``listings`` versions, so any publish, unpublish,
    move, delete or privacy change makes every instance compute it afresh (a post
    published bumps ``listings``, not ``tree``: news/freshness/changes.py), and never
    kept past the next page expiry. The site menu (``TREE_ONLY_KEYS``) is keyed by
    ``tree`` alone. ``key`` must describe everything the result depends on besides that.
    """
    tags = [TREE] if key.startswith(TREE_ONLY_KEYS) else [TREE, LISTINGS]
    # A public request's versions were read before it rendered anything (middleware.py):
    # looked up under those, it needs no round trip to read them again.
    known = content_version.tag_versions()
    versions = known if all(tag in known for tag in tags) else current_versions(tags)
    version = versions[TREE]
    full_key = "newsdesk:remembered:" + "|".join(versions[tag] for tag in tags) + ":" + key
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
