"""Links to author pages: ``{% load author_tags %}``.

- ``{% author_link author %}``: the author's name, linked to their page under the news
  index (``/news/authors/<slug>/``, news.selectors.author_page_path), or the name alone
  when the site has no news index. Bylines in articles and listing cards use it.

Bylines are inside stored pieces (``{% render_once %}``); an author's new name or slug
shows in them because saving an author makes every stored piece and response stale
(docs/caching.md), and the link is built from the author row each piece is rendered with.
"""

from django import template
from django.utils.html import format_html

from news.selectors import author_page_path

register = template.Library()


@register.simple_tag(takes_context=True)
def author_link(context, author, css_class=""):
    path = author_page_path(author, context.get("request"))
    if path is None:
        return (
            format_html('<span class="{}">{}</span>', css_class, author.name)
            if css_class
            else author.name
        )
    if css_class:
        return format_html(
            '<a class="{}" rel="author" href="{}">{}</a>', css_class, path, author.name
        )
    return format_html('<a rel="author" href="{}">{}</a>', path, author.name)
