"""The sitemaps: what search engines are told to crawl (docs/content-model.md, "Sitemaps").

- ``/sitemap.xml``: every page a reader may see on the requested site, with lastmod, and
  the author pages of the authors with posts readers may see (two sections, one urlset);
- ``/sitemap-news.xml``: the Google News sitemap, the posts that went live in the last 48
  hours (``news_sitemap``);
- ``/sitemap-index.xml``: a sitemap index naming the two (``sitemap_index``).

All list only what readers may see (news/visibility.py), on the requested site, with
absolute URLs on the site's base (cms/core/site_urls.py). They go through the response
cache like listings: a publish shows at once; the news sitemap is also kept no longer than
until its oldest post leaves the 48-hour window.
"""

import datetime

from django.conf import settings
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe
from wagtail.contrib.sitemaps import Sitemap

from cms.core.site_urls import absolute_url, site_for
from news.freshness.versions import fresh_until
from news.selectors import (
    author_page_url,
    authors_with_visible_posts,
    news_index_under,
    recently_published_news,
)
from news.seo import site_name
from news.visibility import reader_visible

#: Google News sitemaps list the articles published in the last two days, at most 1,000.
NEWS_SITEMAP_WINDOW = datetime.timedelta(hours=48)
NEWS_SITEMAP_LIMIT = 1000
#: The longest the news sitemap is kept by caches: new posts show at once (a publish
#: makes it stale), but posts also leave it as the window moves, with no event.
NEWS_SITEMAP_MAX_AGE = 300


class ReaderSitemap(Sitemap):
    """Wagtail's sitemap narrowed by ``reader_visible``.

    Wagtail's own ``items()`` keeps live, public pages; readers must also not be sent to
    pages past their expiry time, which the worker may not have unpublished yet.
    """

    def items(self):
        site = self.get_wagtail_site()
        return (
            reader_visible(site.root_page.get_descendants(inclusive=True))
            .order_by("path")
            .defer_streamfields()
            .specific()
        )


class AuthorSitemap(Sitemap):
    """The author pages (``/news/authors/<slug>/``) of the site's news index: authors
    credited on a post readers may see there, lastmod when the newest of those posts was
    last published. (An author without one has no page: it is a 404.)"""

    def items(self):
        index = news_index_under(self.get_wagtail_site().root_page)
        return authors_with_visible_posts(index) if index is not None else []

    def _urls(self, page, protocol, domain):
        # Wagtail's sitemap reads the URLs from pages; these are authors.
        urls = []
        for author in self.paginator.page(page).object_list:
            location = author_page_url(author, self.request)
            if location:
                urls.append(
                    {
                        "item": author,
                        "location": location,
                        "lastmod": author.last_change,
                        "changefreq": None,
                        "priority": None,
                        "alternates": [],
                    }
                )
        lastmods = [url["lastmod"] for url in urls]
        if lastmods and None not in lastmods:
            self.latest_lastmod = max(lastmods)
        return urls


sitemaps = {"pages": ReaderSitemap, "authors": AuthorSitemap}


def google_news_language(language_code):
    """``LANGUAGE_CODE`` as Google News wants it: the ISO 639 language ("en" for
    "en-gb"), but "zh-cn" and "zh-tw" for Simplified and Traditional Chinese."""
    code = language_code.lower().replace("_", "-")
    if code.startswith("zh"):
        return "zh-tw" if code in ("zh-tw", "zh-hk", "zh-hant") else "zh-cn"
    return code.split("-", 1)[0]


@require_safe
def news_sitemap(request):
    """``/sitemap-news.xml``: the Google News sitemap of the requested site."""
    site = site_for(request)
    now = timezone.now()
    since = now - NEWS_SITEMAP_WINDOW
    posts = []
    if site is not None:
        posts = list(recently_published_news(site.root_page, since, limit=NEWS_SITEMAP_LIMIT))
    # Stored no longer than five minutes, nor past the moment the oldest post listed
    # leaves the window.
    ends = now + datetime.timedelta(seconds=NEWS_SITEMAP_MAX_AGE)
    if posts:
        ends = min(ends, posts[-1].first_published_at + NEWS_SITEMAP_WINDOW)
    fresh_until(ends, request)
    entries = [
        {
            "location": post.get_full_url(request),
            "title": post.title,
            "published": timezone.localtime(post.first_published_at).isoformat(timespec="seconds"),
        }
        for post in posts
    ]
    return render(
        request,
        "news/sitemap_news.xml",
        {
            "entries": [entry for entry in entries if entry["location"]],
            "publication_name": site_name(site),
            "language": google_news_language(settings.LANGUAGE_CODE),
        },
        content_type="application/xml; charset=utf-8",
    )


@require_safe
def sitemap_index(request):
    """``/sitemap-index.xml``: the sitemap index naming ``/sitemap.xml`` and
    ``/sitemap-news.xml`` on the site's base URL."""
    locations = [
        absolute_url(reverse(name), request=request) for name in ("sitemap", "news_sitemap")
    ]
    return render(
        request,
        "sitemap_index.xml",
        {"sitemaps": [{"location": location} for location in locations]},
        content_type="application/xml; charset=utf-8",
    )
