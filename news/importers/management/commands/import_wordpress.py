"""Import a WordPress export (WXR 1.0-1.2 from Tools → Export → All content).

    python manage.py import_wordpress example.WordPress.2026-03-02.xml --index news
        [--media wp-content/uploads] [--publish-state keep|draft] [--dry-run]

Steps from WordPress to Newsdesk: docs/import.md.
"""

from news.importers.command import ImportCommand
from news.importers.wordpress import read_wordpress


class Command(ImportCommand):
    help = "Import posts, pages and comments from a WordPress export (see docs/import.md)."
    source_name = "WordPress"

    def read_export(self, path):
        return read_wordpress(path)
