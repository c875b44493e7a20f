"""``manage.py check --deploy``: production needs a cache every app process shares.

The response cache and its versions (news/freshness/) are only right when every process
serving the site sees the same cache: an invalidation made by one process (a publish, the
worker's scheduled publishing, an import) must reach the copies all the others serve.
Redis (``REDIS_URL``) is shared by every instance; the default file cache only by the
processes of one machine; a local-memory cache by nobody.
"""

from django.conf import settings
from django.core.checks import Tags, Warning, register

SHARED_BY_EVERY_INSTANCE = (
    "django_redis.",
    "cms.core.cache.ResilientRedisCache",
    "django.core.cache.backends.redis.",
)


@register(Tags.caches, deploy=True)
def shared_cache(app_configs, **kwargs):
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if backend.startswith(SHARED_BY_EVERY_INSTANCE):
        return []
    return [
        Warning(
            f"The default cache ({backend}) is not shared by every app instance and the "
            "worker: pages published by one process stay stale in the others' caches.",
            hint="Set REDIS_URL to a Redis server every instance and the worker use "
            "(docs/caching.md). One machine running one gunicorn and the worker is "
            "consistent with the default file cache; several machines are not.",
            id="newsdesk.W001",
        )
    ]
