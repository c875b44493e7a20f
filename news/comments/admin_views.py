"""One-click comment moderation in the admin (the comment viewset, news/comments/wagtail_hooks.py).

- Each row of the Comments listing, and each comment's inspect view, has Approve, Reject
  and Spam buttons (those that would change its status): one click, no confirmation page.
  They POST to ``moderate`` (``/admin/comments/moderate/<pk>/<status>/``), which needs the
  "change" permission on comments (moderators), records who moderated (the comment's
  history) and goes back where the moderator was.
- The listing opens on Pending comments, with a tab per status and its count; "All" shows
  every status. The counts follow the listing's other filters (page, search). A search
  without a chosen status looks through every status (someone looking for a comment
  rarely knows whether it was approved); the tabs then narrow it.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpResponseNotAllowed
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from wagtail.admin import messages
from wagtail.admin.ui.tables import Column
from wagtail.permissions import policy_registry
from wagtail.snippets.views.snippets import IndexView, InspectView

from news.comments.models import Comment
from news.comments.moderation import ADMIN_URL_NAMESPACE

# The buttons, in the order shown: (status, button label, what the message says it became).
MODERATION_ACTIONS = [
    (Comment.Status.APPROVED, _("Approve"), _("approved")),
    (Comment.Status.REJECTED, _("Reject"), _("rejected")),
    (Comment.Status.SPAM, _("Spam"), _("marked as spam")),
]
DONE = {status: done for status, _label, done in MODERATION_ACTIONS}
# The status the listing shows when none is asked for ("status=" asks for all of them).
DEFAULT_STATUS = Comment.Status.PENDING


def may_moderate(user):
    return policy_registry.get_by_type(Comment).user_has_permission(user, "change")


def listing_status(query):
    """The status the listing shows for the query string ``query`` ("" for all)."""
    if "status" not in query:
        return "" if (query.get("q") or "").strip() else DEFAULT_STATUS
    status = query.get("status")
    return status if status in Comment.Status.values else ""


def comments_matching(query, *, status=True):
    """The comments the listing shows for ``query`` (its page, search and, unless
    ``status=False``, status filter): for "select all" bulk actions and the tab counts."""
    queryset = Comment.objects.all()
    if status and listing_status(query):
        queryset = queryset.filter(status=listing_status(query))
    page = query.get("page")
    if page and page.isdigit():
        queryset = queryset.filter(page_id=int(page))
    search = (query.get("q") or "").strip()
    if search:
        queryset = queryset.filter(
            Q(author_name__icontains=search)
            | Q(author_email__icontains=search)
            | Q(body__icontains=search)
        )
    return queryset


def listing_url(query=None):
    """The listing's address with the filters in ``query`` (a QueryDict), leaving out the
    marker of the admin's filter refreshes."""
    url = reverse(f"{ADMIN_URL_NAMESPACE}:list")
    if query:
        query = query.copy()
        query.pop("_w_filter_fragment", None)
    return f"{url}?{query.urlencode()}" if query else url


def moderation_buttons(comment, request, next_url):
    """The buttons that would change ``comment``'s status, each a POST form's data."""
    return [
        {
            "url": reverse(f"{ADMIN_URL_NAMESPACE}:moderate", args=(comment.pk, status)),
            "label": label,
            "status": status,
            "aria_label": f"{label}: comment by {comment.author_name}",
            "csrf_token": get_token(request),
            "next": next_url,
        }
        for status, label, _done in MODERATION_ACTIONS
        if status != comment.status
    ]


def moderate(request, pk, status):
    """Give one comment ``status`` (POST), then go back to ``next`` (or the listing)."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if status not in DONE:
        raise Http404("No such moderation action")
    comment = get_object_or_404(Comment, pk=pk)
    policy = policy_registry.get_by_type(Comment)
    if not policy.user_has_permission_for_instance(request.user, "change", comment):
        raise PermissionDenied
    changed = comment.set_status(status, user=request.user)
    done = DONE[status]
    if changed:
        messages.success(request, f"Comment by {comment.author_name} {done}.")
    else:
        messages.warning(request, f"The comment by {comment.author_name} was already {done}.")
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = listing_url()
    return redirect(next_url)


class ModerateColumn(Column):
    """The row's Approve / Reject / Spam buttons (for moderators)."""

    cell_template_name = "news/comments/admin/moderate_cell.html"

    def __init__(self, next_url, **kwargs):
        super().__init__("moderate", label=_("Moderate"), **kwargs)
        self.next_url = next_url

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["buttons"] = moderation_buttons(instance, context["request"], self.next_url)
        return context


class CommentIndexView(IndexView):
    """The Comments listing: Pending first, a tab per status with its count, and the
    moderation buttons on each row."""

    def get_filterset_kwargs(self):
        kwargs = super().get_filterset_kwargs()
        if "status" not in kwargs["data"]:
            kwargs["data"] = kwargs["data"].copy()
            kwargs["data"]["status"] = listing_status(kwargs["data"])
        return kwargs

    @cached_property
    def columns(self):
        columns = super().columns
        if may_moderate(self.request.user):
            # Back to this listing (not its results fragment) with the same filters.
            columns = [*columns, ModerateColumn(listing_url(self.request.GET))]
        return columns

    def status_tabs(self):
        query = self.request.GET.copy()
        query.pop(self.page_kwarg, None)
        counts = dict(
            comments_matching(query, status=False)
            .order_by()
            .values_list("status")
            .annotate(count=Count("pk"))
        )
        current = listing_status(query)
        tabs = []
        for status, label in [*Comment.Status.choices, ("", _("All"))]:
            query["status"] = status
            tabs.append(
                {
                    "label": label,
                    "count": counts.get(status, 0) if status else sum(counts.values()),
                    "url": listing_url(query),
                    "current": status == current,
                }
            )
        return tabs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["status_tabs"] = self.status_tabs()
        return context


class CommentInspectView(InspectView):
    """A comment's details, with the moderation buttons above them."""

    template_name = "news/comments/admin/inspect.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if may_moderate(self.request.user):
            context["moderation_buttons"] = moderation_buttons(
                self.object, self.request, self.request.get_full_path()
            )
        return context
