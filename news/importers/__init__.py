"""Importers for existing blogs: Blogger and WordPress exports into Newsdesk pages.

- ``parsing``: reading export files safely (no entity expansion), dates;
- ``blogger``, ``wordpress``: an export file → ``entries.ParsedExport`` (nothing written);
- ``html`` (with ``markup``): entry HTML → cleaned body blocks; comment HTML → text;
- ``base``: ``Importer`` writes the entries, one transaction each (pages, revisions,
  tags, authors, redirects, ``ImportRecord``), with ``media`` (pictures from ``--media``),
  ``comments`` (approved reader comments) and ``report`` (the report, the progress bar);
- ``command``: what ``import_blogger`` and ``import_wordpress`` share;
- ``wagtail_hooks``: ``/?p=123``-style old addresses answer with their redirect.

Steps from an export to a live site: docs/import.md.
"""
