"""Admin registration for the news snippets, and page-serving hooks."""

from django.http import Http404
from django.utils import timezone
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from news.models import Author, Disclaimer


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


@hooks.register("register_admin_viewset")
def register_webhooks_admin():
    from news.webhooks.admin import WebhooksViewSetGroup

    return WebhooksViewSetGroup()


@hooks.register("before_serve_page")
def refuse_expired_pages(page, request, serve_args, serve_kwargs):
    """A page past its expiry time is gone for readers at once, not when the worker runs.

    The worker (``run_worker``) unpublishes it shortly after; until then this keeps the
    expired page from being served. Listings already leave it out (published_news).
    """
    if page.expire_at is not None and page.expire_at <= timezone.now():
        raise Http404("This page has expired")


@hooks.register("before_serve_page")
def declare_cache_dependencies(page, request, serve_args, serve_kwargs):
    """Tell the response cache (cms/middleware.py) what this page view shows.

    An article or standard page is one page's detail; indexes and the home page list
    posts, so they stay tagged as listings.

    Pages behind a password or login need nothing here: Wagtail answers a reader who has
    not unlocked them with a login redirect or a password form marked ``private,
    no-cache``, neither of which is stored, and a reader who has unlocked them carries a
    session cookie, which bypasses the shared cache (tests/news/test_freshness.py).
    """
    from home.models import HomePage
    from news import freshness
    from news.models import NewsIndexPage

    if not isinstance(page, (HomePage, NewsIndexPage)):
        freshness.depends_on_page(request, page)


# Comment moderation lives with the comments; Wagtail only discovers this module.
from news.comments import wagtail_hooks as comment_hooks  # noqa: E402, F401
from news.importers import wagtail_hooks as import_hooks  # noqa: E402, F401
