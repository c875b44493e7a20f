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

A tag's version has two halves, kept under two cache keys so that no bump ever has to
read and rewrite the other's: the *hard* half (``newsdesk:tag:<tag>``) and the *soft*
half (``newsdesk:tag:<tag>:soft``); the version is ``"<hard>:<soft>"``. A hard bump
(``bump(tag)``) renews the hard half: what was stored before is never served again. A soft
bump (``bump(tag, soft=True)``) renews only the soft half, stamped with the time of the
bump: a copy stored before it is *stale*, and may still be served for a moment while one
request renders the fresh one (middleware.py), when nothing but soft bumps came since and
the last of them is at most ``NEWSDESK_STALE_SECONDS`` old (``versions_state``). Soft is
for changes that only add or update what readers may see (a publish, a redirect);
anything that may take something away from them (unpublish, delete, move, privacy, a
withdrawn comment) is hard.

A half missing from the cache (evicted, or never made) is made anew: a new hard half makes
every copy stored under the old one a miss; a new soft half is stamped with no bump time,
so copies stored under the old one are misses too, never stale hits.
"""

import math
import secrets
import time
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.core.cache import cache

from cms.core.cache import add_many

TREE = "tree"
LISTINGS = "listings"
SEARCH = "search"
MEDIA = "media"
VERSION_PREFIX = "newsdesk:tag:"
SOFT_SUFFIX = ":soft"

#: ``versions_state``: every tag still has the stored version / only soft bumps came since,
#: the last within ``NEWSDESK_STALE_SECONDS``.
FRESH = "fresh"
STALE = "stale"

#: The bump time of a soft half that was made because it was missing, not by a bump.
_NOT_BUMPED = 0

#: The request whose response the response cache is rendering (``rendering``), for code
#: that declares what it shows without a request at hand (an API v3 field).
_rendering = ContextVar("newsdesk_rendering_request", default=None)


def page_tag(page_id):
    return f"page:{page_id}"


def _version_key(tag):
    return VERSION_PREFIX + tag


def _soft_key(tag):
    return VERSION_PREFIX + tag + SOFT_SUFFIX


def _soft_half(bumped_at_ms):
    return f"{secrets.token_hex(4)}@{bumped_at_ms}"


def _bumped_at(soft_half):
    """Seconds since the epoch of the soft bump that made ``soft_half``; 0 when it was made
    because it was missing."""
    try:
        return int(soft_half.rsplit("@", 1)[1]) / 1000
    except (AttributeError, IndexError, ValueError):
        return _NOT_BUMPED


def stale_seconds():
    """How long after a soft bump a copy stored before it may still be served stale."""
    return settings.NEWSDESK_STALE_SECONDS


def version_keys(tags):
    """The cache keys holding ``tags``' versions, for reading them in the same round trip
    as something else (``halves_in``)."""
    return [key for tag in tags for key in (_version_key(tag), _soft_key(tag))]


def halves_in(found, tags):
    """{tag: (hard, soft)} of ``tags`` from ``found``, what ``cache.get_many`` returned for
    their ``version_keys`` (None for a missing half): pass it as ``known`` below."""
    return {tag: (found.get(_version_key(tag)), found.get(_soft_key(tag))) for tag in tags}


def _halves(tags, known=None):
    """{tag: (hard, soft)} as the cache holds them, None for a missing half; the tags in
    ``known`` (read a moment ago, ``halves_in``) are not read again."""
    known = known or {}
    missing = [tag for tag in tags if tag not in known]
    found = halves_in(cache.get_many(version_keys(missing)), missing) if missing else {}
    return {tag: known[tag] if tag in known else found[tag] for tag in tags}


def current_versions(tags, known=None):
    """The current version of each tag, creating versions for tags that have none (the
    halves in ``known``, from ``halves_in``, are taken as read).

    A tag whose version was evicted from the cache gets a new one, which makes every
    response stored under the old one stale: eviction can only cause a miss, never a
    stale hit. The missing halves are made in one round trip (``add_many``), keeping a
    half another instance made meanwhile.
    """
    tags = list(dict.fromkeys(tags))
    halves = _halves(tags, known)
    made = {}
    for tag, (hard, soft) in halves.items():
        if hard is None:
            made[_version_key(tag)] = secrets.token_hex(8)
        if soft is None:
            made[_soft_key(tag)] = _soft_half(_NOT_BUMPED)
    held = {**made, **add_many(cache, made)}
    versions = {}
    for tag, (hard, soft) in halves.items():
        hard = held[_version_key(tag)] if hard is None else hard
        soft = held[_soft_key(tag)] if soft is None else soft
        versions[tag] = f"{hard}:{soft}"
    return versions


def versions_state(stored, known=None):
    """``FRESH`` while every tag in ``stored`` ({tag: version}) still has that version;
    ``STALE`` when some tags' versions changed by soft bumps only (the hard halves all
    still match) and each such tag's last soft bump is at most ``NEWSDESK_STALE_SECONDS``
    old; None otherwise (a hard bump, an evicted half, an old soft bump). The halves in
    ``known`` (``halves_in``, read with ``stored``) are taken as read."""
    if not stored:
        return None
    now = time.time()
    window = stale_seconds()
    state = FRESH
    for tag, (hard, soft) in _halves(list(stored), known).items():
        if hard is None or soft is None:
            return None
        version = stored[tag]
        if version == f"{hard}:{soft}":
            continue
        if not isinstance(version, str) or version.split(":", 1)[0] != hard:
            return None
        bumped_at = _bumped_at(soft)
        if bumped_at == _NOT_BUMPED or now - bumped_at > window:
            return None
        state = STALE
    return state


def versions_match(stored):
    """True while every tag in ``stored`` ({tag: version}) still has that version."""
    return versions_state(stored) == FRESH


def bump(*tags, soft=False):
    """Give each tag a new version: every cached response carrying it becomes stale.

    Hard (the default): no copy stored before is served again. ``soft=True``: copies
    stored before may be served stale for a moment while one request renders anew (see
    the module docstring); only for changes that take nothing away from readers."""
    if not tags:
        return
    if soft:
        now_ms = int(time.time() * 1000)
        values = {_soft_key(tag): _soft_half(now_ms) for tag in tags}
    else:
        values = {_version_key(tag): secrets.token_hex(8) for tag in tags}
    cache.set_many(values, timeout=None)


def forget_all(**_signal):
    """Forget every tag's version: every stored response becomes stale. For a shared
    cache that comes back after an outage (cms.core.cache.cache_recovered), during which
    the bumps of whatever was published were lost. Redis deletes the version keys (both
    halves: what was stored before is a miss, never served stale); a cache without key
    patterns (the default file cache) is cleared."""
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
        # Read now, before the page's content is (see middleware.py), unless it was read
        # with the stored copy, before anything else.
        versions = getattr(request, "newsdesk_cache_versions", None)
        if versions is not None and tag not in versions:
            versions.update(current_versions([tag], getattr(request, "newsdesk_halves", None)))


@contextmanager
def rendering(request):
    """Make ``request`` the one whose response is being rendered (middleware.py), for
    ``depends_on_listings`` and ``fresh_until`` called without it."""
    token = _rendering.set(request)
    try:
        yield
    finally:
        _rendering.reset(token)


def _rendered_request(request):
    request = getattr(request, "_request", request)  # DRF wraps Django's request
    return request if request is not None else _rendering.get()


def depends_on_listings(request=None):
    """Record that the response being rendered for ``request`` (by default the one the
    response cache is rendering) shows posts beyond its own page, as a listing does (the
    home page's API detail, with its lead story and sections): a publish anywhere makes
    it stale, not only a change to its own page."""
    request = _rendered_request(request)
    tags = getattr(request, "newsdesk_cache_tags", None)
    if tags is not None:
        tags.add(LISTINGS)
        versions = getattr(request, "newsdesk_cache_versions", None)
        if versions is not None and LISTINGS not in versions:
            versions.update(
                current_versions([LISTINGS], getattr(request, "newsdesk_halves", None))
            )


def fresh_until(moment, request=None):
    """Record that the response being rendered for ``request`` (by default the one the
    response cache is rendering) changes at ``moment`` (an aware datetime) without any
    publish: a time window ends (the home page's breaking strip). Its stored copy and its
    ``max-age`` then end there too (middleware.py), as they end at a page's expiry."""
    request = _rendered_request(request)
    if request is None:
        return
    current = getattr(request, "newsdesk_fresh_until", None)
    if current is None or moment < current:
        request.newsdesk_fresh_until = moment


def seconds_fresh(request):
    """Seconds until the moment recorded with ``fresh_until`` for ``request`` (0 once
    passed), or None."""
    moment = getattr(request, "newsdesk_fresh_until", None)
    if moment is None:
        return None
    return max(0, math.ceil(moment.timestamp() - time.time()))
