"""Stemming for the SQLite search index.

Wagtail's database search backend keeps an SQLite FTS5 table whose default tokenizer does
not stem, so "strikes" would not find "strike". This rebuilds the table with FTS5's
Porter tokenizer (and diacritics folding), copying the existing index rows. It does
nothing on other databases: PostgreSQL stems with the "english" text search configuration
(WAGTAILSEARCH_BACKENDS in cms/settings/base.py). Reversible.
"""

from django.db import migrations

TABLE = "wagtailsearch_indexentry_fts"
SOURCE = "wagtailsearch_indexentry"
PORTER = "porter unicode61 remove_diacritics 2"


def rebuild_fts_table(schema_editor, tokenize):
    connection = schema_editor.connection
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE name = %s", [TABLE])
        if cursor.fetchone() is None:
            return  # SQLite without FTS5: Wagtail falls back to a plain LIKE search
        cursor.execute(f"DROP TABLE {TABLE}")
        options = f", tokenize='{tokenize}'" if tokenize else ""
        cursor.execute(f"CREATE VIRTUAL TABLE {TABLE} USING fts5(autocomplete, body, title{options})")
        cursor.execute(
            f"INSERT INTO {TABLE}(rowid, title, body, autocomplete) "  # noqa: S608 - constants
            f"SELECT id, title, body, autocomplete FROM {SOURCE}"
        )


def use_porter(apps, schema_editor):
    rebuild_fts_table(schema_editor, PORTER)


def use_default(apps, schema_editor):
    rebuild_fts_table(schema_editor, None)


class Migration(migrations.Migration):
    dependencies = [("wagtailsearch", "0010_add_text_fields")]

    operations = [migrations.RunPython(use_porter, use_default)]
