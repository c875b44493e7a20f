"""The receivers that keep cached copies fresh, connected in ``NewsConfig.ready()``.

Each is scoped by ``sender=``: page signals per page model (Wagtail sends them with the
page's specific class), deletions with ``sender=Page`` (every page type's deletion deletes
its Page row), and the models pages show (authors, disclaimers, News settings, images,
sites). They only bump cache versions and queue purges (changes.py); nothing here waits on
the network. Comments call ``page_content_changed`` from their own moderation code.
"""

from django.db.models.signals import post_delete, post_save
from django_tasks.signals import task_finished
from wagtail.contrib.redirects.models import Redirect
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import (
    CollectionViewRestriction,
    Page,
    PageViewRestriction,
    Site,
    get_page_models,
)
from wagtail.signals import page_published, page_unpublished, post_page_move

from cms.core.cache import cache_recovered
from news.freshness import versions
from news.freshness.changes import content_changed, files_changed, redirects_changed
from news.freshness.purge import PURGE_SUBTREE_LIMIT, frontend_cache_configured
from news.freshness.versions import MEDIA, SEARCH, bump
from news.lifecycle import is_being_deleted
from news.models import Author, Disclaimer, NewsSettings
from news.selectors import pages_referring_to
from news.signals import page_deleted

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

# The tasks that change the search index, run by the task worker after a change: Wagtail's
# (modelsearch) after a save, Newsdesk's after a linked article's visibility changed.
SEARCH_INDEX_TASKS = {
    "modelsearch.tasks.insert_or_update_object_task",
    "news.tasks.reindex_posts",
    "news.tasks.reindex_posts_linking_to",
}

# The task that records which files and pages a saved object uses (Wagtail's reference
# index), run by the task worker after a save.
REFERENCE_INDEX_TASKS = {"wagtail.tasks.update_reference_index_task"}


def subtree_for_purge(page):
    """The page and, when a CDN needs every address, the pages under it."""
    if frontend_cache_configured():
        return list(page.get_descendants(inclusive=True)[:PURGE_SUBTREE_LIMIT])
    return [page]


def page_published_fresh(sender, instance, **kwargs):
    content_changed([instance])


def page_unpublished_fresh(sender, instance, **kwargs):
    if is_being_deleted(instance):
        return  # Wagtail unpublishes a live page it deletes; page_deleted covers it
    content_changed([instance])


def page_deleted_fresh(sender, page, **kwargs):
    content_changed([page])


def page_moved_fresh(
    sender, instance, parent_page_before=None, url_path_before=None, url_path_after=None, **kwargs
):
    # The page and everything under it change address; the old parent's listings change.
    content_changed(
        [*subtree_for_purge(instance), parent_page_before],
        moved=(url_path_before, url_path_after),
    )


def page_saved_fresh(sender, instance, created=False, update_fields=None, raw=False, **kwargs):
    """A page saved outside publishing (a script, a bulk edit, ``live=False`` and save):
    readers may see the difference. Draft bookkeeping saves are left alone."""
    if raw:
        return
    if update_fields is not None and set(update_fields) <= DRAFT_BOOKKEEPING_FIELDS:
        return
    content_changed(purge_cdn=False)


def privacy_changed_fresh(sender, instance, **kwargs):
    # A restriction covers the page and everything under it: purge all their URLs.
    page = Page.objects.filter(pk=instance.page_id).first()
    content_changed(subtree_for_purge(page) if page is not None else [])


def shown_object_changed(sender, instance, created=False, raw=False, **kwargs):
    """An author, disclaimer, image, setting or site changed: the pages showing it are
    stale. A new one is shown nowhere yet."""
    if raw or created:
        return
    content_changed(pages_referring_to(instance))


def file_changed_fresh(sender, instance, raw=False, **kwargs):
    """An image or document was renamed, replaced, moved or deleted, a collection's
    privacy changed, or the default disclaimer did: the images and documents APIs may
    list files wrongly."""
    if not raw:
        files_changed()


def redirect_changed_fresh(sender, instance, raw=False, **kwargs):
    if not raw:
        redirects_changed()


def index_updated(sender, task_result, **kwargs):
    """The worker changed the search index or the reference index: cached searches may be
    out of date (a new post missing, or a post still found by a linked title readers may
    no longer see), and so may the images and documents APIs (a newly published post's
    lead image missing, or a file a post no longer uses still listed).

    Connected without a sender: the sender is the task backend's class, and the indexing
    task is Wagtail's, whichever backend runs it; the task's path scopes it instead."""
    if task_result.task.module_path in SEARCH_INDEX_TASKS:
        bump(SEARCH)
    elif task_result.task.module_path in REFERENCE_INDEX_TASKS:
        # The images and documents APIs list what live pages use, as the index says.
        bump(MEDIA)


def connect():
    for model in get_page_models():
        page_published.connect(page_published_fresh, sender=model)
        page_unpublished.connect(page_unpublished_fresh, sender=model)
        post_page_move.connect(page_moved_fresh, sender=model)
        post_save.connect(page_saved_fresh, sender=model)
        page_deleted.connect(page_deleted_fresh, sender=model)
    post_save.connect(privacy_changed_fresh, sender=PageViewRestriction)
    post_delete.connect(privacy_changed_fresh, sender=PageViewRestriction)
    for shown_model in (Author, Disclaimer, NewsSettings, get_image_model(), Site):
        post_save.connect(shown_object_changed, sender=shown_model)
        post_delete.connect(shown_object_changed, sender=shown_model)
    # The images and documents APIs list files (and Wagtail's private collections hide
    # them from readers); the News settings' default disclaimer makes its files public.
    file_models = (get_image_model(), get_document_model(), CollectionViewRestriction)
    for file_model in (*file_models, NewsSettings):
        post_save.connect(file_changed_fresh, sender=file_model)
        post_delete.connect(file_changed_fresh, sender=file_model)
    # Redirects are listed by the API (/api/v2/redirects/, /api/v3/redirects/).
    post_save.connect(redirect_changed_fresh, sender=Redirect)
    post_delete.connect(redirect_changed_fresh, sender=Redirect)
    task_finished.connect(index_updated)
    # A shared cache back from an outage lost the versions bumped meanwhile.
    cache_recovered.connect(versions.forget_all, dispatch_uid="newsdesk-forget-versions")
