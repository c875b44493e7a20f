"""Data builders and JSON helpers for the API tests."""

import datetime
import json
import os
from pathlib import Path

from tests.news.factories import (
    AuthorFactory,
    DisclaimerFactory,
    ImageFactory,
    NewsPageFactory,
    every_block_body,
)

# The pinned shapes (regenerate with UPDATE_CONTRACTS=1, see test_api_contract.py).
CONTRACTS = Path(__file__).parent / "contracts"


def full_posts(news_index, count, *, related=None):
    """``count`` live posts, each with every block type, lead image, two authors (with
    photos) and two tags."""
    related = related or NewsPageFactory(parent=news_index, title="Related story")
    disclaimer = DisclaimerFactory()
    posts = []
    for number in range(count):
        posts.append(
            NewsPageFactory(
                parent=news_index,
                title=f"Full post {number}",
                lead_image=ImageFactory(),
                source_name="AFP",
                source_url="https://wire.example/afp",
                body=every_block_body(
                    image=ImageFactory(), related_page=related, disclaimer=disclaimer
                ),
                authors=[
                    AuthorFactory(photo=ImageFactory()),
                    AuthorFactory(photo=ImageFactory()),
                ],
                tags=["Climate", f"Tag {number}"],
            )
        )
    return posts


def shape(value):
    """The JSON shape of ``value``: keys and value types, first list item as the pattern."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in sorted(value.items())}
    if isinstance(value, list):
        return [shape(value[0])] if value else []
    if value is None:
        return "null"
    return type(value).__name__


def check(name, document):
    path = CONTRACTS / f"{name}.json"
    actual = shape(document)
    if os.environ.get("UPDATE_CONTRACTS"):
        path.write_text(json.dumps(actual, indent=2, sort_keys=True) + "\n")
    expected = json.loads(path.read_text())
    assert actual == expected, f"{name}: the API shape changed (see {path})"


FILTER_POSTS = [
    # title, tags, publication date, author (key), breaking
    ("Climate and politics", ["Climate", "Politics"], "2017-02-10", "alice", True),
    ("Only climate", ["Climate"], "2017-02-20", "bob", False),
    ("Only politics", ["Politics"], "2017-03-05", "alice", False),
    ("Sport", ["Sport"], "2017-04-01", "bob", False),
]


def filter_posts(news_index):
    """Four posts that tell the news filters apart (FILTER_POSTS); returns the authors."""
    authors = {"alice": AuthorFactory(name="Alice"), "bob": AuthorFactory(name="Bob")}
    for title, tags, date, author, breaking in FILTER_POSTS:
        NewsPageFactory(
            parent=news_index,
            title=title,
            tags=tags,
            publication_date=datetime.date.fromisoformat(date),
            authors=[authors[author]],
            breaking=breaking,
        )
    return authors


def news_form_data(title, slug, publication_date, summary=""):
    """The new-post and edit forms' fields for a post with no authors, tags or blocks."""
    return {
        "title": title,
        "slug": slug,
        "publication_date": publication_date,
        "summary": summary,
        "site_disclaimer": "auto",
        "tags": "",
        "news_authors-TOTAL_FORMS": "0",
        "news_authors-INITIAL_FORMS": "0",
        "news_authors-MIN_NUM_FORMS": "0",
        "news_authors-MAX_NUM_FORMS": "1000",
        "body-count": "0",
        "comments-TOTAL_FORMS": "0",
        "comments-INITIAL_FORMS": "0",
        "comments-MIN_NUM_FORMS": "0",
        "comments-MAX_NUM_FORMS": "1000",
    }
