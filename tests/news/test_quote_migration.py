"""news 0011 and home 0005 turn the quote block's plain text into rich text, in pages and
every revision of them (and back: the words stay, the formatting goes).

The database is taken back to the migrations before, quotes are stored the way the plain
text block stored them, and the database is migrated forward again.
"""

import json

import pytest
from wagtail.models import Revision

from home.models import StandardPage
from news.models import NewsPage
from tests.home.factories import StandardPageFactory
from tests.news.factories import NewsPageFactory
from tests.news.test_app_migrations import migrate, migrate_to_latest

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BEFORE = [
    ("news", "0010_body_choosers_from_the_response"),
    ("home", "0004_body_choosers_from_the_response"),
]

PLAIN = 'Tides < 2 m & rising.\nSay "no" to <script>.\n\n  Second paragraph.  \n\n\n'
AS_RICH_TEXT = (
    '<p>Tides &lt; 2 m &amp; rising.<br/>Say "no" to &lt;script&gt;.</p><p>Second paragraph.</p>'
)


def quote(text):
    return {
        "type": "quote",
        "value": {"text": text, "attribution": "A", "source_name": "AFP", "source_url": ""},
    }


def old_body(text):
    return [
        {"type": "paragraph", "value": "<p>Intro</p>", "id": "p1"},
        {**quote(text), "id": "q1"},
    ]


def quote_text(revision_content):
    body = json.loads(revision_content["body"])
    return next(child["value"]["text"] for child in body if child["type"] == "quote")


def test_plain_quotes_become_rich_text_in_pages_and_revisions(news_index, home_page):
    post = NewsPageFactory(parent=news_index, body=[quote("<p>x</p>")])
    draft = post.save_revision()
    about = StandardPageFactory(parent=home_page, title="About", body=[quote("<p>y</p>")])
    try:
        old = migrate(BEFORE)
        OldNewsPage = old.get_model("news", "NewsPage")
        OldStandardPage = old.get_model("home", "StandardPage")
        OldRevision = old.get_model("wagtailcore", "Revision")
        OldNewsPage.objects.filter(pk=post.pk).update(body=old_body(PLAIN))
        OldStandardPage.objects.filter(pk=about.pk).update(body=old_body("One line"))
        content = dict(OldRevision.objects.get(pk=draft.pk).content)
        content["body"] = json.dumps(old_body(PLAIN))  # revisions hold the body as JSON text
        OldRevision.objects.filter(pk=draft.pk).update(content=content)
    finally:
        migrate_to_latest()

    post = NewsPage.objects.get(pk=post.pk)
    assert post.body.raw_data[1]["value"]["text"] == AS_RICH_TEXT
    assert post.body.raw_data[1]["value"]["source_name"] == "AFP"
    assert post.body.raw_data[0]["value"] == "<p>Intro</p>"  # other blocks untouched
    assert quote_text(Revision.objects.get(pk=draft.pk).content) == AS_RICH_TEXT
    about = StandardPage.objects.get(pk=about.pk)
    assert about.body.raw_data[1]["value"]["text"] == "<p>One line</p>"
    # The page shows the words once, escaped, in two paragraphs.
    html = post.body[1].render()
    assert "Tides &lt; 2 m &amp; rising.<br/>Say" in html
    assert "<script>" not in html


def test_rich_quotes_go_back_to_plain_text(news_index):
    post = NewsPageFactory(
        parent=news_index,
        body=[
            quote(
                '<p>One <b>bold</b> &amp; <a href="https://x.example">linked</a></p><p>Two<br/>lines</p>'
            )
        ],
    )
    try:
        old = migrate(BEFORE)
        OldNewsPage = old.get_model("news", "NewsPage")
        text = OldNewsPage.objects.get(pk=post.pk).body.raw_data[0]["value"]["text"]
        assert text == "One bold & linked\n\nTwo\nlines"
    finally:
        migrate_to_latest()
    # Forward again: the words come back as rich text (the formatting is gone).
    text = NewsPage.objects.get(pk=post.pk).body.raw_data[0]["value"]["text"]
    assert text == "<p>One bold &amp; linked</p><p>Two<br/>lines</p>"
