"""Signal handlers: every news index gets the News review workflow."""

import logging

from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import receiver
from wagtail.models import Workflow, WorkflowPage

from news.models import NewsIndexPage

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
