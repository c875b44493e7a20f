"""Moving comments, webhooks and import records into apps of their own loses nothing.

The database is taken back to where it was before the move (news 0006: the models still
belonged to the news app), filled the way a live site fills it (comments with a reply and
moderation history, endpoints, deliveries with their attempts, import records, the
groups' permissions), migrated forward, and checked row by row, permission by permission
and through the admin screens. Runs on SQLite and PostgreSQL like the rest of the suite.
"""

import datetime
import uuid

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from wagtail.models import ModelLogEntry

from news.comments.models import Comment
from news.importers.models import ImportRecord
from news.models import Author, NewsPage
from news.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from tests.news.factories import NewsPageFactory
from tests.news.workflow_helpers import make_user

# Restore the data migrations' groups, workflow and home page for the tests after this one.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BEFORE_THE_MOVE = [
    ("news", "0006_import_records"),
    ("comments", None),
    ("webhooks", None),
    ("importers", None),
]
MOVED = {
    "comments": ["comment"],
    "webhooks": ["webhookendpoint", "webhookdelivery", "webhookattempt"],
    "importers": ["importrecord"],
}
WHEN = datetime.datetime(2026, 11, 20, 8, 30, tzinfo=datetime.UTC)


def refresh_content_type_cache():
    """Forget the content types the migrations moved, and load every one again.

    A warm cache matters beyond this test: restoring the serialized database for the next
    transactional test builds Page objects, whose ``__init__`` asks for their content
    type; with a cold cache that would create content type rows before the restored ones
    are written (a unique-constraint error in the next test).
    """
    ContentType.objects.clear_cache()
    ContentType.objects.get_for_models(*django_apps.get_models())


def migrate(targets):
    """Migrate to ``targets``; the historical models there."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    ContentType.objects.clear_cache()  # the moved models' rows have other labels now
    return executor.loader.project_state([t for t in targets if t[1] is not None]).apps


def migrate_to_latest():
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    refresh_content_type_cache()


def fill_the_old_tables(old, post):
    """Rows as a site running the code before the move wrote them (historical models)."""
    OldComment = old.get_model("news", "Comment")
    OldEndpoint = old.get_model("news", "WebhookEndpoint")
    OldDelivery = old.get_model("news", "WebhookDelivery")
    OldAttempt = old.get_model("news", "WebhookAttempt")
    OldImportRecord = old.get_model("news", "ImportRecord")
    OldContentType = old.get_model("contenttypes", "ContentType")
    OldLogEntry = old.get_model("wagtailcore", "ModelLogEntry")

    first = OldComment.objects.create(
        page_id=post.pk,
        author_name="Ines Kalda",
        author_email="ines@mail.example",
        body="The wall held.",
        status="approved",
        submitted_at=WHEN,
        ip_address="203.0.113.7",
        source_id="blogger:1",
    )
    reply = OldComment.objects.create(
        page_id=post.pk, parent=first, author_name="Jo", body="It did.", status="pending"
    )
    comment_type = OldContentType.objects.get(app_label="news", model="comment")
    OldLogEntry.objects.create(
        content_type=comment_type,
        label=str(first.pk),
        action="newsdesk.comment.moderate",
        timestamp=WHEN,
        object_id=str(first.pk),
        data={"status": "approved"},
    )
    endpoint = OldEndpoint.objects.create(
        name="Frontend",
        url="https://frontend.example/hooks",
        secret="s3cret",
        events=["page.published"],
    )
    delivery = OldDelivery.objects.create(
        id=uuid.UUID("5f0c0000-0000-4000-8000-000000000001"),
        endpoint=endpoint,
        event="page.published",
        body='{"event":"page.published"}',
        page_id=post.pk,
        status="retrying",
        attempts=1,
        last_response_code=503,
        last_error="HTTP 503",
    )
    OldAttempt.objects.create(delivery=delivery, number=1, response_code=503, error="HTTP 503")
    OldImportRecord.objects.create(
        source="wordpress",
        source_id="123",
        source_url="https://old.example/?p=123",
        page_id=post.pk,
        content_hash="abc",
    )
    # A permission on a moved model granted by hand, besides those of news/0005.
    OldGroup = old.get_model("auth", "Group")
    OldPermission = old.get_model("auth", "Permission")
    view_deliveries = OldPermission.objects.get(
        content_type__app_label="news", codename="view_webhookdelivery"
    )
    OldGroup.objects.get(name=settings.NEWSDESK_EDITORS_GROUP).permissions.add(view_deliveries)
    return {"comment": first.pk, "reply": reply.pk, "delivery": delivery.pk}


def permissions_of(group_name):
    return {
        f"{app}.{codename}"
        for app, codename in Group.objects.get(name=group_name).permissions.values_list(
            "content_type__app_label", "codename"
        )
    }


def test_an_existing_database_migrates_forward_with_every_row(
    client, django_user_model, news_index
):
    post = NewsPageFactory(parent=news_index, title="Harbour wall holds")
    type_ids = {
        model: ContentType.objects.get(app_label=app, model=model).pk
        for app, models in MOVED.items()
        for model in models
    }
    try:
        old = migrate(BEFORE_THE_MOVE)
        # Before the move, the content types are the news app's (same rows, same ids).
        for model, type_id in type_ids.items():
            assert ContentType.objects.get(pk=type_id).app_label == "news", model
        ids = fill_the_old_tables(old, post)
    finally:
        migrate_to_latest()

    # Every row, with its values and relations.
    first = Comment.objects.get(pk=ids["comment"])
    assert (first.page_id, first.author_email, first.status, first.submitted_at) == (
        post.pk,
        "ines@mail.example",
        Comment.Status.APPROVED,
        WHEN,
    )
    assert (first.ip_address, first.source_id) == ("203.0.113.7", "blogger:1")
    assert [reply.pk for reply in first.replies.all()] == [ids["reply"]]
    assert list(post.comments.visible()) == [first]
    endpoint = WebhookEndpoint.objects.get()
    assert (endpoint.url, endpoint.secret, endpoint.events) == (
        "https://frontend.example/hooks",
        "s3cret",
        ["page.published"],
    )
    delivery = WebhookDelivery.objects.get()
    assert (delivery.pk, delivery.endpoint, delivery.status, delivery.attempts) == (
        ids["delivery"],
        endpoint,
        WebhookDelivery.Status.RETRYING,
        1,
    )
    assert list(WebhookAttempt.objects.values_list("delivery_id", "number", "response_code")) == [
        (ids["delivery"], 1, 503)
    ]
    record = ImportRecord.objects.get()
    assert (record.source, record.source_id, record.page_id) == ("wordpress", "123", post.pk)

    # The content types moved (the same rows), so permissions and history came along.
    for app, models in MOVED.items():
        for model in models:
            moved = ContentType.objects.get(app_label=app, model=model)
            assert moved.pk == type_ids[model]
            assert not ContentType.objects.filter(app_label="news", model=model).exists()
    assert {
        "comments.view_comment",
        "comments.change_comment",
        "comments.delete_comment",
    } <= permissions_of(settings.NEWSDESK_MODERATORS_GROUP)
    assert {"comments.view_comment", "webhooks.view_webhookdelivery"} <= permissions_of(
        settings.NEWSDESK_EDITORS_GROUP
    )
    assert not Permission.objects.filter(
        content_type__app_label="news", codename__contains="comment"
    )
    history = ModelLogEntry.objects.for_instance(first)
    assert [entry.action for entry in history] == ["newsdesk.comment.moderate"]

    # The admin screens work on the old rows, for the roles that use them.
    moderator = make_user(django_user_model, "mo", settings.NEWSDESK_MODERATORS_GROUP)
    client.force_login(moderator)
    listing = client.get("/admin/comments/?status=")  # every status (Pending by default)
    assert listing.status_code == 200
    assert "The wall held." in listing.content.decode()
    assert client.get(f"/admin/comments/edit/{first.pk}/").status_code == 200
    history_page = client.get(f"/admin/comments/history/{first.pk}/")
    assert history_page.status_code == 200
    assert "Status set to Approved" in history_page.content.decode()
    client.force_login(make_user(django_user_model, "chief", superuser=True))
    deliveries = client.get("/admin/webhooks/deliveries/")
    assert deliveries.status_code == 200
    assert "HTTP 503" in deliveries.content.decode()
    assert client.get(f"/admin/webhooks/deliveries/inspect/{delivery.pk}/").status_code == 200
    assert client.get(f"/admin/webhooks/endpoints/edit/{endpoint.pk}/").status_code == 200


def test_the_move_can_be_reversed_and_done_again(news_index):
    post = NewsPageFactory(parent=news_index)
    comment = Comment.objects.create(page=post, author_name="Reader", body="Hello")
    try:
        old = migrate(BEFORE_THE_MOVE)
        OldComment = old.get_model("news", "Comment")
        assert OldComment.objects.get(pk=comment.pk).body == "Hello"
    finally:
        migrate_to_latest()
    assert Comment.objects.get(pk=comment.pk).body == "Hello"
    assert ContentType.objects.get_for_model(Comment).app_label == "comments"


def test_rolling_back_only_the_news_app_gives_everything_back_to_it(news_index):
    """``migrate news 0006`` alone (the new apps' state-only 0001 stay applied) leaves the
    database as the code before the move expects it: content types, and with them the
    groups' permissions and the history, under the news app again."""
    comment = Comment.objects.create(
        page=NewsPageFactory(parent=news_index), author_name="Reader", body="Hello"
    )
    comment.set_status(Comment.Status.APPROVED)
    type_ids = {
        model: ContentType.objects.get(app_label=app, model=model).pk
        for app, models in MOVED.items()
        for model in models
    }
    try:
        migrate([("news", "0006_import_records")])
        for model, type_id in type_ids.items():
            assert ContentType.objects.get(pk=type_id).app_label == "news", model
        assert {"news.change_comment", "news.view_comment"} <= permissions_of(
            settings.NEWSDESK_MODERATORS_GROUP
        )
        log_entry = ModelLogEntry.objects.get(object_id=str(comment.pk))
        assert log_entry.content_type_id == type_ids["comment"]
    finally:
        migrate_to_latest()
    assert ContentType.objects.get(pk=type_ids["comment"]).app_label == "comments"
    assert "comments.change_comment" in permissions_of(settings.NEWSDESK_MODERATORS_GROUP)
    assert [entry.pk for entry in ModelLogEntry.objects.for_instance(comment)] == [log_entry.pk]


def test_the_move_stops_rather_than_split_rows_between_two_content_types(news_index):
    """Should something have made and used a ``comments.comment`` content type before the
    migration ran, moving would leave those rows behind: the migration stops, names them,
    and changes nothing."""
    try:
        old = migrate(BEFORE_THE_MOVE)
        OldContentType = old.get_model("contenttypes", "ContentType")
        OldLogEntry = old.get_model("wagtailcore", "ModelLogEntry")
        stray = OldContentType.objects.create(app_label="comments", model="comment")
        OldLogEntry.objects.create(
            content_type=stray, label="1", action="wagtail.edit", timestamp=WHEN, object_id="1"
        )
        with pytest.raises(RuntimeError, match=r"comments\.comment already exists and is used"):
            migrate_to_latest()
        assert OldContentType.objects.filter(app_label="news", model="comment").exists()
        OldLogEntry.objects.filter(content_type=stray).delete()
    finally:
        migrate_to_latest()
    assert ContentType.objects.filter(app_label="comments", model="comment").count() == 1
    assert not ContentType.objects.filter(app_label="news", model="comment").exists()


BEFORE_AUTHOR_SLUGS = [("news", "0011_quote_rich_text_code_table")]


def test_existing_authors_get_unique_slugs_from_their_names(news_index):
    """news 0012 adds ``Author.slug`` (unique) and fills it for the authors a site already
    has, from their names in the order they were created: the slugified name, ``-2``,
    ``-3``... for a name taken, ``author`` for a name without letters (Unicode letters
    are kept). Every row and byline stays."""
    post = NewsPageFactory(parent=news_index, title="Harbour wall holds")
    names = [
        "Ada Lovelace",
        "Ada Lovelace",  # the same name twice
        "Ada Lovelace 2",  # would take the second one's slug
        "?!",  # no letters
        "***",
        "Søren Ærø",  # non-ASCII
        "  Maren   Holt ",
    ]
    try:
        old = migrate(BEFORE_AUTHOR_SLUGS)
        OldAuthor = old.get_model("news", "Author")
        OldByline = old.get_model("news", "NewsPageAuthor")
        assert "slug" not in {field.name for field in OldAuthor._meta.get_fields()}
        ids = [OldAuthor.objects.create(name=name, bio=f"Bio of {name}").pk for name in names]
        OldByline.objects.create(page_id=post.pk, author_id=ids[0], sort_order=0)
        OldByline.objects.create(page_id=post.pk, author_id=ids[5], sort_order=1)
    finally:
        migrate_to_latest()
    authors = {author.pk: author for author in Author.objects.all()}
    assert set(ids) <= set(authors)
    slugs = [authors[pk].slug for pk in ids]
    assert slugs == [
        "ada-lovelace",
        "ada-lovelace-2",
        "ada-lovelace-2-2",
        "author",
        "author-2",
        "søren-ærø",
        "maren-holt",
    ]
    assert [authors[pk].name for pk in ids] == names
    assert authors[ids[5]].bio == "Bio of Søren Ærø"
    assert [a.pk for a in NewsPage.objects.get(pk=post.pk).authors] == [ids[0], ids[5]]
    # A new author with a taken name gets the next free slug, as the migration gave them.
    assert Author.objects.create(name="Ada Lovelace").slug == "ada-lovelace-3"
