"""Builders for the comment tests: form tokens of a chosen age, and the data a reader's
browser (or an API client) sends."""

import datetime

import time_machine
from django.utils import timezone

from news.comments import spam


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
