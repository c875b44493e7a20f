"""Export the site as a WordPress file (WXR 1.2, what Tools → Import → WordPress reads).

    python manage.py export_wordpress --output newsdesk.WordPress.xml
        [--site ID|HOSTNAME] [--include-drafts] [--include-private] [--all-comments]

What goes in and how each block is written: docs/import.md, "Exporting".
"""

from news.importers.export.body import WORDPRESS
from news.importers.export.command import ExportCommand
from news.importers.export.wordpress import WXRWriter


class Command(ExportCommand):
    help = "Export posts, pages and comments as a WordPress export file (see docs/import.md)."
    format_name = "WordPress export (WXR 1.2)"
    flavour = WORDPRESS
    writer_class = WXRWriter
    all_comments = True
