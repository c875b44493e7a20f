"""Site navigation: the pages editors ticked "Show in menus" for, under the site root."""

from django import template
from wagtail.models import Page, Site

from news.freshness.remembered import remembered
from news.visibility import reader_visible

register = template.Library()


@register.simple_tag(takes_context=True)
def site_menu(context):
    """Pages directly under the current site's root marked "show in menus" that readers
    may see (live, public, not expired)."""
    request = context.get("request")
    site = Site.find_for_request(request) if request is not None else None
    if site is None:
        return []
    # Which pages are in the menu changes only when published content does; finding them
    # scans the site's pages, so the answer is remembered (news/freshness/remembered.py).
    ids = remembered(
        f"site-menu:{site.pk}",
        lambda: list(
            reader_visible(site.root_page.get_children()).in_menu().values_list("pk", flat=True)
        ),
    )
    pages = Page.objects.filter(pk__in=ids).specific().in_bulk()
    return [pages[pk] for pk in ids if pk in pages]


@register.simple_tag(takes_context=True)
def site_root(context):
    request = context.get("request")
    site = Site.find_for_request(request) if request is not None else None
    return site.root_page if site is not None else None
