"""The Editors and Moderators groups and what each may do.

Wagtail's own migrations create groups called "Editors" and "Moderators"; this migration
finds them by name (settings NEWSDESK_EDITORS_GROUP / NEWSDESK_MODERATORS_GROUP), creates
them if they are missing, and grants exactly the Newsdesk roles:

- Editors: use the admin; add and edit pages anywhere in the tree (so under every news
  index, including ones created later); add, edit and choose images and documents; add and
  edit authors and disclaimers. No publish, unpublish or lock: editors submit for review.
- Moderators: all of that, plus publish/unpublish (and so approve in the workflow), lock and
  unlock pages, delete authors and disclaimers, and edit the News settings.

Reversing removes the grants this migration adds on top of Wagtail's defaults.
"""

from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations

BOTH_MODEL_PERMISSIONS = [
    ("wagtailadmin", "access_admin"),
    ("news", "add_author"),
    ("news", "change_author"),
    ("news", "view_author"),
    ("news", "add_disclaimer"),
    ("news", "change_disclaimer"),
    ("news", "view_disclaimer"),
]
MODERATOR_MODEL_PERMISSIONS = [
    ("news", "delete_author"),
    ("news", "delete_disclaimer"),
    ("news", "change_newssettings"),
]
EDITOR_PAGE_PERMISSIONS = ["add_page", "change_page"]
MODERATOR_PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"]
COLLECTION_PERMISSIONS = [
    ("wagtailimages", "add_image"),
    ("wagtailimages", "change_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "change_document"),
    ("wagtaildocs", "choose_document"),
]


def ensure_permissions_exist(apps):
    # Permissions for this project's models are normally made after all migrations have
    # run; make them now so they can be granted on a fresh database.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def permission(apps, app_label, codename):
    Permission = apps.get_model("auth.Permission")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def grant_roles(apps, schema_editor):
    ensure_permissions_exist(apps)
    Group = apps.get_model("auth.Group")
    Page = apps.get_model("wagtailcore.Page")
    Collection = apps.get_model("wagtailcore.Collection")
    GroupPagePermission = apps.get_model("wagtailcore.GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore.GroupCollectionPermission")

    root_page = Page.objects.get(depth=1)
    root_collection = Collection.objects.get(depth=1)
    editors, _ = Group.objects.get_or_create(name=settings.NEWSDESK_EDITORS_GROUP)
    moderators, _ = Group.objects.get_or_create(name=settings.NEWSDESK_MODERATORS_GROUP)

    for group, model_perms, page_perms in [
        (editors, BOTH_MODEL_PERMISSIONS, EDITOR_PAGE_PERMISSIONS),
        (
            moderators,
            BOTH_MODEL_PERMISSIONS + MODERATOR_MODEL_PERMISSIONS,
            MODERATOR_PAGE_PERMISSIONS,
        ),
    ]:
        group.permissions.add(*(permission(apps, app, code) for app, code in model_perms))
        for codename in page_perms:
            GroupPagePermission.objects.get_or_create(
                group=group,
                page=root_page,
                permission=permission(apps, "wagtailcore", codename),
            )
        for app, codename in COLLECTION_PERMISSIONS:
            GroupCollectionPermission.objects.get_or_create(
                group=group,
                collection=root_collection,
                permission=permission(apps, app, codename),
            )
    # Editors must not publish: remove any publish-type grant an older setup left behind.
    GroupPagePermission.objects.filter(
        group=editors,
        permission__codename__in=["publish_page", "bulk_delete_page", "unlock_page"],
    ).delete()


def revoke_roles(apps, schema_editor):
    Group = apps.get_model("auth.Group")
    for name, perms in [
        (settings.NEWSDESK_EDITORS_GROUP, BOTH_MODEL_PERMISSIONS),
        (settings.NEWSDESK_MODERATORS_GROUP, BOTH_MODEL_PERMISSIONS + MODERATOR_MODEL_PERMISSIONS),
    ]:
        group = Group.objects.filter(name=name).first()
        if group is None:
            continue
        news_perms = [code for app, code in perms if app == "news"]
        group.permissions.remove(
            *group.permissions.filter(content_type__app_label="news", codename__in=news_perms)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("news", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailadmin", "0006_formstate"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
    ]

    operations = [migrations.RunPython(grant_roles, revoke_roles)]
