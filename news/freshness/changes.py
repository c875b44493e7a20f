"""The "content changed" service: what to call when readers' view of the site changed.

Pages (signal_handlers.py), comments (news/comments/moderation.py) and importers call these;
nothing here waits on the network. Each bumps the cache tags at once (readers on other
instances stop getting the old copy immediately, and a response rendered before the commit
is not kept as fresh) and again once the transaction commits (a response rendered between
the first bump and the commit would otherwise be stored as fresh), then queues the CDN
purge of the URLs that show the pages, worked out now, while deleted pages still exist.

Bumps are *hard* unless they say otherwise: no copy stored before is served again. A *soft*
bump (``soft=True``: a publish, a redirect) lets a copy stored before be served stale for
the moment one request takes to render the fresh one (news/freshness/versions.py); it is
only for changes that take nothing away from readers.

Bulk publishing (an import) runs inside ``publications_batched()``: a page going live is
noted (``publication_noted``) instead of each publication working out the pages showing
it, and ``flush_publications()`` (at the end, and between batches) makes one soft change
for all of them.

Every after-commit callback Newsdesk registers is ``robust``: one that fails (a cache or a
task queue that is down) is logged and does not keep the others from running.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction

from news.freshness.purge import frontend_urls, old_addresses, purge
from news.freshness.versions import LISTINGS, MEDIA, TREE, bump, page_tag


def _bump_now_and_after_commit(tags, urls, *, soft=False):
    def after_commit():
        bump(*tags, soft=soft)
        purge(urls)

    bump(*tags, soft=soft)
    transaction.on_commit(after_commit, robust=True)


def content_changed(pages=(), *, purge_cdn=True, moved=None, soft=False):
    """What readers can see changed (unpublish, move, delete, privacy, a snippet, image or
    setting pages show; a publish that changes the site's structure): every cached
    response is stale, and the frontend cache forgets the URLs that show ``pages``.
    ``moved=(url_path_before, url_path_after)`` also purges the pages' old addresses.
    ``soft=True`` only for a change that takes nothing away from readers (a publish)."""
    pages = [page for page in pages if page is not None]
    urls = frontend_urls(pages, listings=True) if purge_cdn else []
    if urls and moved and all(moved):
        urls += old_addresses(urls, *moved)
    _bump_now_and_after_commit((TREE,), urls, soft=soft)


def post_published(page, *, shown_on=()):
    """A news post was published (for the first time, again, or a new revision of it),
    at the address it had: its own responses, the listings and the detail responses of
    ``shown_on`` (the pages showing it: its neighbours' "newer/older" links, the pages
    linking to it) are stale, softly; every other page's responses stay fresh."""
    shown_on = [other for other in shown_on if other is not None and other.pk != page.pk]
    tags = (page_tag(page.pk), LISTINGS, *sorted({page_tag(other.pk) for other in shown_on}))
    urls = frontend_urls([page], listings=True)
    if urls and shown_on:
        urls = sorted({*urls, *frontend_urls(shown_on, listings=False)})
    _bump_now_and_after_commit(tags, urls, soft=True)


def pages_shown_changed(pages):
    """What ``pages`` show of other pages changed and readers lose nothing by it (the
    worker recorded which articles they link to): their detail responses are stale,
    softly. No purge: nothing they show was published just now."""
    tags = tuple(sorted({page_tag(page.pk) for page in pages}))
    if tags:
        bump(*tags, soft=True)


def page_content_changed(page, *, soft=False):
    """Something shown on ``page`` changed without the page being republished (a comment
    approved or withdrawn): its detail responses and the listings are stale; the other
    pages' detail responses stay cached. ``soft=True`` when readers lose nothing by it
    (comments approved, none withdrawn)."""
    _bump_now_and_after_commit((page_tag(page.pk), LISTINGS), frontend_urls([page]), soft=soft)


def files_changed():
    """An image's or document's details, a collection's privacy or the site-wide
    disclaimer changed: the images and documents APIs are stale."""
    _bump_now_and_after_commit((MEDIA,), [])


def redirects_changed():
    """A redirect was added, changed or removed: listings (the API's redirect list among
    them) are stale, softly (a redirect only answers addresses that are not pages); pages
    and their details are not."""
    _bump_now_and_after_commit((LISTINGS,), [], soft=True)


# The pages published inside ``publications_batched()``, None outside it.
_noted = ContextVar("newsdesk_noted_publications", default=None)


@contextmanager
def publications_batched():
    """Within it, pages that go live are noted, not each acted on; see the module."""
    token = _noted.set([])
    try:
        yield
    finally:
        flush_publications()
        _noted.reset(token)


def publication_noted(page):
    """Note ``page``'s publication for the batch; False when no batch is open."""
    noted = _noted.get()
    if noted is None:
        return False
    noted.append(page)
    return True


def flush_publications():
    """Act on the publications noted so far: every stored response is stale, softly (a
    publish takes nothing away from readers), and the frontend cache forgets the URLs that
    show those pages. One change for a batch costs less than working out, for each page,
    its neighbours and the listings showing it."""
    noted = _noted.get()
    if noted:
        pages = list({page.pk: page for page in noted}.values())  # saved, then published
        noted.clear()
        content_changed(pages, soft=True)
