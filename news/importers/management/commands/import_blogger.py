"""Import a Blogger export (classic "Back up content" Atom file or Takeout feed.atom).

    python manage.py import_blogger blog-03-02-2026.xml --index news [--media DIR]
        [--publish-state keep|draft] [--dry-run]

Steps from Blogger to Newsdesk: docs/import.md.
"""

from news.importers.blogger import read_blogger
from news.importers.command import ImportCommand


class Command(ImportCommand):
    help = "Import posts, pages and comments from a Blogger export (see docs/import.md)."
    source_name = "Blogger"

    def read_export(self, path):
        return read_blogger(path)
