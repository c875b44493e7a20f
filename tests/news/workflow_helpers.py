"""Users, admin-form data and API clients shared by the tests of editors' work."""

import datetime

from django.contrib.auth.models import Group
from wagtail.models import APIToken, WorkflowState
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield


def make_user(django_user_model, username, group=None, superuser=False):
    user = django_user_model.objects.create_user(
        username=username,
        email=f"{username}@newsdesk.test",
        password="a-long-test-password",
        is_superuser=superuser,
        is_staff=superuser,
    )
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


def news_form_data(*, title, slug, author, body_text="Body text."):
    """POST data for the NewsPage create/edit form with the required parts filled in."""
    return nested_form_data(
        {
            "title": title,
            "slug": slug,
            "publication_date": datetime.date.today().isoformat(),
            "summary": "Summary.",
            "site_disclaimer": "auto",
            "tags": "",
            "news_authors": inline_formset([{"author": author.pk}]),
            "body": streamfield([("paragraph", rich_text(f"<p>{body_text}</p>"))]),
        }
    )


def current_task_state(page):
    state = WorkflowState.objects.active().filter(base_content_type__isnull=False)
    state = state.for_instance(page).first()
    return state.current_task_state if state else None


class APIClient:
    """JSON requests to the API with a bearer token (or none, for anonymous)."""

    def __init__(self, client, token):
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def _send(self, method, path, data=None):
        kwargs = {"headers": self.headers, "content_type": "application/json"}
        if data is not None:
            kwargs["data"] = data
        return getattr(self.client, method)(path, **kwargs)

    def get(self, path):
        return self.client.get(path, headers=self.headers)

    def post(self, path, data=None):
        return self._send("post", path, data)

    def patch(self, path, data=None):
        return self._send("patch", path, data)

    def delete(self, path):
        return self.client.delete(path, headers=self.headers)


def api_for(client, user):
    if user is None:
        return APIClient(client, None)
    _token, plaintext = APIToken.create_token(user=user, name="tests")
    return APIClient(client, plaintext)
