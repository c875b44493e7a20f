"""Signal handlers: every news index gets the News review workflow, the search index
never keeps the title of an article readers may no longer see, and cached responses,
frontend caches and webhook receivers hear about every change readers can see."""

import logging
import threading
import time

from django.conf import settings
from django.db.models.signals import post_delete, post_save, pre_delete
from django.dispatch import receiver
from wagtail.images import get_image_model
from wagtail.models import (
    Page,
    PageViewRestriction,
    ReferenceIndex,
    Site,
    Workflow,
    WorkflowPage,
)
from wagtail.search import index
from wagtail.signals import page_published, page_unpublished, post_page_move

from news import freshness
from news.models import Author, Disclaimer, NewsIndexPage, NewsPage, NewsSettings
from news.webhooks.events import queue_event
from news.webhooks.models import WebhookEvent

logger = logging.getLogger(__name__)


@receiver(post_save, sender=NewsIndexPage)
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


def posts_linking_to(page_ids):
    """Ids of the news posts whose blocks refer to any of ``page_ids`` (Wagtail's
    reference index records page choosers inside StreamFields)."""
    page_type = Page._meta
    references = ReferenceIndex.objects.filter(
        to_content_type__app_label=page_type.app_label,
        to_content_type__model=page_type.model_name,
        to_object_id__in=[str(pk) for pk in page_ids],
        base_content_type__app_label=page_type.app_label,
        base_content_type__model=page_type.model_name,
    )
    return {int(object_id) for object_id in references.values_list("object_id", flat=True)}


def reindex_posts_linking_to(page_ids):
    """Re-index posts that link to pages whose visibility changed, so a related-article
    title is searchable exactly while readers may see that article."""
    for post in NewsPage.objects.filter(pk__in=posts_linking_to(page_ids)):
        index.insert_or_update_object(post)


def affected_pages(page):
    return list(page.get_descendants(inclusive=True).values_list("pk", flat=True))


@receiver(page_published)
@receiver(page_unpublished)
def reindex_after_visibility_change(sender, instance, **kwargs):
    # Publishing or unpublishing changes only this page's visibility (a view restriction,
    # below, also covers the pages under it).
    reindex_posts_linking_to([instance.pk])


@receiver(post_save, sender=PageViewRestriction)
@receiver(post_delete, sender=PageViewRestriction)
def reindex_after_privacy_change(sender, instance, **kwargs):
    page = Page.objects.filter(pk=instance.page_id).first()
    if page is not None:
        reindex_posts_linking_to(affected_pages(page))


@receiver(pre_delete)
def remember_linking_posts(sender, instance, **kwargs):
    if isinstance(instance, Page):
        instance._newsdesk_linking_posts = posts_linking_to([instance.pk]) - {instance.pk}


@receiver(post_delete)
def reindex_after_delete(sender, instance, **kwargs):
    linking = getattr(instance, "_newsdesk_linking_posts", None)
    if linking:
        for post in NewsPage.objects.filter(pk__in=linking):
            index.insert_or_update_object(post)


# Freshness: cached responses, frontend caches and webhooks --------------------------
#
# See news/freshness.py for the cache tags and news/webhooks/ for deliveries. Handlers
# only bump cache versions and write delivery rows; nothing here waits on the network.

# Page bookkeeping fields Wagtail saves when an editor saves a draft: readers see none
# of them, so such saves leave the cache alone.
DRAFT_BOOKKEEPING_FIELDS = {
    "wagtail_admin_comments",
    "latest_revision_created_at",
    "draft_title",
    "latest_revision",
    "has_unpublished_changes",
    "locked",
    "locked_at",
    "locked_by",
}

_deleting = threading.local()


def pages_being_deleted():
    """{page id: when its deletion started} for deletions under way in this thread.

    Entries older than a minute are ignored, so a deletion that failed half-way cannot
    silence later events about that page."""
    if not hasattr(_deleting, "ids"):
        _deleting.ids = {}
    now = time.monotonic()
    for pk, started in list(_deleting.ids.items()):
        if now - started > 60:
            del _deleting.ids[pk]
    return _deleting.ids


@receiver(page_published)
def page_published_fresh(sender, instance, **kwargs):
    freshness.content_changed([instance])
    queue_event(WebhookEvent.PAGE_PUBLISHED, instance)


@receiver(page_unpublished)
def page_unpublished_fresh(sender, instance, **kwargs):
    if pages_being_deleted().pop(instance.pk, None) is not None:
        return  # Wagtail unpublishes a live page it deletes; page.deleted covers it
    freshness.content_changed([instance])
    queue_event(WebhookEvent.PAGE_UNPUBLISHED, instance)


@receiver(post_page_move)
def page_moved_fresh(
    sender, instance, parent_page_before=None, url_path_before=None, url_path_after=None, **kwargs
):
    # The page and everything under it change address; the old parent's listings change.
    subtree = [instance]
    if freshness.frontend_cache_configured():  # only a CDN needs every address
        subtree = list(instance.get_descendants(inclusive=True)[: freshness.PURGE_SUBTREE_LIMIT])
    freshness.content_changed(
        [*subtree, parent_page_before],
        moved=(url_path_before, url_path_after),
    )


@receiver(post_save)
def page_saved_fresh(sender, instance, created=False, update_fields=None, raw=False, **kwargs):
    """A page saved outside publishing (a script, a bulk edit, ``live=False`` and save):
    readers may see the difference. Draft bookkeeping saves are left alone."""
    if raw or not isinstance(instance, Page):
        return
    if update_fields is not None and set(update_fields) <= DRAFT_BOOKKEEPING_FIELDS:
        return
    freshness.content_changed(purge=False)


@receiver(pre_delete)
def live_page_deleted_fresh(sender, instance, **kwargs):
    # Runs before Wagtail's own pre_delete handler, which unpublishes live pages.
    # Multi-table inheritance: deleting a NewsPage also deletes its Page row, and each
    # sends pre_delete. One event per page.
    if not isinstance(instance, Page) or not instance.live or instance.pk in pages_being_deleted():
        return
    pages_being_deleted()[instance.pk] = time.monotonic()
    freshness.content_changed([instance])
    queue_event(WebhookEvent.PAGE_DELETED, instance.specific_deferred)


@receiver(post_delete)
def page_deleted_forget(sender, instance, **kwargs):
    if isinstance(instance, Page):
        pages_being_deleted().pop(instance.pk, None)


@receiver(post_save, sender=PageViewRestriction)
@receiver(post_delete, sender=PageViewRestriction)
def privacy_changed_fresh(sender, instance, **kwargs):
    # A restriction covers the page and everything under it: purge all their URLs.
    page = Page.objects.filter(pk=instance.page_id).first()
    subtree = [page]
    if page is not None and freshness.frontend_cache_configured():
        subtree = list(page.get_descendants(inclusive=True)[: freshness.PURGE_SUBTREE_LIMIT])
    freshness.content_changed(subtree)


def pages_referring_to(instance):
    """Live pages that show ``instance`` (a snippet or image), from the reference index."""
    page_ids = (
        ReferenceIndex.get_references_to(instance)
        .filter(
            base_content_type__app_label=Page._meta.app_label,
            base_content_type__model=Page._meta.model_name,
        )
        .values_list("object_id", flat=True)
    )
    return list(Page.objects.live().filter(pk__in=[int(pk) for pk in page_ids]))


def shown_object_changed(sender, instance, created=False, raw=False, **kwargs):
    """An author, disclaimer, image or site setting changed: pages show it. A new one is
    shown nowhere yet."""
    if raw or created:
        return
    freshness.content_changed(pages_referring_to(instance))


for shown_model in (Author, Disclaimer, NewsSettings, get_image_model(), Site):
    post_save.connect(shown_object_changed, sender=shown_model, weak=False)
    post_delete.connect(shown_object_changed, sender=shown_model, weak=False)
