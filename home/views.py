"""The home page's reader view: the latest news from every news index below it.

``register()`` is called from ``HomeConfig.ready()`` (cms/core/pages.py explains the hook).
"""

from django.conf import settings

from cms.core.pages import reader_context
from home.models import HomePage
from news.selectors import news_index_under, published_news


def home_context(page, request, context, **kwargs):
    context["latest_news"] = published_news(index=page)[: settings.NEWSDESK_HOME_LATEST]
    context["news_index"] = news_index_under(page)
    return context


def register():
    reader_context.register(HomePage)(home_context)
