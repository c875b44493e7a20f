"""Comments, webhooks and import records leave the news app for apps of their own
(news.comments, news.webhooks, news.importers); their tables and rows stay as they are.

The new apps' migrations 0001 take the models over in Django's record (no table changes);
this one gives them up here and moves their content types to the new app labels: the same
rows, so the permissions on them (and the groups holding those), the admin history and
Wagtail's references come along. Reversing it moves them back, so ``migrate news 0006``
on its own leaves a database the code before the move runs on.
"""

from django.db import migrations

MOVED = {
    "comments": ["comment"],
    "webhooks": ["webhookendpoint", "webhookdelivery", "webhookattempt"],
    "importers": ["importrecord"],
}


def referrers(apps, content_type):
    """Models with rows pointing at ``content_type``, other than its own permissions."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    found = []
    relations = [
        field
        for field in ContentType._meta.get_fields(include_hidden=True)  # related_name="+" too
        if field.auto_created and not field.concrete and (field.one_to_many or field.one_to_one)
    ]
    for relation in relations:
        related = relation.related_model
        if related._meta.label == "auth.Permission":
            continue
        if related._default_manager.filter(**{relation.field.name: content_type}).exists():
            found.append(related._meta.label)
    return found


def move_content_types(direction):
    """Move the moved models' content types ``direction`` ("out": news -> new labels,
    "back": new labels -> news).

    A content type already made under the target label (when the code of the other side
    ran before this migration, e.g. ``get_for_model`` in a request) is replaced when only
    its automatic permissions point at it; when anything else does, the migration stops
    and says what, rather than lose or split those rows."""

    def move(apps, schema_editor):
        ContentType = apps.get_model("contenttypes", "ContentType")
        for app, models in MOVED.items():
            source, target = ("news", app) if direction == "out" else (app, "news")
            for model in models:
                moving = ContentType.objects.filter(app_label=source, model=model).first()
                if moving is None:
                    continue  # never made here: it will be made under the target label
                existing = ContentType.objects.filter(app_label=target, model=model).first()
                if existing is not None:
                    used_by = referrers(apps, existing)
                    if used_by:
                        raise RuntimeError(
                            f"Content type {target}.{model} already exists and is used by "
                            f"{', '.join(used_by)}; move those rows to {source}.{model} "
                            "(or delete them), then migrate again."
                        )
                    existing.delete()  # and its automatic permissions
                moving.app_label = target
                moving.save(update_fields=["app_label"])

    return move


class Migration(migrations.Migration):

    dependencies = [
        ('news', '0006_import_records'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('comments', '0001_initial'),
        ('webhooks', '0001_initial'),
        ('importers', '0001_initial'),
    ]

    operations = [
        # The tables stay where they are, now owned by the comments, webhooks and
        # importers apps (their migrations 0001): only the news app's record changes.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='importrecord',
                    name='page',
                ),
                migrations.RemoveField(
                    model_name='importrecord',
                    name='revision',
                ),
                migrations.RemoveField(
                    model_name='webhookattempt',
                    name='delivery',
                ),
                migrations.RemoveField(
                    model_name='webhookdelivery',
                    name='endpoint',
                ),
                migrations.DeleteModel(
                    name='Comment',
                ),
                migrations.DeleteModel(
                    name='ImportRecord',
                ),
                migrations.DeleteModel(
                    name='WebhookAttempt',
                ),
                migrations.DeleteModel(
                    name='WebhookDelivery',
                ),
                migrations.DeleteModel(
                    name='WebhookEndpoint',
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types("out"), move_content_types("back")),
    ]
