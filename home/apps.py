from django.apps import AppConfig


class HomeConfig(AppConfig):
    """The site root, standard pages and the site navigation."""

    name = "home"
    label = "home"
    verbose_name = "Home"

    def ready(self):
        # Django imports apps.py before any model; the reader view registers on ready.
        from home import views

        views.register()
