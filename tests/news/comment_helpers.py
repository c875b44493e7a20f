"""Builders for the comment tests: a comment factory, form tokens of a chosen age, and the
data a reader's browser (or an API client) sends."""

import datetime

import factory
import pytest
import time_machine
from django.utils import timezone
from factory.django import DjangoModelFactory

from news.comments import spam
from news.comments.models import Comment
from news.freshness import changes as freshness


class CommentFactory(DjangoModelFactory):
    author_name = factory.Sequence(lambda n: f"Reader {n}")
    author_email = factory.Sequence(lambda n: f"reader{n}@mail.example")
    body = factory.Sequence(lambda n: f"Comment number {n} about the story.")
    status = Comment.Status.APPROVED

    class Meta:
        model = Comment


def token_issued(seconds_ago):
    """A form token as if the form had been shown ``seconds_ago`` seconds ago."""
    with time_machine.travel(timezone.now() - datetime.timedelta(seconds=seconds_ago), tick=False):
        return spam.make_token()


def form_data(**overrides):
    """What the comment form sends for a reader who took a minute to write."""
    data = {
        "author_name": "Ines Kalda",
        "author_email": "ines@mail.example",
        "author_url": "",
        "body": "The wall held better than I expected.",
        "token": token_issued(60),
        "homepage": "",
        "parent": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def post_url(page):
    return f"/comments/{page.pk}/"


@pytest.fixture(name="freshness_calls")
def freshness_calls_fixture(monkeypatch):
    """The pages news.freshness.changes.page_content_changed was called with (ids, in
    order)."""
    calls = []
    original = freshness.page_content_changed

    def record(page):
        calls.append(page.pk)
        return original(page)

    monkeypatch.setattr(freshness, "page_content_changed", record)
    return calls
