"""Absolute URLs: one helper, one base per site.

Every absolute URL Newsdesk writes (API links and renditions, webhook payloads, CDN purge
addresses, canonical and feed links) is the path on a Wagtail ``Site``'s root URL, the
``http(s)://hostname[:port]`` editors set under Settings > Sites or with
``manage.py set_site_url``. The site is the one serving the request when there is a request,
else the default site. When no Site exists at all, ``WAGTAILADMIN_BASE_URL`` is the base.
"""

from django.conf import settings
from wagtail.models import Site


def site_for(request=None):
    """The Site serving ``request`` (Wagtail's match on host and port), else the default
    site. Cached on the request by Wagtail, so calling it often costs nothing."""
    site = Site.find_for_request(request) if request is not None else None
    if site is None:
        site = Site.objects.filter(is_default_site=True).first()
    return site


def site_base_url(site=None, *, request=None):
    """``http(s)://host[:port]`` of ``site`` (or of the site serving ``request``), without a
    trailing slash."""
    if site is None:
        site = site_for(request)
    if site is None:
        return settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    return site.root_url.rstrip("/")


def absolute_url(url, *, site=None, request=None):
    """``url`` made absolute on the site's base; absolute URLs and empty values are
    returned as they are."""
    if not url or url.startswith(("http://", "https://")):
        return url
    return site_base_url(site, request=request) + url
