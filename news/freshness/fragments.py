"""Render once: the pieces of a post every surface shows, made once per version.

A post's body is the costliest part of every response that shows it: its blocks refer to
images (with renditions), related articles, disclaimers and embeds, each loaded and turned
into HTML or API objects. The same body appears in the article page, the API v2 detail,
listings with ``fields=body`` or ``fields=*`` and ``body_html``, so after a response-cache
miss (a different query string, a listing made stale by another post's publish) it would
be rendered again and again although it has not changed.

``RenderOnceResolver`` is the body resolver (cms/core/resolvers.py) of public responses. It
keeps, in Django's cache (Redis in production, shared by every instance):

- each live post's resolved body (``stream``, what the API's ``body`` field serves) and its
  body HTML (``body_html``, the blocks rendered with their templates). The article page
  and the API keep one copy each (related articles follow the readers' rule on one, the
  requested site's on the other), each shared by every response of its kind;
- each image object (title, alt text and the named renditions with their URLs).

Each fragment is stored with the versions of the cache tags it depends on (versions.py),
read *before* it is rendered, and is reused while they are unchanged: a body depends on
``tree`` and its page's ``page:<id>``, which its own publish bumps and so does a change to
anything it shows (a related article republished, an image, a disclaimer: docs/caching.md);
an image object depends on ``tree``. Fragments are per site base URL (the URLs in them are
the site's), and only public requests of live content use them: previews, drafts and
signed-in editors render everything afresh, so a draft's body is never stored here.

A response asks for all the fragments it may need at once (``remember``: one round trip),
and stores what it had to render in one more (``flush``).
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.db.models import prefetch_related_objects

from cms.core.site_urls import page_link_base, site_base_url
from news.freshness.remembered import seconds_until_next_expiry
from news.freshness.versions import TREE, current_versions, page_tag
from news.representation import BodyResolver
from news.selectors import card_prefetches, is_anonymous

FRAGMENT_PREFIX = "newsdesk:fragment:"
#: Raise it when a change to the blocks' templates or API shapes must not reuse bodies
#: stored by the previous release (a deploy otherwise keeps serving them until they
#: expire, ``NEWSDESK_CACHE_TIMEOUT``).
FRAGMENT_SCHEMA = 1
_MISSING = object()


def renders_once(request):
    """Whether ``request`` may use stored fragments: a public read (no session cookie, no
    API token, no preview), as the response cache defines it (middleware.py)."""
    if request is None or request.method not in ("GET", "HEAD"):
        return False
    if getattr(request, "is_preview", False) or request.GET.get("token"):
        return False
    return is_anonymous(request)


def body_marker(page):
    """What identifies the stored content of a live page besides its tags' versions."""
    published = page.last_published_at.isoformat() if page.last_published_at else ""
    return f"{page.pk}:{page.live_revision_id or ''}:{published}"


class RenderOnceResolver(BodyResolver):
    """A ``BodyResolver`` that reuses stored bodies and image objects (module docstring).

    Usage: ``resolver.remember(pages, stream=True, html=False, image_ids=[...])`` before
    ``prepare``; then ``stream``, ``body_html`` and ``image`` as usual; ``flush()`` once
    the response is rendered. Pages and images not remembered are rendered as by
    ``BodyResolver``.
    """

    def __init__(self, request=None, *, readers=False):
        super().__init__(request, readers=readers)
        self.enabled = renders_once(request) and settings.NEWSDESK_RENDER_ONCE
        self._base = None
        # Fragment name -> the tags it depends on, the versions read before rendering.
        self._versions = {}
        self._found = {}
        self._rendered = {}
        # id() of a remembered body (its StreamValue, or the page for body_html) -> name.
        self._stream_names = {}
        self._html_names = {}
        self._body_names = {}  # id() of a body -> the names of all its fragments
        self._piece_names = {}  # (id() of a page, piece) -> name
        self._detail_names = {}  # (id() of a page, detail) -> name

    # Finding -----------------------------------------------------------------------------

    def _key(self, name):
        if self._base is None:
            base = "\n".join(
                [
                    str(FRAGMENT_SCHEMA),
                    site_base_url(request=self.request),
                    page_link_base(request=self.request),
                    # The API's related articles are the requested site's (``?site=``).
                    "readers" if self.readers else f"api:{self.request.GET.get('site', '')}",
                ]
            )
            self._base = hashlib.sha256(base.encode()).hexdigest()[:16]
        return f"{FRAGMENT_PREFIX}{self._base}:{name}"

    def remember(
        self,
        pages=(),
        *,
        stream=False,
        html=False,
        pieces=(),
        details=(),
        posts=None,
        image_ids=(),
    ):
        """Look up, in one round trip, the stored bodies of the live ``pages`` (their
        ``stream`` and/or ``html``), the named ``pieces`` of their reader pages (see
        ``piece``), the named API ``details`` of the live ``posts`` (``pages`` unless
        given; see ``post_detail``) and the image objects of ``image_ids``."""
        if not self.enabled:
            return
        wanted = {}  # name -> tags
        for post in pages if posts is None else posts:
            if post.pk and post.live:
                marker = body_marker(post)
                for detail in details:
                    name = f"detail:{detail}:{marker}"
                    self._detail_names[id(post), detail] = name
                    wanted[name] = (TREE, page_tag(post.pk))
        for page in pages:
            if not page.pk or not page.live:
                continue
            tags = (TREE, page_tag(page.pk))
            marker = body_marker(page)
            for piece in pieces:
                name = f"piece:{piece}:{marker}"
                self._piece_names[id(page), piece] = name
                wanted[name] = tags
            if not (stream or html) or getattr(page, "body", None) is None:
                # (A listing's cards leave the body unloaded: it is not read for them.)
                continue
            names = self._body_names.setdefault(id(page.body), [])
            if stream:
                name = f"stream:{marker}"
                self._stream_names[id(page.body)] = name
                names.append(name)
                wanted[name] = tags
            if html:
                name = f"html:{marker}"
                self._html_names[id(page)] = name
                names.append(name)
                wanted[name] = tags
        for image_id in image_ids:
            if image_id:
                wanted[f"image:{image_id}"] = (TREE,)
        wanted = {name: tags for name, tags in wanted.items() if name not in self._versions}
        if not wanted:
            return
        all_tags = {tag for tags in wanted.values() for tag in tags}
        # The versions the response cache read before any content was (middleware.py),
        # where it has them; the others now, before rendering.
        known = getattr(self.request, "newsdesk_cache_versions", None) or {}
        versions = {tag: known[tag] for tag in all_tags if tag in known}
        missing = all_tags - set(versions)
        if missing:
            versions.update(current_versions(missing))
        entries = cache.get_many([self._key(name) for name in wanted])
        for name, tags in wanted.items():
            needed = {tag: versions[tag] for tag in tags}
            self._versions[name] = needed
            entry = entries.get(self._key(name))
            if entry is not None and entry["versions"] == needed:
                self._found[name] = entry["value"]

    def _stored(self, stream_value):
        """True when every fragment remembered of this body was found stored: it needs
        nothing loaded."""
        names = self._body_names.get(id(stream_value))
        return bool(names) and all(name in self._found for name in names)

    # Serving -----------------------------------------------------------------------------

    def _once(self, name, render):
        if name is None:
            return render()
        found = self._found.get(name, _MISSING)
        if found is not _MISSING:
            return found
        value = render()
        self._found[name] = value
        self._rendered[name] = value
        return value

    def prepare(self, stream_values, image_ids=(), kinds=BodyResolver.KINDS):
        stream_values = [value for value in stream_values if not self._stored(value)]
        image_ids = [pk for pk in image_ids if f"image:{pk}" not in self._found]
        if stream_values or image_ids:
            super().prepare(stream_values, image_ids=image_ids, kinds=kinds)

    def stream(self, stream_value):
        name = self._stream_names.get(id(stream_value))
        return self._once(name, lambda: super(RenderOnceResolver, self).stream(stream_value))

    def body_html(self, page):
        name = self._html_names.get(id(page))
        return self._once(name, lambda: super(RenderOnceResolver, self).body_html(page))

    def _all_found(self, names, page, parts):
        """True when every one of ``parts`` of ``page`` (named in ``names``) was found."""
        found = [names.get((id(page), part)) for part in parts]
        return all(name is not None and name in self._found for name in found)

    def has_pieces(self, page, pieces):
        """True when the named ``pieces`` of ``page`` were all found stored."""
        return self._all_found(self._piece_names, page, pieces)

    def piece(self, page, piece, render):
        """The stored piece ``piece`` of ``page``'s reader page (remembered with
        ``remember(pieces=...)``), else ``render()``. What was rendered is stored once every
        remembered piece has been served (the template that renders them runs after the
        view): in one round trip for a listing's cards."""
        name = self._piece_names.get((id(page), piece))
        value = self._once(name, render)
        if name is not None and name in self._rendered and self._pieces_served():
            self.flush()
        return value

    def has_details(self, page, details):
        """True when the named API ``details`` of ``page`` were all found stored."""
        return self._all_found(self._detail_names, page, details)

    def post_detail(self, page, name, compute):
        """The stored API detail ``name`` of ``page`` (remembered with
        ``remember(details=...)``: its authors, its tags), else ``compute()``. Like a body,
        it is kept per version of the post and of ``tree`` (an author's name or photo,
        a tag's, changes only with one of them)."""
        return self._once(self._detail_names.get((id(page), name)), compute)

    def _pieces_served(self):
        return all(name in self._found for name in self._piece_names.values())

    def image(self, image_id):
        name = f"image:{image_id}" if image_id and f"image:{image_id}" in self._versions else None
        return self._once(name, lambda: super(RenderOnceResolver, self).image(image_id))

    # Storing -----------------------------------------------------------------------------

    def flush(self):
        """Store what this response rendered, with the versions read before rendering."""
        if not self._rendered:
            return
        entries = {
            self._key(name): {"versions": self._versions[name], "value": value}
            for name, value in self._rendered.items()
            if name in self._versions
        }
        self._rendered = {}
        if not entries:
            return
        # Never kept past the next page expiry: a related article that expires must leave
        # the bodies that list it, as it leaves stored responses (middleware.py).
        timeout = settings.NEWSDESK_CACHE_TIMEOUT
        tree_version = next(iter(entries.values()))["versions"][TREE]
        until_expiry = seconds_until_next_expiry(tree_version)
        if until_expiry is not None:
            timeout = min(timeout, until_expiry)
        if timeout > 0:
            cache.set_many(entries, timeout=timeout)


def listing_cards(request, posts, piece):
    """A resolver for the cards of ``posts`` (a list, as a reader listing shows them),
    stored as the piece ``piece`` ({% render_once %} in news/includes/news_card.html;
    one name per heading level). Each card is rendered once per version of its post and
    then reused by every listing showing it (the home page, the index and its pages, tag
    and month pages); what a card shows beyond the post's own fields is loaded only for
    the posts whose card is not stored."""
    resolver = RenderOnceResolver(request, readers=True)
    resolver.remember(posts, pieces=[piece])
    missing = [post for post in posts if not resolver.has_pieces(post, [piece])]
    if missing:
        prefetch_related_objects(missing, *card_prefetches())
    return resolver
