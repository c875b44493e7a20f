"""Editorial workflow: roles, the News review workflow, and the permission matrix.

Every cell of the matrix performs the action through a public entry point (the Wagtail
admin views, or API v3 with a bearer token) and then checks the database: the action
took effect when the role may do it, and changed nothing when it may not.
"""

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core import mail
from wagtail.models import (
    PageLogEntry,
    Revision,
    TaskState,
    Workflow,
    WorkflowPage,
    WorkflowState,
)
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from news.models import NewsPage
from tests.news.factories import NewsIndexPageFactory, NewsPageFactory
from tests.news.workflow_helpers import api_for, current_task_state, make_user, news_form_data

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "editor", "moderator", "admin"]


def reload(page):
    return NewsPage.objects.filter(pk=page.pk).first()


# --- Admin performers: each returns True when the action took effect -----------------


def admin_create(client, room):
    data = news_form_data(title="Matrix new", slug="matrix-new", author=room.author)
    client.post(f"/admin/pages/add/news/newspage/{room.index.pk}/", data)
    return NewsPage.objects.filter(slug="matrix-new").exists()


def admin_edit(client, room):
    page = room.draft()
    data = news_form_data(title="Edited title", slug=page.slug, author=room.author)
    client.post(f"/admin/pages/{page.pk}/edit/", data)
    return reload(page).get_latest_revision().as_object().title == "Edited title"


def admin_submit(client, room):
    page = room.draft()
    data = news_form_data(title=page.title, slug=page.slug, author=room.author)
    data["action-submit"] = "Submit"
    client.post(f"/admin/pages/{page.pk}/edit/", data)
    return reload(page).workflow_in_progress


def admin_approve(client, room):
    page = room.submitted()
    task_state = current_task_state(page)
    client.post(
        f"/admin/pages/workflow/action/{page.pk}/approve/{task_state.pk}/", {"comment": ""}
    )
    return reload(page).live


def admin_reject(client, room):
    page = room.submitted()
    task_state = current_task_state(page)
    client.post(
        f"/admin/pages/workflow/action/{page.pk}/reject/{task_state.pk}/",
        {"comment": "Check the quote"},
    )
    state = WorkflowState.objects.for_instance(page).order_by("-pk").first()
    return state.status == WorkflowState.STATUS_NEEDS_CHANGES


def admin_publish(client, room):
    page = room.draft()
    data = news_form_data(title=page.title, slug=page.slug, author=room.author)
    data["action-publish"] = "Publish"
    client.post(f"/admin/pages/{page.pk}/edit/", data)
    return reload(page).live


def admin_unpublish(client, room):
    page = room.live()
    client.post(f"/admin/pages/{page.pk}/unpublish/")
    return not reload(page).live


def admin_delete_live(client, room):
    page = room.live()
    client.post(f"/admin/pages/{page.pk}/delete/")
    return reload(page) is None


def unpublished_post(room):
    """A post that was live and has been unpublished (step one of deleting it in two)."""
    page = room.live()
    page.unpublish()
    return reload(page)


def admin_delete_unpublished(client, room):
    page = unpublished_post(room)
    client.post(f"/admin/pages/{page.pk}/delete/")
    return reload(page) is None


def admin_delete_draft(client, room):
    page = room.draft("Never published")
    client.post(f"/admin/pages/{page.pk}/delete/")
    return reload(page) is None


ADMIN_ACTIONS = {
    "create draft": admin_create,
    "edit": admin_edit,
    "submit": admin_submit,
    "approve": admin_approve,
    "reject": admin_reject,
    "publish directly": admin_publish,
    "unpublish": admin_unpublish,
    "delete live page": admin_delete_live,
    "delete unpublished page": admin_delete_unpublished,
    "delete never-published draft": admin_delete_draft,
}


# --- API performers: each returns (took effect, HTTP status) ---------------------------


def api_create(api, room):
    response = api.post(
        "/api/v3/pages/",
        {"meta": {"type": "news.NewsPage", "parent_id": room.index.pk}, "title": "Matrix new"},
    )
    return NewsPage.objects.filter(title="Matrix new").exists(), response.status_code


def api_edit(api, room):
    page = room.draft()
    response = api.patch(f"/api/v3/pages/{page.pk}/", {"title": "Edited title"})
    took = reload(page).get_latest_revision().as_object().title == "Edited title"
    return took, response.status_code


def api_submit(api, room):
    page = room.draft()
    response = api.post(f"/api/v3/pages/{page.pk}/workflow/submit/")
    return reload(page).workflow_in_progress, response.status_code


def api_approve(api, room):
    page = room.submitted()
    response = api.post(f"/api/v3/pages/{page.pk}/workflow/approve/", {"comment": "Fine"})
    return reload(page).live, response.status_code


def api_reject(api, room):
    page = room.submitted()
    response = api.post(f"/api/v3/pages/{page.pk}/workflow/reject/", {"comment": "Fix it"})
    state = WorkflowState.objects.for_instance(page).order_by("-pk").first()
    return state.status == WorkflowState.STATUS_NEEDS_CHANGES, response.status_code


def api_publish(api, room):
    page = room.draft()
    response = api.post(f"/api/v3/pages/{page.pk}/actions/publish/")
    return reload(page).live, response.status_code


def api_unpublish(api, room):
    page = room.live()
    response = api.post(f"/api/v3/pages/{page.pk}/actions/unpublish/", {})
    return not reload(page).live, response.status_code


def api_delete_live(api, room):
    page = room.live()
    response = api.delete(f"/api/v3/pages/{page.pk}/")
    return reload(page) is None, response.status_code


def api_delete_unpublished(api, room):
    page = unpublished_post(room)
    response = api.delete(f"/api/v3/pages/{page.pk}/")
    return reload(page) is None, response.status_code


def api_delete_draft(api, room):
    page = room.draft("Never published")
    response = api.delete(f"/api/v3/pages/{page.pk}/")
    return reload(page) is None, response.status_code


API_ACTIONS = {
    "create draft": api_create,
    "edit": api_edit,
    "submit": api_submit,
    "approve": api_approve,
    "reject": api_reject,
    "publish directly": api_publish,
    "unpublish": api_unpublish,
    "delete live page": api_delete_live,
    "delete unpublished page": api_delete_unpublished,
    "delete never-published draft": api_delete_draft,
}

# Who may do what. Editors write and submit; moderators also approve, reject, publish and
# unpublish; deleting a page that is or ever was live is for administrators only
# (cms/core/permissions.py: unpublish, then delete, would be the same in two steps).
ALLOWED = {
    "create draft": {"editor", "moderator", "admin"},
    "edit": {"editor", "moderator", "admin"},
    "submit": {"editor", "moderator", "admin"},
    "approve": {"moderator", "admin"},
    "reject": {"moderator", "admin"},
    "publish directly": {"moderator", "admin"},
    "unpublish": {"moderator", "admin"},
    "delete live page": {"admin"},
    "delete unpublished page": {"admin"},
    "delete never-published draft": {"editor", "moderator", "admin"},
}
MATRIX = [(role, action) for action in ALLOWED for role in ROLES]


@pytest.mark.parametrize(("role", "action"), MATRIX)
def test_permission_matrix_admin(client, newsroom, users, role, action):
    if users[role] is not None:
        client.force_login(users[role])
    took_effect = ADMIN_ACTIONS[action](client, newsroom)
    assert took_effect == (role in ALLOWED[action]), f"{role} / {action} in the admin"


@pytest.mark.parametrize(("role", "action"), MATRIX)
def test_permission_matrix_api(client, newsroom, users, role, action):
    api = api_for(client, users[role])
    took_effect, status = API_ACTIONS[action](api, newsroom)
    allowed = role in ALLOWED[action]
    assert took_effect == allowed, f"{role} / {action} over the API (HTTP {status})"
    if allowed:
        assert status in (200, 201, 204)
    else:
        assert status == (401 if role == "anonymous" else 403)


def test_refusals_carry_a_json_message(client, newsroom, users):
    page = newsroom.submitted()
    response = api_for(client, users["editor"]).post(f"/api/v3/pages/{page.pk}/workflow/approve/")
    assert response.status_code == 403
    assert "cannot approve" in response.json()["message"]
    response = api_for(client, None).get(f"/api/v3/pages/{page.pk}/workflow/")
    assert response.status_code == 401
    assert response.json()["message"]


# --- Roles and workflow configuration ---------------------------------------------------


def test_groups_and_news_review_workflow_exist():
    editors = Group.objects.get(name=settings.NEWSDESK_EDITORS_GROUP)
    moderators = Group.objects.get(name=settings.NEWSDESK_MODERATORS_GROUP)
    assert editors.permissions.filter(codename="access_admin").exists()
    assert moderators.permissions.filter(codename="change_newssettings").exists()
    assert not editors.permissions.filter(codename="change_newssettings").exists()
    workflow = Workflow.objects.get(name=settings.NEWSDESK_NEWS_WORKFLOW)
    task = workflow.tasks.get().specific
    assert task.name == settings.NEWSDESK_NEWS_REVIEW_TASK
    assert list(task.groups.all()) == [moderators]


def test_every_news_index_gets_the_workflow_even_new_ones(home_page):
    first = NewsIndexPageFactory(parent=home_page, slug="news")
    later = NewsIndexPageFactory(parent=home_page, slug="sport", title="Sport")
    for index in (first, later):
        assignment = WorkflowPage.objects.get(page=index)
        assert assignment.workflow.name == settings.NEWSDESK_NEWS_WORKFLOW
    post = NewsPageFactory(parent=later)
    assert post.get_workflow().name == settings.NEWSDESK_NEWS_WORKFLOW


def test_editor_sees_submit_but_not_publish(client, newsroom, users):
    page = newsroom.draft()
    client.force_login(users["editor"])
    response = client.get(f"/admin/pages/{page.pk}/edit/")
    assert b'name="action-submit"' in response.content
    assert b'name="action-publish"' not in response.content


def test_moderator_has_no_delete_button_on_live_pages(client, newsroom, users):
    page = newsroom.live()
    client.force_login(users["moderator"])
    response = client.get(f"/admin/pages/{page.pk}/delete/")
    assert response.status_code in (302, 403)
    assert reload(page) is not None


# --- Approve, reject, editing in moderation ----------------------------------------------


def test_approve_publishes_exactly_the_approved_revision(client, newsroom, users):
    page = newsroom.draft("First version")
    editor = api_for(client, users["editor"])
    moderator = api_for(client, users["moderator"])
    assert editor.post(f"/api/v3/pages/{page.pk}/workflow/submit/").status_code == 200
    submitted_revision = current_task_state(page).revision_id

    response = moderator.post(f"/api/v3/pages/{page.pk}/workflow/approve/", {"comment": "ok"})
    assert response.status_code == 200
    assert response.json()["status"] == "approved"
    page = reload(page)
    assert page.live
    assert page.live_revision_id == submitted_revision

    # A later draft edit by the editor is not published and not shown to readers.
    later = page.get_latest_revision_as_object()
    later.title = "Unapproved second version"
    later.save_revision(user=users["editor"])
    page = reload(page)
    assert page.title == "First version"
    assert page.has_unpublished_changes
    reader = client.get(page.url)
    assert b"First version" in reader.content
    assert b"Unapproved second version" not in reader.content


def test_reject_sends_it_back_as_a_draft_with_the_comment(client, newsroom, users):
    page = newsroom.submitted()
    moderator = api_for(client, users["moderator"])
    response = moderator.post(
        f"/api/v3/pages/{page.pk}/workflow/reject/", {"comment": "Source the second quote."}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "needs_changes"
    assert body["live"] is False
    assert body["history"][0]["action"] == "wagtail.workflow.reject"
    assert body["history"][0]["comment"] == "Source the second quote."
    task_state = TaskState.objects.filter(status=TaskState.STATUS_REJECTED).get()
    assert task_state.comment == "Source the second quote."
    assert not reload(page).live
    assert client.get(page.url).status_code == 404


def test_approving_after_changes_were_requested_is_a_conflict(client, newsroom, users):
    page = newsroom.submitted()
    moderator = api_for(client, users["moderator"])
    moderator.post(f"/api/v3/pages/{page.pk}/workflow/reject/", {"comment": "Redo"})
    response = moderator.post(f"/api/v3/pages/{page.pk}/workflow/approve/")
    assert response.status_code == 409
    assert "must be resubmitted" in response.json()["message"]
    assert not reload(page).live


def test_reject_needs_a_comment(client, newsroom, users):
    page = newsroom.submitted()
    moderator = api_for(client, users["moderator"])
    for body in [{}, {"comment": "   "}]:
        response = moderator.post(f"/api/v3/pages/{page.pk}/workflow/reject/", body)
        assert response.status_code == 400
        assert "comment" in response.json()["message"]
    assert reload(page).workflow_in_progress


def test_moderator_edit_in_moderation_keeps_it_in_moderation(client, newsroom, users):
    page = newsroom.submitted()
    client.force_login(users["moderator"])
    data = news_form_data(title="Tightened headline", slug=page.slug, author=newsroom.author)
    response = client.post(f"/admin/pages/{page.pk}/edit/", data)
    assert response.status_code == 302
    page = reload(page)
    assert page.workflow_in_progress
    assert page.get_latest_revision().as_object().title == "Tightened headline"


def test_editor_cannot_change_a_page_under_review(client, newsroom, users):
    page = newsroom.submitted()
    client.force_login(users["editor"])
    data = news_form_data(title="Sneaky change", slug=page.slug, author=newsroom.author)
    client.post(f"/admin/pages/{page.pk}/edit/", data)
    assert reload(page).get_latest_revision().as_object().title == "Submitted story"


@pytest.mark.parametrize(
    ("setup", "endpoint", "status", "message"),
    [
        ("draft", "approve", 409, "not in moderation"),
        ("draft", "reject", 409, "not in moderation"),
        ("draft", "cancel", 409, "not in moderation"),
        ("submitted", "submit", 409, "already in moderation"),
        ("live", "submit", 409, "no unpublished changes"),
    ],
)
def test_actions_in_the_wrong_state_are_conflicts(
    client, newsroom, users, setup, endpoint, status, message
):
    page = getattr(newsroom, setup)()
    api = api_for(client, users["admin"])
    response = api.post(f"/api/v3/pages/{page.pk}/workflow/{endpoint}/", {"comment": "x"})
    assert response.status_code == status
    assert message in response.json()["message"]


def test_unknown_page_and_bad_body(client, newsroom, users):
    api = api_for(client, users["moderator"])
    response = api.post("/api/v3/pages/999999/workflow/approve/")
    assert response.status_code == 404
    assert response.json()["message"]
    page = newsroom.submitted()
    response = api.client.post(
        f"/api/v3/pages/{page.pk}/workflow/reject/",
        data="{not json",
        content_type="application/json",
        headers=api.headers,
    )
    assert response.status_code in (400, 422)
    assert response.json()["message"]
    assert reload(page).workflow_in_progress


def test_cancel_by_the_submitter(client, newsroom, users):
    page = newsroom.submitted()
    response = api_for(client, users["editor"]).post(f"/api/v3/pages/{page.pk}/workflow/cancel/")
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert not reload(page).workflow_in_progress


def test_state_endpoint_lists_actions_for_the_caller(client, newsroom, users):
    page = newsroom.submitted()
    editor_view = api_for(client, users["editor"]).get(f"/api/v3/pages/{page.pk}/workflow/")
    moderator_view = api_for(client, users["moderator"]).get(f"/api/v3/pages/{page.pk}/workflow/")
    assert editor_view.status_code == moderator_view.status_code == 200
    assert editor_view.json()["available_actions"] == ["cancel"]
    # Moderators may also withdraw a page they could approve (Wagtail's rule).
    assert set(moderator_view.json()["available_actions"]) == {"approve", "reject", "cancel"}
    body = moderator_view.json()
    assert body["workflow"]["name"] == settings.NEWSDESK_NEWS_WORKFLOW
    assert body["current_task"]["name"] == settings.NEWSDESK_NEWS_REVIEW_TASK
    assert body["requested_by"]["username"] == "ed"


# --- Notifications and audit ---------------------------------------------------------------


def test_moderators_are_emailed_on_submission_and_author_on_decisions(client, newsroom, users):
    page = newsroom.draft("Needs a look")
    api_for(client, users["editor"]).post(f"/api/v3/pages/{page.pk}/workflow/submit/")
    submitted = [m for m in mail.outbox if users["moderator"].email in m.to]
    assert submitted, [m.to for m in mail.outbox]
    assert "Needs a look" in submitted[0].subject
    assert not [m for m in mail.outbox if users["editor"].email in m.to]

    mail.outbox.clear()
    api_for(client, users["moderator"]).post(
        f"/api/v3/pages/{page.pk}/workflow/reject/", {"comment": "Add a source"}
    )
    rejected = [m for m in mail.outbox if users["editor"].email in m.to]
    assert rejected and "Needs a look" in rejected[0].subject

    mail.outbox.clear()
    api_for(client, users["editor"]).post(f"/api/v3/pages/{page.pk}/workflow/submit/")
    mail.outbox.clear()
    api_for(client, users["moderator"]).post(f"/api/v3/pages/{page.pk}/workflow/approve/")
    approved = [m for m in mail.outbox if users["editor"].email in m.to]
    assert approved and "Needs a look" in approved[0].subject


def test_every_step_is_in_the_log_and_page_history(client, newsroom, users):
    page = newsroom.draft("Audited story")
    editor = api_for(client, users["editor"])
    moderator = api_for(client, users["moderator"])
    editor.post(f"/api/v3/pages/{page.pk}/workflow/submit/")
    moderator.post(f"/api/v3/pages/{page.pk}/workflow/reject/", {"comment": "Shorter"})
    editor.post(f"/api/v3/pages/{page.pk}/workflow/submit/")
    moderator.post(f"/api/v3/pages/{page.pk}/workflow/approve/")

    actions = list(
        PageLogEntry.objects.filter(page=page)
        .order_by("timestamp", "pk")
        .values_list("action", "user__username")
    )
    for expected in [
        ("wagtail.workflow.start", "ed"),
        ("wagtail.workflow.reject", "mo"),
        ("wagtail.workflow.resume", "ed"),
        ("wagtail.workflow.approve", "mo"),
        ("wagtail.publish", "mo"),
    ]:
        assert expected in actions, actions

    client.force_login(users["admin"])
    history = client.get(f"/admin/pages/{page.pk}/history/")
    assert history.status_code == 200
    for label in [b"Approved at", b"Published", b"Changes requested"]:
        assert label in history.content, label


def test_admin_create_through_form_then_submit_keeps_revisions(client, newsroom, users):
    """Every change is a revision: create, edit, submit each leave one behind."""
    client.force_login(users["editor"])
    data = news_form_data(title="Revisioned", slug="revisioned", author=newsroom.author)
    client.post(f"/admin/pages/add/news/newspage/{newsroom.index.pk}/", data)
    page = NewsPage.objects.get(slug="revisioned")
    data = nested_form_data(
        {
            "title": "Revisioned twice",
            "slug": "revisioned",
            "publication_date": page.publication_date.isoformat(),
            "summary": "",
            "site_disclaimer": "auto",
            "tags": "",
            "news_authors": inline_formset([{"author": newsroom.author.pk}]),
            "body": streamfield([("paragraph", rich_text("<p>Second.</p>"))]),
            "action-submit": "Submit",
        }
    )
    client.post(f"/admin/pages/{page.pk}/edit/", data)
    assert Revision.page_revisions.filter(object_id=str(page.pk)).count() == 2
    assert reload(page).workflow_in_progress


def test_pages_a_token_may_not_edit_are_not_found(client, newsroom, django_user_model):
    """A token whose user has no rights on a page cannot tell it exists."""
    outsider = make_user(django_user_model, "outsider")
    api = api_for(client, outsider)
    for page in (newsroom.draft(), newsroom.submitted()):
        for path in ["", "submit/", "approve/", "reject/", "cancel/"]:
            method = api.get if not path else api.post
            response = method(
                f"/api/v3/pages/{page.pk}/workflow/{path}", *([{"comment": "x"}] if path else [])
            )
            assert response.status_code == 404, (page.title, path)
            assert response.json()["message"]
    assert not reload(page).live


def test_submitting_or_publishing_over_the_api_needs_an_author(client, news_index, users):
    page = NewsPageFactory(parent=news_index, title="Nobody wrote this", live=False)
    page.owner = users["editor"]
    page.save()
    page.save_revision(user=users["editor"])
    submitted = api_for(client, users["editor"]).post(f"/api/v3/pages/{page.pk}/workflow/submit/")
    assert submitted.status_code == 400
    assert "Credit at least one author" in submitted.json()["message"]
    assert page.current_workflow_state is None
    published = api_for(client, users["admin"]).patch(
        f"/api/v3/pages/{page.pk}/",
        {"meta": {"type": "news.NewsPage", "action": "publish"}, "title": "Nobody wrote this"},
    )
    assert published.status_code == 422, published.content
    assert "Credit at least one author" in published.json()["message"]
    assert not reload(page).live


def test_moderators_still_move_posts_they_may_not_delete(newsroom, users):
    """Moving keeps a page and its history: Wagtail's rule, not the delete rule."""
    post = unpublished_post(newsroom)
    permissions = post.permissions_for_user(users["moderator"])
    assert not permissions.can_delete()
    assert permissions.can_move()
