"""Fixtures for the tests of editors' and moderators' work (workflow, review, admin)."""

import pytest
from django.conf import settings

from tests.news.factories import AuthorFactory, NewsPageFactory
from tests.news.workflow_helpers import make_user


@pytest.fixture
def users(django_user_model):
    return {
        "anonymous": None,
        "editor": make_user(django_user_model, "ed", settings.NEWSDESK_EDITORS_GROUP),
        "moderator": make_user(django_user_model, "mo", settings.NEWSDESK_MODERATORS_GROUP),
        "admin": make_user(django_user_model, "ad", superuser=True),
    }


@pytest.fixture
def author():
    return AuthorFactory(name="Maren Holt")


class Newsroom:
    """Posts in the states editors and moderators act on, built per test."""

    def __init__(self, index, users, author):
        self.index = index
        self.users = users
        self.author = author

    def draft(self, title="Draft story"):
        page = NewsPageFactory(parent=self.index, title=title, live=False, authors=[self.author])
        page.owner = self.users["editor"]
        page.save()
        page.save_revision(user=self.users["editor"])
        return page

    def submitted(self, title="Submitted story"):
        page = self.draft(title)
        page.get_workflow().start(page, self.users["editor"])
        return page

    def live(self):
        page = self.draft("Live story")
        page.get_latest_revision().publish(user=self.users["admin"])
        page.refresh_from_db()
        return page


@pytest.fixture
def newsroom(news_index, users, author):
    return Newsroom(news_index, users, author)
