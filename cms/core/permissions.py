"""Newsdesk's page permission rules on top of Wagtail's.

Wagtail lets anyone with publish permission delete live pages. In Newsdesk, taking a
story down is unpublishing it (which keeps its history and can be undone); deleting a
page that readers can see, or that has live pages under it, is for administrators only.
Every Newsdesk page type uses ``NewsdeskPermissionsMixin``, so the admin's delete button,
delete view and bulk delete, and any API asking ``page.permissions_for_user``, agree.
"""

from wagtail.models import PagePermissionTester


class NewsdeskPagePermissionTester(PagePermissionTester):
    def can_delete(self, ignore_bulk=False):
        if not super().can_delete(ignore_bulk=ignore_bulk):
            return False
        if self.user.is_superuser:
            return True
        return not self.page.get_descendants(inclusive=True).live().exists()


class NewsdeskPermissionsMixin:
    def permissions_for_user(self, user):
        return NewsdeskPagePermissionTester(user, self)
