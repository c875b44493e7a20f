"""The editors' "New post" shortcut: in the admin menu and on the dashboard.

A post is added under a news index. With one index the editor may add posts to (the usual
case), "New post" opens the editor for a new post there; with several, a page asks which
section it is for; with none, the shortcut is not shown (and the address says why).
Registered in news/wagtail_hooks.py.
"""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.views.generic import TemplateView
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from news.models import NewsIndexPage

NEW_POST_URL_NAME = "newsdesk_new_post"


def indexes_open_to(user):
    """The news indexes ``user`` may add posts to, in tree order (cached on the user for
    the request: the admin menu asks on every admin page)."""
    cached = getattr(user, "_newsdesk_post_indexes", None)
    if cached is None:
        cached = [
            index
            for index in NewsIndexPage.objects.order_by("path")
            if index.permissions_for_user(user).can_add_subpage()
        ]
        user._newsdesk_post_indexes = cached
    return cached


def add_post_url(index):
    return reverse("wagtailadmin_pages:add", args=("news", "newspage", index.pk))


class NewPostView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "news/admin/new_post.html"
    page_title = "New post"
    header_icon = "doc-full-inverse"

    def get(self, request, *args, **kwargs):
        indexes = indexes_open_to(request.user)
        if len(indexes) == 1:
            return redirect(add_post_url(indexes[0]))
        if not indexes:
            messages.error(
                request,
                "You may not add posts to any news section. Ask an administrator to add "
                "you to the Editors group.",
            )
            return redirect("wagtailadmin_home")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["choices"] = [
            {"index": index, "url": add_post_url(index)}
            for index in indexes_open_to(self.request.user)
        ]
        return context


class NewPostMenuItem(MenuItem):
    def is_shown(self, request):
        return bool(indexes_open_to(request.user))


def new_post_menu_item():
    return NewPostMenuItem("New post", reverse(NEW_POST_URL_NAME), icon_name="plus", order=50)


class NewPostPanel(Component):
    """A "New post" button at the top of the dashboard, for those who may write one."""

    name = "new_post"
    template_name = "news/admin/new_post_panel.html"
    order = 10

    def get_context_data(self, parent_context):
        return {"url": reverse(NEW_POST_URL_NAME)}
