"""What a reader makes of an export file: plain entries, nothing written yet.

``blogger.read_blogger`` and ``wordpress.read_wordpress`` return a ``ParsedExport``;
``base.Importer`` writes it.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from news.importers.markup import comment_text

LIVE, DRAFT, SCHEDULED = "live", "draft", "scheduled"
POST, PAGE = "post", "page"


@dataclass
class SourceComment:
    source_id: str  # unique across sources, e.g. "blogger:tag:blogger.com,1999:..."
    parent_id: str  # source_id of the comment it answers, "" for a top-level comment
    author_name: str
    body_html: str
    submitted_at: datetime.datetime | None
    author_email: str = ""
    author_url: str = ""
    ip_address: str = ""


@dataclass
class SourceEntry:
    kind: str  # POST or PAGE
    source_id: str
    label: str  # how the report names the entry
    title: str
    html: str
    status: str  # LIVE, DRAFT or SCHEDULED
    published: datetime.datetime | None = None
    updated: datetime.datetime | None = None
    local_date: datetime.date | None = None  # the date the old blog showed
    authors: list = field(default_factory=list)
    tags: list = field(default_factory=list)
    old_urls: list = field(default_factory=list)  # absolute URLs or paths
    slug: str = ""
    summary: str = ""  # plain text
    # Or the summary as HTML (WordPress's excerpt), made plain text only when the entry is
    # converted: an unchanged entry of a re-run is counted without it (settled.py).
    summary_html: str = ""
    base_url: str = ""  # resolves relative links and image addresses
    autop: bool = False  # blank lines are paragraph breaks (WordPress classic editor)
    featured_image: str = ""
    featured_caption: str = ""  # the featured image's caption, where the export has one
    parent_id: str = ""  # source_id of the parent page (WordPress page hierarchy)
    comments: list = field(default_factory=list)
    # Whether readers may comment (WordPress's wp:comment_status); None: not in the file,
    # the page type's default applies.
    comments_open: bool | None = None
    notes: list = field(default_factory=list)  # warnings found while reading

    def summary_text(self):
        """The summary as plain text on one line (from ``summary_html`` when given)."""
        if self.summary_html:
            return comment_text(self.summary_html).replace("\n", " ")
        return self.summary


@dataclass
class ParsedExport:
    source: str  # ImportRecord.Source value
    format_name: str
    title: str
    entries: list
    skipped: list  # (label, reason)
    comment_count: int = 0
    # Entries that are not content (Blogger settings, WordPress menu items...): reason ->
    # how many; the report gives each reason one line instead of listing every entry.
    not_content: Counter = field(default_factory=Counter)
    warnings: list = field(default_factory=list)  # about the file as a whole
