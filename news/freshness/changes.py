"""The "content changed" service: what to call when readers' view of the site changed.

Pages (signal_handlers.py), comments (news/comments/moderation.py) and importers call these;
nothing here waits on the network. Each bumps the cache tags at once (readers on other
instances stop getting the old copy immediately, and a response rendered before the commit
is not kept as fresh) and again once the transaction commits (a response rendered between
the first bump and the commit would otherwise be stored as fresh), then queues the CDN
purge of the URLs that show the pages, worked out now, while deleted pages still exist.

Every after-commit callback Newsdesk registers is ``robust``: one that fails (a cache or a
task queue that is down) is logged and does not keep the others from running.
"""

from django.db import transaction

from news.freshness.purge import frontend_urls, old_addresses, purge
from news.freshness.versions import LISTINGS, MEDIA, TREE, bump, page_tag


def _bump_now_and_after_commit(tags, urls):
    def after_commit():
        bump(*tags)
        purge(urls)

    bump(*tags)
    transaction.on_commit(after_commit, robust=True)


def content_changed(pages=(), *, purge_cdn=True, moved=None):
    """What readers can see changed (publish, unpublish, move, delete, privacy, a
    snippet, image or setting pages show): every cached response is stale, and the
    frontend cache forgets the URLs that show ``pages``.
    ``moved=(url_path_before, url_path_after)`` also purges the pages' old addresses."""
    pages = [page for page in pages if page is not None]
    urls = frontend_urls(pages, listings=True) if purge_cdn else []
    if urls and moved and all(moved):
        urls += old_addresses(urls, *moved)
    _bump_now_and_after_commit((TREE,), urls)


def page_content_changed(page):
    """Something shown on ``page`` changed without the page being republished (a comment
    approved or withdrawn): its detail responses and the listings are stale; the other
    pages' detail responses stay cached."""
    _bump_now_and_after_commit((page_tag(page.pk), LISTINGS), frontend_urls([page]))


def files_changed():
    """An image's or document's details, a collection's privacy or the site-wide
    disclaimer changed: the images and documents APIs are stale."""
    _bump_now_and_after_commit((MEDIA,), [])


def redirects_changed():
    """A redirect was added, changed or removed: listings (the API's redirect list among
    them) are stale; pages and their details are not."""
    _bump_now_and_after_commit((LISTINGS,), [])
