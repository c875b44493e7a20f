from django.apps import AppConfig


class NewsConfig(AppConfig):
    name = "news"
    label = "news"
    verbose_name = "News"
