"""Reviewing posts in the admin: what a moderator is offered and told.

Wagtail's workflow works, but its page editor offers a moderator "Save draft" first and a
plain "Publish" (which skips the review) above the review actions; the dashboard's
"Awaiting your review" hides the actions behind an unlabelled "…" button; and after an
approval the message says "Page … has been updated" (from the editor) or nothing at all
(from the dashboard). Here:

- ``review_first``: the action menu of a post under review, for someone who may review
  it, starts with "Approve and publish", then "Request changes" and "Approve with a
  comment and publish"; the plain "Publish" is left out (approving publishes, and records
  who approved). Anyone else is locked out of a post under review by Wagtail's workflow
  lock (``GroupApprovalTask.locked_for_user``), so nobody is offered a plain "Publish" that
  would skip the review.
- ``ReviewQueuePanel``: the dashboard's "Awaiting your review" with the actions on each
  row, named.
- ``NewsPageViewSet``: Wagtail's page views for news posts, with the editor's and the
  dashboard's workflow action views saying what happened ("… approved and published").

Registered in news/wagtail_hooks.py.
"""

from django.utils import timezone
from django.utils.formats import date_format
from wagtail.admin import messages
from wagtail.admin.action_menu import PublishMenuItem, WorkflowMenuItem
from wagtail.admin.views.home import WorkflowObjectsToModeratePanel
from wagtail.admin.views.pages.edit import EditView
from wagtail.admin.views.pages.workflow import WorkflowActionView
from wagtail.admin.viewsets.pages import PageViewSet
from wagtail.models import TaskState, WorkflowState

from news.models import NewsPage

APPROVE = "approve"
REJECT = "reject"


def review_action_label(name, with_comment, publishes):
    """What a review action is called wherever Newsdesk offers it: (name, whether it asks
    for a comment, whether approving publishes) -> label."""
    if name == REJECT:
        return "Request changes"
    if name == APPROVE:
        label = "Approve with a comment" if with_comment else "Approve"
        return f"{label} and publish" if publishes else label
    return None


def review_order(name, with_comment):
    """Approve first, then request changes, then approve with a comment, then the rest."""
    if name == APPROVE and not with_comment:
        return 0
    if name == REJECT:
        return 1
    if name == APPROVE:
        return 2
    return 3


def publishes_on_approval(workflow_state):
    return bool(workflow_state and workflow_state.is_at_final_task)


# The page editor's action menu -----------------------------------------------------------


def review_first(menu_items, request, context):
    """``construct_page_action_menu``: the review actions of a post under review first
    (the first item is the menu's main button), plainly named; see the module docstring."""
    page = context.get("page")
    review_items = [item for item in menu_items if isinstance(item, WorkflowMenuItem)]
    if page is None or not review_items:
        return
    publishes = publishes_on_approval(page.current_workflow_state)
    for item in review_items:
        item.label = review_action_label(item.name, item.launch_modal, publishes) or item.label
    review_items.sort(key=lambda item: review_order(item.name, item.launch_modal))
    others = [
        item for item in menu_items if not isinstance(item, (WorkflowMenuItem, PublishMenuItem))
    ]
    menu_items[:] = review_items + others


# The dashboard ---------------------------------------------------------------------------


class ReviewQueuePanel(WorkflowObjectsToModeratePanel):
    """Wagtail's "Awaiting your review", with each row's actions on the row, named."""

    template_name = "news/admin/awaiting_review.html"

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        for state in context["states"]:
            publishes = publishes_on_approval(state["task_state"].workflow_state)
            actions = sorted(state["actions"], key=lambda action: review_order(*action[::2]))
            state["review_actions"] = [
                {
                    "name": name,
                    "label": review_action_label(name, with_comment, publishes) or label,
                    "with_comment": with_comment,
                    "primary": index == 0,
                }
                for index, (name, label, with_comment) in enumerate(actions)
            ]
        return context


# What a moderator is told ----------------------------------------------------------------


def review_outcome(page, task_state):
    """The message for whoever just acted on ``task_state`` of ``page``, or None when the
    task is still open (the action did not go through)."""
    task_state.refresh_from_db()
    title = page.get_admin_display_title()
    if task_state.status == TaskState.STATUS_REJECTED:
        return (
            f"Changes requested on '{title}'. It stays unpublished; its editor sees your "
            "comment in the post's history and can submit it again."
        )
    if task_state.status != TaskState.STATUS_APPROVED:
        return None
    workflow_state = task_state.workflow_state
    workflow_state.refresh_from_db()
    if workflow_state.status == WorkflowState.STATUS_IN_PROGRESS:
        next_task = workflow_state.current_task_state.task
        return f"'{title}' approved. It now awaits '{next_task.name}'."
    page.refresh_from_db()
    if page.live and not page.has_unpublished_changes:
        return f"'{title}' approved and published."
    scheduled = task_state.revision.approved_go_live_at
    if scheduled and scheduled > timezone.now():
        when = date_format(timezone.localtime(scheduled), "DATETIME_FORMAT")
        return f"'{title}' approved. It is scheduled to go live on {when}."
    return f"'{title}' approved."


class ReviewActionView(WorkflowActionView):
    """Approving or requesting changes from the dashboard (and the review modals), with a
    message saying what happened; Wagtail's own redirects without one."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        message = review_outcome(self.object, self.task_state)
        if message:
            messages.success(request, message)
        return response


class NewsPageEditView(EditView):
    """Wagtail's page editor; after a review action from the editor, the message says
    what the action did instead of "Page … has been updated"."""

    reviewed_task_state = None

    def perform_workflow_action(self):
        self.reviewed_task_state = self.page.current_workflow_task_state
        return super().perform_workflow_action()

    def add_save_confirmation_message(self):
        if self.reviewed_task_state is not None:
            message = review_outcome(self.page, self.reviewed_task_state)
            if message:
                messages.success(self.request, message)
                return
        super().add_save_confirmation_message()


class NewsPageViewSet(PageViewSet):
    model = NewsPage
    edit_view_class = NewsPageEditView
    workflow_action_view_class = ReviewActionView
