"""Recognising, on a re-run, the entries the last import left exactly as they are.

A re-run of an unchanged export must change nothing (no revision, no new row), and it
should be quick: most of a large blog's entries have not changed since the last run.
Converting an entry's HTML only to find that the result hashes the same as last time
(``ImportRecord.content_hash``) is most of the work of a re-run, so the importer first
compares the entry *as the file has it*: ``entry_digest`` hashes every field the reader
gave the entry (its HTML, dates, authors, tags, old addresses, comments...), the status it
would be imported with and the run's ``fingerprint``: the import options, the importer's own
code, the ``--media`` folder's listing and the saved disclaimers, everything else the
conversion reads. When the digest matches the record's, the page was not edited in
Newsdesk since, and its redirects and comments are all still there (checked against three
lookups read once per run, not a query per entry), the entry is *settled*: the report
counts it as the slower path would (``replay`` keeps what its conversion reported: images
found, external images, removed markup, warnings) and nothing is read or written for it.

Anything else goes the whole way: an entry whose page was edited, whose redirect an editor
deleted or whose comment is missing is looked at in full, as before.
"""

import dataclasses
import hashlib
import json
from pathlib import Path

import wagtail
from django.contrib.contenttypes.models import ContentType
from django.urls import Resolver404, get_resolver, resolve
from django.urls.resolvers import RegexPattern, RoutePattern
from wagtail import urls as wagtail_urls
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Page

from news.importers.links import address
from news.models import Disclaimer

# The importer's own modules: a change to how entries are converted (a new Newsdesk
# release) makes every entry's digest new, so the next run converts them all again.
CODE_DIR = Path(__file__).resolve().parent


def old_path(url):
    """The path (and query) of an old URL as Wagtail's redirects store it, or "" for the
    site's root (never redirected)."""
    path = address(url)[1]
    return "" if path == "/" else path


def plain(value):
    """JSON for what ``json`` can't write itself: dataclasses (an entry's comments) as
    their fields, anything else (dates) as text."""
    if dataclasses.is_dataclass(value):
        return vars(value)
    return str(value)


def digest_of(data):
    encoded = json.dumps(data, sort_keys=True, default=plain, separators=(",", ":"))
    return hashlib.sha256(encoded.encode()).hexdigest()


class SiteRoutes:
    """Whether one of the site's own routes (not a Wagtail page) answers a path.

    Django's ``resolve()`` tries the patterns one by one: most of a re-run's time went on
    old addresses such as ``/2017/02/14/harbour-wall/`` that no route can answer. A route
    pattern can only match a path that starts with the pattern's literal beginning
    (``search/``, ``feeds/``, ``comments/``...), so only paths starting like one of them
    are resolved; a pattern whose beginning can't be read makes every path resolve.
    """

    REGEX_SPECIAL = frozenset(".^$*+?{}[]|()\\")

    def __init__(self):
        self.starts = []
        for pattern in get_resolver().url_patterns:
            if getattr(pattern, "urlconf_name", None) is wagtail_urls:
                continue  # the pages themselves
            start = self.literal_start(pattern.pattern)
            if start is None or start == "":
                self.starts = None  # anything may match: resolve every path
                return
            self.starts.append(start)

    def literal_start(self, pattern):
        if isinstance(pattern, RoutePattern):
            return str(pattern).split("<", 1)[0]
        if isinstance(pattern, RegexPattern):
            text = str(pattern).removeprefix("^")
            start = ""
            for char in text:
                if char in self.REGEX_SPECIAL:
                    break
                start += char
            return start
        return None

    def route_for(self, path):
        """The view name of the route answering ``path`` ("/search/"), or None when only
        Wagtail's page serving (or nothing) would."""
        if self.starts is not None and not path.lstrip("/").startswith(tuple(self.starts)):
            return None
        try:
            match = resolve(path)
        except Resolver404:
            return None
        return None if match.url_name == "wagtail_serve" else match.view_name


def code_fingerprint():
    digest = hashlib.sha256(wagtail.__version__.encode())
    for path in sorted(CODE_DIR.glob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def media_fingerprint(root):
    """The ``--media`` folder's listing (paths, sizes, modification times): a picture
    added, replaced or removed there can change what entries become."""
    if root is None:
        return ""
    listing = [
        (path.relative_to(root).as_posix(), stat.st_size, stat.st_mtime_ns)
        for path in sorted(root.rglob("*"))
        if path.is_file() and (stat := path.stat())
    ]
    return digest_of(listing)


class SettledEntries:
    """The run's fingerprint, and the lookups that tell a settled entry (module docstring)."""

    def __init__(self, importer, records):
        self.importer = importer
        self.fingerprint = digest_of(
            {
                "code": code_fingerprint(),
                "options": {
                    "publish_state": importer.publish_state,
                    "breaking_prefixes": importer.breaking_prefixes,
                    "index": importer.index.pk,
                },
                "media": media_fingerprint(importer.media.root),
                "disclaimers": list(Disclaimer.objects.order_by("pk").values_list("pk", "text")),
            }
        )
        # Read only when there is something to recognise (not on a first import).
        self.loaded = False
        self.wanted = bool(records)

    def load(self):
        importer = self.importer
        site = importer.site
        self.root_path = site.root_page.url_path
        self.redirects = {
            old_path: (page_id, permanent)
            for old_path, page_id, permanent in Redirect.objects.filter(site=site).values_list(
                "old_path", "redirect_page_id", "is_permanent"
            )
        }
        Comment = importer.comment_model
        self.comments = (
            dict(Comment.objects.exclude(source_id="").values_list("source_id", "page_id"))
            if Comment is not None
            else {}
        )
        self.live_paths = set(Page.objects.live().values_list("url_path", flat=True))
        self.loaded = True

    def entry_digest(self, entry, status):
        data = dict(vars(entry))
        del data["label"], data["notes"]  # how the report names it; warnings repeat anyway
        return digest_of({"run": self.fingerprint, "status": status, "entry": data})

    def settled(self, entry, record, model, digest):
        """Whether ``entry`` can be counted as unchanged without being converted: see the
        module docstring. Returns the (old paths, comment count) to count, or None."""
        if not self.wanted or record is None or record.entry_digest != digest:
            return None
        if not self.loaded:
            self.load()
        if (
            record.export_title != self.importer.export.title[:255]
            or record.page_revision_id != record.revision_id
            or record.page_type_id != ContentType.objects.get_for_model(model).pk
        ):
            return None
        paths = self.redirect_paths(entry, record)
        if paths is None:
            return None
        for comment in entry.comments:
            if self.comments.get(comment.source_id) != record.page_id:
                return None
        return paths, len(entry.comments)

    def redirect_paths(self, entry, record):
        """The entry's old paths, when each has its redirect to the record's page and none
        is served by anything else; None otherwise (the whole way decides what to do)."""
        own_path = Redirect.normalise_path("/" + record.page_path[len(self.root_path) :])
        max_length = Redirect._meta.get_field("old_path").max_length
        paths = []
        for url in entry.old_urls:
            path = old_path(url)
            if not path or path == own_path or path in paths:
                continue
            if len(path) > max_length or self.served(path):
                return None
            if self.redirects.get(path) != (record.page_id, True):
                return None
            paths.append(path)
        return paths

    def served(self, path):
        """Whether a route or a live page answers ``path`` (``Importer.served_paths``,
        without a query)."""
        if "?" in path:
            return False
        for candidate in dict.fromkeys((path, path.rstrip("/") + "/")):
            if self.importer.routes.route_for(candidate) is not None:
                return True
            if self.root_path + candidate.strip("/") + "/" in self.live_paths:
                return True
        return False

    def page_published(self, page):
        """A page this run published: its address is served from now on."""
        if self.loaded:
            self.live_paths.add(page.url_path)
