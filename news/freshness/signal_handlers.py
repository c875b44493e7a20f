"""The receivers that keep cached copies fresh, connected in ``NewsConfig.ready()``.

Each is scoped by ``sender=``: page signals per page model (Wagtail sends them with the
page's specific class), deletions with ``sender=Page`` (every page type's deletion deletes
its Page row), and the models pages show (authors, disclaimers, News settings, images,
sites). They only bump cache versions and queue purges (changes.py); nothing here waits on
the network. Comments call ``page_content_changed`` from their own moderation code.

Publishing a news post makes stale only what shows it (``post_published``: the post, the
listings, its neighbours' "newer/older" links, the pages linking to it), softly; what
changes the site's structure or takes something away from readers makes everything stale
(``content_changed``), hard unless it only adds. Which is which: docs/caching.md, "How
invalidation works".
"""

import copy
import datetime

from django.apps import apps
from django.db.models.signals import post_delete, post_save, pre_save
from django.utils import timezone
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
from news.freshness.changes import (
    content_changed,
    files_changed,
    pages_shown_changed,
    post_published,
    publication_noted,
    redirects_changed,
)
from news.freshness.purge import PURGE_SUBTREE_LIMIT, frontend_cache_configured
from news.freshness.versions import MEDIA, SEARCH, bump, stale_seconds
from news.lifecycle import is_being_deleted
from news.models import Author, Disclaimer, NewsPage, NewsSettings
from news.selectors import adjacent_news, pages_referring_to
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


#: What a page was before a save (read by ``page_about_to_be_saved``), kept on the
#: instance being saved until ``page_saved_fresh`` or ``page_published_fresh`` uses it.
BEFORE_SAVE = "_newsdesk_before_save"
BEFORE_FIELDS = ("live", "live_revision_id", "url_path", "show_in_menus", "expire_at")


def is_draft_bookkeeping(update_fields):
    return update_fields is not None and set(update_fields) <= DRAFT_BOOKKEEPING_FIELDS


def subtree_for_purge(page):
    """The page and, when a CDN needs every address, the pages under it."""
    if frontend_cache_configured():
        return list(page.get_descendants(inclusive=True)[:PURGE_SUBTREE_LIMIT])
    return [page]


def page_about_to_be_saved(sender, instance, raw=False, update_fields=None, **kwargs):
    """``pre_save``: remember what the page was (live? where? its date?), so that a
    publish knows where the post was shown before (its old neighbours) and whether readers
    lose anything (its old address). One query per save that is not a draft's bookkeeping."""
    instance.__dict__.pop(BEFORE_SAVE, None)
    if raw or instance.pk is None or is_draft_bookkeeping(update_fields):
        return
    fields = [*BEFORE_FIELDS, *(["publication_date"] if isinstance(instance, NewsPage) else [])]
    before = sender._base_manager.filter(pk=instance.pk).values(*fields).first()
    if before is not None:
        instance.__dict__[BEFORE_SAVE] = before


def is_publish_save(instance, before):
    """Whether this save is Wagtail publishing a revision (it sets ``live_revision`` and
    saves, then sends ``page_published``, which ``page_published_fresh`` handles)."""
    return (
        before is not None
        and instance.live
        and instance.live_revision_id is not None
        and instance.live_revision_id != before["live_revision_id"]
    )


def address_changed(page, before):
    """The page was live and is now at another address (its slug changed): readers lose
    the old one, and every link to it changes (rich text in snippets too)."""
    return bool(before and before["live"] and before["url_path"] != page.url_path)


def expires_soon(page):
    """The page expires before a copy made stale now would stop being served stale."""
    window = datetime.timedelta(seconds=stale_seconds())
    return page.expire_at is not None and page.expire_at <= timezone.now() + window


def changes_structure(page, before):
    """Publishing ``page`` changes more than what shows the post itself: any page that is
    not a news post (home, indexes, standard pages) or is an alias, a page in the site
    menu, a page with an expiry time (stored responses' lifetimes end at the next expiry,
    remembered per ``tree`` version: news/freshness/remembered.py), a post that moved to
    another address, or one whose earlier state is unknown."""
    if before is None or not isinstance(page, NewsPage) or page.alias_of_id is not None:
        return True
    if page.show_in_menus or before.get("show_in_menus"):
        return True
    if page.expire_at is not None or before.get("expire_at") is not None:
        return True
    return address_changed(page, before)


def pages_showing(post, before):
    """The live pages whose detail shows ``post``: its neighbours (their "newer/older"
    links show its title), where it is now and, when its date changed, where it was; and
    the pages that link to it (related articles, rich text), from Wagtail's reference
    index. Listings are not among them: they are stale anyway."""
    parent = post.get_parent()
    shown = set(adjacent_news(post, parent))
    old_date = before.get("publication_date")
    if before.get("live") and old_date is not None and old_date != post.publication_date:
        where_it_was = copy.copy(post)
        where_it_was.publication_date = old_date
        shown.update(adjacent_news(where_it_was, parent))
    if before:  # a page just created is linked to from nowhere yet
        shown.update(pages_referring_to(post))
    return [page for page in shown if page is not None and page.pk != post.pk]


def page_went_live(page, before):
    """``page`` was published, or saved live for the first time: ``before`` is what its row
    was ({} for a page that did not exist), None when unknown."""
    if publication_noted(page):
        return  # bulk publishing: one change for the batch (changes.publications_batched)
    if changes_structure(page, before):
        # Soft: a publish adds or updates, unless readers lose an address or the page
        # expires before a stale copy would stop being served.
        content_changed([page], soft=not (address_changed(page, before) or expires_soon(page)))
        return
    post_published(page, shown_on=pages_showing(page, before))


def page_published_fresh(sender, instance, **kwargs):
    page_went_live(instance, instance.__dict__.pop(BEFORE_SAVE, None))


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
    readers may see the difference, so everything is stale. Draft bookkeeping saves are
    left alone, and so are the save Wagtail's publishing makes (``page_published``
    follows), a page created live (it appears: as published) or created as a draft, and
    a page readers never saw saved again at the same address."""
    if raw or is_draft_bookkeeping(update_fields):
        return
    before = instance.__dict__.get(BEFORE_SAVE)
    if is_publish_save(instance, before):
        return  # page_published_fresh uses ``before``
    instance.__dict__.pop(BEFORE_SAVE, None)
    if created:
        if instance.live:
            page_went_live(instance, {})
        return
    unseen = before is not None and not before["live"] and not instance.live
    if unseen and before["url_path"] == instance.url_path:
        return  # unseen before and after, and its children did not move
    content_changed(purge_cdn=False)


def privacy_changed_fresh(sender, instance, **kwargs):
    # A restriction covers the page and everything under it: purge all their URLs.
    page = Page.objects.filter(pk=instance.page_id).first()
    content_changed(subtree_for_purge(page) if page is not None else [])


def shown_object_changed(sender, instance, created=False, raw=False, **kwargs):
    """An author, disclaimer, image, setting or site changed: the pages showing it are
    stale. A new one is shown nowhere yet, but for a site: the requests for its host
    were answered by another site until now (and each process remembers which site
    serves a host per ``tree`` version, cms/core/content_version.py)."""
    if raw or (created and sender is not Site):
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
        reference_index_updated(task_result.args)


def reference_index_updated(args):
    """The worker recorded what a page links to. A post published since it was saved was
    not yet known to link from there (``pages_showing`` reads the index): so a live page
    whose published content was just indexed is made stale, softly, in case an article it
    links to was republished in between (draft saves, which leave the live content as it
    is, cost one soft re-render of the page)."""
    try:
        model = apps.get_model(args[0], args[1])
        pk = int(args[2])
    except (IndexError, LookupError, TypeError, ValueError):
        return
    if issubclass(model, Page):
        pages_shown_changed(
            # Also with a draft pending: the page row is the live content, and the
            # article it links to may have been republished while the draft was saved.
            Page.objects.filter(pk=pk, live=True).only("pk")
        )


def connect():
    for model in get_page_models():
        pre_save.connect(page_about_to_be_saved, sender=model)
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
