"""Page deletion announced once, for subscribers of Newsdesk's signals.

Deleting a live page makes Django send ``pre_delete`` for the page's every table (Page,
NewsPage, ...) and makes Wagtail unpublish it first, which sends ``page_unpublished``.
Subscribers want one event: "this live page is being deleted". The receivers here
(connected in ``NewsConfig.ready()`` with ``sender=Page``, and before Wagtail's own, as the
news app comes first in INSTALLED_APPS) send ``news.signals.page_deleted`` once, and
remember the deletion for this thread until it is done, so subscribers can tell
Wagtail's unpublish-before-delete apart from a real unpublish (``is_being_deleted``).
"""

import threading
import time

from news.signals import page_deleted

_deleting = threading.local()
# A deletion that failed half-way (an exception between pre_delete and post_delete) is
# forgotten after this long, so it cannot silence later events about the page.
FORGET_AFTER_SECONDS = 60


def _pages_being_deleted():
    """{page id: when its deletion started} for deletions under way in this thread."""
    if not hasattr(_deleting, "ids"):
        _deleting.ids = {}
    now = time.monotonic()
    for pk, started in list(_deleting.ids.items()):
        if now - started > FORGET_AFTER_SECONDS:
            del _deleting.ids[pk]
    return _deleting.ids


def is_being_deleted(page):
    """True while ``page`` (a page or its id) is being deleted in this thread."""
    return getattr(page, "pk", page) in _pages_being_deleted()


def announce_live_page_deletion(sender, instance, **kwargs):
    """``pre_delete`` receiver for Page: announce a live page's deletion, once."""
    deleting = _pages_being_deleted()
    if not instance.live or instance.pk in deleting:
        return
    deleting[instance.pk] = time.monotonic()
    page_deleted.send(
        sender=instance.specific_class or type(instance), page=instance.specific_deferred
    )


def forget_deletion(sender, instance, **kwargs):
    """``post_delete`` receiver for Page: the deletion is done."""
    _pages_being_deleted().pop(instance.pk, None)
