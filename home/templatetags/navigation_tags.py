"""Site navigation: the pages editors ticked "Show in menus" for, under the site root."""

from django import template
from wagtail.models import Site

from news.selectors import reader_visible

register = template.Library()


@register.simple_tag(takes_context=True)
def site_menu(context):
    """Pages directly under the current site's root marked "show in menus" that readers
    may see (live, public, not expired)."""
    request = context.get("request")
    site = Site.find_for_request(request) if request is not None else None
    if site is None:
        return []
    return list(reader_visible(site.root_page.get_children()).in_menu().specific())


@register.simple_tag(takes_context=True)
def site_root(context):
    request = context.get("request")
    site = Site.find_for_request(request) if request is not None else None
    return site.root_page if site is not None else None
