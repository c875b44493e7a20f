"""``{% render_once "name" [post] %}...{% endrender_once %}``: a piece of a reader page
rendered once.

The enclosed template is rendered once per version of the page it shows (``page`` in the
context, or the page given after the name: a post's card in a listing) and then served
from the cache (news/freshness/fragments.py), when the view remembered the piece with its
resolver (``resolver.remember([page], pieces=["name"])``, news/views.py; a listing's
cards: ``listing_cards``). What the piece shows must depend only on the page and what its
``page:<id>`` and ``tree`` cache tags cover (its own fields, authors, tags, images,
snippets), never on the request beyond the site it is served on: the comment form or the
posts either side of it stay outside. Without such a resolver (a preview, a signed-in
editor) the content is rendered as usual.
"""

from django import template
from django.utils.safestring import mark_safe

register = template.Library()


class RenderOnceNode(template.Node):
    def __init__(self, name, page, nodelist):
        self.name = name
        self.page = page
        self.nodelist = nodelist

    def render(self, context):
        name = self.name.resolve(context)
        resolver = context.get("resolver")
        page = self.page.resolve(context) if self.page is not None else context.get("page")
        piece = getattr(resolver, "piece", None)
        if piece is None or page is None:
            return self.nodelist.render(context)
        return mark_safe(piece(page, name, lambda: str(self.nodelist.render(context))))  # noqa: S308


@register.tag
def render_once(parser, token):
    bits = token.split_contents()
    if len(bits) not in (2, 3):
        raise template.TemplateSyntaxError(
            f"{bits[0]} takes the piece's name and, optionally, the page it shows"
        )
    nodelist = parser.parse(("endrender_once",))
    parser.delete_first_token()
    page = parser.compile_filter(bits[2]) if len(bits) == 3 else None
    return RenderOnceNode(parser.compile_filter(bits[1]), page, nodelist)
