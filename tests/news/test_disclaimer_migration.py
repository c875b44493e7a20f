"""news 0008 turns the "show the site-wide disclaimer" checkbox into a choice, keeping what
each post (and each of its revisions) showed.

The database is taken back to news 0007, posts and revisions are set the way the checkbox
left them, and the database is migrated forward (and back, and forward again).
"""

import pytest
from wagtail.models import Revision

from news.models import NewsPage, SiteDisclaimer
from tests.news.factories import NewsPageFactory
from tests.news.test_app_migrations import migrate, migrate_to_latest

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BEFORE = [("news", "0007_move_comments_webhooks_imports")]


def as_checkbox_content(revision, shown):
    content = dict(revision.content)
    content.pop("site_disclaimer", None)
    content["show_default_disclaimer"] = shown
    return content


def test_the_checkbox_becomes_a_choice_in_posts_and_their_revisions(news_index):
    shown = NewsPageFactory(parent=news_index, title="Shown")
    hidden = NewsPageFactory(parent=news_index, title="Hidden")
    hidden_draft = hidden.save_revision()  # a draft that also hides it
    shown_draft = shown.save_revision()
    try:
        old = migrate(BEFORE)
        OldNewsPage = old.get_model("news", "NewsPage")
        OldRevision = old.get_model("wagtailcore", "Revision")
        OldNewsPage.objects.filter(pk=hidden.pk).update(show_default_disclaimer=False)
        for revision, value in ((hidden_draft, False), (shown_draft, True)):
            OldRevision.objects.filter(pk=revision.pk).update(
                content=as_checkbox_content(revision, value)
            )
        assert OldNewsPage.objects.get(pk=shown.pk).show_default_disclaimer is True
    finally:
        migrate_to_latest()

    assert NewsPage.objects.get(pk=shown.pk).site_disclaimer == SiteDisclaimer.AUTO
    assert NewsPage.objects.get(pk=hidden.pk).site_disclaimer == SiteDisclaimer.NEVER
    # Publishing the old draft keeps the disclaimer hidden.
    Revision.objects.get(pk=hidden_draft.pk).publish()
    assert NewsPage.objects.get(pk=hidden.pk).site_disclaimer == SiteDisclaimer.NEVER
    assert not NewsPage.objects.get(pk=hidden.pk).shows_default_disclaimer
    assert Revision.objects.get(pk=shown_draft.pk).as_object().site_disclaimer == "auto"


def test_the_choice_goes_back_to_the_checkbox(news_index):
    hidden = NewsPageFactory(parent=news_index, site_disclaimer=SiteDisclaimer.NEVER)
    both = NewsPageFactory(parent=news_index, site_disclaimer=SiteDisclaimer.BOTH)
    draft = hidden.save_revision()
    try:
        old = migrate(BEFORE)
        OldNewsPage = old.get_model("news", "NewsPage")
        OldRevision = old.get_model("wagtailcore", "Revision")
        assert OldNewsPage.objects.get(pk=hidden.pk).show_default_disclaimer is False
        assert OldNewsPage.objects.get(pk=both.pk).show_default_disclaimer is True
        assert OldRevision.objects.get(pk=draft.pk).content["show_default_disclaimer"] is False
    finally:
        migrate_to_latest()
    assert NewsPage.objects.get(pk=hidden.pk).site_disclaimer == SiteDisclaimer.NEVER
