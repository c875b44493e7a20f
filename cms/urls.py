from django.conf import settings
from django.urls import include, path, register_converter
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.admin.auth import require_admin_access
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from cms import health
from cms.api import api_v2, api_v3
from cms.core.converters import DatabaseIdConverter
from news.chooser import NewsPageBrowseView, NewsPageSearchView
from news.comments.views import post_comment
from news.feeds import NewsAtomFeedView, NewsFeed
from news.sitemaps import news_sitemap, sitemap_index, sitemaps
from news.views import robots_txt
from search import views as search_views

# ``<id:...>``: a number that fits a database id; a larger one is a 404 (cms/core/converters.py).
register_converter(DatabaseIdConverter, "id")

# A database outage is a 503 (cms/outage.py); anything else Django's 500 page.
handler500 = "cms.outage.server_error"

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    # Wagtail's page chooser, listing news newest first with dates (news/chooser.py); at
    # the chooser's own addresses, so every chooser in the admin uses it.
    path(
        "admin/choose-page/",
        require_admin_access(NewsPageBrowseView.as_view()),
        name="wagtailadmin_choose_page",
    ),
    path(
        "admin/choose-page/<int:parent_page_id>/",
        require_admin_access(NewsPageBrowseView.as_view()),
        name="wagtailadmin_choose_page_child",
    ),
    path(
        "admin/choose-page/search/",
        require_admin_access(NewsPageSearchView.as_view()),
        name="wagtailadmin_choose_page_search",
    ),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("api/v2/", api_v2.urls),
    path("api/v3/", api_v3.urls),
    path("search/", search_views.search, name="search"),
    # The comment form under each article posts here (news/comments/views.py).
    path("comments/<id:page_id>/", post_comment, name="news_comment_post"),
]

if settings.DEBUG:
    from django.conf.urls.static import static
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Feeds, sitemap and robots.txt (news/feeds.py, news/sitemaps.py, news/views.py).
urlpatterns += [
    path("feeds/news/rss/", NewsFeed(), name="news_feed_rss"),
    path("feeds/news/atom/", NewsAtomFeedView(), name="news_feed_atom"),
    path("feeds/tags/<str:slug>/rss/", NewsFeed(), name="tag_feed_rss"),
    path("feeds/tags/<str:slug>/atom/", NewsAtomFeedView(), name="tag_feed_atom"),
    path("sitemap.xml", sitemap, {"sitemaps": sitemaps}, name="sitemap"),
    path("sitemap-news.xml", news_sitemap, name="news_sitemap"),
    path("sitemap-index.xml", sitemap_index, name="sitemap_index"),
    path("robots.txt", robots_txt, name="robots_txt"),
]

if settings.NEWSDESK_BENCH:
    # Benchmark-only views exist only when benchmarking (bench/load_bench.py).
    from cms.bench import urlpatterns as bench_urlpatterns

    urlpatterns += bench_urlpatterns

urlpatterns += [
    # Everything else is a Wagtail page.
    path("", include(wagtail_urls)),
]
