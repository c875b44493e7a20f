"""Links to pages inside rich text, resolved from the response's resolver when it has them.

Wagtail's ``PageLinkHandler`` loads the pages a piece of rich text links to with one query
per piece (per paragraph block, per intro). A listing that renders bodies (``body``,
``body_html``) would then cost a query per paragraph with links. The response's resolver
(cms/core/resolvers.py) collects the page ids every rich text of the response links to
and loads them at once (``linked_pages``); ``PreloadedPageLinkHandler`` takes them from it
inside ``rendering_with`` and otherwise does what Wagtail's does. Registered in place of
Wagtail's handler for the ``page`` link type (news/wagtail_hooks.py).
"""

import re

from wagtail.models import Page
from wagtail.rich_text.pages import PageLinkHandler

from cms.core.resolvers import rendering_resolver

# <a id="7" linktype="page">, as Wagtail stores it (attributes in any order; in JSON the
# quotes are escaped).
LINK_TAG = re.compile(r"<a\s[^>]*>")
PAGE_LINK = re.compile(r'\blinktype=\\?"page\\?"')
LINK_ID = re.compile(r'\bid=\\?"([0-9]{1,18})\\?"')


def linked_page_ids(text):
    """The ids of the pages ``text`` (stored rich text, or JSON holding some) links to."""
    ids = set()
    for tag in LINK_TAG.findall(text):
        if PAGE_LINK.search(tag):
            match = LINK_ID.search(tag)
            if match:
                ids.add(match.group(1))
    return ids


def load_linked_pages(ids):
    """``{str(id): specific page or None}`` for ``ids``, as Wagtail's handler loads them
    (one query per page type)."""
    pages = Page.objects.filter(id__in=ids).defer_streamfields().specific()
    found = {str(page.pk): page for page in pages}
    return {str(pk): found.get(str(pk)) for pk in ids}


class PreloadedPageLinkHandler(PageLinkHandler):
    @classmethod
    def get_many(cls, attrs_list):
        preloaded = getattr(rendering_resolver(), "linked_pages", None)
        ids = [str(attrs.get("id")) for attrs in attrs_list]
        if preloaded is not None and all(pk in preloaded for pk in ids):
            return [preloaded[pk] for pk in ids]
        return super().get_many(attrs_list)
