"""The base of every Newsdesk page type.

``NewsdeskPage`` gathers what every page type shares:

- Newsdesk's delete rule (``cms.core.permissions``) and headless preview
  (``cms.core.preview``);
- ``lists_posts``: whether the page's reader view lists posts (home page, news index) or
  shows one page's own content (an article, a standard page). The response cache tags
  what it stores by this (news/freshness/);
- the reader context. A page model says what a page holds; what readers are shown with it
  (the published posts of an index, the posts either side of an article) needs the
  reader-visibility rule and the selectors, which sit above the content layer and which
  models therefore never import. The views layer registers a context function per page
  type instead, and ``get_context`` calls it::

      # news/views.py
      @reader_context.register(NewsIndexPage)
      def news_index_context(page, request, context, *, tag=None, month=None): ...

  ``reader_context`` is a ``functools.singledispatch`` function: the function registered
  for the nearest class in the page's MRO is used; a page type with none gets Wagtail's
  context unchanged. The apps' ``AppConfig.ready()`` import their views modules, so the
  registrations are in place before any page is served or previewed.
"""

from functools import singledispatch

from cms.core.permissions import NewsdeskPermissionsMixin
from cms.core.preview import NewsdeskPreviewMixin


@singledispatch
def reader_context(page, request, context, **kwargs):
    """The template context of ``page`` for readers: ``context`` is Wagtail's (page,
    self, request); ``kwargs`` are what the page's route passed (e.g. ``tag=``)."""
    return context


class NewsdeskPage(NewsdeskPermissionsMixin, NewsdeskPreviewMixin):
    """Mixed into every Newsdesk page type, before ``wagtail.models.Page``."""

    #: True for pages whose reader view lists posts (see the module docstring).
    lists_posts = False

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args)
        return reader_context(self, request, context, **kwargs)
