"""Writes an import's new posts a batch at a time.

Creating a page the ordinary way (``parent.add_child`` then ``save_revision``) costs about
twenty statements and a full validation per page: treebeard reads the parent's last child
and updates its ``numchild``, Wagtail checks the slug against the siblings, validates
every foreign key with a query, saves the page twice, writes the revision and the history
entries one by one. For a fresh import that is most of the time (docs/performance.md).

``write_new_pages`` writes the same rows for a batch of new pages under one parent: the
tree paths are numbered on from the parent's last child, the page rows and the specific
rows are inserted together, then the authors and tags, the first revisions, the
``wagtail.create`` history entries and, for live pages, the ``wagtail.publish`` ones and
the same ``page_published`` and ``published`` signals as ``revision.publish()`` sends. The
result is what ``add_child`` and ``save_revision`` (and the importer's ``mark_published``)
leave: a valid tree, a revision whose content is the page, one "created" entry, and one
"published" entry for a live page. The importer validates each page before it comes here
(``validate_new_page``), so what fails here is the database (say, a page added under the
same parent by an editor meanwhile, taking the next path): the importer then rolls the
batch back and writes its entries one by one, through ``add_child``.

Only new pages of one model under one parent, live or draft, come here; updates and
scheduled posts go through Wagtail's own ``save_revision`` and ``revision.publish()``.
"""

from collections import defaultdict

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import CharField, F, ForeignKey, OuterRef, Subquery
from django.db.models.constants import OnConflict
from django.db.models.functions import Cast
from django.utils import timezone
from modelcluster.models import get_all_child_relations
from wagtail.images import get_image_model
from wagtail.log_actions import get_active_log_context
from wagtail.models import Page, PageLogEntry, ReferenceIndex, Revision
from wagtail.signals import page_published, published

from cms.core.resolvers import rendering_with
from news.models import Disclaimer
from news.webhooks.events import endpoints_read_once


def validate_new_page(page):
    """Validate ``page`` as ``add_child`` would before it is written (``full_clean`` for a
    live page, the title and slug for a draft), without the queries: the importer picks
    the slug among the siblings it knows and sets every foreign key to a row it read or
    made itself, so the uniqueness and existence checks would only repeat what it did."""
    if page.live:
        # The tree fields are given in write_new_pages, next to the siblings.
        exclude = {"path", "depth", "numchild", "url_path", "draft_title"}
        exclude.update(
            field.name for field in page._meta.concrete_fields if isinstance(field, ForeignKey)
        )
        page.clean_fields(exclude=exclude)
    else:
        errors = {}
        for name in ("title", "slug"):
            try:
                setattr(page, name, page._meta.get_field(name).clean(getattr(page, name), page))
            except ValidationError as error:
                errors[name] = error.error_list
        if errors:
            raise ValidationError(errors)


def next_child_step(parent):
    """The number of the step after ``parent``'s last child in treebeard's path."""
    last = (
        Page.objects.filter(path__startswith=parent.path, depth=parent.depth + 1)
        .order_by("-path")
        .values_list("path", flat=True)
        .first()
    )
    return Page._str2int(last[-Page.steplen :]) + 1 if last else 1


def insert_rows(model, objs, fields=None, *, ignore_conflicts=False):
    """Insert ``objs`` into ``model``'s own table only: no parent rows, no signals, no ids
    read back (the objects keep ``pk`` None unless they had one). ``fields`` defaults to
    the table's columns but an automatic id.

    One statement is executed for every row (``executemany``): Django's ``bulk_create``
    builds a statement with a placeholder per value, compiled value by value, which costs
    more than the rows for the narrow, many-row tables of an import (a hundred posts
    make five hundred reference rows). For rows whose ids are needed afterwards, use
    ``bulk_create``."""
    if not objs:
        return
    if fields is None:
        opts = model._meta
        fields = [field for field in opts.local_concrete_fields if field is not opts.auto_field]
    insert_values(
        model,
        fields,
        [[field.pre_save(obj, True) for field in fields] for obj in objs],
        ignore_conflicts=ignore_conflicts,
    )


def insert_values(model, fields, rows, *, ignore_conflicts=False):
    """``insert_rows`` for ``rows`` of Python values, one per field of ``fields`` (no
    model objects made)."""
    if not rows:
        return
    ops = connection.ops
    on_conflict = OnConflict.IGNORE if ignore_conflicts else None
    columns = ", ".join(ops.quote_name(field.column) for field in fields)
    values = ", ".join(["%s"] * len(fields))
    sql = (
        f"{ops.insert_statement(on_conflict=on_conflict)} {ops.quote_name(model._meta.db_table)} "
        f"({columns}) VALUES ({values}) "
        f"{ops.on_conflict_suffix_sql(fields, on_conflict, None, None)}"
    )
    prepared = [
        [
            field.get_db_prep_save(value, connection)
            for field, value in zip(fields, row, strict=True)
        ]
        for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, prepared)


def write_new_pages(parent, pages):
    """Write ``pages`` (new, unsaved, of one specific model, each with ``live`` set and
    its fields and child relations assigned) as children of ``parent``, with a first
    revision each; returns the revisions, in order. See the module docstring."""
    if not pages:
        return []
    model = type(pages[0])
    now = timezone.now()
    content_type = ContentType.objects.get_for_model(model)
    page_type = ContentType.objects.get_for_model(Page)
    step = next_child_step(parent)
    depth = parent.depth + 1
    for number, page in enumerate(pages):
        page.depth = depth
        page.path = Page._get_path(parent.path, depth, step + number)
        page.numchild = 0
        page.url_path = f"{parent.url_path}{page.slug}/"
        page.draft_title = page.title
        page.locale_id = parent.locale_id
        page.content_type = content_type
        page.latest_revision_created_at = now

    # A new page has no children but those assigned to it: say so in memory, or each
    # relation left alone (Wagtail's admin comments, say) is read back from the database
    # once the page has an id, twice per page (below and in ``serializable_data``).
    relations = [relation.get_accessor_name() for relation in get_all_child_relations(model)]
    for page in pages:
        held = getattr(page, "_cluster_related_objects", {})
        for name in relations:
            if name not in held:
                setattr(page, name, [])

    # The page rows, then the specific rows with the ids they were given (read back by
    # path, which is unique).
    insert_rows(Page, pages)
    ids = dict(
        Page.objects.filter(path__in=[page.path for page in pages]).values_list("path", "pk")
    )
    for page in pages:
        page.id = page.page_ptr_id = ids[page.path]
        page._state.adding, page._state.db = False, connection.alias
    insert_rows(model, pages, model._meta.local_concrete_fields)
    Page.objects.filter(pk=parent.pk).update(numchild=F("numchild") + len(pages))
    parent.numchild += len(pages)  # treebeard's add_child reads it next

    # Authors, tags and any other child relation assigned in memory.
    for relation, name in zip(get_all_child_relations(model), relations, strict=True):
        children = []
        for page in pages:
            for child in getattr(page, name).all():
                setattr(child, relation.field.name, page)
                children.append(child)
        if children:
            relation.related_model.objects.bulk_create(children)

    revisions = [
        Revision(
            content_type=content_type,
            base_content_type=page_type,
            object_id=str(page.pk),
            content=page.serializable_data(),
            object_str=str(page),
            created_at=now,
        )
        for page in pages
    ]
    insert_rows(Revision, revisions)
    # Each page's only revision.
    ids = dict(
        Revision.objects.filter(
            base_content_type=page_type, object_id__in=[str(page.pk) for page in pages]
        ).values_list("object_id", "pk")
    )
    for revision in revisions:
        revision.id = ids[revision.object_id]
        revision._state.adding, revision._state.db = False, connection.alias
    for page, revision in zip(pages, revisions, strict=True):
        page.latest_revision = revision
        if page.live:
            page.live_revision = revision
    # Each page's only revision, in one statement per field (a CASE over hundreds of
    # ids costs more to compile than the update itself).
    first_revision = Subquery(
        Revision.objects.filter(
            base_content_type=page_type, object_id=Cast(OuterRef("pk"), CharField())
        ).values("pk")[:1]
    )
    ids = [page.pk for page in pages]
    Page.objects.filter(pk__in=ids).update(latest_revision=first_revision)
    Page.objects.filter(pk__in=[page.pk for page in pages if page.live]).update(
        live_revision=first_revision
    )

    context = get_active_log_context()  # as wagtail.log_actions.log() reads it
    entries = []
    for page, revision in zip(pages, revisions, strict=True):
        entry = {
            "page_id": page.pk,
            "content_type": content_type,
            "label": page.get_admin_display_title(),
            "timestamp": now,
            "user": context.user,
            "uuid": context.uuid,
            "content_changed": True,
            "data": {},
        }
        entries.append(PageLogEntry(action="wagtail.create", **entry))
        if page.live:
            entries.append(PageLogEntry(action="wagtail.publish", revision=revision, **entry))
    insert_rows(PageLogEntry, entries)

    with endpoints_read_once():
        for page, revision in zip(pages, revisions, strict=True):
            if page.live:
                page_published.send(sender=model, instance=page, revision=revision)
                published.send(sender=model, instance=page, revision=revision)
    return revisions


class ChoosersAsWagtail:
    """What Newsdesk's chooser blocks ask of the resolver inside ``rendering_with``
    (cms.core.blocks.choosers, news.blocks.disclaimer), answered as Wagtail's own
    ``bulk_to_python`` answers, for every page and snippet whoever may see it, but with
    each image read once rather than once per body: the references of a thousand posts
    showing the same twenty pictures are extracted with twenty image lookups. An
    importer keeps one for its run (an image deleted meanwhile would still be recorded
    as referenced, as it would by a save a moment earlier)."""

    def __init__(self):
        self.images = {}

    def image_models(self, image_ids):
        missing = {pk for pk in image_ids if pk} - self.images.keys()
        if missing:
            found = get_image_model().objects.in_bulk(missing)
            self.images.update({pk: found.get(pk) for pk in missing})
        return [self.images.get(pk) for pk in image_ids]

    def visible_pages(self, page_ids):
        return Page.objects.in_bulk([pk for pk in page_ids if pk])

    def disclaimer_models(self, disclaimer_ids):
        found = Disclaimer.objects.in_bulk([pk for pk in disclaimer_ids if pk])
        return [found.get(pk) for pk in disclaimer_ids]


def index_references(objects, choosers=None):
    """``ReferenceIndex.create_or_update_for_object`` for each of ``objects`` (one model),
    with the existing rows read in one query, the new ones inserted together and the
    stale ones deleted in one statement, instead of three statements per object.
    The references themselves are extracted by Wagtail, as on every save, with the
    chooser blocks' objects from ``choosers`` (a ``ChoosersAsWagtail``, a new one when
    None)."""
    if not objects:
        return
    model = type(objects[0])
    content_types = [
        ContentType.objects.get_for_model(cls, for_concrete_model=False)
        for cls in [model, *model._meta.get_parent_list()]
    ]
    content_type, base_content_type = content_types[0], content_types[-1]
    known_types = {ct.pk for ct in content_types}
    with rendering_with(choosers or ChoosersAsWagtail()):
        found = {
            obj.pk: set(ReferenceIndex._extract_references_from_object(obj)) for obj in objects
        }
    existing = defaultdict(dict)  # object id -> {reference: (content type id, row id)}
    rows = ReferenceIndex.objects.filter(
        base_content_type=base_content_type, object_id__in=[str(pk) for pk in found]
    ).values_list(
        "id",
        "object_id",
        "content_type_id",
        "to_content_type",
        "to_object_id",
        "model_path",
        "content_path",
    )
    for row_id, object_id, type_id, *reference in rows:
        existing[object_id][tuple(reference)] = (type_id, row_id)
    new, stale = [], []
    for pk, references in found.items():
        there = existing.get(str(pk), {})
        for to_type, to_id, model_path, content_path in references - set(there):
            new.append(
                (
                    content_type.pk,
                    base_content_type.pk,
                    str(pk),
                    to_type,
                    to_id,
                    model_path,
                    content_path,
                    ReferenceIndex._get_content_path_hash(content_path),
                )
            )
        # As Wagtail: a row recorded under a more specific model than this one is kept.
        stale += [
            row_id
            for reference, (type_id, row_id) in there.items()
            if reference not in references and type_id in known_types
        ]
    columns = [
        "content_type",
        "base_content_type",
        "object_id",
        "to_content_type",
        "to_object_id",
        "model_path",
        "content_path",
        "content_path_hash",
    ]
    insert_values(
        ReferenceIndex,
        [ReferenceIndex._meta.get_field(name) for name in columns],
        new,
        ignore_conflicts=connection.features.supports_ignore_conflicts,
    )
    if stale:
        ReferenceIndex.objects.filter(id__in=stale).delete()
