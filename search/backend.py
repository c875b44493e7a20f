"""Newsdesk's search backend: Wagtail's database backend, with title matches ranked first
on SQLite.

On SQLite, Wagtail's backend ranks with FTS5's ``bm25()`` over all columns alike, so a
word in the headline counts no more than the same word in the body. FTS5 takes a weight
per column (autocomplete, body, title); Newsdesk weights the title
(NEWSDESK_SEARCH_TITLE_WEIGHT, default 4). PostgreSQL and other databases use Wagtail's
backend unchanged (PostgreSQL already weights the title).

Configured in cms/settings/base.py: WAGTAILSEARCH_BACKENDS["default"]["BACKEND"].
"""

from modelsearch.backends.database import SearchBackend as DatabaseSearchBackend


def SearchBackend(params):
    backend = DatabaseSearchBackend(params)
    if backend.__class__.__name__ == "SQLiteSearchBackend":
        # Imported only on SQLite: the module defines the FTS index model, which exists
        # on SQLite alone (importing it elsewhere is an error).
        from search.sqlite_ranking import NewsdeskSQLiteSearchBackend

        return NewsdeskSQLiteSearchBackend(params)
    return backend
