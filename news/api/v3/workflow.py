"""Moderation workflow over API v3: submit, approve, reject, cancel, and read the state.

Stock Wagtail has no workflow actions in its API. These endpoints apply exactly the rules
of the admin: the same page permissions, the same workflow tasks (a task's own
``get_actions`` decides who may approve or reject), the same audit log entries and e-mail
notifications, because they call the same Wagtail model methods the admin views call.

Authentication is a Wagtail API token: ``Authorization: Bearer wagtail_...``.

    GET  /api/v3/pages/{id}/workflow/           state, available actions, history
    POST /api/v3/pages/{id}/workflow/submit/    start the page's workflow
    POST /api/v3/pages/{id}/workflow/approve/   {"comment": "..."} optional
    POST /api/v3/pages/{id}/workflow/reject/    {"comment": "..."} required
    POST /api/v3/pages/{id}/workflow/cancel/

Errors: 401 without a valid token, 403 when the user may not do it, 404 for an unknown
page, 409 when the page is not in a state that allows it, 400/422 for a bad body; each
with a JSON ``message`` (see cms/middleware.py).
"""

from datetime import datetime

from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.errors import HttpError
from wagtail.api.v3.auth import BearerTokenAuth
from wagtail.models import Page, PageLogEntry, WorkflowState

from news.forms import AUTHOR_REQUIRED
from news.models import NewsPage

# Each operation's ``operation_id`` is fixed: clients generate method names from it, so it
# must not follow the module's path (tests/news/test_api_contract.py pins them).
router = Router(tags=["workflow"], auth=BearerTokenAuth())

HISTORY_LIMIT = 100


class ReviewCommentIn(Schema):
    """A moderator's comment when approving or requesting changes. (Its own name: the
    OpenAPI document names components by class name, and a second ``CommentIn`` would
    silently take this one's place.)"""

    comment: str = ""


class UserOut(Schema):
    id: int
    username: str
    name: str


class TaskOut(Schema):
    id: int
    name: str
    status: str


class WorkflowOut(Schema):
    id: int
    name: str


class HistoryEntryOut(Schema):
    action: str
    label: str
    timestamp: datetime
    user: UserOut | None
    revision_id: int | None
    comment: str


class WorkflowStateOut(Schema):
    page_id: int
    title: str
    live: bool
    has_unpublished_changes: bool
    workflow: WorkflowOut | None
    status: str
    requested_by: UserOut | None
    current_task: TaskOut | None
    revision_id: int | None
    available_actions: list[str]
    history: list[HistoryEntryOut]


def user_out(user):
    if user is None:
        return None
    return {"id": user.pk, "username": user.get_username(), "name": user.get_full_name()}


def get_visible_page(page_id, user):
    """The page and the user's permissions on it. A page the user may neither edit nor
    publish is, for this API, not there (404), so a token cannot discover which draft
    pages exist."""
    page = get_object_or_404(Page, pk=page_id).specific
    permissions = page.permissions_for_user(user)
    if not (permissions.can_edit() or permissions.can_publish()):
        raise Http404("No Page matches the given query.")
    return page, permissions


def available_actions(page, user):
    actions = []
    permissions = page.permissions_for_user(user)
    state = page.current_workflow_state
    if state is None or state.status == WorkflowState.STATUS_NEEDS_CHANGES:
        has_changes = state is not None or not page.live or page.has_unpublished_changes
        if permissions.can_edit() and page.get_workflow() is not None and has_changes:
            actions.append("submit")
    elif state.current_task_state is not None:
        task = state.current_task_state.task.specific
        task_actions = {name for name, _label, _modal in task.get_actions(page, user)}
        actions += [name for name in ("approve", "reject") if name in task_actions]
    if state is not None and state.user_can_cancel(user):
        actions.append("cancel")
    return actions


def history(page):
    entries = (
        PageLogEntry.objects.filter(page=page)
        .select_related("user")
        .order_by("-timestamp", "-pk")[:HISTORY_LIMIT]
    )
    result = []
    for entry in entries:
        result.append(
            {
                "action": entry.action,
                "label": str(entry.message),
                "timestamp": entry.timestamp,
                "user": user_out(entry.user),
                "revision_id": entry.revision_id,
                "comment": str(entry.comment or ""),
            }
        )
    return result


def latest_workflow_state(page):
    """The page's current workflow state, else its most recent finished one, else None."""
    return page.current_workflow_state or (
        WorkflowState.objects.for_instance(page).order_by("-created_at", "-pk").first()
    )


def state_out(page, user):
    page.refresh_from_db()
    state = latest_workflow_state(page)
    workflow = state.workflow if state else page.get_workflow()
    active = state is not None and state.status in (
        WorkflowState.STATUS_IN_PROGRESS,
        WorkflowState.STATUS_NEEDS_CHANGES,
    )
    task_state = state.current_task_state if active else None
    latest = page.latest_revision
    return {
        "page_id": page.pk,
        "title": page.get_latest_revision_as_object().title if latest else page.title,
        "live": page.live,
        "has_unpublished_changes": page.has_unpublished_changes,
        "workflow": {"id": workflow.pk, "name": workflow.name} if workflow else None,
        "status": state.status if state else "none",
        "requested_by": user_out(state.requested_by) if state else None,
        "current_task": (
            {"id": task_state.task.pk, "name": task_state.task.name, "status": task_state.status}
            if task_state
            else None
        ),
        "revision_id": (task_state.revision_id if task_state else (latest.pk if latest else None)),
        "available_actions": available_actions(page, user),
        "history": history(page),
    }


@router.get(
    "/{page_id}/workflow/",
    response=WorkflowStateOut,
    url_name="page_workflow_state",
    operation_id="news_api_workflow_workflow_state",
    summary="A page's moderation state, the actions open to you, and its history",
)
def workflow_state(request, page_id: int):
    page, _permissions = get_visible_page(page_id, request.user)
    return state_out(page, request.user)


@router.post(
    "/{page_id}/workflow/submit/",
    response=WorkflowStateOut,
    url_name="page_workflow_submit",
    operation_id="news_api_workflow_submit",
    summary="Submit the page's latest draft for moderation",
)
def submit(request, page_id: int):
    with transaction.atomic():
        page, permissions = get_visible_page(page_id, request.user)
        if not permissions.can_edit():
            raise HttpError(403, "You do not have permission to edit this page.")
        workflow = page.get_workflow()
        state = page.current_workflow_state
        if state is not None and state.status == WorkflowState.STATUS_IN_PROGRESS:
            raise HttpError(409, "This page is already in moderation.")
        if page.locked and page.locked_by != request.user:
            raise HttpError(409, "This page is locked by another user.")
        draft = page.get_latest_revision_as_object()
        if isinstance(draft, NewsPage) and not draft.authors:
            raise HttpError(400, AUTHOR_REQUIRED)
        if state is not None:
            # Changes were requested: resubmitting resumes the same workflow, as in the admin.
            state.resume(request.user)
            return state_out(page, request.user)
        if workflow is None:
            raise HttpError(409, "This page has no moderation workflow to submit to.")
        if page.latest_revision is None:
            page.save_revision(user=request.user)
        elif page.live and not page.has_unpublished_changes:
            raise HttpError(409, "Nothing to submit: the live page has no unpublished changes.")
        workflow.start(page, request.user)
    return state_out(page, request.user)


def task_action(request, page_id, action_name, comment):
    with transaction.atomic():
        page, _permissions = get_visible_page(page_id, request.user)
        state = page.current_workflow_state
        if state is not None and state.status == WorkflowState.STATUS_NEEDS_CHANGES:
            raise HttpError(
                409, "Changes were requested on this page; it must be resubmitted first."
            )
        if state is None or state.current_task_state is None:
            raise HttpError(409, "This page is not in moderation.")
        task_state = state.current_task_state
        task = task_state.task.specific
        allowed = {name for name, _label, _modal in task.get_actions(page, request.user)}
        if action_name not in allowed:
            raise HttpError(
                403, f"You cannot {action_name} this page at its current step, {task.name!r}."
            )
        task.on_action(task_state, request.user, action_name, comment=comment)
    return state_out(page, request.user)


@router.post(
    "/{page_id}/workflow/approve/",
    response=WorkflowStateOut,
    url_name="page_workflow_approve",
    operation_id="news_api_workflow_approve",
    summary="Approve the current step; approving the last step publishes the page",
)
def approve(request, page_id: int, body: ReviewCommentIn | None = None):
    comment = body.comment.strip() if body else ""
    return task_action(request, page_id, "approve", comment)


@router.post(
    "/{page_id}/workflow/reject/",
    response=WorkflowStateOut,
    url_name="page_workflow_reject",
    operation_id="news_api_workflow_reject",
    summary="Request changes: the page goes back to its author and stays a draft",
)
def reject(request, page_id: int, body: ReviewCommentIn):
    comment = body.comment.strip()
    if not comment:
        raise HttpError(400, "comment: say what needs to change when rejecting a page.")
    return task_action(request, page_id, "reject", comment)


@router.post(
    "/{page_id}/workflow/cancel/",
    response=WorkflowStateOut,
    url_name="page_workflow_cancel",
    operation_id="news_api_workflow_cancel",
    summary="Withdraw the page from moderation",
)
def cancel(request, page_id: int):
    with transaction.atomic():
        page, _permissions = get_visible_page(page_id, request.user)
        state = page.current_workflow_state
        if state is None:
            raise HttpError(409, "This page is not in moderation.")
        if not state.user_can_cancel(request.user):
            raise HttpError(403, "You cannot cancel this page's moderation.")
        state.cancel(user=request.user)
    return state_out(page, request.user)
