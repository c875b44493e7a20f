"""The admin's page chooser, made for choosing news: newest first, with the date.

Editors choose articles for related-articles blocks and internal links with Wagtail's page
chooser, which lists a section's pages in tree order (the oldest post first) with no
publication date. These views are Wagtail's with two changes: a news index's posts are
listed newest first (by publication date), and both the browse and the search listing
show each post's publication date next to its status. cms/urls.py serves them at the
chooser's own addresses (news/compat.py, 7).
"""

from django.db.models import F
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import chooser as wagtail_chooser

from news.models import NewsIndexPage


def publication_date(page):
    """The post's date as newsrooms say it ("20 Nov 2026"); blank for other pages."""
    value = getattr(page, "publication_date", None)
    return date_format(value, "j M Y") if value else ""


def publication_date_column():
    return Column("publication_date", label=_("Published"), width="12%", accessor=publication_date)


def with_publication_date(columns):
    """``columns`` with the publication date before the status column."""
    position = next(
        (i for i, column in enumerate(columns) if column.name == "status"), len(columns)
    )
    return [*columns[:position], publication_date_column(), *columns[position:]]


class NewsPageBrowseView(wagtail_chooser.BrowseView):
    @property
    def columns(self):
        return with_publication_date(super().columns)

    def get_object_list(self):
        pages = super().get_object_list()
        if isinstance(self.parent_page, NewsIndexPage):
            pages = pages.order_by(F("newspage__publication_date").desc(nulls_last=True), "-pk")
        return pages


class NewsPageSearchView(wagtail_chooser.SearchView):
    @property
    def columns(self):
        return with_publication_date(super().columns)
