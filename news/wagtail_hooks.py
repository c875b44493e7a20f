"""Admin registration for the news snippets, and page-serving hooks."""

from django.http import Http404
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from news.freshness.versions import depends_on_page
from news.models import Author, Disclaimer
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
