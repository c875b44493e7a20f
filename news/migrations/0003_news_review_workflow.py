"""The "News review" workflow: one group approval task for Moderators.

It is assigned to every news index that exists now; news/signals.py assigns it to news
indexes created later. Wagtail's own "Moderators approval" workflow stays on the root page
for other pages (About, Contact, ...).

Reversing unassigns it, and deletes the workflow and task when nothing has gone through
them yet; with history it only deactivates them, so no moderation record is lost.
"""

from django.conf import settings
from django.db import migrations


def create_workflow(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Group = apps.get_model("auth.Group")
    Workflow = apps.get_model("wagtailcore.Workflow")
    WorkflowTask = apps.get_model("wagtailcore.WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore.WorkflowPage")
    GroupApprovalTask = apps.get_model("wagtailcore.GroupApprovalTask")
    NewsIndexPage = apps.get_model("news.NewsIndexPage")

    task_type, _ = ContentType.objects.get_or_create(
        app_label="wagtailcore", model="groupapprovaltask"
    )
    task = GroupApprovalTask.objects.filter(name=settings.NEWSDESK_NEWS_REVIEW_TASK).first()
    if task is None:
        task = GroupApprovalTask.objects.create(
            name=settings.NEWSDESK_NEWS_REVIEW_TASK, content_type=task_type, active=True
        )
    task.groups.set([Group.objects.get(name=settings.NEWSDESK_MODERATORS_GROUP)])

    workflow, _ = Workflow.objects.get_or_create(
        name=settings.NEWSDESK_NEWS_WORKFLOW, defaults={"active": True}
    )
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})

    for index in NewsIndexPage.objects.all():
        WorkflowPage.objects.update_or_create(page_id=index.pk, defaults={"workflow": workflow})


def remove_workflow(apps, schema_editor):
    Workflow = apps.get_model("wagtailcore.Workflow")
    WorkflowPage = apps.get_model("wagtailcore.WorkflowPage")
    WorkflowState = apps.get_model("wagtailcore.WorkflowState")
    GroupApprovalTask = apps.get_model("wagtailcore.GroupApprovalTask")

    workflow = Workflow.objects.filter(name=settings.NEWSDESK_NEWS_WORKFLOW).first()
    if workflow is None:
        return
    WorkflowPage.objects.filter(workflow=workflow).delete()
    task = GroupApprovalTask.objects.filter(name=settings.NEWSDESK_NEWS_REVIEW_TASK).first()
    if WorkflowState.objects.filter(workflow=workflow).exists():
        workflow.active = False
        workflow.save()
        if task is not None:
            task.active = False
            task.save()
    else:
        workflow.delete()
        if task is not None:
            task.delete()


class Migration(migrations.Migration):
    dependencies = [("news", "0002_editorial_roles")]

    operations = [migrations.RunPython(create_workflow, remove_workflow)]
