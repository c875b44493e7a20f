from django.apps import AppConfig


class CommentsConfig(AppConfig):
    """Reader comments: the model, moderation, the form under each article and the API."""

    name = "news.comments"
    label = "comments"
    verbose_name = "Comments"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Django imports apps.py before any model; the receivers are connected on ready.
        from news.comments import signal_handlers

        signal_handlers.connect()
