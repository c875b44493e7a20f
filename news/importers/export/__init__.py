"""Exports: Newsdesk content written as a WordPress (WXR) or Blogger (Atom) export file.

- ``content``: what an export holds (posts and pages by state, comments), as plain entries;
- ``body``: body blocks → HTML in the shapes the importers read back as the same blocks;
- ``wordpress``, ``blogger``: the two file formats;
- ``command``: what ``export_wordpress`` and ``export_blogger`` share.

The files are read by WordPress's importer, by Blogger and by ``import_wordpress`` /
``import_blogger`` (a round trip: tests/news/importers/test_export_round_trip.py).
Steps and options: docs/import.md, "Exporting".
"""
