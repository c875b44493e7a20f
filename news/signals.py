"""Newsdesk's own signals: what content announces, for the subsystems that subscribe.

Pages announce through Wagtail's signals (``page_published``, ``page_unpublished``,
``post_page_move``) and these; comments announce through ``comment_approved``. The
webhook and cache-freshness subsystems subscribe, so the apps that announce never import
the apps that listen (docs/architecture.md).
"""

from django.db.models.signals import ModelSignal
from django.dispatch import Signal

#: A live page is about to be deleted. Sent once per page, ``sender`` its page model (as
#: Wagtail's page signals), ``page`` the specific page with its fields deferred; before
#: Wagtail unpublishes it as part of the deletion; the
#: ``page_unpublished`` Wagtail then sends is part of the deletion
#: (``news.lifecycle.is_being_deleted``).
page_deleted = Signal()

#: A comment became visible to readers. ``sender`` is the Comment model (connect with
#: ``sender="comments.Comment"``); ``comment`` and ``page`` (the post it is on).
comment_approved = ModelSignal(use_caching=True)

#: Sent by ``manage.py run_worker`` every scheduling round, after scheduled publishing;
#: subsystems hook periodic housekeeping to it (e.g. re-queueing webhook deliveries whose
#: task was lost). Receivers run with ``send_robust``: a failing one is logged.
worker_round = Signal()

#: A public response was served from the response cache, its view not run
#: (news/freshness/middleware.py); ``request``. The search app counts searches served so
#: in its search terms report.
response_cache_hit = Signal()
