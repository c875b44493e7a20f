"""The response cache: HTTP caching and the shared server-side cache of public responses.

Settings: NEWSDESK_RESPONSE_CACHE, NEWSDESK_CACHE_TIMEOUT, NEWSDESK_HTTP_MAX_AGE,
NEWSDESK_HTTP_SHARED_MAX_AGE, NEWSDESK_HTTP_STALE_WHILE_REVALIDATE, NEWSDESK_RENDER_WAIT,
NEWSDESK_STALE_SECONDS (README, "Configuration"); how it stays fresh: the package docstring
and docs/caching.md.
"""

import gzip
import hashlib
import logging
import re
import time
from urllib.parse import parse_qsl, urlencode

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_vary_headers, set_response_etag

from cms.core import content_version
from news.freshness.remembered import seconds_until_next_expiry
from news.freshness.versions import (
    FRESH,
    LISTINGS,
    MEDIA,
    SEARCH,
    STALE,
    TREE,
    current_versions,
    halves_in,
    page_tag,
    version_keys,
    versions_state,
)
from news.signals import response_cache_hit

logger = logging.getLogger(__name__)

# An API detail response shows one page: /api/v2/pages/42/ or /api/v3/pages/42/.
API_DETAIL_PATH = re.compile(r"^/api/v[23]/pages/(?P<id>[0-9]+)/$")
# The images and documents APIs list the files reader-visible pages use.
MEDIA_API_PATH = re.compile(r"^/api/v[23]/(images|documents)/")
ACCEPTS_GZIP = re.compile(r"\bgzip\b")


def accepts_gzip(request):
    return bool(ACCEPTS_GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", "")))


def gzip_encoded(response, body):
    """``response`` carrying ``body``, its content compressed with gzip; the ETag weakened
    as Django's GZipMiddleware does (the bytes differ from the identity encoding's)."""
    response.content = body
    response["Content-Encoding"] = "gzip"
    response["Content-Length"] = str(len(body))
    etag = response.get("ETag")
    if etag and not etag.startswith("W/"):
        response["ETag"] = "W/" + etag
    return response


class ResponseCacheMiddleware:
    """HTTP caching and the shared server-side cache for what anonymous readers get.

    For a *public* request (GET or HEAD, no session cookie, no ``Authorization`` header,
    not the admin, documents or previews):

    - a stored copy is served when every cache tag it depends on still has the version it
      was stored with (news/freshness/versions.py); a hit touches no database (but for a
      search's one write to count it in the search terms report, see below);
    - otherwise the response is rendered and, when it is a 200 that sets no cookie and
      did not opt out, stored in Django's cache (Redis shared by every instance in
      production) for ``NEWSDESK_CACHE_TIMEOUT`` seconds, never past the next page
      expiry;
    - it gets ``Cache-Control: public, max-age=..., stale-while-revalidate=...`` and a
      strong ``ETag``; ``If-None-Match`` with the current ETag gets 304;
    - concurrent misses for one key render once: the first claims the render, the others
      wait up to ``NEWSDESK_RENDER_WAIT`` seconds for its copy and are served it (they
      render themselves only if it does not come);
    - a copy made stale by *soft* bumps only (a publish, news/freshness/versions.py) is
      served as ``STALE`` meanwhile instead, at once, with ``max-age=0``, for at most
      ``NEWSDESK_STALE_SECONDS`` after the bump; the request that claimed the render
      renders, so a lone reader sees the change at once. A copy made stale by a *hard*
      bump (unpublish, privacy, delete, move) is never served: it may show a post readers
      may no longer see. A re-render that stores nothing (a 404, an error) drops the
      stale copy, so it is not served in place of what the address is now;
    - search results (``/search/``) are stored only for a query asked for at least
      ``NEWSDESK_SEARCH_CACHE_AFTER`` times within ``NEWSDESK_SEARCH_CACHE_TIMEOUT``
      seconds, and only for that long, so popular searches are served from the cache
      and one-off ones do not fill it. ``response_cache_hit`` (news/signals.py) lets the
      search app count a search served from the cache in its search terms report.

    Everything else (editors, API tokens, previews) is marked
    ``Cache-Control: private, no-store`` unless the view already decided. ``X-Cache``
    says HIT, STALE, MISS, PASS or BYPASS, for people checking a deployment.

    Views and hooks opt out with ``request.newsdesk_no_cache = "<reason>"`` (pages behind
    a password or login, see news/wagtail_hooks.py) or by sending their own
    ``Cache-Control: private/no-store/no-cache``, and keep a response that goes out of
    date with time alone no longer than ``request.newsdesk_cache_seconds``. They declare
    what a response shows with
    ``news.freshness.versions.depends_on_page(request, page)``.
    """

    #: Paths never served from or stored in the shared cache.
    PRIVATE_PREFIXES = (
        "/admin/",
        "/documents/",
        "/api/v2/page_preview/",
        "/api/v3/page_preview/",
        "/django-admin/",
        "/healthz",
        "/readyz",
    )
    #: The query parameters reader pages read; any other is left out of the cache key.
    #: ``page`` and ``tag``: the news index; ``q``: search; ``p`` and ``page_id``: old
    #: WordPress addresses redirected (news/importers/wagtail_hooks.py); ``reply_to`` and
    #: ``comment``: the comment form under an article (news/comments/views.py); ``q``,
    #: ``tag``, ``date_from``, ``date_to`` and ``page``: search (search/views.py). A view
    #: that starts reading another parameter must be added here.
    READER_PARAMETERS = frozenset(
        {"page", "tag", "q", "p", "page_id", "reply_to", "comment", "date_from", "date_to"}
    )
    #: Paths whose results depend on free-form input: stored briefly, and only once asked
    #: for repeatedly (see above).
    BRIEF_PREFIXES = ("/search/",)
    #: How long a render's claim lasts at most (a worker killed mid-render holds it no
    #: longer), and how often a waiting request looks for the copy being rendered.
    RENDER_CLAIM_SECONDS = 10
    #: How long an address whose response could not be stored is rendered without a claim.
    PASS_SECONDS = 30
    RENDER_POLL_SECONDS = 0.05
    HOP_BY_HOP = {"set-cookie", "connection", "keep-alive", "transfer-encoding", "x-cache"}

    #: Stored responses under these paths keep a gzip copy, made once when stored and
    #: served to every client that accepts it (responses the cache does not store are
    #: compressed per request by cms.middleware.APIGZipMiddleware).
    COMPRESSED_PREFIXES = ("/api/",)
    #: Smaller bodies are not worth compressing (gzip's header and trailer are 18 bytes).
    COMPRESS_MIN_LENGTH = 200

    #: How many addresses' tags a process remembers (``saw_tags``) before starting afresh.
    MAX_TAGS_SEEN = 10_000

    def __init__(self, get_response):
        self.get_response = get_response
        self._tags_seen = {}  # cache key -> the tags its stored copy depends on

    def __call__(self, request):
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        if not self.is_public(request):
            response = self.get_response(request)
            if not response.has_header("Cache-Control"):
                response["Cache-Control"] = "private, no-store"
            response["X-Cache"] = "BYPASS"
            return response

        if not settings.NEWSDESK_RESPONSE_CACHE:
            return self.render(request, None)
        key = self.cache_key(request)
        # One round trip for the stored copy and the versions of the tags it is likely
        # to depend on (those of its address, and those it depended on when this process
        # last saw it): a hit needs no second one to check them.
        likely = self.request_tags(request) | self._tags_seen.get(key, set()) | {LISTINGS}
        found = cache.get_many([key, *version_keys(likely)])
        entry = found.get(key)
        known = halves_in(found, likely)
        if entry is not None and entry.get("pass"):
            # Rendered a moment ago and not storable (it sets a cookie, opts out): render
            # it again without claiming a render nobody will wait for.
            request.newsdesk_passing = True
            return self.render(request, key, known)
        state = versions_state(entry["versions"], known) if entry else None
        if state == FRESH:
            self.saw_tags(key, entry["versions"])
            return self.serve(request, entry, "HIT")
        claimed = self.claim_render(key)
        if not claimed:
            if state == STALE:
                # Another request is rendering the fresh copy; only soft changes (a
                # publish) came since this one was stored: serve it meanwhile.
                return self.serve(request, entry, "STALE")
            # Another request is rendering this: its copy, as soon as it is stored.
            hit = self.wait_for_render(request, key)
            if hit is not None:
                return hit
        request.newsdesk_stored = False
        try:
            return self.render(request, key, known)
        finally:
            if claimed:
                if entry and not request.newsdesk_stored:
                    # Rendered anew and not storable (gone, an error): the old copy must
                    # not stand in for what the address is now.
                    cache.delete(key)
                cache.delete(self.claim_key(key))

    def request_tags(self, request):
        """The cache tags a response to ``request`` depends on, as far as its address
        tells."""
        tags = {TREE}
        detail = API_DETAIL_PATH.match(request.path)
        if detail:
            tags.add(page_tag(int(detail["id"])))
        if MEDIA_API_PATH.match(request.path):
            # Which files pages use comes from the reference index, which the worker
            # updates after a page is saved (news/freshness/versions.py, ``media``).
            tags.add(MEDIA)
        searching = "search" in request.GET and request.path.startswith("/api/")
        if searching or request.path.startswith(self.BRIEF_PREFIXES):
            # Search results come from the search index, which the task worker updates
            # after a page changes (news/freshness/versions.py, ``search``).
            tags.add(SEARCH)
        return tags

    def saw_tags(self, key, versions):
        """Remember, in this process, which tags the copy stored under ``key`` depends
        on (an article's ``page:<id>`` is not in its address), so that the next request
        for it reads their versions with the copy."""
        if len(self._tags_seen) >= self.MAX_TAGS_SEEN:
            self._tags_seen.clear()
        self._tags_seen[key] = set(versions)

    def render(self, request, key, known=None):
        """The response rendered by the view, stored under ``key`` when storable (no
        key: the response cache is off). ``known``: tag versions read with the stored
        copy (``halves_in``), not read again."""
        store = key is not None
        # Versions are read before rendering: a change committed while this response is
        # being rendered makes it stale at once instead of being stored as fresh. An API
        # detail's page is known from its path; a page view records its page's version
        # when it declares it (news.freshness.versions.depends_on_page), before reading content.
        request.newsdesk_cache_tags = self.request_tags(request)
        request.newsdesk_cache_versions = current_versions(
            [*request.newsdesk_cache_tags, LISTINGS], known
        )
        # The other tags read with the stored copy (an article's page), for
        # ``depends_on_page``.
        request.newsdesk_halves = known
        versions_before = request.newsdesk_cache_versions
        # What rarely changes (sites, view restrictions) is read once per ``tree`` version
        # while it is current (cms/core/content_version.py).
        with content_version.serving(versions_before[TREE], versions_before):
            response = self.get_response(request)
        if not self.is_storable(request, response):
            personal = response.cookies or getattr(request, "newsdesk_no_cache", None)
            if (
                personal
                and response.status_code == 200
                and not self.has_private_cache_control(response)
            ):
                # Sets a cookie or opted out: browsers may keep it, shared caches not.
                response["Cache-Control"] = "private, no-cache"
            response["X-Cache"] = "PASS"
            passing = getattr(request, "newsdesk_passing", False)
            if store and response.status_code == 200 and not passing:
                # Remembered briefly ("hit for pass"), and in place of an older copy,
                # which must not stand in for what the address is now. (Not for a 404:
                # a crowd at a post about to be published would not render it once.)
                cache.set(key, {"pass": True}, timeout=self.PASS_SECONDS)
                request.newsdesk_stored = True
            return response

        tags = self.tags_for(request)
        versions = {tag: versions_before[tag] for tag in tags if tag in versions_before}
        missing = [tag for tag in tags if tag not in versions]
        if missing:
            versions.update(current_versions(missing))
        timeout = settings.NEWSDESK_CACHE_TIMEOUT
        until_expiry = seconds_until_next_expiry(versions[TREE])
        # A view whose response goes out of date with time alone (the news sitemap's
        # window) says for how long it holds: ``request.newsdesk_cache_seconds``.
        view_limit = getattr(request, "newsdesk_cache_seconds", None)
        if view_limit is not None:
            until_expiry = view_limit if until_expiry is None else min(until_expiry, view_limit)
        if until_expiry is not None:
            timeout = min(timeout, until_expiry)
        self.add_http_caching_headers(response, max_age_limit=until_expiry)
        response["X-Cache"] = "MISS" if store else "PASS"
        if store and request.path.startswith(self.BRIEF_PREFIXES):
            timeout = min(timeout, settings.NEWSDESK_SEARCH_CACHE_TIMEOUT)
            store = self.asked_repeatedly(key, timeout)
            response["X-Cache"] = "MISS" if store else "PASS"
        store = store and timeout > 0
        # The gzip copy is made once for a stored response, else only for a client that
        # takes it (the response cache off: a miss should not compress for nobody).
        compressible = self.compressible(request, response)
        compressed = None
        if compressible and (store or accepts_gzip(request)):
            compressed = self.compressed_copy(response)
        if store:
            expires_at = time.time() + until_expiry if until_expiry is not None else None
            self.store(key, response, versions, timeout, expires_at, compressed)
            self.saw_tags(key, versions)
            request.newsdesk_stored = True
        if compressible:
            patch_vary_headers(response, ("Accept-Encoding",))
            if compressed is not None and accepts_gzip(request):
                gzip_encoded(response, compressed)
        return self.conditional(request, response)

    # Deciding -------------------------------------------------------------------------

    def is_public(self, request):
        if request.path.startswith(self.PRIVATE_PREFIXES):
            return False
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            return False  # possibly a signed-in editor: never shared
        if "HTTP_AUTHORIZATION" in request.META:
            return False  # an API token: answers depend on who asks
        # Preview tokens on the API: drafts are for the editor who asked.
        return not (request.GET.get("token") and request.path.startswith("/api/"))

    @staticmethod
    def has_private_cache_control(response):
        value = response.get("Cache-Control", "").lower()
        return any(word in value for word in ("private", "no-store", "no-cache"))

    def is_storable(self, request, response):
        if response.status_code != 200 or getattr(response, "streaming", False):
            return False
        if response.cookies or getattr(request, "newsdesk_no_cache", None):
            return False
        return not self.has_private_cache_control(response)

    def tags_for(self, request):
        tags = set(getattr(request, "newsdesk_cache_tags", ()) or ()) | {TREE}
        if not any(tag.startswith("page:") for tag in tags):
            tags.add(LISTINGS)
        return tags

    def cache_key(self, request):
        # Parameters sorted by name; repeated ones keep their order (?page=1&page=2 is not
        # ?page=2&page=1 to the view).
        pairs = parse_qsl(request.META.get("QUERY_STRING", ""), keep_blank_values=True)
        if not request.path.startswith("/api/"):
            # Reader pages answer the same whatever else the query holds (?utm_source=,
            # a random cache-buster): only what they read is part of the key, so such
            # requests are served the stored copy instead of rendering and storing anew.
            # (The API refuses parameters it does not know with a 400.)
            pairs = [pair for pair in pairs if pair[0] in self.READER_PARAMETERS]
        query = urlencode(sorted(pairs, key=lambda pair: pair[0]))
        accept = request.META.get("HTTP_ACCEPT", "")
        # API v2 negotiates between JSON and the browsable HTML renderer.
        flavour = "html" if "text/html" in accept and request.path.startswith("/api/") else ""
        raw = "\n".join([request.get_host(), request.path, query, flavour])
        return "newsdesk:response:" + hashlib.sha256(raw.encode()).hexdigest()

    # HTTP -----------------------------------------------------------------------------

    def add_http_caching_headers(self, response, *, max_age_limit=None):
        max_age = settings.NEWSDESK_HTTP_MAX_AGE
        shared_max_age = settings.NEWSDESK_HTTP_SHARED_MAX_AGE
        if max_age_limit is not None:
            max_age = min(max_age, max_age_limit)
            shared_max_age = min(shared_max_age, max_age_limit)
        directives = ["public", f"max-age={max_age}"]
        if shared_max_age != max_age:
            directives.append(f"s-maxage={shared_max_age}")
        if settings.NEWSDESK_HTTP_STALE_WHILE_REVALIDATE:
            directives.append(
                f"stale-while-revalidate={settings.NEWSDESK_HTTP_STALE_WHILE_REVALIDATE}"
            )
        response["Cache-Control"] = ", ".join(directives)
        if not response.has_header("ETag"):
            set_response_etag(response)

    def conditional(self, request, response):
        return get_conditional_response(request, etag=response.get("ETag"), response=response)

    # Storing and serving --------------------------------------------------------------

    def compressible(self, request, response):
        """Whether the response is worth a gzip copy (an API response of some size)."""
        return (
            request.path.startswith(self.COMPRESSED_PREFIXES)
            and not response.has_header("Content-Encoding")
            and len(response.content) >= self.COMPRESS_MIN_LENGTH
        )

    @staticmethod
    def compressed_copy(response):
        # mtime=0: the same body always compresses to the same bytes.
        return gzip.compress(response.content, compresslevel=6, mtime=0)

    def store(self, key, response, versions, timeout, expires_at=None, compressed=None):
        headers = [
            (name, value)
            for name, value in response.items()
            if name.lower() not in self.HOP_BY_HOP
        ]
        entry = {
            "status": response.status_code,
            "headers": headers,
            "content": response.content,
            "gzip": compressed,
            "versions": versions,
            # When the next live page expires: served copies never promise freshness
            # past it (Cache-Control is worked out again on every hit).
            "expires_at": expires_at,
        }
        cache.set(key, entry, timeout=timeout)

    @staticmethod
    def claim_key(key):
        return key + ":rendering"

    def claim_render(self, key):
        """Whether this request renders ``key`` (no other request is rendering it). With
        the cache unavailable every request renders: there is no copy to wait for."""
        claimed = cache.add(self.claim_key(key), 1, timeout=self.RENDER_CLAIM_SECONDS)
        return claimed or getattr(cache, "unavailable", False)

    def wait_for_render(self, request, key):
        """The copy another request is rendering, once stored; None when it finishes
        without storing one (not a 200, say) or ``NEWSDESK_RENDER_WAIT`` passes."""
        deadline = time.monotonic() + settings.NEWSDESK_RENDER_WAIT
        while time.monotonic() < deadline:
            time.sleep(self.RENDER_POLL_SECONDS)
            hit = self.cached_response(request, key)
            if hit is not None:
                return hit
            if not cache.has_key(self.claim_key(key)):
                return self.cached_response(request, key)
        return None

    def asked_repeatedly(self, key, timeout):
        """Whether ``key`` was asked for at least ``NEWSDESK_SEARCH_CACHE_AFTER`` times
        (this one included) within ``timeout`` seconds."""
        asked = key + ":asked"
        cache.add(asked, 0, timeout=timeout)
        try:
            return cache.incr(asked) >= settings.NEWSDESK_SEARCH_CACHE_AFTER
        except ValueError:  # expired just now, or the cache is unavailable
            return False

    def cached_response(self, request, key):
        """The stored copy of ``key`` while it is fresh, else None."""
        entry = cache.get(key)
        if not entry or "versions" not in entry or versions_state(entry["versions"]) != FRESH:
            return None  # nothing stored, a "pass" mark, or out of date
        return self.serve(request, entry, "HIT")

    def serve(self, request, entry, status):
        """The stored ``entry`` as a response: ``HIT``, or ``STALE`` while the fresh copy
        is being rendered (browsers and CDNs are told not to keep it: ``max-age=0``)."""
        for receiver, error in response_cache_hit.send_robust(sender=type(self), request=request):
            if isinstance(error, Exception):
                # Serving the stored copy matters more than what the receiver keeps (the
                # search terms report, when the database is away or busy).
                logger.warning("%r failed on a cache hit: %s", receiver, error)
        response = HttpResponse(entry["content"], status=entry["status"])
        for name, value in entry["headers"]:
            response[name] = value
        expires_at = entry.get("expires_at")
        if status == "STALE":
            self.add_http_caching_headers(response, max_age_limit=0)
        elif expires_at is not None:
            remaining = max(0, int(expires_at - time.time()))
            self.add_http_caching_headers(response, max_age_limit=remaining)
        response["X-Cache"] = status
        compressed = entry.get("gzip")
        if compressed is not None:
            patch_vary_headers(response, ("Accept-Encoding",))
            if accepts_gzip(request):
                gzip_encoded(response, compressed)
        response = self.conditional(request, response)
        if request.method == "HEAD":
            response.content = b""
        return response
