"""Comment moderation in the Wagtail admin.

- Comments (its own menu item, ``/admin/comments/``): a listing that opens on Pending
  comments, with a tab per status and its count, filters by status and by page (news
  posts and standard pages alike) and a search,
  newest first; Approve, Reject and Spam in one click on each row and in each comment's
  inspect view (news/comments/admin_views.py); bulk Approve, Reject, Mark as spam and
  Delete.
- Who may do what is Django model permissions (granted by news/migrations/0005, kept
  when the model moved to this app):
  Moderators view, change (moderate, edit) and delete; Editors only view (the listing
  and each comment's details). Nobody adds comments in the admin: they come from readers.
- The dashboard shows how many comments wait for moderation, linking to them.
"""

import django_filters
from django.core.exceptions import ValidationError
from django.urls import path, reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column, DateColumn, StatusTagColumn
from wagtail.log_actions import LogFormatter
from wagtail.models import Page
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import policy_registry, register_permission_policy
from wagtail.snippets.bulk_actions.snippet_bulk_action import SnippetBulkAction
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from news.comments import admin_views
from news.comments.admin_views import comments_matching, may_moderate
from news.comments.models import MODERATE_LOG_ACTION, Comment
from news.comments.moderation import ADMIN_URL_NAMESPACE


class CommentPermissionPolicy(ModelPermissionPolicy):
    """Model permissions, except that nobody adds comments in the admin."""

    def user_has_permission(self, user, action):
        if action == "add":
            return False
        return super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        return super().users_with_any_permission([a for a in actions if a != "add"])


register_permission_policy(Comment, CommentPermissionPolicy(Comment))


def may_see_comments(user):
    return policy_registry.get_by_type(Comment).user_has_any_permission(
        user, {"view", "change", "delete"}
    )


def commented_pages(request):
    """The posts and standard pages that have comments, for the listing's page filter."""
    return Page.objects.filter(pk__in=Comment.objects.values("page_id")).order_by("title")


class CommentFilterSet(WagtailFilterSet):
    # Pending unless another status (or "Any status") is asked for: the listing's default
    # (admin_views.CommentIndexView), so it shows no "Status: Pending" filter pill.
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=Comment.Status.choices,
        empty_label=_("Any status"),
        initial=admin_views.DEFAULT_STATUS,
    )
    page = django_filters.ModelChoiceFilter(
        label=_("Page"), queryset=commented_pages, empty_label=_("Any page")
    )

    class Meta:
        model = Comment
        fields = ["status", "page"]


class CommentAdminForm(WagtailAdminModelForm):
    """Records who changed a comment's status, and when."""

    def clean_author_url(self):
        url = self.cleaned_data.get("author_url", "")
        if url and not url.lower().startswith(("http://", "https://")):
            raise ValidationError(_("Enter a web address starting with http:// or https://."))
        return url

    def save(self, commit=True):
        if "status" in self.changed_data:
            self.instance.moderated_at = timezone.now()
            self.instance.moderated_by = self.for_user
        return super().save(commit=commit)


def excerpt(comment):
    return Truncator(" ".join(comment.body.split())).chars(140)


class CommentViewSet(SnippetViewSet):
    model = Comment
    icon = "comment"
    menu_label = _("Comments")
    menu_order = 215
    add_to_admin_menu = True
    url_prefix = "comments"
    url_namespace = ADMIN_URL_NAMESPACE
    add_to_reference_index = False
    copy_view_enabled = False
    index_view_class = admin_views.CommentIndexView
    index_results_template_name = "news/comments/admin/index_results.html"  # status tabs
    inspect_view_class = admin_views.CommentInspectView
    inspect_view_enabled = True
    inspect_view_fields = [
        "page",
        "parent",
        "author_name",
        "author_email",
        "author_url",
        "body",
        "status",
        "submitted_at",
        "ip_address",
        "user_agent",
        "source_id",
        "moderated_at",
        "moderated_by",
    ]
    filterset_class = CommentFilterSet
    search_fields = ["author_name", "author_email", "body"]
    search_backend_name = None  # plain database search: comments are not indexed
    ordering = ["-submitted_at", "-pk"]
    list_display = [
        "author_name",
        Column("excerpt", label=_("Comment"), accessor=excerpt),
        Column("page", label=_("Page")),
        StatusTagColumn(
            "get_status_display",
            label=_("Status"),
            sort_key="status",
            primary=lambda comment: comment.status == Comment.Status.PENDING,
        ),
        DateColumn("submitted_at", label=_("Submitted"), sort_key="submitted_at"),
    ]
    edit_handler = ObjectList(
        [
            FieldPanel("status"),
            MultiFieldPanel(
                [
                    FieldPanel("page", read_only=True),
                    FieldPanel("parent", read_only=True),
                    FieldRowPanel(
                        [
                            FieldPanel("submitted_at", read_only=True),
                            FieldPanel("ip_address", read_only=True),
                        ]
                    ),
                ],
                heading=_("Where and when"),
            ),
            FieldPanel("author_name"),
            FieldPanel("author_email"),
            FieldPanel("author_url"),
            FieldPanel("body"),
        ],
        base_form_class=CommentAdminForm,
    )

    def get_queryset(self, request):
        return Comment.objects.select_related("page", "parent")

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path(
                "moderate/<int:pk>/<slug:status>/",
                admin_views.moderate,
                name="moderate",
            ),
        ]


register_snippet(CommentViewSet)


# Bulk moderation ---------------------------------------------------------------------


class ModerateBulkAction(SnippetBulkAction):
    """Give the selected comments one status (see CommentQuerySet.moderate)."""

    models = [Comment]
    template_name = "news/comments/admin/confirm_bulk_moderate.html"
    status = None
    done_label = ""

    def check_perm(self, comment):
        return self.permission_policy.user_has_permission_for_instance(
            self.request.user, "change", comment
        )

    def get_all_objects_in_listing_query(self, parent_id):
        # "Select all" acts on what the listing's filters and search show (the admin's
        # JavaScript passes the listing's query string on).
        return comments_matching(self.request.GET).values_list("pk", flat=True)

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "action_label": self.display_name,
            "status_label": Comment.Status(self.status).label,
        }

    def get_execution_context(self):
        return {**super().get_execution_context(), "user": self.request.user}

    @classmethod
    def execute_action(cls, objects, user=None, **kwargs):
        changed = Comment.objects.filter(pk__in=[comment.pk for comment in objects]).moderate(
            cls.status, user=user
        )
        return changed, 0

    def get_success_message(self, num_parent_objects, num_child_objects):
        if not num_parent_objects:
            return _("No comments changed: they were all %(status)s already.") % {
                "status": self.done_label
            }
        return ngettext(
            "%(count)d comment %(status)s.",
            "%(count)d comments %(status)s.",
            num_parent_objects,
        ) % {"count": num_parent_objects, "status": self.done_label}


class ApproveBulkAction(ModerateBulkAction):
    display_name = _("Approve")
    action_type = "approve"
    aria_label = _("Approve selected comments")
    action_priority = 10
    status = Comment.Status.APPROVED
    done_label = _("approved")


class RejectBulkAction(ModerateBulkAction):
    display_name = _("Reject")
    action_type = "reject"
    aria_label = _("Reject selected comments")
    action_priority = 20
    status = Comment.Status.REJECTED
    done_label = _("rejected")


class SpamBulkAction(ModerateBulkAction):
    display_name = _("Mark as spam")
    action_type = "spam"
    aria_label = _("Mark selected comments as spam")
    action_priority = 25
    status = Comment.Status.SPAM
    done_label = _("marked as spam")


for action_class in (ApproveBulkAction, RejectBulkAction, SpamBulkAction):
    hooks.register("register_bulk_action", action_class)


@hooks.register("register_log_actions")
def register_comment_log_actions(actions):
    @actions.register_action(MODERATE_LOG_ACTION)
    class ModerateComment(LogFormatter):
        label = _("Moderate comment")

        def format_message(self, log_entry):
            status = (log_entry.data or {}).get("status", "")
            labels = dict(Comment.Status.choices)
            return _("Status set to %(status)s") % {"status": labels.get(status, status)}


# Dashboard ---------------------------------------------------------------------------


class PendingCommentsPanel(Component):
    name = "pending_comments"
    template_name = "news/comments/admin/dashboard_panel.html"
    order = 90

    def get_context_data(self, parent_context):
        request = parent_context["request"]
        return {
            "pending_count": Comment.objects.filter(status=Comment.Status.PENDING).count(),
            "pending_url": reverse(f"{ADMIN_URL_NAMESPACE}:list") + "?status=pending",
            "may_moderate": may_moderate(request.user),
        }


@hooks.register("construct_homepage_panels")
def add_pending_comments_panel(request, panels):
    if may_see_comments(request.user):
        panels.append(PendingCommentsPanel())
