"""Stored content as reader templates render it: ``{% load content_tags %}``.

Whatever stored a value (the editor, an import, the shell, the database), these are how a
template shows it (cms/core/rich_text.py and cms/core/safe_urls.py have the rules):

- ``{{ value|safe_richtext }}``: rich text (a ``RichText`` block value or a rich text
  field's string), sanitised, then expanded as Wagtail's ``richtext`` filter does. Reader
  templates use it in place of ``richtext``.
- ``{{ url|safe_url }}``: a stored URL when it may be a link (http, https, mailto, tel
  or relative), else "". Templates render the text without a link when it is "":
  ``{% with url=value.source_url|safe_url %}{% if url %}<a href="{{ url }}">…``.
- ``{{ language|code_language }}``: a code block's stored language when it is a language
  name (safe in a class attribute), else "".
"""

from django import template

from cms.core import safe_urls
from cms.core.blocks.code import clean_language
from cms.core.rich_text import render_rich_text

register = template.Library()


@register.filter
def safe_richtext(value):
    return render_rich_text(value)


@register.filter
def safe_url(value):
    return safe_urls.safe_url(value if isinstance(value, str) else "")


@register.filter
def code_language(value):
    return clean_language(value if isinstance(value, str) else "")
