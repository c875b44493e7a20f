"""Make Wagtail's public API querysets apply Newsdesk's visibility rule.

Wagtail's v2 and v3 public read tiers list live, unrestricted pages. A page whose expiry
time has passed stays live until the worker unpublishes it (up to one worker interval);
reader pages hide it at once (news.selectors.reader_visible), and so must the API. Both
API versions look up ``get_public_pages_queryset`` through their own module globals, so
``install()`` (called from NewsConfig.ready) wraps the function in both places.
"""

from django.db.models import Q
from django.utils import timezone
from wagtail.api import querysets as shared_querysets

_original = shared_querysets.get_public_pages_queryset


def get_public_pages_queryset(request, model=None):
    """Wagtail's public pages queryset without expired pages, cached on the request.

    Wagtail's version reads every view restriction from the database on each call; an
    API request calls it several times (base queryset, serializer context, related
    articles), so the result is kept for the rest of the request.
    """
    cache = request.__dict__.setdefault("_newsdesk_public_pages", {})
    key = (model, request.GET.get("site"))
    if key not in cache:
        queryset = _original(request) if model is None else _original(request, model)
        cache[key] = queryset.filter(Q(expire_at__isnull=True) | Q(expire_at__gt=timezone.now()))
    return cache[key]


def install():
    from wagtail.api.v2 import views as v2_views
    from wagtail.api.v3 import querysets as v3_querysets

    for module in (shared_querysets, v2_views, v3_querysets):
        module.get_public_pages_queryset = get_public_pages_queryset
