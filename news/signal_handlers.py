"""Signal receivers of the news app, connected in ``NewsConfig.ready()``, each scoped by
``sender=``:

- every news index gets the News review workflow when it is created;
- posts linking to a page are re-indexed when that page's visibility changes (publish,
  unpublish, privacy, deletion), so the search index never keeps the title of an article
  readers may no longer see (a task, after commit);
- a live page's deletion is announced once (news/lifecycle.py).

Cache freshness has its receivers in news/freshness/signal_handlers.py, webhooks in
news/webhooks/signal_handlers.py.
"""

import logging
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_delete
from wagtail.models import Page, PageViewRestriction, Workflow, WorkflowPage, get_page_models
from wagtail.signals import page_published, page_unpublished

from news import lifecycle
from news.models import NewsIndexPage
from news.selectors import posts_linking_to
from news.tasks import reindex_posts, reindex_posts_linking_to

logger = logging.getLogger(__name__)


def assign_news_review_workflow(sender, instance, created, raw=False, **kwargs):
    """A news index created after the migrations ran is reviewed like the others."""
    if not created or raw:
        return
    workflow = Workflow.objects.filter(name=settings.NEWSDESK_NEWS_WORKFLOW, active=True).first()
    if workflow is None:
        logger.warning(
            "No active %r workflow: news index %s has no review workflow",
            settings.NEWSDESK_NEWS_WORKFLOW,
            instance.pk,
        )
        return
    WorkflowPage.objects.get_or_create(page=instance, defaults={"workflow": workflow})


_batched = ContextVar("newsdesk_visibility_changes", default=None)


def reindex_linking_posts_after_commit(page_ids):
    batched = _batched.get()
    if batched is not None:
        batched.update(page_ids)
    else:
        enqueue_reindex_after_commit(list(page_ids))


def enqueue_reindex_after_commit(page_ids):
    transaction.on_commit(lambda: reindex_posts_linking_to.enqueue(page_ids), robust=True)


@contextmanager
def visibility_changes_batched():
    """Within it, the pages whose visibility changes are noted, and one task re-indexes
    the posts linking to any of them (``flush_visibility_changes``, and on leaving),
    instead of one task per page: an import publishes hundreds of pages."""
    token = _batched.set(set())
    try:
        yield
    finally:
        flush_visibility_changes()
        _batched.reset(token)


def flush_visibility_changes():
    """Queue the re-index for the pages noted so far (after the current commit)."""
    batched = _batched.get()
    if batched:
        page_ids = sorted(batched)
        batched.clear()
        enqueue_reindex_after_commit(page_ids)


def visibility_changed(sender, instance, **kwargs):
    """Publishing or unpublishing changes only this page's visibility (a view
    restriction, below, also covers the pages under it)."""
    reindex_linking_posts_after_commit([instance.pk])


def privacy_changed(sender, instance, **kwargs):
    page = Page.objects.filter(pk=instance.page_id).first()
    if page is not None:
        subtree = page.get_descendants(inclusive=True).values_list("pk", flat=True)
        reindex_linking_posts_after_commit(subtree)


def remember_linking_posts(sender, instance, **kwargs):
    # Before the deletion removes the page's rows from the reference index.
    instance._newsdesk_linking_posts = posts_linking_to([instance.pk]) - {instance.pk}


def reindex_linking_posts_after_delete(sender, instance, **kwargs):
    linking = sorted(getattr(instance, "_newsdesk_linking_posts", ()) or ())
    if linking:
        transaction.on_commit(lambda: reindex_posts.enqueue(linking), robust=True)


def connect():
    post_save.connect(assign_news_review_workflow, sender=NewsIndexPage)
    for model in get_page_models():
        page_published.connect(visibility_changed, sender=model)
        page_unpublished.connect(visibility_changed, sender=model)
    post_save.connect(privacy_changed, sender=PageViewRestriction)
    post_delete.connect(privacy_changed, sender=PageViewRestriction)
    # Deleting any page type deletes its Page row: sender=Page sees every deletion once.
    pre_delete.connect(lifecycle.announce_live_page_deletion, sender=Page)
    pre_delete.connect(remember_linking_posts, sender=Page)
    post_delete.connect(reindex_linking_posts_after_delete, sender=Page)
    post_delete.connect(lifecycle.forget_deletion, sender=Page)
