"""Absolute URLs: one helper, one base per site.

Every absolute URL Newsdesk writes (API links and renditions, webhook payloads, CDN purge
addresses, canonical and feed links) is the path on a Wagtail ``Site``'s root URL, the
``http(s)://hostname[:port]`` editors set under Settings > Sites or with
``manage.py set_site_url``. The site is the one serving the request when there is a request,
else the default site. When no Site exists at all, ``WAGTAILADMIN_BASE_URL`` is the base.

A headless frontend that serves the pages at its own address sets
``NEWSDESK_FRONTEND_URL``: links to pages in the API (``meta.html_url``, related articles'
``html_url``, links inside ``body_html``) then point there; images and documents stay on
the site's base, where they are served.
"""

import re

from django.conf import settings
from django.urls import reverse
from wagtail.models import Site

from cms.core.content_version import memo


def site_for(request=None):
    """The Site serving ``request`` (Wagtail's match on host and port), else the default
    site. Cached on the request by Wagtail, so calling it often costs nothing."""
    site = Site.find_for_request(request) if request is not None else None
    if site is None:
        # Asked for by every field API v3 serialises without a request: read once per
        # content version while a public request is served (cms/core/content_version.py).
        site = memo("default-site", Site.objects.filter(is_default_site=True).first)
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


def page_link_base(site=None, *, request=None):
    """The base of links to pages in what the API serves: ``NEWSDESK_FRONTEND_URL`` when a
    headless frontend serves the pages at its own address, else the site's base. Files
    (images, documents) stay on the site's base either way."""
    return settings.NEWSDESK_FRONTEND_URL.rstrip("/") or site_base_url(site, request=request)


def absolute_page_url(url, *, site=None, request=None):
    """A page's ``url`` made absolute on ``page_link_base``."""
    if not url or url.startswith(("http://", "https://")):
        return url
    return page_link_base(site, request=request) + url


# A site-relative URL in an attribute of HTML Newsdesk renders (Django and Wagtail quote
# attributes with double quotes): "/..." but not "//host/...".
_URL_ATTRIBUTE = re.compile(r'(?P<lead>\s(?P<name>src|href|poster)=")(?P<url>/(?!/)[^"]*)"')
_SRCSET_ATTRIBUTE = re.compile(r'(?P<lead>\ssrcset=")(?P<value>[^"]*)"')


def file_url_prefixes():
    """Paths served by the CMS itself, never by a frontend: media, static, documents."""
    documents = reverse("wagtaildocs_serve", args=[1, "f"]).removesuffix("1/f")
    return (settings.MEDIA_URL, settings.STATIC_URL, documents)


def absolute_urls_in_html(html, *, site=None, request=None):
    """``html`` with every site-relative URL made absolute, for clients on other origins:
    ``src``, ``poster`` and each ``srcset`` candidate on the site's base; ``href`` on the
    site's base for files, on ``page_link_base`` for pages."""
    if not html or "/" not in html:
        return html
    files_base = site_base_url(site, request=request)
    pages_base = page_link_base(site, request=request)
    file_prefixes = file_url_prefixes()

    def url_attribute(match):
        url = match["url"]
        page_link = match["name"] == "href" and not url.startswith(file_prefixes)
        return f'{match["lead"]}{pages_base if page_link else files_base}{url}"'

    def srcset_attribute(match):
        candidates = []
        for candidate in match["value"].split(","):
            candidate = candidate.strip()
            if candidate.startswith("/") and not candidate.startswith("//"):
                candidate = files_base + candidate
            candidates.append(candidate)
        return f'{match["lead"]}{", ".join(candidates)}"'

    html = _URL_ATTRIBUTE.sub(url_attribute, html)
    return _SRCSET_ATTRIBUTE.sub(srcset_attribute, html)
