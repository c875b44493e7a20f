"""Let Editors and Moderators pin promoted search results (Wagtail search promotions).

Wagtail's "Search terms" report (the query log) stays with administrators, as Wagtail
decides. Reversible: removes the grants.
"""

from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations

CODENAMES = ["add_searchpromotion", "change_searchpromotion", "delete_searchpromotion"]


def group_permissions(apps):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth.Group")
    Permission = apps.get_model("auth.Permission")
    groups = Group.objects.filter(
        name__in=[settings.NEWSDESK_EDITORS_GROUP, settings.NEWSDESK_MODERATORS_GROUP]
    )
    permissions = Permission.objects.filter(
        content_type__app_label="wagtailsearchpromotions", codename__in=CODENAMES
    )
    return groups, permissions


def grant(apps, schema_editor):
    groups, permissions = group_permissions(apps)
    for group in groups:
        group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    groups, permissions = group_permissions(apps)
    for group in groups:
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_sqlite_porter_stemming"),
        ("news", "0002_editorial_roles"),
        ("wagtailsearchpromotions", "0008_query_verbose_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
