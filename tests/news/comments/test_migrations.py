"""comments/0002 (a comment's page may be any page, not only a news post) keeps every
row of a populated database, and is reversed only while nothing depends on it.

The database is taken back to comments 0001 (the page a news post), filled the way a
live site fills it (a thread with its reply, moderation, an import's source id), migrated
forward and checked row by row, constraint by constraint. Runs on SQLite and PostgreSQL
like the rest of the suite.
"""

import datetime

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from news.comments.models import Comment
from tests.home.factories import StandardPageFactory
from tests.news.factories import NewsPageFactory

# Restore the data migrations' groups, workflow and home page for the tests after this one.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BEFORE = [("comments", "0001_initial")]
WHEN = datetime.datetime(2026, 11, 20, 8, 30, tzinfo=datetime.UTC)


def migrate(targets):
    """Migrate to ``targets``; the historical models there."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def migrate_to_latest():
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def table_constraints():
    with connection.cursor() as cursor:
        return connection.introspection.get_constraints(cursor, Comment._meta.db_table)


def page_foreign_key():
    """The table the ``page_id`` column's foreign key points at."""
    for constraint in table_constraints().values():
        if constraint["foreign_key"] and constraint["columns"] == ["page_id"]:
            return constraint["foreign_key"][0]
    return None


def test_a_populated_database_migrates_forward_with_every_row(news_index, home_page):
    post = NewsPageFactory(parent=news_index, title="Harbour wall holds")
    about = StandardPageFactory(parent=home_page, title="About")
    try:
        old = migrate(BEFORE)
        OldComment = old.get_model("comments", "Comment")
        assert OldComment._meta.get_field("page").related_model._meta.label == "news.NewsPage"
        assert page_foreign_key() == "news_newspage"
        first = OldComment.objects.create(
            page_id=post.pk,
            author_name="Ines Kalda",
            author_email="ines@mail.example",
            author_url="https://ines.example",
            body="The wall held.",
            status="approved",
            submitted_at=WHEN,
            ip_address="203.0.113.7",
            source_id="wordpress:https://harbour.example#comment-11",
            moderated_at=WHEN,
        )
        reply = OldComment.objects.create(
            page_id=post.pk, parent=first, author_name="Jo", body="It did.", status="approved"
        )
        pending = OldComment.objects.create(
            page_id=post.pk, author_name="Sam", body="Later.", status="pending"
        )
        ids = [first.pk, reply.pk, pending.pk]
    finally:
        migrate_to_latest()

    assert page_foreign_key() == "wagtailcore_page"
    # Every row, with its values and relations.
    assert list(Comment.objects.order_by("pk").values_list("pk", flat=True)) == ids
    first = Comment.objects.get(pk=ids[0])
    assert (first.page_id, first.author_email, first.author_url, first.status) == (
        post.pk,
        "ines@mail.example",
        "https://ines.example",
        Comment.Status.APPROVED,
    )
    assert (first.submitted_at, first.moderated_at, first.ip_address) == (
        WHEN,
        WHEN,
        "203.0.113.7",
    )
    assert first.page.specific == post
    assert [r.pk for r in first.replies.all()] == [ids[1]]
    assert list(post.comments.visible().values_list("pk", flat=True)) == ids[:2]
    # The indexes and the unique source id are still there.
    constraints = table_constraints()
    assert {"comment_page_status_idx", "comment_status_idx"} <= set(constraints)
    with pytest.raises(IntegrityError), transaction.atomic():
        Comment.objects.create(page=about, author_name="Copy", body="x", source_id=first.source_id)
    # And a comment may now be on a standard page.
    on_about = Comment.objects.create(page=about, author_name="Reader", body="Hello")
    assert list(about.comments.all()) == [on_about]


def test_reversing_stops_while_comments_are_on_other_pages(news_index, home_page):
    post = NewsPageFactory(parent=news_index)
    about = StandardPageFactory(parent=home_page)
    on_post = Comment.objects.create(page=post, author_name="Reader", body="On the post")
    on_about = Comment.objects.create(page=about, author_name="Reader", body="On the page")
    try:
        with pytest.raises(RuntimeError, match=rf"not news posts: 1 \(on pages {about.pk}\)"):
            migrate(BEFORE)
        # Nothing was changed: the comment on the standard page is still there.
        assert page_foreign_key() == "wagtailcore_page"
        assert Comment.objects.filter(pk=on_about.pk).exists()

        on_about.delete()
        old = migrate(BEFORE)
        assert page_foreign_key() == "news_newspage"
        OldComment = old.get_model("comments", "Comment")
        assert OldComment.objects.get(pk=on_post.pk).body == "On the post"
    finally:
        migrate_to_latest()
    assert Comment.objects.get(pk=on_post.pk).page_id == post.pk
