"""The home page's reader view: the latest news from every news index below it.

``register()`` is called from ``HomeConfig.ready()`` (cms/core/pages.py explains the hook).
"""

from django.conf import settings
from wagtail.models import Site

from cms.core.pages import reader_context
from home.models import HomePage
from news.freshness.fragments import listing_cards
from news.freshness.remembered import remembered
from news.selectors import news_index_under, published_news

#: The stored piece of the home page's cards (their headings are h3: news_card.html).
CARD_PIECE = "card-h3"


def home_context(page, request, context, **kwargs):
    latest = list(published_news(index=page, details=False)[: settings.NEWSDESK_HOME_LATEST])
    # Each card is rendered once per version of its post (news/freshness/fragments.py).
    context["resolver"] = listing_cards(request, latest, CARD_PIECE)
    context["card_piece"] = CARD_PIECE
    context["latest_news"] = latest
    context["news_index_url"] = news_index_url(page, request)
    return context


def news_index_url(page, request):
    """The address of the news index under the home ``page`` (its "All news" link), or
    None; remembered until pages change (news/freshness/remembered.py)."""

    def find():
        index = news_index_under(page)
        return index.get_url(request) if index is not None else None

    site = Site.find_for_request(request)
    return remembered(f"news-index-under:{page.pk}:{site.pk if site else ''}", find)


def register():
    reader_context.register(HomePage)(home_context)
