"""Template helpers for reader comments: ``{% load comment_tags %}``.

- ``{% comment_section %}`` in an article template draws the comments and the form
  under the post (``comment_form`` in the context, when set, is a submitted form to show
  again with its errors);
- ``{{ comment.body|comment_body }}``: a comment's plain text as safe HTML.
"""

from django import template

from news.comments.representation import body_html
from news.comments.views import comments_context

register = template.Library()


@register.inclusion_tag("news/comments/section.html", takes_context=True)
def comment_section(context):
    page, request = context["page"], context["request"]
    return {
        "page": page,
        "request": request,
        **comments_context(page, request, form=context.get("comment_form")),
    }


@register.filter
def comment_body(text):
    """A comment's plain text as escaped HTML with line breaks and nofollow ugc links."""
    return body_html(text)
