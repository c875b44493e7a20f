"""Signal handlers: every news index gets the News review workflow, and the search index
never keeps the title of an article readers may no longer see."""

import logging

from django.conf import settings
from django.db.models.signals import post_delete, post_save, pre_delete
from django.dispatch import receiver
from wagtail.models import Page, PageViewRestriction, ReferenceIndex, Workflow, WorkflowPage
from wagtail.search import index
from wagtail.signals import page_published, page_unpublished

from news.models import NewsIndexPage, NewsPage

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
