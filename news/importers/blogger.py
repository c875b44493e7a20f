"""Read a Blogger export: the classic "Back up content" Atom file or a Takeout feed.atom.

Classic format: every entry has a kind category
(``http://schemas.google.com/blogger/2008/kind#post``, ``#page``, ``#comment``,
``#settings``, ``#template``, ...); drafts carry ``<app:control><app:draft>yes``; a
comment points at its post with ``thr:in-reply-to/@ref`` and at the comment it answers
with ``<link rel="related">``.

Takeout format (``xmlns:blogger="http://schemas.google.com/blogger/2018"``): the kind is
``<blogger:type>`` (POST, PAGE, COMMENT), the state ``<blogger:status>`` (LIVE, DRAFT,
SCHEDULED, SOFT_TRASHED, ...), the old path ``<blogger:filename>``; a comment names its
post in ``<blogger:parent>`` and the comment it answers in ``<blogger:inReplyTo>``.
"""

import re
from collections import Counter
from urllib.parse import urljoin, urlparse

from django.utils import timezone

from news.importers.entries import (
    DRAFT,
    LIVE,
    PAGE,
    POST,
    SCHEDULED,
    ParsedExport,
    SourceComment,
    SourceEntry,
)
from news.importers.markup import parse_html, plain_text
from news.importers.parsing import ExportError, parse_export, parse_iso_datetime, text_of

ATOM = "{http://www.w3.org/2005/Atom}"
BLOGGER = "{http://schemas.google.com/blogger/2018}"
THR = "{http://purl.org/syndication/thread/1.0}"
MEDIA = "{http://search.yahoo.com/mrss/}"
APP_NAMESPACES = ("{http://purl.org/atom/app#}", "{http://www.w3.org/2007/app}")
KIND_SCHEME = "http://schemas.google.com/g/2005#kind"
KIND_PREFIX = "http://schemas.google.com/blogger/2008/kind#"
NOT_CONTENT = {
    "settings": "Blogger settings entry (not content)",
    "template": "Blogger template entry (not content)",
    "layout": "Blogger layout entry (not content)",
}
# The prefixes Blogger exports use, for files re-saved without their declarations (a
# Takeout file's blogger: elements are the 2018 schema, a classic backup's the 2008 one).
BLOGGER_PREFIXES = {
    "app": "http://purl.org/atom/app#",
    "thr": THR[1:-1],
    "gd": "http://schemas.google.com/g/2005",
    "openSearch": "http://a9.com/-/spec/opensearchrss/1.0/",
    "georss": "http://www.georss.org/georss",
    "media": "http://search.yahoo.com/mrss/",
    "blogger": lambda data: (
        BLOGGER[1:-1]
        if re.search(rb"<blogger:(type|status|filename)\b", data)
        else "http://schemas.google.com/blogger/2008"
    ),
}


def clean_title(text):
    text = (text or "").strip()
    if "<" in text or "&" in text:
        text = plain_text(parse_html(text)).replace("\n", " ")
    return text


def label_for(number, title, entry_id):
    shown = f' "{title}"' if title else " (no title)"
    return f"entry {number}{shown} [{entry_id or 'no id'}]"


def alternate_link(element):
    for link in element.findall(ATOM + "link"):
        if link.get("rel") == "alternate" and link.get("href"):
            return link.get("href").strip()
    return ""


def lead_image_url(element):
    """The post's picture, from ``<media:thumbnail>``: Blogger points it at a small cropped
    copy ("s72-c"), so the address asks for the full-size file instead."""
    thumbnail = element.find(MEDIA + "thumbnail")
    url = (thumbnail.get("url") or "").strip() if thumbnail is not None else ""
    if not url.startswith(("http://", "https://")):
        return ""
    url = re.sub(r"/[swh]\d+(?:-[a-z0-9-]+)?/(?=[^/]+$)", "/s1600/", url)
    return re.sub(r"=[swh]\d+(?:-[a-z0-9-]+)?$", "=s1600", url)


def slug_from_url(url):
    name = urlparse(url).path.rstrip("/").rsplit("/", 1)[-1]
    return re.sub(r"\.html?$", "", name)


def needs_autop(html):
    """Blogger's "convert line breaks" stored plain newlines instead of tags."""
    return "\n" in html and not re.search(r"<(p|div|br|li|h[1-6]|table)\b", html, re.I)


def read_blogger(path):
    """Parse a Blogger export into a ParsedExport (nothing is written)."""
    document = parse_export(path, known_prefixes=BLOGGER_PREFIXES)
    root = document.root
    if root.tag != ATOM + "feed":
        tag = root.tag.split("}")[-1]
        hint = " (a WordPress export? use import_wordpress)" if tag == "rss" else ""
        raise ExportError(
            f"{path}: not a Blogger export: the document is <{tag}>, not an Atom <feed>{hint}"
        )
    elements = root.findall(ATOM + "entry")
    takeout = any(element.find(BLOGGER + "type") is not None for element in elements)
    reader = TakeoutReader(path, root) if takeout else ClassicReader(path, root)
    export = reader.read(elements)
    export.warnings = document.warnings
    return export


class ClassicReader:
    format_name = "Blogger export (classic Atom)"

    def __init__(self, path, root):
        self.path = path
        self.blog_title = text_of(root, ATOM + "title")
        self.blog_url = alternate_link(root)
        self.entries = {}  # source id -> SourceEntry
        self.skipped = []
        self.not_content = Counter()
        self.comments = []  # (label, SourceComment, post id)
        self.now = timezone.now()

    def read(self, elements):
        for number, element in enumerate(elements, start=1):
            entry_id = text_of(element, ATOM + "id")
            title = clean_title(text_of(element, ATOM + "title"))
            label = label_for(number, title, entry_id)
            kind = self.kind_of(element)
            if kind is None:
                self.skipped.append((label, "not a Blogger post, page or comment (no kind)"))
                continue
            if kind in ("post", "page", "comment") and not entry_id:
                raise ExportError(f"{self.path}: {label}: the entry has no <id>")
            if kind in ("post", "page") and entry_id in self.entries:
                first = self.entries[entry_id].label
                self.skipped.append(
                    (label, f"entry id {entry_id} again (first as {first}): the first is imported")
                )
            elif kind in ("post", "page"):
                entry = self.read_entry(element, kind, entry_id, title, label)
                if entry is not None:
                    self.entries[entry_id] = entry
            elif kind == "comment":
                self.read_comment(element, entry_id, label)
            elif kind in NOT_CONTENT:
                self.not_content[NOT_CONTENT[kind]] += 1
            else:
                self.skipped.append((label, f"Blogger {kind} entry (not a post or page)"))
        comment_count = self.attach_comments()
        entries = [e for e in self.entries.values() if e.kind == POST] + [
            e for e in self.entries.values() if e.kind == PAGE
        ]
        return ParsedExport(
            source="blogger",
            format_name=self.format_name,
            title=self.blog_title,
            entries=entries,
            skipped=self.skipped,
            comment_count=comment_count,
            not_content=self.not_content,
        )

    @staticmethod
    def kind_of(element):
        for category in element.findall(ATOM + "category"):
            term = category.get("term") or ""
            if category.get("scheme") == KIND_SCHEME and term.startswith(KIND_PREFIX):
                return term[len(KIND_PREFIX) :]
        return None

    def dates(self, element, label):
        what = f"{self.path}: {label}"
        published = parse_iso_datetime(text_of(element, ATOM + "published"), what)
        updated = parse_iso_datetime(text_of(element, ATOM + "updated"), what)
        return published or updated, updated or published

    def status_of(self, element, published):
        for namespace in APP_NAMESPACES:
            draft = text_of(element, f"{namespace}control/{namespace}draft").lower()
            if draft == "yes":
                return DRAFT
        return SCHEDULED if published and published > self.now else LIVE

    def old_urls(self, element):
        url = alternate_link(element)
        return [url] if url else []

    def labels(self, element):
        return [
            category.get("term").strip()
            for category in element.findall(ATOM + "category")
            if category.get("scheme") != KIND_SCHEME and (category.get("term") or "").strip()
        ]

    def summary(self, element):
        return text_of(element, ATOM + "summary")

    def read_entry(self, element, kind, entry_id, title, label):
        published, updated = self.dates(element, label)
        status = self.status_of(element, published)
        if status is None:
            return None
        html = text_of(element, ATOM + "content")
        old_urls = self.old_urls(element)
        base_url = next((url for url in old_urls if url.startswith("http")), self.blog_url)
        return SourceEntry(
            kind=POST if kind == "post" else PAGE,
            source_id=entry_id,
            label=label,
            title=title,
            html=html,
            status=status,
            published=published,
            updated=updated,
            local_date=published.date() if published else None,
            authors=[
                text_of(author, ATOM + "name")
                for author in element.findall(ATOM + "author")
                if text_of(author, ATOM + "name")
            ],
            tags=self.labels(element) if kind == "post" else [],
            old_urls=old_urls,
            slug=slug_from_url(old_urls[0]) if old_urls else "",
            summary=self.summary(element),
            base_url=base_url,
            autop=needs_autop(html),
            featured_image=lead_image_url(element) if kind == "post" else "",
        )

    def comment_links(self, element, comment_id):
        """(post id, parent comment id) of a classic comment entry."""
        reply_to = element.find(THR + "in-reply-to")
        post_id = (reply_to.get("ref") or "").strip() if reply_to is not None else ""
        parent_id = ""
        for link in element.findall(ATOM + "link"):
            if link.get("rel") == "related" and link.get("href"):
                number = urlparse(link.get("href")).path.rstrip("/").rsplit("/", 1)[-1]
                prefix = comment_id.rsplit(".post-", 1)[0]
                if number.isdigit() and ".post-" in comment_id:
                    parent_id = f"{prefix}.post-{number}"
        return post_id, parent_id

    def comment_status(self, element):
        return LIVE

    def read_comment(self, element, entry_id, label):
        status = self.comment_status(element)
        if status != LIVE:
            self.skipped.append((f"comment {label}", f"status {status} in Blogger"))
            self.comments.append(None)
            return
        post_id, parent_id = self.comment_links(element, entry_id)
        published, _ = self.dates(element, label)
        author = element.find(ATOM + "author")
        comment = SourceComment(
            source_id=f"blogger:{entry_id}",
            parent_id=f"blogger:{parent_id}" if parent_id else "",
            author_name=text_of(author, ATOM + "name") or "Anonymous",
            author_email=text_of(author, ATOM + "email"),
            author_url=text_of(author, ATOM + "uri"),
            body_html=text_of(element, ATOM + "content"),
            submitted_at=published,
        )
        self.comments.append((f"comment {label}", comment, post_id))

    def attach_comments(self):
        for item in self.comments:
            if item is None:
                continue
            label, comment, post_id = item
            entry = self.entries.get(post_id)
            if entry is None:
                reason = "names no post" if not post_id else f"its post {post_id} is not imported"
                self.skipped.append((label, reason))
                continue
            entry.comments.append(comment)
        return len(self.comments)


class TakeoutReader(ClassicReader):
    format_name = "Blogger export (Takeout feed.atom)"

    def kind_of(self, element):
        kind = text_of(element, BLOGGER + "type").lower()
        return kind or None

    def trashed(self, element):
        return bool(text_of(element, BLOGGER + "trashed"))

    def status_of(self, element, published):
        status = text_of(element, BLOGGER + "status").upper() or "LIVE"
        if self.trashed(element) or status not in ("LIVE", "DRAFT", "SCHEDULED"):
            self.last_status = status if not self.trashed(element) else "TRASHED"
            return None
        if status == "DRAFT":
            return DRAFT
        if status == "SCHEDULED" or (published and published > self.now):
            return SCHEDULED
        return LIVE

    def read_entry(self, element, kind, entry_id, title, label):
        self.last_status = ""
        entry = super().read_entry(element, kind, entry_id, title, label)
        if entry is None:
            self.skipped.append((label, f"status {self.last_status} in Blogger"))
        return entry

    def old_urls(self, element):
        urls = super().old_urls(element)
        filename = text_of(element, BLOGGER + "filename")
        if filename:
            urls.append(urljoin(self.blog_url, filename) if self.blog_url else filename)
        return list(dict.fromkeys(urls))

    def labels(self, element):
        return [
            category.get("term").strip()
            for category in element.findall(ATOM + "category")
            if (category.get("term") or "").strip()
        ]

    def summary(self, element):
        return text_of(element, BLOGGER + "metaDescription")

    def comment_links(self, element, comment_id):
        return text_of(element, BLOGGER + "parent"), text_of(element, BLOGGER + "inReplyTo")

    def comment_status(self, element):
        status = text_of(element, BLOGGER + "status").upper() or "LIVE"
        if self.trashed(element):
            return "TRASHED"
        return LIVE if status == "LIVE" else status
