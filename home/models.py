"""The site root and plain pages (About, Contact, ...)."""

from django.conf import settings
from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from news.blocks import StandardBodyBlock
from news.permissions import NewsdeskPermissionsMixin
from news.preview import NewsdeskPreviewMixin


class HomePage(NewsdeskPermissionsMixin, NewsdeskPreviewMixin, Page):
    """The root of a site; shows the latest news from every news index below it."""

    intro = RichTextField(blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["news.NewsIndexPage", "home.StandardPage"]

    class Meta:
        verbose_name = "home page"

    def get_context(self, request, *args, **kwargs):
        from news.models import NewsIndexPage
        from news.selectors import published_news, reader_visible

        context = super().get_context(request, *args, **kwargs)
        context["latest_news"] = published_news(index=self)[: settings.NEWSDESK_HOME_LATEST]
        context["news_index"] = (
            reader_visible(self.get_children()).type(NewsIndexPage).specific().first()
        )
        return context


class StandardPage(NewsdeskPermissionsMixin, NewsdeskPreviewMixin, Page):
    """A plain page such as About or Contact, listed in the site navigation."""

    intro = models.TextField(blank=True, max_length=500)
    body = StreamField(StandardBodyBlock(), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]

    parent_page_types = ["home.HomePage", "home.StandardPage"]
    subpage_types = ["home.StandardPage"]
    show_in_menus_default = True

    class Meta:
        verbose_name = "standard page"
