"""Template helpers for reader comments: ``{% load comment_tags %}``.

- ``{% comment_section %}`` in an article template draws the comments and the form
  under the post (``comment_form`` in the context, when set, is a submitted form to show
  again with its errors); ``{% comment_section optional=True %}`` in the standard page
  template draws it only when there is something to show;
- ``{{ comment.body|comment_body }}``: a comment's plain text as safe HTML;
- ``{{ comment.submitted_at|datetime_attribute }}``: a ``<time datetime>`` value.
"""

import datetime

from django import template
from django.utils import timezone

from news.comments.representation import body_html
from news.comments.views import comments_context

register = template.Library()


@register.inclusion_tag("news/comments/section.html", takes_context=True)
def comment_section(context, optional=False):
    """The comment section of ``page``. ``optional=True`` (standard pages) draws nothing
    when the page has no comment to show and takes none: an About page with comments
    off needs no empty "Comments" heading saying they are closed."""
    page, request = context["page"], context["request"]
    section = comments_context(page, request, form=context.get("comment_form"))
    shown = not optional or bool(section["comment_threads"]) or not section["comments_closed"]
    return {"page": page, "request": request, "comment_section_shown": shown, **section}


@register.filter
def comment_body(text):
    """A comment's plain text as escaped HTML with line breaks and nofollow ugc links."""
    return body_html(text)


@register.filter
def datetime_attribute(value):
    """``value`` as a valid HTML ``<time datetime>``: whole seconds with the UTC offset
    (``2026-03-10T14:05:09+00:00``), in the site's time zone. Django's ``date:"c"`` writes
    microseconds, which HTML does not allow (at most three fraction digits)."""
    if not isinstance(value, datetime.datetime):
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.replace(microsecond=0).isoformat()
