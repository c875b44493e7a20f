"""The import pipeline both commands share.

A reader (``blogger.py``, ``wordpress.py``) turns an export file into a ``ParsedExport``:
plain ``SourceEntry`` objects, with nothing written yet, so a malformed file or entry is
reported before anything is imported. ``Importer`` then writes each entry in its own
transaction: the page (created, or updated through a new revision), its tags and authors,
the redirects from its old URLs, its comments and its ``ImportRecord``. A failure rolls
back that entry only and stops the run with a message naming it; entries before it are
complete, and a re-run carries on where it stopped (nothing is duplicated).
"""

import hashlib
import json
import re
from collections import defaultdict
from contextlib import contextmanager, nullcontext
from typing import NamedTuple

from django.apps import apps
from django.db import reset_queries, transaction
from django.db.models import F
from django.db.models.signals import post_save
from django.utils import timezone
from django.utils.text import slugify
from taggit.models import Tag
from wagtail.contrib.redirects.models import Redirect
from wagtail.log_actions import log
from wagtail.models import Page, ReferenceIndex
from wagtail.search.backends import get_search_backends
from wagtail.search.signal_handlers import post_save_signal_handler as search_on_save
from wagtail.signal_handlers import disable_reference_index_auto_update
from wagtail.signals import page_published, published

from cms.core.resolvers import resolver_for
from home.models import StandardPage
from news.freshness import changes as freshness
from news.importers.comments import import_comments_for
from news.importers.entries import DRAFT, LIVE, POST, SCHEDULED
from news.importers.html import BodyConverter
from news.importers.links import LinkResolver
from news.importers.markup import DASHES, collapse, parse_html, plain_text, shorten
from news.importers.media import MediaLibrary
from news.importers.models import ImportRecord
from news.importers.report import Progress, Report
from news.importers.settled import SettledEntries, SiteRoutes, old_path
from news.importers.writer import (
    ChoosersAsWagtail,
    index_references,
    insert_rows,
    validate_new_page,
    write_new_pages,
)
from news.models import Author, Disclaimer, NewsPage, NewsPageAuthor, NewsPageTag
from news.signal_handlers import flush_visibility_changes, visibility_changes_batched

SUMMARY_LENGTH = 300
# Title prefixes that mark a post as breaking news (matched ignoring case); the prefix
# leaves the title and the post's breaking flag is set. ``--breaking-prefix`` changes them.
BREAKING_PREFIXES = ("BREAKING NEWS:", "BREAKING:")
INDEX_BATCH = 100  # imported pages indexed together (search and reference index)


class ImportFailed(Exception):
    """Writing one entry failed; the entry was rolled back and the run stopped."""


@contextmanager
def save_time_indexing_paused():
    """Pause the search and reference index updates that run on every save of a page.

    Creating and publishing a page saves it three times, and each save would re-index
    it. The importer indexes the pages it wrote itself instead, in batches of
    ``INDEX_BATCH`` (``Importer.flush_index``): once per page, with its tags and authors
    loaded for the whole batch. The search update only runs where it would have run on
    save (a backend with ``AUTO_UPDATE`` off is left alone). Management commands run in
    their own process, so disconnecting the handlers for the run affects nothing else.
    """
    paused = [
        model for model in (NewsPage, StandardPage) if post_save.disconnect(search_on_save, model)
    ]
    try:
        with disable_reference_index_auto_update():
            yield
    finally:
        for model in paused:
            post_save.connect(search_on_save, sender=model)


def content_hash(data):
    encoded = json.dumps(data, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(encoded.encode()).hexdigest()


def comparable_disclaimer(html_text):
    text = collapse(plain_text(parse_html(html_text or ""))).strip().casefold()
    return re.sub(r"^disclaimer\s*:\s*", "", text).rstrip(".").strip()


class Importer:
    """Writes a ``ParsedExport`` into Newsdesk. See the module docstring."""

    def __init__(
        self,
        export,
        *,
        index,
        media_dir=None,
        publish_state="keep",
        dry_run=False,
        stdout=None,
        breaking_prefixes=BREAKING_PREFIXES,
        blog_renamed=False,
    ):
        self.export = export
        self.index = index
        self.home = index.get_parent().specific
        self.site = index.get_site()
        self.publish_state = publish_state
        self.dry_run = dry_run
        self.stdout = stdout
        self.breaking_prefixes = [prefix for prefix in breaking_prefixes if prefix.strip()]
        self.blog_renamed = blog_renamed
        self.report = Report(export)
        self.media = MediaLibrary(media_dir, self.report)
        self.tag_cache = {}
        self.author_cache = {}
        self.sibling_slugs = {}
        self.comment_model = self.find_comment_model()
        # (model, pk, page or None) of pages written and not indexed yet; the page is
        # given when the object in memory is the page as written (a new batch's).
        self.to_index = []
        self.disclaimers = None  # {comparable text: pk} of the Disclaimer snippets
        self.links = LinkResolver(export.entries)
        self.routes = SiteRoutes()
        self.choosers = ChoosersAsWagtail()  # what the run's bodies refer to, for flush_index

    @staticmethod
    def find_comment_model():
        try:
            return apps.get_model("comments", "Comment")
        except LookupError:
            return None

    # -- the run ---------------------------------------------------------------------------

    def run(self):
        """Import every entry; returns the Report. Raises ImportFailed on a write error."""
        entries = self.export.entries
        progress = Progress(self.stdout, len(entries))
        # The records only: each entry loads its own page when it needs it, so a re-run
        # of a large archive does not hold every page (and its body) at once.
        records = {
            record.source_id: record
            for record in ImportRecord.objects.filter(source=self.export.source).annotate(
                # What tells a settled entry without loading its page (settled.py).
                page_revision_id=F("page__latest_revision_id"),
                page_type_id=F("page__content_type_id"),
                page_path=F("page__url_path"),
            )
        }
        self.records = records
        self.settled = SettledEntries(self, records)
        self.links.records = records
        outer = transaction.atomic() if self.dry_run else nullcontext()
        try:
            with (
                outer,
                save_time_indexing_paused(),
                freshness.publications_batched(),
                visibility_changes_batched(),
            ):
                try:
                    self.import_entries(entries, progress)
                    self.link_to_later_entries()
                finally:
                    self.flush_index()  # what was imported is indexed, even after a failure
                if self.dry_run:
                    transaction.set_rollback(True)
        finally:
            if self.dry_run:
                self.media.discard(uncount=False)
        return self.report

    def import_entries(self, entries, progress):
        """Import ``entries`` in order. New posts (live or draft) are written a batch at a
        time (``import_new_posts``); any other entry first writes the batch before it, then
        is imported on its own, so every entry finds the ones before it in place."""
        batch = []  # (number, entry, plan) of new posts not written yet
        for number, entry in enumerate(entries, start=1):
            if any(queued.source_id == entry.source_id for _, queued, _ in batch):
                # The same id twice in one file: the second finds the first's record.
                self.import_new_posts(batch, progress)
            with self.failure_named(number, entry, progress):
                plan = self.plan(entry)
                # A settled entry is counted with nothing written (not even a savepoint).
                if plan is None or self.count_if_settled(entry, *plan):
                    pass
                elif self.written_in_batch(*plan):
                    batch.append((number, entry, plan))
                else:
                    self.import_new_posts(batch, progress)
                    with transaction.atomic():
                        self.import_entry(entry, *plan)
            if len(batch) >= INDEX_BATCH:
                self.import_new_posts(batch, progress)
            if len(self.to_index) >= INDEX_BATCH:
                self.flush_index()
            if number % INDEX_BATCH == 0:
                self.forget_pages()
                freshness.flush_publications()  # the batch's posts show, softly
                flush_visibility_changes()  # one re-index task for the batch's links
            if not batch:
                progress.update(number)
        self.import_new_posts(batch, progress)
        progress.finish()

    @contextmanager
    def failure_named(self, number, entry, progress):
        """Turn an error while importing ``entry`` (whose transaction the caller rolls
        back inside this) into ImportFailed naming it, forgetting its images and its
        pages queued for indexing; an ImportFailed of an earlier batch passes through."""
        checkpoint = self.media.checkpoint()
        to_index = len(self.to_index)
        try:
            yield
        except ImportFailed:
            raise
        except Exception as error:
            self.media.discard(checkpoint)
            del self.to_index[to_index:]
            progress.finish()
            raise ImportFailed(
                f"{entry.label}: {type(error).__name__}: {error}. Nothing of this "
                f"entry was saved; the {number - 1} entries before it are "
                "complete. Fix or remove the entry and run the import again "
                "(entries already imported are updated, not duplicated)."
            ) from error

    def written_in_batch(self, record, model, status, entry_digest):
        """Whether the entry is a new post, live or a draft: one ``import_new_posts``
        writes with others (updates and scheduled posts are written one by one)."""
        return record is None and model is NewsPage and status in (LIVE, DRAFT)

    def import_new_posts(self, batch, progress):
        """Write the new posts of ``batch`` (emptied) together, in one transaction
        (``write_new_posts``, writer.py).

        If anything in the batch fails, the batch is rolled back, what the run noted of it
        is forgotten, and its entries are imported again one by one as any other entry:
        the entries before the one at fault are saved and the run stops naming it."""
        if not batch:
            return
        entries, batch[:] = list(batch), []
        state = self.state()
        try:
            with transaction.atomic():
                self.write_new_posts(
                    [self.prepare_new_post(entry, *plan) for _, entry, plan in entries]
                )
        except Exception:
            self.restore(state)
            for number, entry, plan in entries:
                with self.failure_named(number, entry, progress), transaction.atomic():
                    self.import_entry(entry, *plan)
        progress.update(entries[-1][0])

    def state(self):
        """What the run has noted so far, for ``restore`` after a batch rolled back."""
        return {
            "report": self.report.snapshot(),
            "images": self.media.checkpoint(),
            "found": len(self.media.found),
            "tags": dict(self.tag_cache),
            "authors": dict(self.author_cache),
            "slugs": {parent: set(slugs) for parent, slugs in self.sibling_slugs.items()},
            "records": dict(self.records),
            "pending links": list(self.links.pending),
            "to index": len(self.to_index),
            "live paths": set(self.settled.live_paths) if self.settled.loaded else None,
            "numchild": self.index.numchild,
        }

    def restore(self, state):
        self.media.discard(state["images"], uncount=False)  # the report's counts go back
        self.report.restore(state["report"])
        del self.media.found[state["found"] :]
        self.tag_cache, self.author_cache = state["tags"], state["authors"]
        self.sibling_slugs = state["slugs"]
        self.records.clear()
        self.records.update(state["records"])  # the dict the links and settled entries share
        self.links.pending = state["pending links"]
        del self.to_index[state["to index"] :]
        if state["live paths"] is not None:
            self.settled.live_paths = state["live paths"]
        self.index.numchild = state["numchild"]

    def forget_pages(self):
        """Let go of the pages (with their bodies and revisions) the records loaded, and
        of the queries Django keeps under DEBUG: memory stays flat however long the file
        (what the run still needs, the records' ids and hashes, is small)."""
        for record in self.records.values():
            record._state.fields_cache.clear()
        reset_queries()

    # -- one entry -------------------------------------------------------------------------

    def plan(self, entry):
        """(record, page model, status, entry digest) of ``entry``, or None when it is
        another blog's (reported as skipped)."""
        for note in entry.notes:
            self.report.warn(entry.label, note)
        record = self.records.get(entry.source_id)
        if record is not None and self.other_blog(record):
            self.report.skip(
                entry.label,
                f"the same id was imported from the export of {record.export_title!r} (page "
                f"{record.page_id}), which claims the same blog address; this export is of "
                f"{self.export.title!r}: not overwritten, its comments and redirects not "
                "added (if the blog was renamed, run with --blog-renamed)",
            )
            return None
        model = NewsPage if entry.kind == POST else StandardPage
        status = DRAFT if self.publish_state == "draft" else entry.status
        if status == SCHEDULED and (entry.published is None or entry.published <= timezone.now()):
            status = LIVE  # its time has come: WordPress would have published it already
        return record, model, status, self.settled.entry_digest(entry, status)

    def count_if_settled(self, entry, record, model, status, entry_digest):
        settled = self.settled.settled(entry, record, model, entry_digest)
        if settled is not None:
            self.count_settled(entry, record, model, status, *settled)
        return settled is not None

    def import_entry(self, entry, record, model, status, entry_digest):
        page = record.page.specific if record is not None else None
        if page is not None and page.latest_revision_id != record.revision_id:
            self.report.skip(
                entry.label,
                f"page {page.pk} ({page.title!r}) was edited in Newsdesk after it was "
                "imported; not overwritten",
            )
            self.add_redirects_and_comments(entry, page, republished=False)
            return

        if page is not None and not isinstance(page, model):
            self.report.skip(
                entry.label,
                f"imported before as a {type(page)._meta.verbose_name} (page {page.pk}); "
                f"it is a {model._meta.verbose_name} now; not changed",
            )
            return

        fields, replay, authors, tags, digest = self.converted(entry, model, status)
        kind = entry.kind
        republished = False
        if page is not None and record.content_hash == digest:
            self.report.add(f"{kind} unchanged")
            settled = {
                "export_title": self.export.title[:255],  # an older record, or renamed
                "entry_digest": entry_digest,
                "replay": replay,
            }
            if any(getattr(record, name) != value for name, value in settled.items()):
                for name, value in settled.items():
                    setattr(record, name, value)
                record.save(update_fields=list(settled))
        else:
            republished = status in (LIVE, SCHEDULED)
            created = page is None
            if created:
                parent = self.parent_for(entry, model)
                page = self.new_page(entry, model, fields, parent)
            else:
                for name, value in fields.items():
                    if name != "slug":
                        setattr(page, name, value)
            self.assign_people(page, authors, tags)
            self.report.add(f"{kind} {'created' if created else 'updated'}")
            revision = self.save(page, entry, status, parent=parent if created else None)
            if status == LIVE:
                self.settled.page_published(page)
            record = self.save_record(record, entry, page, revision, digest, entry_digest, replay)
            self.index_page(page)
            self.report.add("link internal", self.links.resolved)
            if self.links.unresolved:
                self.links.pending.append(page.pk)
        self.report.add(f"{kind} {status}")
        self.add_redirects_and_comments(entry, page, republished=republished)

    def converted(self, entry, model, status):
        """(fields, replay, authors, tags, digest) of ``entry``: its page's fields, what
        converting it reported (its record's ``replay``), its authors and tags, and the
        digest of all that as the file has it."""
        conversion = self.ReportedConversion(self)
        fields = self.page_fields(entry, model)
        replay = conversion.replay()
        authors = self.get_authors(entry) if model is NewsPage else []
        tags = self.get_tags(entry) if model is NewsPage else []
        digest = content_hash(
            {
                "fields": fields,
                "status": status,
                "authors": [author.pk for author in authors],
                "tags": [tag.pk for tag in tags],
                "published": entry.published,
                "updated": entry.updated,
            }
        )
        # Links to other imported entries point at their pages; the digest is of the
        # entry as the file has it, so it does not change once later entries exist.
        fields["body"] = self.links.resolve(fields["body"])
        return fields, replay, authors, tags, digest

    def new_page(self, entry, model, fields, parent):
        """An unsaved ``model`` page of ``fields``, with a slug free under ``parent``."""
        page = model(live=False, has_unpublished_changes=True)
        fields = {**fields, "slug": self.unique_slug(parent, entry.slug, fields["title"])}
        for name, value in fields.items():
            setattr(page, name, value)
        return page

    @staticmethod
    def assign_people(page, authors, tags):
        if isinstance(page, NewsPage):
            page.news_authors = [
                NewsPageAuthor(author=author, sort_order=position)
                for position, author in enumerate(authors)
            ]
            page.tagged_items = [NewsPageTag(tag=tag) for tag in tags]

    # -- new posts, a batch at a time ------------------------------------------------------

    class NewPost(NamedTuple):
        """A new post converted and validated, waiting for ``write_new_posts``."""

        entry: object
        status: str
        page: NewsPage
        digest: str
        entry_digest: str
        replay: dict
        links_resolved: int
        links_unresolved: bool

    def prepare_new_post(self, entry, record, model, status, entry_digest):
        fields, replay, authors, tags, digest = self.converted(entry, model, status)
        page = self.new_page(entry, model, fields, self.index)
        self.assign_people(page, authors, tags)
        self.set_publication(page, entry, status, created=True)
        validate_new_page(page)
        self.report.add("post created")
        return self.NewPost(
            entry,
            status,
            page,
            digest,
            entry_digest,
            replay,
            self.links.resolved,
            self.links.unresolved,
        )

    def write_new_posts(self, prepared):
        """Write the pages of ``prepared`` (writer.py), then their records, redirects and
        comments, as ``import_entry`` does for one new page."""
        revisions = write_new_pages(self.index, [post.page for post in prepared])
        records = []
        for post, revision in zip(prepared, revisions, strict=True):
            page = post.page
            if post.status == LIVE:
                self.settled.page_published(page)
            records.append(
                self.record_for(
                    None, post.entry, page, revision, post.digest, post.entry_digest, post.replay
                )
            )
            self.index_page(page, as_written=True)
            self.report.add("link internal", post.links_resolved)
            if post.links_unresolved:
                self.links.pending.append(page.pk)
            self.report.add(f"post {post.status}")
        ImportRecord.objects.bulk_create(records)
        for record in records:
            self.records[record.source_id] = record
        # What add_redirects_and_comments does for each, together. A new page is either
        # published in this batch (its publication tells the caches) or a draft readers
        # never saw: neither needs a cache change for its comments or redirects.
        posts = [(post.entry, post.page) for post in prepared]
        self.add_redirects_for(posts)
        self.add_comments_for(posts)

    class ReportedConversion:
        """What converting one entry adds to the report, kept as its record's ``replay``:
        a settled entry's re-run reports the same (settled.py)."""

        def __init__(self, importer):
            self.importer = importer
            report = importer.report
            self.marks = (
                len(report.warnings),
                len(report.external_images),
                len(importer.media.found),
            )
            self.removed = report.removed.copy()

        def replay(self):
            report, media = self.importer.report, self.importer.media
            warnings, external, found = self.marks
            return {
                "warnings": [message for _, message in report.warnings[warnings:]],
                "external": [url for _, url in report.external_images[external:]],
                "removed": dict(report.removed - self.removed),
                "images": [list(item) for item in media.found[found:]],
            }

    def count_settled(self, entry, record, model, status, paths, comments):
        """Report a settled entry as the whole way reports an unchanged one, reading and
        writing nothing (settled.py)."""
        replay = record.replay or {}
        kind = entry.kind
        self.report.add(f"{kind} unchanged")
        for message in replay.get("warnings", []):
            self.report.warn(entry.label, message)
        self.report.removed.update(replay.get("removed", {}))
        self.report.external_images += [(entry.label, url) for url in replay.get("external", [])]
        self.media.replay(replay.get("images", []))
        if model is NewsPage:
            self.get_authors(entry)
            self.get_tags(entry)
        self.report.add(f"{kind} {status}")
        if paths:
            self.report.add("redirect existing", len(paths))
        if comments:
            self.report.add("comment existing", comments)

    def link_to_later_entries(self):
        """Point the links to entries imported after the entry linking to them at their
        pages, in the stored body of the page and of its latest revision (no new
        revision: the page holds what the file says, with the links made internal)."""
        for page_id in self.links.pending:
            page = Page.objects.get(pk=page_id).specific
            raw = list(page.body.raw_data)
            resolved = self.links.resolve(raw)
            if resolved == raw:
                continue
            self.report.add("link internal", self.links.resolved)
            type(page).objects.filter(pk=page.pk).update(body=resolved)
            for revision in {page.latest_revision, page.live_revision} - {None}:
                content = dict(revision.content)
                content["body"] = json.dumps(resolved)
                type(revision).objects.filter(pk=revision.pk).update(content=content)
            self.index_page(page)
            if page.live and not self.dry_run:
                freshness.page_content_changed(page)
        self.links.pending = []

    def add_redirects_and_comments(self, entry, page, *, republished):
        changed = self.add_redirects(entry, page) + self.add_comments(entry, page)
        if changed and not republished and page.live and not self.dry_run:
            # New comments or redirects on a page that was not published again: what the
            # response cache holds for it and for listings is stale.
            freshness.page_content_changed(page)

    def page_fields(self, entry, model):
        title = entry.title
        if not title:
            when = entry.local_date or (entry.published.date() if entry.published else None)
            title = f"Post of {when:%-d %B %Y}" if when else "Untitled post"
            self.report.warn(entry.label, f"no title: imported as {title!r}")
        converter = BodyConverter(
            base_url=entry.base_url,
            image_resolver=lambda urls, alt, caption: self.media.resolve(
                urls, alt, caption, label=entry.label
            ),
            autop=entry.autop,
        )
        body = self.saved_disclaimers(converter.convert(entry.html))
        self.report.removed.update(converter.removed)
        self.report.external_images += [(entry.label, url) for url in converter.external_images]
        summary = entry.summary_text()
        if not summary and model is NewsPage:
            summary = self.lede_from(body)
        breaking = False
        if model is NewsPage:
            title, breaking = self.breaking_title(title)
        fields = {"title": title[:255], "slug": entry.slug, "body": body}
        if entry.comments_open is not None:
            fields["comments_enabled"] = entry.comments_open
        if model is NewsPage:
            fields["breaking"] = breaking
            lead_image = None
            if entry.featured_image:
                lead_image = self.media.resolve([entry.featured_image], "", "", label=entry.label)
                if lead_image is None:
                    self.report.external_images.append(
                        (entry.label, entry.featured_image + " (featured image)")
                    )
            fields.update(
                publication_date=entry.local_date
                or (entry.published.date() if entry.published else timezone.localdate()),
                summary=shorten(summary, 500),
                lead_image_id=lead_image,
            )
            if lead_image and entry.featured_caption:
                # Only when there is one: the fields are part of the entry's digest, so
                # entries imported before captions were read stay "unchanged".
                fields["lead_image_caption"] = shorten(entry.featured_caption, 500)
        else:
            fields["intro"] = shorten(summary, 500) if summary else ""
        return fields

    def saved_disclaimers(self, body):
        """Disclaimer blocks whose text is that of a Disclaimer snippet (compared as plain
        text, ignoring case, spacing and a "Disclaimer:" label) choose the snippet."""
        if not any(block["type"] == "disclaimer" for block in body):
            return body
        if self.disclaimers is None:
            self.disclaimers = {}
            for pk, text in Disclaimer.objects.order_by("pk").values_list("pk", "text"):
                self.disclaimers.setdefault(comparable_disclaimer(text), pk)
        for block in body:
            if block["type"] != "disclaimer" or block["value"].get("disclaimer"):
                continue
            pk = self.disclaimers.get(comparable_disclaimer(block["value"]["text"]))
            if pk is not None:
                block["value"] = {"disclaimer": pk, "text": ""}
        return body

    def breaking_title(self, title):
        """(``title`` without a breaking-news prefix, whether it had one)."""
        for prefix in self.breaking_prefixes:
            if title[: len(prefix)].casefold() == prefix.casefold():
                rest = title[len(prefix) :].lstrip(DASHES + ":")
                if rest:
                    return rest, True
        return title, False

    @staticmethod
    def lede_from(body):
        """The summary of a post whose export has none: its first paragraph of text.

        The article shows the summary as its lede, above the body, so a first paragraph
        that the summary holds whole (plain text, at most ``SUMMARY_LENGTH`` characters,
        no link) is moved out of ``body`` rather than shown twice. A longer paragraph, or
        one with a link, stays in the body and the summary is its shortened text: moving
        it would lose words or links.
        """
        for position, block in enumerate(body):
            if block["type"] != "paragraph":
                continue
            for match in re.finditer(r"<p>(.*?)</p>", block["value"], flags=re.S):
                text = plain_text(parse_html(match.group(1)))
                if not text or text.startswith("Image: "):
                    continue
                whole = len(text) <= SUMMARY_LENGTH and "<a " not in match.group(0)
                if whole:
                    rest = block["value"][: match.start()] + block["value"][match.end() :]
                    if rest.strip():
                        body[position] = {**block, "value": rest}
                    else:
                        del body[position]
                    return collapse(text.replace("\n", " ")).strip()
                return shorten(text, SUMMARY_LENGTH)
        return ""

    def parent_for(self, entry, model):
        if model is NewsPage:
            return self.index
        if entry.parent_id:
            parent_record = self.records.get(entry.parent_id)
            if parent_record is not None:
                parent = parent_record.page.specific
                if isinstance(parent, StandardPage):
                    return parent
        return self.home

    def unique_slug(self, parent, wanted, title):
        taken = self.sibling_slugs.get(parent.pk)
        if taken is None:
            taken = set(parent.get_children().values_list("slug", flat=True))
            self.sibling_slugs[parent.pk] = taken
        base = slugify(wanted or "", allow_unicode=True)[:200] or (
            slugify(title, allow_unicode=True)[:200] or "post"
        )
        slug, number = base, 1
        while slug in taken:
            number += 1
            slug = f"{base}-{number}"
        taken.add(slug)
        return slug

    @staticmethod
    def set_publication(page, entry, status, *, created):
        """Set the dates and state publishing ``entry`` with ``status`` gives ``page``
        (``created``: a new page, made live at once when ``status`` is live)."""
        page.go_live_at = entry.published if status == SCHEDULED else None
        if status == LIVE and page.first_published_at is None:
            page.first_published_at = entry.published or timezone.now()
        if created and status == LIVE:
            page.live = True
            page.has_unpublished_changes = False
            page.last_published_at = Importer.last_published(entry) or timezone.now()

    @staticmethod
    def last_published(entry):
        return max(filter(None, (entry.updated, entry.published)), default=None)

    def save(self, page, entry, status, parent=None):
        """Save ``page`` (new when ``parent`` is given) with a new revision, published,
        scheduled or left as a draft; returns the revision."""
        self.set_publication(page, entry, status, created=parent is not None)
        if parent is None:
            revision = page.save_revision(log_action=True)
            if status in (LIVE, SCHEDULED):
                revision.publish()
            last_published = self.last_published(entry)
            if status == LIVE and last_published:
                Page.objects.filter(pk=page.pk).update(last_published_at=last_published)
            return revision
        parent.add_child(instance=page)  # validates the page (full_clean), logs "created"
        # As Wagtail's own create view: the first revision is not logged again (a second
        # "created" entry in the page's history, and three queries per page).
        revision = page.save_revision(clean=False, changed=status != LIVE, log_action=False)
        if status == LIVE:
            self.mark_published(page, revision)
        elif status == SCHEDULED:
            revision.publish()
        return revision

    @staticmethod
    def mark_published(page, revision):
        """Finish publishing a page that was created live with its first revision.

        This is what ``revision.publish()`` does for such a page (nothing to unschedule,
        no workflow, no aliases, no older revision), without loading the revision back
        into a page object and saving and validating it a third time: the expensive part
        of an import. The same signals are sent and the same history entry is written.
        """
        Page.objects.filter(pk=page.pk).update(live_revision=revision)
        page.live_revision = revision
        page_published.send(sender=type(page), instance=page, revision=revision)
        published.send(sender=type(page), instance=page, revision=revision)
        log(instance=page, action="wagtail.publish", revision=revision, content_changed=True)

    def index_page(self, page, *, as_written=False):
        """Queue ``page`` for ``flush_index`` (see save_time_indexing_paused). With
        ``as_written``, ``page`` is the page exactly as written, child relations included
        (a new post of a batch): it is indexed as it is, not loaded again."""
        self.to_index.append((type(page), page.pk, page if as_written else None))

    def flush_index(self):
        """Update the reference and search index for the queued pages, a batch at a time."""
        queued, self.to_index = self.to_index, []
        by_model = defaultdict(dict)  # model -> {pk: the page as written, or None}
        for model, pk, page in queued:
            held = by_model[model]
            if pk in held and held[pk] is None:
                continue  # loaded anyway
            # A page queued again after it was written (its links resolved, say) is
            # loaded: what is in memory may be older than the database.
            held[pk] = page
        backends = list(get_search_backends(with_auto_update=True))
        for model, held in by_model.items():
            pages = [page for page in held.values() if page is not None]
            to_load = [pk for pk, page in held.items() if page is None]
            if to_load:
                queryset = model.objects.filter(pk__in=to_load)
                if model is NewsPage:  # what its search fields and references read
                    queryset = queryset.prefetch_related(
                        "tags", "tagged_items", "news_authors__author", "wagtail_admin_comments"
                    )
                pages += queryset
            if model is NewsPage:
                # One resolver for the batch: what the bodies link to is loaded together,
                # not once per page (NewsPage.search_body_text keeps it on the page).
                resolver = resolver_for()
                resolver.prepare([page.body for page in pages], kinds=("pages",))
                for page in pages:
                    page._search_resolver = resolver
                    # Read once per index column: worked out once, and forgotten
                    # below (a page as written may be updated later in the run).
                    page._search_body_text = page.search_body_text()
            with transaction.atomic():
                index_references(pages, self.choosers)
                for backend in backends:
                    backend.add_bulk(model, pages)
            for page in pages:
                page.__dict__.pop("_search_body_text", None)
                page.__dict__.pop("_search_resolver", None)

    def other_blog(self, record):
        """Whether ``record`` came from the export of another blog (another title) that
        claims this export's address. Records from before titles were kept belong to
        whichever blog imports them next."""
        return bool(
            record.export_title
            and record.export_title != self.export.title
            and not self.blog_renamed
        )

    def other_blogs_page(self, redirect):
        """Whether ``redirect`` leads to a page imported from another blog's export."""
        if self.blog_renamed or redirect.redirect_page_id is None:
            return False
        return (
            ImportRecord.objects.filter(page_id=redirect.redirect_page_id)
            .exclude(export_title__in=["", self.export.title[:255]])
            .exists()
        )

    def save_record(self, record, entry, page, revision, digest, entry_digest, replay):
        record = self.record_for(record, entry, page, revision, digest, entry_digest, replay)
        record.save()
        self.records[entry.source_id] = record
        return record

    def record_for(self, record, entry, page, revision, digest, entry_digest, replay):
        """``record`` (a new one when None) updated for ``page``, unsaved."""
        source_url = next((url for url in entry.old_urls if url.startswith("http")), "")
        if record is None:
            record = ImportRecord(source=self.export.source, source_id=entry.source_id, page=page)
        record.page = page
        record.revision = revision
        record.content_hash = digest
        record.entry_digest = entry_digest
        record.replay = replay
        record.export_title = self.export.title[:255]
        record.source_url = source_url[:500]
        record.updated_at = timezone.now()
        return record

    # -- authors and tags ------------------------------------------------------------------

    def get_authors(self, entry):
        names = [name.strip()[:255] for name in entry.authors if name and name.strip()]
        if not names:
            names = [self.export.title or "Imported"]
            self.report.warn(entry.label, f"no author: credited to {names[0]!r}")
        authors = []
        for name in dict.fromkeys(names):
            author = self.author_cache.get(name)
            if author is None:
                author = Author.objects.filter(name=name).order_by("pk").first()
                if author is None:
                    author = Author.objects.create(name=name)
                    ReferenceIndex.create_or_update_for_object(author)
                    self.report.add("author created")
                self.author_cache[name] = author
            self.report.authors.add(author.pk)
            authors.append(author)
        return authors

    def get_tags(self, entry):
        tags = []
        for name in dict.fromkeys(name.strip()[:100] for name in entry.tags if name.strip()):
            key = name.lower()
            tag = self.tag_cache.get(key)
            if tag is None:
                tag = Tag.objects.filter(name__iexact=name).order_by("pk").first()
                if tag is None:
                    tag = Tag.objects.create(name=name)
                    self.report.add("tag created")
                self.tag_cache[key] = tag
            self.report.tags.add(tag.pk)
            if tag not in tags:
                tags.append(tag)
        return tags

    # -- redirects -------------------------------------------------------------------------

    def add_redirects(self, entry, page):
        """Permanent redirects from the entry's old addresses to ``page``; returns how many
        were created or changed. An old address that is the page's own new address gets
        none (it would loop once the page is unpublished)."""
        return self.add_redirects_for([(entry, page)])

    def add_redirects_for(self, posts):
        """``add_redirects`` for each (entry, page) of ``posts`` in turn, with the
        addresses checked and the existing redirects read once for all of them, and the
        new ones created together; returns how many were created or changed."""
        wanted = []  # (entry, page, its old paths)
        for entry, page in posts:
            own_path = Redirect.normalise_path(page.url or "/")
            paths = []
            for url in entry.old_urls:
                path = old_path(url)
                if not path or path == own_path:
                    continue
                if len(path) > Redirect._meta.get_field("old_path").max_length:
                    self.report.warn(entry.label, f"old URL too long for a redirect: {url}")
                    continue
                if path not in paths:
                    paths.append(path)
            wanted.append((entry, page, paths))
        every_path = list(dict.fromkeys(path for _, _, paths in wanted for path in paths))
        served = self.served_paths(every_path) if every_path else {}
        existing = (
            {
                redirect.old_path: redirect
                for redirect in Redirect.objects.filter(site=self.site, old_path__in=every_path)
            }
            if every_path
            else {}
        )
        new, updated = {}, 0  # new: old path -> Redirect not saved yet
        for entry, page, paths in wanted:
            for path in paths:
                if path in served:
                    self.report.warn(
                        entry.label,
                        f"old address {path} is already served by {served[path]} in "
                        "Newsdesk: no redirect (Wagtail follows redirects only where "
                        "nothing answers)",
                    )
                    continue
                redirect = new.get(path) or existing.get(path)
                if redirect is None:
                    new[path] = Redirect(
                        old_path=path, site=self.site, redirect_page=page, is_permanent=True
                    )
                elif path in new:
                    # Claimed by an entry before it in this batch: the later entry wins,
                    # as when the first one's redirect had been saved.
                    if redirect.redirect_page_id != page.pk:
                        redirect.redirect_page = page
                        self.report.add("redirect updated")
                        updated += 1
                    else:
                        self.report.add("redirect existing")
                elif redirect.redirect_page_id != page.pk and self.other_blogs_page(redirect):
                    self.report.warn(
                        entry.label,
                        f"old address {path} already redirects to page "
                        f"{redirect.redirect_page_id}, imported from another blog's export "
                        "that claims the same address: left as it is",
                    )
                elif redirect.redirect_page_id != page.pk or not redirect.is_permanent:
                    redirect.redirect_page = page
                    redirect.redirect_link = ""
                    redirect.is_permanent = True
                    redirect.save(update_fields=["redirect_page", "redirect_link", "is_permanent"])
                    self.report.add("redirect updated")
                    updated += 1
                else:
                    self.report.add("redirect existing")
        if new:
            insert_rows(Redirect, list(new.values()))
            self.report.add("redirect created", len(new))
        return len(new) + updated

    def served_paths(self, paths):
        """{path: what answers it} for the old paths that a route of the site or one of
        its live pages already serves: a redirect from those would never be followed.
        Paths with a query string are left out (``/?p=12`` is answered by redirects)."""
        served, page_paths = {}, {}
        root = self.site.root_page.url_path
        for path in paths:
            if "?" in path:
                continue
            for candidate in dict.fromkeys((path, path.rstrip("/") + "/")):
                route = self.routes.route_for(candidate)
                if route is not None:
                    served[path] = f"the route {candidate} ({route})"
                    break
                page_paths[root + candidate.strip("/") + "/"] = path
        if page_paths:
            pages = Page.objects.live().filter(url_path__in=list(page_paths))
            for url_path, page_id, title in pages.values_list("url_path", "pk", "title"):
                served.setdefault(page_paths[url_path], f"page {page_id} ({title!r})")
        return served

    def add_comments(self, entry, page):
        return self.add_comments_for([(entry, page)])

    def add_comments_for(self, posts):
        return import_comments_for(posts, self.report, self.comment_model)
