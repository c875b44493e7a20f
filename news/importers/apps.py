from django.apps import AppConfig


class ImportersConfig(AppConfig):
    """Blogger and WordPress imports: the commands and the record of what was imported."""

    name = "news.importers"
    label = "importers"
    verbose_name = "Imports"
    default_auto_field = "django.db.models.BigAutoField"
