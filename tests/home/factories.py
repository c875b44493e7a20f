"""Factories for the home app's pages."""

import factory
import wagtail_factories

from home.models import StandardPage


class StandardPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"Standard page {n}")
    slug = factory.Sequence(lambda n: f"standard-{n}")
    show_in_menus = True

    class Meta:
        model = StandardPage
