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
    queryset = _original(request) if model is None else _original(request, model)
    return queryset.filter(Q(expire_at__isnull=True) | Q(expire_at__gt=timezone.now()))


def install():
    from wagtail.api.v2 import views as v2_views
    from wagtail.api.v3 import querysets as v3_querysets

    for module in (shared_querysets, v2_views, v3_querysets):
        module.get_public_pages_queryset = get_public_pages_queryset
