"""Reviewing posts in the admin (news/review.py) and the "New post" shortcut
(news/newsroom.py): what each role is offered, in what order, and what it is told."""

import re
from html import unescape

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group, Permission
from django.contrib.messages import get_messages
from wagtail.models import GroupPagePermission, WorkflowState

from news.models import NewsPage
from tests.news.factories import NewsIndexPageFactory
from tests.news.workflow_helpers import current_task_state, make_user, news_form_data

pytestmark = pytest.mark.django_db


def html(response):
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.content, "html.parser")


def action_menu(client, page):
    """The editor's footer actions, main button first: [(label, name), ...]."""
    footer = html(client.get(f"/admin/pages/{page.pk}/edit/")).select_one("footer")
    buttons = footer.select(".w-dropdown-button > button, .w-dropdown__content button")
    return [
        (
            " ".join(button.get_text().split()),
            button.get("data-workflow-action-name") or button.get("name"),
        )
        for button in buttons
    ]


def messages_of(response):
    """The messages queued for the next page, as text (Wagtail's are HTML)."""
    return [unescape(str(message)).strip() for message in get_messages(response.wsgi_request)]


# The page editor --------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["moderator", "admin"])
def test_a_reviewer_gets_approve_first_and_no_plain_publish(client, newsroom, users, role):
    page = newsroom.submitted()
    client.force_login(users[role])
    labels = [label for label, _name in action_menu(client, page)]
    assert labels[:3] == [
        "Approve and publish",
        "Request changes",
        "Approve with a comment and publish",
    ]
    assert "Publish" not in labels
    assert "Save draft" in labels


def test_a_draft_keeps_wagtails_menu(client, newsroom, users):
    page = newsroom.draft()
    client.force_login(users["moderator"])
    labels = [label for label, _name in action_menu(client, page)]
    assert labels[0] == "Save draft"
    assert "Publish" in labels


def test_someone_who_may_publish_but_not_review_gets_no_publish_that_skips_the_review(
    client, newsroom, django_user_model
):
    """A section desk that may publish but is not in the review task's group: the post is
    locked for it while under review (Wagtail's workflow lock)."""
    desk = Group.objects.create(name="Sport desk")
    desk.permissions.add(Permission.objects.get(codename="access_admin"))
    for codename in ("add_page", "change_page", "publish_page"):
        GroupPagePermission.objects.create(
            group=desk, page=newsroom.index, permission=Permission.objects.get(codename=codename)
        )
    user = make_user(django_user_model, "sports")
    user.groups.add(desk)
    page = newsroom.submitted()
    client.force_login(user)
    assert NewsPage.objects.get(pk=page.pk).permissions_for_user(user).can_publish()
    menu = action_menu(client, page)
    assert not any(name in ("action-publish", "approve", "reject") for _label, name in menu)
    client.post(
        f"/admin/pages/{page.pk}/edit/",
        {
            **news_form_data(title=page.title, slug=page.slug, author=newsroom.author),
            "action-publish": "action-publish",
        },
    )
    assert not NewsPage.objects.get(pk=page.pk).live


def test_approving_from_the_editor_says_approved_and_published(client, newsroom, users):
    page = newsroom.submitted()
    client.force_login(users["moderator"])
    data = news_form_data(title=page.title, slug=page.slug, author=newsroom.author)
    data.update({"action-workflow-action": "true", "workflow-action-name": "approve"})
    response = client.post(f"/admin/pages/{page.pk}/edit/", data)
    assert response.status_code == 302
    assert NewsPage.objects.get(pk=page.pk).live
    assert messages_of(response) == [f"'{page.title}' approved and published."]


# The dashboard ----------------------------------------------------------------------------


def test_awaiting_your_review_names_each_action_on_the_row(client, newsroom, users):
    page = newsroom.submitted()
    client.force_login(users["moderator"])
    panel = html(client.get("/admin/")).select_one("#awaiting-review-section")
    row = next(tr for tr in panel.select("tbody tr") if page.title in tr.get_text())
    actions = row.select_one(".newsdesk-review-queue__actions")
    buttons = [" ".join(b.get_text().split()) for b in actions.select("button, a.button")]
    assert buttons[:3] == [
        "Approve and publish",
        "Request changes",
        "Approve with a comment and publish",
    ]
    assert "Preview" in buttons
    primary = actions.select_one("button:not(.button-secondary)")
    assert primary.get_text(strip=True) == "Approve and publish"
    task_state = current_task_state(page)
    assert primary["data-workflow-action-url"] == (
        f"/admin/pages/workflow/action/{page.pk}/approve/{task_state.pk}/"
    )
    assert [th.get_text() for th in panel.select("thead th")] == [
        "Post",
        "Review",
        "Submitted by",
        "Submitted",
        "Actions",
    ]


def test_approving_from_the_dashboard_says_approved_and_published(client, newsroom, users):
    page = newsroom.submitted()
    client.force_login(users["moderator"])
    task_state = current_task_state(page)
    response = client.post(
        f"/admin/pages/workflow/action/{page.pk}/approve/{task_state.pk}/",
        {"next": "/admin/"},
    )
    assert response.status_code == 302
    assert NewsPage.objects.get(pk=page.pk).live
    assert messages_of(response) == [f"'{page.title}' approved and published."]
    # The dashboard shows it, and the post is no longer awaiting review.
    dashboard = client.get("/admin/")
    assert f"&#x27;{page.title}&#x27; approved and published." in dashboard.content.decode()
    assert html(dashboard).select_one("#awaiting-review-section") is None


def test_requesting_changes_says_what_happens_next(client, newsroom, users):
    page = newsroom.submitted()
    client.force_login(users["moderator"])
    task_state = current_task_state(page)
    response = client.post(
        f"/admin/pages/workflow/action/{page.pk}/reject/{task_state.pk}/",
        {"comment": "Check the quote", "next": "/admin/"},
        headers={"x-requested-with": "XMLHttpRequest"},  # as the comment modal sends it
    )
    assert response.status_code == 200
    assert response.json()["step"] == "success"
    state = WorkflowState.objects.for_instance(page).order_by("-pk").first()
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES
    assert messages_of(response) == [
        f"Changes requested on '{page.title}'. It stays unpublished; its editor sees your "
        "comment in the post's history and can submit it again."
    ]


def test_an_action_that_does_not_go_through_says_nothing_new(client, newsroom, users):
    """An editor (not a reviewer) posting an approval: Wagtail refuses it, and Newsdesk
    claims nothing."""
    page = newsroom.submitted()
    client.force_login(users["editor"])
    task_state = current_task_state(page)
    response = client.post(f"/admin/pages/workflow/action/{page.pk}/approve/{task_state.pk}/")
    assert not NewsPage.objects.get(pk=page.pk).live
    assert not any("approved" in message for message in messages_of(response))


# "New post" -------------------------------------------------------------------------------


def sidebar_labels(client):
    page = client.get("/admin/").content.decode()
    return re.findall(r'"label": "([^"]+)"', page)


@pytest.mark.parametrize("role", ["editor", "moderator", "admin"])
def test_everyone_who_writes_gets_a_new_post_shortcut(client, news_index, users, role):
    client.force_login(users[role])
    assert "New post" in sidebar_labels(client)
    button = html(client.get("/admin/")).select_one(".newsdesk-new-post a")
    assert button.get_text(strip=True) == "New post"
    response = client.get(button["href"])
    assert response.status_code == 302
    assert response["Location"] == f"/admin/pages/add/news/newspage/{news_index.pk}/"
    assert client.get(response["Location"]).status_code == 200


def test_with_several_sections_new_post_asks_which(client, news_index, home_page, users):
    sport = NewsIndexPageFactory(parent=home_page, title="Sport", slug="sport")
    client.force_login(users["editor"])
    page = html(client.get("/admin/newsdesk/new-post/"))
    links = {a.get_text(strip=True): a["href"] for a in page.select("main a.button")}
    assert links == {
        f"New post in {news_index.title}": f"/admin/pages/add/news/newspage/{news_index.pk}/",
        "New post in Sport": f"/admin/pages/add/news/newspage/{sport.pk}/",
    }


def test_no_shortcut_for_someone_who_may_not_write(client, news_index, django_user_model):
    reader = make_user(django_user_model, "viewer")
    reader.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(reader)
    assert "New post" not in sidebar_labels(client)
    assert html(client.get("/admin/")).select_one(".newsdesk-new-post") is None
    response = client.get("/admin/newsdesk/new-post/")
    assert response.status_code == 302
    assert "You may not add posts" in " ".join(messages_of(response))
