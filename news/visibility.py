"""What a reader may see: the one definition of the reader-visibility rule.

A page is visible to readers when it is **live**, **public** (no view restriction on it or
an ancestor: password, login or groups) and **not expired** (its expiry time, if any, is
still ahead). The worker unpublishes expired pages within a round; until it does, this
rule already hides them.

Everything that shows pages to readers or to outside systems applies this rule: the
selectors (listings, menus, feeds, sitemap, search), the public API querysets
(news/compat.py), page serving (news/wagtail_hooks.py), related-article resolution
(news/representation.py), webhooks and comments. The images and documents APIs show the
files of the pages it lets through, and no others (``news.selectors.public_files``).
"""

from django.db.models import Q
from django.utils import timezone


def not_expired(pages):
    """Narrow a page queryset to pages whose expiry time, if any, is still ahead."""
    return pages.filter(Q(expire_at__isnull=True) | Q(expire_at__gt=timezone.now()))


def reader_visible(pages):
    """Narrow a page queryset to what a reader may see: live, public and not expired."""
    return not_expired(pages.live().public())


def has_expired(page):
    """True when ``page``'s expiry time has passed (whether or not it is still live)."""
    return page.expire_at is not None and page.expire_at <= timezone.now()
