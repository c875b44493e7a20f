"""Template helpers for reader comments (templates/news/comments/)."""

from django import template

from news.comments.rendering import body_html

register = template.Library()


@register.filter
def comment_body(text):
    """A comment's plain text as escaped HTML with line breaks and nofollow ugc links."""
    return body_html(text)
