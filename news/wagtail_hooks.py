"""Admin registration for the news snippets, the review and "New post" additions to the
admin (news/review.py, news/newsroom.py), the rule for files live pages use
(cms/core/permissions.py), and page-serving hooks."""

from django.http import Http404
from django.urls import path
from django.utils.html import format_html
from wagtail import hooks
from wagtail.admin.staticfiles import versioned_static
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from cms.core.permissions import LiveFileDeleteAction, live_file_permission_policy
from cms.core.rich_text import PreloadedPageLinkHandler
from news import newsroom, review
from news.freshness.versions import depends_on_page
from news.models import Author, Disclaimer
from news.selectors import files_for_request
from news.visibility import has_expired


class AuthorViewSet(SnippetViewSet):
    model = Author
    icon = "user"
    menu_label = "Authors"
    menu_order = 210
    add_to_admin_menu = True
    list_display = ["name", "bio"]
    search_fields = ["name"]


class DisclaimerViewSet(SnippetViewSet):
    model = Disclaimer
    icon = "warning"
    menu_label = "Disclaimers"
    list_display = ["title"]
    search_fields = ["title"]


register_snippet(AuthorViewSet)
register_snippet(DisclaimerViewSet)


# Files live pages use (cms/core/permissions.py) ------------------------------------------
#
# Deleting an image or document live pages use, or replacing its file, takes the right to
# publish those pages. The policy replaces Wagtail's for the two models everywhere Wagtail
# asks the policy registry (admin views, bulk actions, API v3). ``exact_class`` makes it
# win over the one Wagtail's images and documents apps register in their ``ready()``,
# whichever runs first.

for media_model in (get_image_model(), get_document_model()):
    register_permission_policy(
        media_model, live_file_permission_policy(media_model), exact_class=True
    )


@hooks.register("register_actions")
def live_file_delete_actions(registry):
    """API v3's DELETE of an image or document says why a file live pages use is refused."""
    for model in (get_image_model(), get_document_model()):
        registry.register(model, LiveFileDeleteAction)


# Reviewing posts (news/review.py) --------------------------------------------------------


@hooks.register("register_admin_viewset")
def register_news_page_views():
    return review.NewsPageViewSet("news_page")


hooks.register("construct_page_action_menu", review.review_first)


@hooks.register("register_rich_text_features", order=100)  # after Wagtail's own
def preloaded_page_links(features):
    """Links to pages in rich text from the response's resolver (cms/core/rich_text.py)."""
    features.register_link_type(PreloadedPageLinkHandler)


@hooks.register("construct_homepage_panels")
def review_queue_with_named_actions(request, panels):
    """Wagtail's "Awaiting your review" panel, replaced by one with named actions."""
    panels[:] = [
        review.ReviewQueuePanel() if panel.name == "workflow_objects_to_moderate" else panel
        for panel in panels
    ]


# "New post" (news/newsroom.py) -----------------------------------------------------------


@hooks.register("register_admin_urls")
def new_post_urls():
    return [
        path("newsdesk/new-post/", newsroom.NewPostView.as_view(), name=newsroom.NEW_POST_URL_NAME)
    ]


@hooks.register("register_admin_menu_item")
def new_post_menu_item():
    return newsroom.new_post_menu_item()


@hooks.register("construct_homepage_panels")
def new_post_on_the_dashboard(request, panels):
    if newsroom.indexes_open_to(request.user):
        panels.insert(0, newsroom.NewPostPanel())


@hooks.register("insert_global_admin_css")
def newsdesk_admin_css():
    return format_html(
        '<link rel="stylesheet" href="{}">', versioned_static("cms/admin/admin.css")
    )


@hooks.register("before_serve_document")
def refuse_unpublished_documents(document, request):
    """A document only drafts, scheduled, expired or restricted posts link to is not
    served to readers (404), as the documents API does not list it: its address
    (``/documents/<id>/<name>``) is easy to guess by counting ids, and the file could give
    a story away before it is out. People who work with the media library in the admin
    get every document, and Wagtail's private collections still apply on top."""
    if not files_for_request(request, type(document).objects.filter(pk=document.pk)).exists():
        raise Http404("No document here")


@hooks.register("before_serve_page")
def refuse_expired_pages(page, request, serve_args, serve_kwargs):
    """A page past its expiry time is gone for readers at once, not when the worker runs
    (news/visibility.py). The worker (``run_worker``) unpublishes it shortly after."""
    if has_expired(page):
        raise Http404("This page has expired")


@hooks.register("before_serve_page")
def declare_cache_dependencies(page, request, serve_args, serve_kwargs):
    """Tell the response cache (news/freshness/middleware.py) what this page view shows.

    An article or standard page is one page's detail; the home page and news indexes list
    posts (``lists_posts``, cms/core/pages.py), so they stay tagged as listings.

    Pages behind a password or login need nothing here: Wagtail answers a reader who has
    not unlocked them with a login redirect or a password form marked ``private,
    no-cache``, neither of which is stored, and a reader who has unlocked them carries a
    session cookie, which bypasses the shared cache (tests/news/test_freshness.py).
    """
    if not getattr(page, "lists_posts", False):
        depends_on_page(request, page)
