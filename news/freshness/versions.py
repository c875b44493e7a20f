"""Cache tags and their versions (see the package docstring).

- ``tree``: everything readers can see (which pages are live, titles, menus, snippets,
  images). Every stored response depends on it.
- ``listings``: responses that list several posts (home, indexes, tag and month pages,
  feeds, API listings). Comment counts appear in listings, so comments touch it too.
- ``search``: responses to API searches, which depend on the search index. The worker
  updates the index after a page is saved (Wagtail's indexing task), after ``tree`` was
  bumped, so finishing an indexing task bumps ``search`` (signal_handlers.py).
- ``media``: the images and documents APIs, which list the files reader-visible pages
  use, as Wagtail's reference index records them. The worker updates the index after a
  page is saved (Wagtail's reference index task), after ``tree`` was bumped, so finishing
  that task bumps ``media`` (signal_handlers.py).
- ``page:<id>``: the detail responses of one page (its HTML page and API detail).
"""

import secrets

from django.core.cache import cache

TREE = "tree"
LISTINGS = "listings"
SEARCH = "search"
MEDIA = "media"
VERSION_PREFIX = "newsdesk:tag:"


def page_tag(page_id):
    return f"page:{page_id}"


def _version_key(tag):
    return VERSION_PREFIX + tag


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


def forget_all(**_signal):
    """Forget every tag's version: every stored response becomes stale. For a shared
    cache that comes back after an outage (cms.core.cache.cache_recovered), during which
    the bumps of whatever was published were lost. Redis deletes the version keys; a
    cache without key patterns (the default file cache) is cleared."""
    delete_pattern = getattr(cache, "delete_pattern", None)
    if delete_pattern is None:
        cache.clear()
    else:
        delete_pattern(VERSION_PREFIX + "*")


def depends_on_page(request, page):
    """Record that the response being rendered for ``request`` is ``page``'s detail (its
    HTML page, API detail or comment listing): it is then invalidated by changes to that
    page alone, not by changes that only affect listings."""
    request = getattr(request, "_request", request)  # DRF wraps Django's request
    tags = getattr(request, "newsdesk_cache_tags", None)
    if tags is not None:
        tag = page_tag(page.pk)
        tags.add(tag)
        # Read now, before the page's content is: see middleware.py.
        versions = getattr(request, "newsdesk_cache_versions", None)
        if versions is not None and tag not in versions:
            versions.update(current_versions([tag]))
