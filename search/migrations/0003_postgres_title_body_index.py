"""An index for full-text search on PostgreSQL.

Wagtail's PostgreSQL backend matches ``(title || body) @@ query`` but indexes ``title``
and ``body`` only separately, so every search read the whole index table: 270 ms for a
place name in a 100,000-post archive, 58 ms with this GIN index on the expression it
actually filters on (bench/load_bench.py, docs/performance.md). Nothing on other
databases. Reversible.
"""

from django.db import migrations

INDEX = "newsdesk_indexentry_title_body_gin"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON wagtailsearch_indexentry "
            "USING gin ((title || body))"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("search", "0002_search_promotion_permissions")]

    operations = [migrations.RunPython(create_index, drop_index)]
