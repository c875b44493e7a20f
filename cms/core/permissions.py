"""Newsdesk's page permission rules on top of Wagtail's.

Wagtail lets anyone with publish permission delete live pages. In Newsdesk, taking a
story down is unpublishing it (which keeps its history and can be undone); deleting a
page that readers can see or ever saw (published once, since unpublished), or that has
such pages under it, is for administrators only: otherwise unpublishing and then
deleting would remove a published story in two steps. Drafts that never went live can
be deleted by whoever may delete them in Wagtail.
Every Newsdesk page type uses ``NewsdeskPermissionsMixin``, so the admin's delete button,
delete view and bulk delete, and any API asking ``page.permissions_for_user``, agree.

The images and documents live pages use are theirs too: deleting one or replacing its
file is for those who may publish the pages ("Files live pages use", below).
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Exists, OuterRef, Q
from django.db.models.functions import Cast
from wagtail.actions.delete import DeleteAction
from wagtail.contrib.settings.registry import registry as settings_registry
from wagtail.models import Page, PagePermissionTester, ReferenceIndex, Site
from wagtail.permission_policies.collections import CollectionOwnershipPermissionPolicy
from wagtail.permissions import policy_registry


class NewsdeskPagePermissionTester(PagePermissionTester):
    def can_delete(self, ignore_bulk=False):
        if not super().can_delete(ignore_bulk=ignore_bulk):
            return False
        if self.user.is_superuser:
            return True
        subtree = self.page.get_descendants(inclusive=True)
        return not subtree.filter(Q(live=True) | Q(first_published_at__isnull=False)).exists()

    def can_move(self):
        """Wagtail's rule for moving (its delete rule, before Newsdesk's stricter one):
        moving keeps a page and its history, so moderators may still move posts."""
        return PagePermissionTester.can_delete(self, ignore_bulk=True)


class NewsdeskPermissionsMixin:
    def permissions_for_user(self, user):
        return NewsdeskPagePermissionTester(user, self)


# Files live pages use ----------------------------------------------------------------------
#
# Images and documents are shared: one photo can be the lead image of several posts. In
# Wagtail, whoever may edit a file may also delete it or upload a new file over it, and
# Editors may edit every file, so an editor could change live posts without review.
# Newsdesk's rule: **a file that live pages use is part of their live content**, so
# deleting it or replacing its file takes the right to publish every one of those pages
# (Moderators and administrators; editors go through review: they upload a new file and
# choose it in a draft). Editing its title, alt text, tags or focal point stays with
# whoever may edit it, and a file no live page uses stays theirs to delete or replace.
#
# "Uses" comes from Wagtail's reference index, which records what each page's database row
# refers to: its own fields (a lead image), StreamField blocks (image blocks) and rich text
# (images and links to documents), and its inline objects. Wagtail keeps a live page's row
# at its *live* content (a draft of a live page waits in a revision until it is
# published), so the index speaks for what readers see: a file added in a draft does not
# count until the draft is published, one the draft removed still counts. A page also uses
# what the snippets it shows use (an author's photo in its byline).
#
# The rule is enforced in three places, which together cover every way to delete or
# replace a file: the permission policy (``LiveFilePermissionPolicy``: the admin's delete
# view and button, bulk delete, the multiple-upload page), the delete action
# (``LiveFileDeleteAction``: API v3's ``DELETE``, with the reason) and the edit form
# (``LiveFileFormMixin``: a new file uploaded over the old one; news/compat.py, 13).
# API v3 cannot replace a file (Wagtail 8's PATCH takes no ``file``).


def indexed_content_type(model):
    """The content type the reference index files ``model``'s objects under: that of the
    model holding the primary key (``Page`` for every page type), as Wagtail does."""
    parents = model._meta.get_parent_list()
    return ContentType.objects.get_for_model(parents[-1] if parents else model)


def page_content_type():
    return indexed_content_type(Page)


def as_text(field="pk"):
    """``field`` as text: the reference index keeps object ids as strings."""
    return Cast(field, output_field=CharField())


def pages_using(file):
    """Ids of the pages that use ``file`` (an image or document): pages referring to it,
    and pages referring to a snippet that refers to it. One query."""
    page_type = page_content_type()
    to_file = ReferenceIndex.get_references_to(file)
    holders = to_file.exclude(base_content_type=page_type).filter(
        base_content_type=OuterRef("to_content_type"), object_id=OuterRef("to_object_id")
    )
    references = ReferenceIndex.objects.filter(base_content_type=page_type).filter(
        Q(pk__in=to_file.values("pk")) | Q(Exists(holders))
    )
    return {int(pk) for pk in references.values_list("object_id", flat=True).distinct()}


def site_wide_holders():
    """What the site settings point at (``(content type id, id as text)`` pairs), such as
    the site-wide default disclaimer: shown on every page, as a page's snippets are on
    it. Settings are not in Wagtail's reference index, so their foreign keys are read
    directly: a query per such field, over a row per site."""
    held = set()
    for setting in settings_registry:
        for field in setting._meta.concrete_fields:
            related = field.related_model
            if not field.many_to_one or related is None or issubclass(related, (Page, Site)):
                continue  # a page shows its own files, as readers may see it
            content_type = indexed_content_type(field.related_model).pk
            values = setting.objects.exclude(**{field.attname: None})
            held |= {
                (content_type, str(pk)) for pk in values.values_list(field.attname, flat=True)
            }
    return held


def site_wide_file_keys(model):
    """The ``model`` files (text ids, the index's type) the site settings use, directly
    or through what they point at (a document linked from the default disclaimer)."""
    held = site_wide_holders()
    file_type = indexed_content_type(model).pk
    keys = {object_id for content_type, object_id in held if content_type == file_type}
    holders = Q()
    for content_type, object_id in held:
        holders |= Q(base_content_type_id=content_type, object_id=object_id)
    if holders:
        references = ReferenceIndex.objects.filter(holders, to_content_type_id=file_type)
        keys |= set(references.values_list("to_object_id", flat=True))
    return keys


def files_used_by(pages, model):
    """The ids (a subquery) of the ``model`` files (images or documents) that ``pages`` (a
    page queryset) use, as ``pages_using`` defines it, for filtering a listing in one
    query: ``model.objects.filter(pk__in=files_used_by(pages, model))``."""
    page_type = page_content_type()
    page_keys = pages.order_by().annotate(newsdesk_key=as_text()).values("newsdesk_key")
    shown_by_pages = ReferenceIndex.objects.filter(
        base_content_type=page_type,
        object_id__in=page_keys,
        to_content_type=OuterRef("base_content_type"),
        to_object_id=OuterRef("object_id"),
    )
    references = ReferenceIndex.objects.filter(to_content_type=indexed_content_type(model)).filter(
        Q(base_content_type=page_type, object_id__in=page_keys)
        | (~Q(base_content_type=page_type) & Q(Exists(shown_by_pages)))
    )
    # Compare as text, the index's type: casting the file's integer id always works, on
    # every database, where casting the index's strings would not.
    # What the site settings use shows on every page.
    site_wide = site_wide_file_keys(model)
    return (
        model._default_manager.annotate(newsdesk_key=as_text())
        .filter(
            Q(newsdesk_key__in=references.values("to_object_id")) | Q(newsdesk_key__in=site_wide)
        )
        .values("pk")
    )


def live_pages_using(file):
    """The live pages that use ``file`` (whether or not readers can see them: a page
    behind a login, or past its expiry time but not yet unpublished, is still live). A
    file the site settings use (the default disclaimer's) is on every live page."""
    if str(file.pk) in site_wide_file_keys(type(file)):
        return Page.objects.live()
    return Page.objects.live().filter(pk__in=pages_using(file))


def may_publish_all(user, pages):
    """True when ``user`` may publish every page in ``pages`` (a queryset)."""
    if not user.is_active:
        return False
    if user.is_superuser:
        return True
    policy = policy_registry.get_by_type(Page)
    if not policy.user_has_permission(user, "publish"):
        return False
    publishable = policy.instances_user_has_permission_for(user, "publish").values("pk")
    return not pages.exclude(pk__in=publishable).exists()


#: How many of the pages using a file a refusal names.
MAX_NAMED_PAGES = 3


def live_file_refusal(user, file, action="delete"):
    """Why ``user`` may not ``action`` ("delete" or "replace") ``file``, or None when they
    may: a live page uses it and they may not publish every such page."""
    if user.is_active and user.is_superuser:
        return None
    pages = live_pages_using(file)
    if not pages.exists() or may_publish_all(user, pages):
        return None
    kind = file._meta.verbose_name
    titles = list(pages.order_by("title").values_list("title", flat=True)[: MAX_NAMED_PAGES + 1])
    named = ", ".join(f"“{title}”" for title in titles[:MAX_NAMED_PAGES])
    if len(titles) > MAX_NAMED_PAGES:
        named += " and others"
    if action == "replace":
        what = f"replace its file. Upload the new file as a new {kind} and choose it instead"
    else:
        what = "delete it"
    return (
        f"Live pages use this {kind} ({named}): only someone who may publish them "
        f"(a moderator) can {what}."
    )


class LiveFilePermissionPolicy(CollectionOwnershipPermissionPolicy):
    """Wagtail's policy for images and documents (collections and ownership), with
    Newsdesk's rule for deleting a file live pages use. Registered in
    news/wagtail_hooks.py for the image and the document model."""

    def user_has_any_permission_for_instance(self, user, actions, instance):
        actions = set(actions)
        others = actions - {"delete"}
        if others and super().user_has_any_permission_for_instance(user, others, instance):
            return True
        if "delete" not in actions:
            return False
        return (
            super().user_has_any_permission_for_instance(user, {"delete"}, instance)
            and live_file_refusal(user, instance, "delete") is None
        )


def live_file_permission_policy(model):
    """A ``LiveFilePermissionPolicy`` set up as Wagtail sets up its own for ``model``."""
    return LiveFilePermissionPolicy(
        model, auth_model=model._meta.label, owner_field_name="uploaded_by_user"
    )


class LiveFileDeleteAction(DeleteAction):
    """Wagtail's delete action for images and documents, refusing a file live pages use
    with the reason (API v3 answers 403 with it as the ``message``). The admin checks the
    policy itself and runs actions without their checks."""

    def check(self, skip_permission_checks=False):
        if self.user and not skip_permission_checks:
            reason = live_file_refusal(self.user, self.instance, "delete")
            if reason:
                raise self.permission_error_class(reason)
        super().check(skip_permission_checks=skip_permission_checks)


class LiveFileFormMixin:
    """For Wagtail's image and document edit forms (put in front of them by
    news/compat.py, 13): a new file uploaded over one live pages use is a form error for
    a user who may not replace it, and the file field says so beforehand."""

    def __init__(self, *args, **kwargs):
        self.newsdesk_user = kwargs.get("user")  # Wagtail's form keeps it to itself
        super().__init__(*args, **kwargs)
        field = self.fields.get("file")
        if field is not None and self.replacement_refusal():
            field.help_text = (
                f"Live pages use this {self.instance._meta.verbose_name}: only a moderator "
                f"can replace its file or delete it."
            )

    def replacement_refusal(self):
        if not hasattr(self, "_newsdesk_refusal"):
            user = self.newsdesk_user
            self._newsdesk_refusal = (
                live_file_refusal(user, self.instance, "replace")
                if user is not None and self.instance.pk is not None
                else None
            )
        return self._newsdesk_refusal

    def clean(self):
        cleaned_data = super().clean()
        if "file" in self.changed_data and (reason := self.replacement_refusal()):
            self.add_error("file", reason)
        return cleaned_data
