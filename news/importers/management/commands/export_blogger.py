"""Export the site as a Blogger backup file (the Atom file of Settings → Back up content).

    python manage.py export_blogger --output newsdesk-blog.xml
        [--site ID|HOSTNAME] [--include-drafts] [--include-private]

What goes in and how each block is written: docs/import.md, "Exporting".
"""

from news.importers.export.blogger import BloggerWriter
from news.importers.export.body import BLOGGER
from news.importers.export.command import ExportCommand


class Command(ExportCommand):
    help = "Export posts, pages and comments as a Blogger export file (see docs/import.md)."
    format_name = "Blogger export (Atom)"
    flavour = BLOGGER
    writer_class = BloggerWriter
