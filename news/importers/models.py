"""Which Newsdesk page each imported blog entry became.

One row per source entry, keyed by (source, source_id): a second import of the same export
updates that page instead of creating another. ``content_hash`` lets an unchanged entry be
skipped (``entry_digest`` tells one without even converting it: settled.py); ``revision``
is the revision the import wrote, so a page edited in Newsdesk since then is not
overwritten by a re-run; ``export_title`` is the blog the entry came from, so the export of
another blog that claims the same address (two WordPress sites both once at
``http://localhost``) does not overwrite it.

The table keeps the name it had when importers were part of the news app
(``news_importrecord``); migration 0001 moved the model without touching its rows.
"""

from django.db import models
from django.utils import timezone


class ImportRecord(models.Model):
    class Source(models.TextChoices):
        BLOGGER = "blogger", "Blogger"
        WORDPRESS = "wordpress", "WordPress"

    source = models.CharField(max_length=20, choices=Source.choices)
    source_id = models.CharField(
        max_length=255, help_text="The entry's id in the export (Blogger entry id, WP post)"
    )
    source_url = models.URLField("old URL", max_length=500, blank=True)
    page = models.ForeignKey(
        "wagtailcore.Page", on_delete=models.CASCADE, related_name="import_records"
    )
    revision = models.ForeignKey(
        "wagtailcore.Revision",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The revision written by the last import of this entry",
    )
    content_hash = models.CharField(max_length=64, blank=True)
    # The entry as the file had it, with the run's options (settled.py): a re-run skips an
    # entry whose digest is unchanged; ``replay`` is what its conversion reported.
    entry_digest = models.CharField(max_length=64, blank=True)
    replay = models.JSONField(default=dict, blank=True)
    export_title = models.CharField(
        max_length=255,
        blank=True,
        help_text="The title of the blog whose export the entry came from: another "
        "export claiming the same blog address does not overwrite the entry",
    )
    imported_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "news_importrecord"
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_id"], name="news_importrecord_unique_source_id"
            )
        ]
        verbose_name = "import record"

    def __str__(self):
        return f"{self.get_source_display()} {self.source_id}"
