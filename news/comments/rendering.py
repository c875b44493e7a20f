"""Comment bodies as HTML: plain text, escaped, line breaks kept, web addresses linked
and marked as user-generated (``rel="nofollow ugc"``) so they pass no search-engine
credit; e-mail addresses stay plain text."""

import re

from django.utils.html import linebreaks, urlize
from django.utils.safestring import mark_safe

MAILTO = re.compile(r'<a href="mailto:[^"]*">(.*?)</a>')
NOFOLLOW = 'rel="nofollow"'
UGC = 'rel="nofollow ugc noopener"'


def body_html(text):
    """``text`` as safe HTML paragraphs. Everything the reader typed is escaped first;
    only the links urlize makes from web addresses are real tags."""
    linked = urlize(text or "", trim_url_limit=60, nofollow=True, autoescape=True)
    # Quotes typed by the reader are escaped (&quot;), so only urlize's own attribute
    # matches here.
    linked = linked.replace(NOFOLLOW, UGC)
    # E-mail addresses stay text: no mailto links for harvesters to follow.
    linked = MAILTO.sub(r"\1", linked)
    return mark_safe(linebreaks(linked, autoescape=False))  # noqa: S308 - escaped above
