"""Newsdesk's page permission rules on top of Wagtail's.

Wagtail lets anyone with publish permission delete live pages. In Newsdesk, taking a
story down is unpublishing it (which keeps its history and can be undone); deleting a
page that readers can see or ever saw (published once, since unpublished), or that has
such pages under it, is for administrators only: otherwise unpublishing and then
deleting would remove a published story in two steps. Drafts that never went live can
be deleted by whoever may delete them in Wagtail.
Every Newsdesk page type uses ``NewsdeskPermissionsMixin``, so the admin's delete button,
delete view and bulk delete, and any API asking ``page.permissions_for_user``, agree.
"""

from django.db.models import Q
from wagtail.models import PagePermissionTester


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
