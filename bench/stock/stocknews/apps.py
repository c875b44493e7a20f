from django.apps import AppConfig


class StockNewsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "stocknews"
