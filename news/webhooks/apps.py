from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    """Signed webhook deliveries to outside systems when published content changes."""

    name = "news.webhooks"
    label = "webhooks"
    verbose_name = "Webhooks"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Django imports apps.py before any model; the receivers are connected on ready.
        from news.webhooks import signal_handlers

        signal_handlers.connect()
