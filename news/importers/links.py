"""Links between the entries of one export, pointed at the pages they became.

A post that links to another post of the same blog links to its old address. Left as it
is, the link would go to the old blog, or through a redirect; ``LinkResolver`` rewrites it
to the page the other entry was imported as:

- in rich text (paragraphs, quotes, disclaimers), ``<a href="OLD URL">`` becomes Wagtail's
  internal link ``<a linktype="page" id="N">``, which follows the page wherever it moves;
- in a related-articles block, a link to an imported news post becomes an ``article``
  item (readers see its current title, summary and picture); a link to an imported
  standard page points at its new address.

An old address is any of an entry's ``old_urls`` (its permalink, WordPress's ``?p=N``
and ``?page_id=N`` links, Blogger's ``.html`` address), matched on the path and query, on
the blog's own hosts or relative. Links to entries that have no page yet (later in the
file) are left as they are and ``unresolved`` is set: the importer resolves them once every
entry is in (``Importer.link_to_later_entries``).
"""

import re
from functools import lru_cache
from html import unescape
from urllib.parse import urlparse

from wagtail.contrib.redirects.models import Redirect

from news.models import NewsPage

HREF = re.compile(r'<a href="([^"]*)">')
RICH_TEXT_FIELDS = {"paragraph": None, "quote": "text", "disclaimer": "text"}


@lru_cache(maxsize=1 << 16)
def address(url):
    """(host or "", normalised path and query) of a URL, as old addresses are compared.

    Kept for the run's URLs: every old URL is read here when the run starts and again for
    its redirects (``settled.old_path``), and parsing them was a sixth of a second run."""
    parsed = urlparse(url)
    path = parsed.path or "/"
    if parsed.query:
        path += "?" + parsed.query
    return (parsed.hostname or "").lower().removeprefix("www."), Redirect.normalise_path(path)


class LinkResolver:
    def __init__(self, entries):
        self.hosts = set()
        self.sources = {}  # normalised old path -> source id
        for entry in entries:
            for url in entry.old_urls:
                host, path = address(url)
                if host:
                    self.hosts.add(host)
                if path and path != "/":
                    self.sources.setdefault(path, entry.source_id)
        self.records = {}  # source id -> ImportRecord (the importer's, kept up to date)
        self.pending = []  # ids of pages with links to entries imported after them
        self.unresolved = False  # the last resolve() met a link to an entry not in yet
        self.resolved = 0  # how many links the last resolve() made internal

    def target(self, url):
        """The page ``url`` (an old address of an entry of this export) became, or None;
        sets ``unresolved`` for an entry that has no page yet."""
        host, path = address(unescape(url))
        if host and host not in self.hosts:
            return None
        source_id = self.sources.get(path)
        if source_id is None:
            return None
        record = self.records.get(source_id)
        if record is None:
            self.unresolved = True
            return None
        self.resolved += 1
        return record.page

    def resolve(self, body):
        """``body`` (raw StreamField data) with links to imported entries resolved."""
        self.unresolved, self.resolved = False, 0
        if not self.sources:
            return body
        return [self.resolve_block(block) for block in body]

    def resolve_block(self, block):
        kind, value = block["type"], block["value"]
        if kind in RICH_TEXT_FIELDS:
            field = RICH_TEXT_FIELDS[kind]
            if field is None:
                return {**block, "value": self.rich_text(value)}
            if value.get(field):
                return {**block, "value": {**value, field: self.rich_text(value[field])}}
            return block
        if kind == "related_articles":
            items = [self.related_item(item) for item in value.get("items") or []]
            return {**block, "value": {**value, "items": items}}
        return block

    def rich_text(self, source):
        def internal(match):
            page = self.target(match.group(1))
            if page is None:
                return match.group(0)
            return f'<a linktype="page" id="{page.pk}">'

        return HREF.sub(internal, source or "")

    def related_item(self, item):
        if item.get("type") != "link":
            return item
        page = self.target(item["value"].get("url") or "")
        if page is None:
            return item
        if page.specific_class is NewsPage:
            resolved = {"type": "article", "value": page.pk}
            return {**item, **resolved} if "id" in item else resolved
        url = page.get_full_url()
        if not url:
            return item
        return {**item, "value": {**item["value"], "url": url}}
