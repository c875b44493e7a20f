"""A comment's page may be any page, not only a news post: standard pages (About, ...)
take comments too (the page types with a ``comments_enabled`` field).

Only the foreign key's target changes, from ``news_newspage`` to ``wagtailcore_page``. A
news post's id is its page's id (``page_ptr_id``), so every ``page_id`` already names the
right row: the table, its rows, indexes and constraints stay (SQLite copies the table into
a new one with the same name, PostgreSQL swaps the constraint).

Reversing needs every comment to be on a news post again: while a comment is on another
kind of page, reversing stops and names them rather than delete them or fail halfway.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def refuse_comments_elsewhere(apps, schema_editor):
    """Before going back to news posts only: stop while comments are on other pages."""
    Comment = apps.get_model("comments", "Comment")
    NewsPage = apps.get_model("news", "NewsPage")
    elsewhere = Comment.objects.exclude(page_id__in=NewsPage.objects.values("pk"))
    page_ids = sorted(set(elsewhere.values_list("page_id", flat=True)))
    if page_ids:
        raise RuntimeError(
            f"Comments on pages that are not news posts: {elsewhere.count()} (on pages "
            f"{', '.join(map(str, page_ids))}). Before this migration comments could only be "
            "on news posts: delete those comments to reverse it."
        )


class Migration(migrations.Migration):

    dependencies = [
        ('comments', '0001_initial'),
        migrations.swappable_dependency(settings.WAGTAIL_PAGE_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='comment',
            name='page',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='comments', to=settings.WAGTAIL_PAGE_MODEL),
        ),
        # Run first when reversing (operations are reversed in the opposite order).
        migrations.RunPython(migrations.RunPython.noop, refuse_comments_elsewhere),
    ]
