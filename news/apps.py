from django.apps import AppConfig


class NewsConfig(AppConfig):
    name = "news"
    label = "news"
    verbose_name = "News"

    def ready(self):
        from news import signals  # noqa: F401 - connects the signal handlers
        from news.api import querysets

        querysets.install()
