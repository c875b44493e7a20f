"""How content asks the layers above it for what only they know.

Blocks and page models are the bottom of Newsdesk's layers and import nothing above them
(docs/architecture.md). Some of what they declare still needs answers that only the upper
layers have: a related-articles block shows only articles readers may see (the visibility
rule, a selector); an image block's API value carries renditions with absolute URLs (the
representation layer). Content gets these from a *resolver*, an object with this
interface (``news.representation.BodyResolver`` is the implementation):

- ``prepare(stream_values, image_ids=(), kinds=...)``: load in bulk what the values refer
  to (only ``kinds`` of it: "images", "pages", "disclaimers", "embeds");
- ``prepare_block(block, raw)``: the same for one block's stored value;
- ``stream(stream_value)``: the resolved list of a body's blocks (what the API serves);
- ``image(image_id)``: the API image object, or None;
- ``related_article(page_id)``: the API object of a linked article readers may see, or None;
- ``visible_pages(page_ids)``: {id: page} of those pages readers may see;
- ``disclaimer(disclaimer_id)``: the Disclaimer snippet, or None;
- ``embed(url)``: the API embed object (None when there is no embed);
- ``stored_embed(url)``: the stored oEmbed result (a wagtail ``Embed``), or None;
- ``image_models(image_ids)`` / ``disclaimer_models(disclaimer_ids)``: the model objects,
  in order, None for deleted ones (images come with their renditions prefetched);
- ``rich_text(source)``: stored rich text as the API serves it (HTML, links resolved);
- ``body_html(page)``: ``page.body`` rendered with the block templates, as the article page
  shows it (site-relative URLs);
- ``post_detail(page, name, compute)``: a post's API detail ``name`` (its authors, its
  tags): ``compute()``, or a copy stored for this version of the post.

Whoever renders a whole response passes one resolver down (the API serialisers, the article
view), so each kind of object is loaded once for the response. Code that has none, such as
Wagtail calling a block's ``get_api_representation`` on its own, calls
``resolver_for(context)``, which makes one with the factory the news app installs at
startup (``NewsConfig.ready()`` → ``install_resolver_factory``).
"""

from contextlib import contextmanager
from contextvars import ContextVar

_factory = None
# The resolver of the response being rendered with ``rendering_with``.
_rendering = ContextVar("newsdesk_rendering_resolver", default=None)


def install_resolver_factory(factory):
    """Use ``factory(request=...)`` to make resolvers for callers that bring none."""
    global _factory  # set once, at startup
    _factory = factory


def resolver_for(context=None):
    """The resolver in ``context`` (a template or API context), else a new one."""
    context = context or {}
    resolver = context.get("resolver")
    if resolver is not None:
        return resolver
    if _factory is None:
        raise RuntimeError(
            "No resolver factory installed: is the news app in INSTALLED_APPS? "
            "(NewsConfig.ready() installs it)"
        )
    return _factory(request=context.get("request"))


@contextmanager
def rendering_with(resolver):
    """Render templates with ``resolver`` answering for the choosers inside blocks.

    Wagtail turns a block's stored image or snippet id into a model object with one query
    per body (``bulk_to_python``), before any template runs and without a context. Inside
    this block, the choosers of Newsdesk's blocks (``cms.core.blocks.choosers``) take them
    from ``resolver`` instead, which loaded them for the whole response at once: API
    listings render ``body_html`` for every post in a fixed number of queries.
    """
    token = _rendering.set(resolver)
    try:
        yield resolver
    finally:
        _rendering.reset(token)


def rendering_resolver():
    """The resolver set by the enclosing ``rendering_with``, else None."""
    return _rendering.get()
