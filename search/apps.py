from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    label = "search"
    verbose_name = "Search"

    def ready(self):
        from news.signals import response_cache_hit
        from search.views import count_cached_search

        response_cache_hit.connect(count_cached_search, dispatch_uid="search-count-cached")
