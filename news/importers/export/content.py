"""What an export holds: the posts and standard pages of one site, chosen by their state.

``SiteContent(site, ...)`` decides what goes in (``selection``) and yields it as plain
``Entry`` objects, a batch of pages at a time (``entries()``), for the writers
(wordpress.py, blogger.py). By default an export holds what readers see: published posts
and pages that are public and not expired (``news.visibility.reader_visible``), with their
approved comments. ``include_drafts`` adds drafts, unpublished and expired pages (as
drafts) and scheduled ones (as scheduled, with their go-live time);
``include_private`` adds live pages behind a password, login or group restriction.
A live page is written as it is published, never with its unpublished changes; a draft
as its latest revision.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.apps import apps
from django.utils import timezone
from django.utils.text import slugify
from wagtail.images import get_image_model

from cms.core.site_urls import absolute_page_url, site_base_url
from home.models import StandardPage
from news.importers.export.body import BodyWriter, ImageFile, load_related
from news.models import Author, Disclaimer, NewsPage, NewsPageTag
from news.visibility import reader_visible

PUBLISH, DRAFT, FUTURE, PRIVATE = "publish", "draft", "future", "private"
POST, PAGE = "post", "page"
BATCH = 100
BREAKING_PREFIX = "BREAKING: "  # what import_* reads back as the breaking flag


@dataclass
class Comment:
    pk: int
    parent_pk: int | None
    author_name: str
    author_email: str
    author_url: str
    ip_address: str
    body: str
    submitted_at: datetime.datetime
    status: str  # Newsdesk's: approved, pending, rejected, spam


@dataclass
class Entry:
    kind: str  # POST or PAGE
    pk: int
    title: str  # with the breaking-news prefix when the post is breaking
    slug: str
    url: str  # absolute
    status: str  # PUBLISH, DRAFT, FUTURE or PRIVATE
    moment: datetime.datetime  # aware: when it was (or will be) published
    modified: datetime.datetime
    published_before: bool  # False for a draft that was never published
    summary: str
    pieces: list
    authors: list = field(default_factory=list)
    tags: list = field(default_factory=list)  # (name, slug)
    lead_image: ImageFile | None = None
    comments: list = field(default_factory=list)
    parent_pk: int | None = None
    comments_open: bool = True

    @property
    def local(self):
        """``moment`` in the site's time zone (TIME_ZONE), naive."""
        return timezone.make_naive(self.moment)


def unique_logins(names):
    """{author name: a login for it}: slugs, made unique in the order given."""
    logins, taken = {}, set()
    for name in names:
        if name in logins:
            continue
        base = slugify(name) or "author"
        login, number = base, 1
        while login in taken:
            number += 1
            login = f"{base}-{number}"
        taken.add(login)
        logins[name] = login
    return logins


class SiteContent:
    """The content of ``site`` an export holds; see the module docstring."""

    def __init__(
        self,
        site,
        *,
        flavour,
        include_drafts=False,
        include_private=False,
        comment_statuses=("approved",),
    ):
        self.site = site
        self.base_url = site_base_url(site)
        self.include_drafts = include_drafts
        self.include_private = include_private
        self.comment_statuses = tuple(comment_statuses)
        self.comment_model = self.find_comment_model()
        self.body = BodyWriter(flavour, site, {})
        self.counts = Counter()
        self.selection = self.select()

    @staticmethod
    def find_comment_model():
        try:
            return apps.get_model("comments", "Comment")
        except LookupError:
            return None

    @property
    def title(self):
        return self.site.site_name or self.site.root_page.title

    @property
    def images(self):
        """The pictures the entries written so far use (lead images included), by pk."""
        return self.body.images

    # -- what goes in ----------------------------------------------------------------------

    def select(self):
        """[(model, pk, status)] in the order they are written: posts, then pages."""
        root = self.site.root_page
        selection = []
        for model in (NewsPage, StandardPage):
            pages = model.objects.descendant_of(root)
            visible = set(reader_visible(pages).values_list("pk", flat=True))
            public = set(pages.public().values_list("pk", flat=True))
            rows = pages.order_by("pk").values_list("pk", "live", "expire_at")
            now = timezone.now()
            for pk, live, expire_at in rows:
                expired = expire_at is not None and expire_at <= now
                if pk in visible:
                    status = PUBLISH
                elif live and not expired and pk not in public:
                    status = PRIVATE if self.include_private else None
                else:
                    status = DRAFT if self.include_drafts else None
                if status is not None:
                    selection.append((model, pk, status))
        return selection

    def post_ids(self):
        return [pk for model, pk, _ in self.selection if model is NewsPage]

    def author_logins(self):
        """{name: login} of every author (WordPress lists them before the items)."""
        return unique_logins(Author.objects.order_by("pk").values_list("name", flat=True))

    def tags(self):
        """(name, slug) of the tags the exported posts use."""
        rows = NewsPageTag.objects.filter(content_object_id__in=self.post_ids())
        return sorted(set(rows.values_list("tag__name", "tag__slug")))

    # -- the entries -----------------------------------------------------------------------

    def entries(self):
        for start in range(0, len(self.selection), BATCH):
            batch = self.selection[start : start + BATCH]
            yield from self.load(batch)

    def load(self, batch):
        statuses = {pk: status for _, pk, status in batch}
        pages = {}
        for model in (NewsPage, StandardPage):
            pks = [pk for m, pk, _ in batch if m is model]
            if not pks:
                continue
            queryset = model.objects.filter(pk__in=pks)
            if model is NewsPage:
                queryset = queryset.prefetch_related("tagged_items__tag", "news_authors__author")
            pages.update((page.pk, page) for page in queryset)
        contents = {}
        for pk, page in pages.items():
            status = statuses[pk]
            content = page
            if status in (DRAFT, FUTURE):
                scheduled = page.get_scheduled_revision_as_object() if not page.live else None
                if scheduled is not None:
                    statuses[pk] = FUTURE
                    content = scheduled
                else:
                    content = page.get_latest_revision_as_object()
            contents[pk] = content
        self.load_images(contents.values())
        related = load_related((c.body.raw_data for c in contents.values()), Disclaimer)
        comments = self.load_comments(list(pages))
        for _, pk, _ in batch:
            page = pages.get(pk)
            if page is None:  # deleted meanwhile
                continue
            entry = self.entry(page, contents[pk], statuses[pk], related, comments.get(pk, []))
            self.counts[f"{entry.kind} {entry.status}"] += 1
            self.counts["comment"] += len(entry.comments)
            yield entry

    def load_images(self, contents):
        ids = set()
        for content in contents:
            ids.add(getattr(content, "lead_image_id", None))
            ids.update(
                (child.get("value") or {}).get("image")
                for child in content.body.raw_data
                if child.get("type") == "image"
            )
        ids.discard(None)
        missing = ids - set(self.body.images_by_pk)
        if missing:
            for image in get_image_model().objects.filter(pk__in=missing):
                self.body.images_by_pk[image.pk] = image

    def load_comments(self, page_ids):
        if self.comment_model is None or not self.comment_statuses:
            return {}
        rows = self.comment_model.objects.filter(
            page_id__in=page_ids, status__in=self.comment_statuses
        ).order_by("submitted_at", "pk")
        by_page = {}
        for row in rows:
            by_page.setdefault(row.page_id, []).append(
                Comment(
                    pk=row.pk,
                    parent_pk=row.parent_id,
                    author_name=row.author_name,
                    author_email=row.author_email,
                    author_url=row.author_url,
                    ip_address=row.ip_address or "",
                    body=row.body,
                    submitted_at=row.submitted_at,
                    status=row.status,
                )
            )
        for page_id, comments in by_page.items():
            # A reply follows the comment it answers (WordPress's importer needs that).
            known = {comment.pk for comment in comments}
            top = [c for c in comments if c.parent_pk is None or c.parent_pk not in known]
            for comment in top:
                comment.parent_pk = None if comment.parent_pk not in known else comment.parent_pk
            by_page[page_id] = top + [c for c in comments if c not in top]
        return by_page

    def entry(self, page, content, status, related, comments):
        kind = POST if isinstance(page, NewsPage) else PAGE
        moment, modified = self.dates(page, content, status)
        title = content.title
        if kind == POST and content.breaking:
            title = BREAKING_PREFIX + title
        url = absolute_page_url(page.get_url(), site=self.site) if page.live else ""
        lead_image = None
        if kind == POST and content.lead_image_id:
            lead_image = self.body.image_file(content.lead_image_id)
        parent_pk = None
        if kind == PAGE:
            parent = page.get_parent()
            parent_pk = (
                parent.pk if parent is not None and parent.specific_class is StandardPage else None
            )
        return Entry(
            kind=kind,
            pk=page.pk,
            title=title,
            slug=content.slug,
            url=url or f"{self.base_url}/?p={page.pk}",
            status=status,
            moment=moment,
            modified=modified,
            published_before=page.first_published_at is not None,
            summary=(content.summary if kind == POST else content.intro) or "",
            pieces=self.body.pieces(
                type(content).body.field.stream_block, content.body.raw_data, related
            ),
            authors=(
                [link.author.name for link in content.news_authors.all()] if kind == POST else []
            ),
            tags=sorted((tag.name, tag.slug) for tag in content.tags.all())
            if kind == POST
            else [],
            lead_image=lead_image,
            comments=comments,
            parent_pk=parent_pk,
            comments_open=bool(getattr(content, "comments_enabled", True)),
        )

    @staticmethod
    def dates(page, content, status):
        """(when it was or will be published, when it last changed), aware. A post's
        moment falls on its publication date (the date the export's readers show), at
        the time of day it was first published."""
        now = timezone.now()
        if status == FUTURE:
            moment = content.go_live_at or page.go_live_at or now
        else:
            moment = (
                page.first_published_at
                or page.last_published_at
                or page.latest_revision_created_at
                or now
            )
        local = timezone.localtime(moment)
        date = getattr(content, "publication_date", None)
        if status != FUTURE and date and local.date() != date:
            try:
                moment = timezone.make_aware(datetime.datetime.combine(date, local.time()))
            except ValueError:  # a time that does not exist on that day (DST)
                moment = timezone.make_aware(datetime.datetime.combine(date, datetime.time(12)))
        modified = page.last_published_at or page.latest_revision_created_at or moment
        return moment, modified


__all__ = ["DRAFT", "FUTURE", "PAGE", "POST", "PRIVATE", "PUBLISH", "Entry", "SiteContent"]
