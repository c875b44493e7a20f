"""The comment section's HTML: valid ``<time datetime>`` values, a heading per comment."""

import datetime
import re

import pytest
from bs4 import BeautifulSoup

from news.comments.models import Comment
from tests.news.comments.factories import CommentFactory

pytestmark = pytest.mark.django_db

# A valid HTML global date and time with at most three fraction digits.
HTML_DATETIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d{1,3})?)?(Z|[+-]\d\d:?\d\d)$")


def comment_section(client, post):
    response = client.get(post.url)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser").select_one("#comments")


def test_comment_times_are_whole_seconds_with_an_offset(client, post, settings):
    settings.TIME_ZONE = "Europe/Tallinn"
    submitted = datetime.datetime(2026, 3, 10, 12, 5, 9, 123456, tzinfo=datetime.UTC)
    CommentFactory(page=post, submitted_at=submitted)

    times = comment_section(client, post).select("time")
    assert [time["datetime"] for time in times] == ["2026-03-10T14:05:09+02:00"]
    assert times[0].get_text() == "10 March 2026, 14:05"
    assert all(HTML_DATETIME.match(time["datetime"]) for time in times)


def test_every_comment_has_a_heading_under_the_section_heading(client, post):
    first = CommentFactory(page=post, author_name="Ines Kalda", author_url="https://ines.example/")
    CommentFactory(page=post, parent=first, author_name="Tomas Berg")
    CommentFactory(page=post, author_name="Maren Holt")
    CommentFactory(page=post, author_name="Pending Person", status=Comment.Status.PENDING)

    section = comment_section(client, post)
    outline = [
        (heading.name, heading.get_text(strip=True))
        for heading in section.find_all(["h2", "h3", "h4"])
        if "comment-form__heading" not in (heading.get("class") or [])
    ]
    assert outline == [
        ("h2", "3 comments"),
        ("h3", "Ines Kalda"),
        ("h4", "Tomas Berg"),
        ("h3", "Maren Holt"),
    ]
    # Each comment's article is named by its heading, which keeps the author's link.
    for article in section.select("article.comment"):
        assert article.find(["h3", "h4"], class_="comment__author") is not None
    assert section.select_one("h3.comment__author a")["href"] == "https://ines.example/"
