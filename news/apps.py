from django.apps import AppConfig


class NewsConfig(AppConfig):
    """News posts: the content model, reader pages, the API, feeds and cache freshness."""

    name = "news"
    label = "news"
    verbose_name = "News"

    def ready(self):
        # Django imports apps.py before any model: ready() is where an app wires itself
        # up, so these imports are here and not at the top of the module.
        from cms.core.resolvers import install_resolver_factory
        from news import compat, signal_handlers
        from news import views as reader_views
        from news.freshness import checks  # noqa: F401 - registers the deploy check
        from news.freshness import signal_handlers as freshness_signal_handlers
        from news.representation import BodyResolver

        install_resolver_factory(BodyResolver)
        compat.install()
        reader_views.register()
        signal_handlers.connect()
        freshness_signal_handlers.connect()
