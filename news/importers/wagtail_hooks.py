"""Old WordPress addresses that are a query on an existing page (``/?p=123``,
``/?page_id=45``) answer with the imported page.

Wagtail's redirect middleware only looks up redirects for a 404, but ``/?p=123`` is the
home page with a query string, which Wagtail serves (200). This hook looks the legacy
query up among the redirects the importers created (stored as ``/?p=123``) before the page
is served; other query parameters (``utm_source`` ...) are ignored for the lookup.
Wagtail finds this module as the importers app's admin hooks.
"""

from django.db.models import F
from django.http import HttpResponsePermanentRedirect, HttpResponseRedirect
from wagtail import hooks
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Site

LEGACY_QUERY_KEYS = ("p", "page_id")


@hooks.register("before_serve_page")
def redirect_legacy_query_urls(page, request, serve_args, serve_kwargs):
    key = next((key for key in LEGACY_QUERY_KEYS if request.GET.get(key, "").isdigit()), None)
    if key is None:
        return None
    path = Redirect.normalise_path(f"{request.path}?{key}={request.GET[key]}")
    redirect = (
        Redirect.get_for_site(Site.find_for_request(request))
        .filter(old_path=path)
        .order_by(F("site_id").desc(nulls_last=True))
        .first()
    )
    if redirect is None or redirect.link is None:
        return None
    if redirect.is_permanent:
        return HttpResponsePermanentRedirect(redirect.link)
    return HttpResponseRedirect(redirect.link)
