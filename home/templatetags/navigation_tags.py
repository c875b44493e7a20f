"""Site navigation: the pages editors ticked "Show in menus" for, under the site root."""

from django import template
from wagtail.models import Site

from news.freshness.remembered import remembered
from news.visibility import reader_visible

register = template.Library()


@register.simple_tag(takes_context=True)
def site_menu(context):
    """Pages directly under the current site's root marked "show in menus" that readers
    may see (live, public, not expired), as ``{"pk", "title", "url"}`` items."""
    request = context.get("request")
    site = Site.find_for_request(request) if request is not None else None
    if site is None:
        return []

    def menu_items():
        # Titles and addresses are the base pages' (no page type has URLs of its own):
        # one query, not one more per page type in the menu.
        pages = reader_visible(site.root_page.get_children()).in_menu()
        return [
            {"pk": page.pk, "title": page.title, "url": page.get_url(request)} for page in pages
        ]

    # The menu changes only when published content does; finding it scans the site's
    # pages, so it is remembered (news/freshness/remembered.py), titles and addresses too.
    return remembered(f"site-menu:{site.pk}:items", menu_items)


@register.simple_tag(takes_context=True)
def site_root(context):
    request = context.get("request")
    site = Site.find_for_request(request) if request is not None else None
    return site.root_page if site is not None else None
