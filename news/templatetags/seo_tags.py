"""Head metadata for reader pages: ``{% load seo_tags %}``.

- ``{% page_meta as meta %}``: canonical URL and OpenGraph basics of any reader page.
- ``{% article_meta as meta %}``: a post's canonical URL, OpenGraph, Twitter card values
  and ``meta.json_ld``, a ready, safely escaped ``<script type="application/ld+json">``.
- ``{% lead_image_alt page as alt %}``: the alt text of a post's lead image (its own,
  else the post's caption for it).
"""

from django import template

from news import seo

register = template.Library()


@register.simple_tag(takes_context=True)
def page_meta(context):
    return seo.page_metadata(context)


@register.simple_tag(takes_context=True)
def article_meta(context):
    return seo.article_metadata(context)


@register.simple_tag
def lead_image_alt(page):
    return seo.lead_image_alt(page)
