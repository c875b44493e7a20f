"""Stored rich text, as readers and API clients get it.

**Sanitising.** ``sanitised_rich_text(source)`` is stored rich text (Wagtail's database
format) with nothing in it a browser would run. The editor only ever stores the elements
of the rich text features, but rich text written by an import, the shell or straight into
the database may hold anything: scripts, event handlers, styles, frames, ``javascript:``
links. Every render cleans the source first (reader templates through
``{% load content_tags %}{{ value|safe_richtext }}``, which is ``render_rich_text``; the
API through ``news.representation.rich_text_html``), so whatever way it was stored, it
is safe:

- text in the editor's own format comes back unchanged: one scan of its tags says so,
  without building a tree (``is_editor_rich_text``), so pages of editor-written text cost
  next to nothing more to render;
- anything else goes through Wagtail's database-format whitelister (the one Wagtail's API
  uses for rich text input), with the rules of every registered rich text feature, with
  Newsdesk's URL allow-list for links and embeds (cms/core/safe_urls.py), and with
  scripts, styles, frames and the like dropped together with what is inside them.
  Unknown elements are unwrapped (their text stays), unknown attributes dropped.

**Links to pages inside rich text, resolved from the response's resolver.** Wagtail's
``PageLinkHandler`` loads the pages a piece of rich text links to with one query per piece
(per paragraph block, per intro). A listing that renders bodies (``body``, ``body_html``)
would then cost a query per paragraph with links. The response's resolver
(cms/core/resolvers.py) collects the page ids every rich text of the response links to
and loads them at once (``linked_pages``); ``PreloadedPageLinkHandler`` takes them from it
inside ``rendering_with`` and otherwise does what Wagtail's does. Registered in place of
Wagtail's handler for the ``page`` link type (news/wagtail_hooks.py).

Unlike cms/core/safe_urls.py, this module needs the app registry ready (Wagtail's page
link handler loads the Page model when imported): blocks and models do not import it.
"""

import re
from collections.abc import Callable
from functools import cache, lru_cache
from html import unescape
from typing import NamedTuple

from django.template.loader import render_to_string
from wagtail.models import Page
from wagtail.rich_text import RichText, expand_db_html
from wagtail.rich_text import features as feature_registry
from wagtail.rich_text.pages import PageLinkHandler

from cms.core.resolvers import rendering_resolver
from cms.core.safe_urls import embeddable_url, safe_url

# Rich text -------------------------------------------------------------------------------

# Elements dropped with everything inside them: what they hold is code, another document
# or a form, never text for the reader.
DROPPED_WITH_CONTENT = frozenset(
    {
        "script",
        "style",
        "template",
        "noscript",
        "iframe",
        "frame",
        "frameset",
        "object",
        "applet",
        "noembed",
        "noframes",
        "textarea",
        "title",
        "xmp",
        "svg",
        "math",
        "select",
        "head",
    }
)
# The attribute the editor puts on block elements (paragraphs, headings, list items) to
# keep track of them; harmless, kept.
BLOCK_KEY = "data-block-key"
VOID_ELEMENTS = frozenset({"br", "hr", "embed"})
EMBED_ATTRIBUTES = frozenset({"embedtype", "id", "format", "alt", "url"})
LINK_ATTRIBUTES = frozenset({"linktype", "id"})
# The number a numbered list starts at (``<ol start="4">``, kept from imports: a list
# continued after a paragraph). The editor does not offer it: saving the text in the
# editor numbers the list from 1 again.
LIST_START = re.compile(r"[0-9]{1,6}")

# One tag as the editor writes it: lowercase, double-quoted attribute values without
# < or >, whitespace as HTML knows it. Anything else is left to the whitelister.
_TAG = re.compile(
    r'<(/?)([a-z][a-z0-9]*)((?:[ \t\n\r\f]+[a-z][a-z0-9-]*="[^"<>]*")*)[ \t\n\r\f]*(/?)>'
)
_ATTRIBUTE = re.compile(r'([a-z][a-z0-9-]*)="([^"<>]*)"')


def rich_text_features():
    """Every rich text feature the site knows: sanitised rich text keeps what any rich
    text field's editor may store (what a given field allows is the editor's business)."""
    default = feature_registry.get_default_features()  # Wagtail scans the hooks on first use
    rules = getattr(feature_registry, "converter_rules_by_converter", {})
    return sorted(set(rules.get("editorhtml", ())) | set(rules.get("contentstate", ()))) or default


class RichTextRules(NamedTuple):
    """What stored rich text may hold, from Wagtail's rich text features."""

    elements: frozenset  # element names (links and embeds included when registered)
    link_types: frozenset  # <a linktype="…">
    embed_types: frozenset  # <embed embedtype="…"/>
    whitelister: Callable  # a new whitelister (they keep state while cleaning)
    editor_text: re.Pattern  # matches the commonest editor text whole (is_editor_rich_text)
    image_formats: frozenset  # <embed embedtype="image" format="…"/> (Wagtail's formats)


def _editor_elements(features):
    """Elements the features' editor (Draftail) reads from the database format, e.g.
    ``blockquote`` or ``code``, which have no rule of Wagtail's database-format
    whitelister."""
    names = set()
    for feature in features:
        rule = feature_registry.get_converter_rule("contentstate", feature) or {}
        for selector in rule.get("from_database_format", {}):
            match = re.match(r"[a-z][a-z0-9]*", selector)
            if match:
                names.add(match[0])
    return names - {"a", "embed"}


@cache
def rich_text_rules():
    """Made once, on first use: Wagtail's converters need the app registry ready."""
    from bs4 import NavigableString
    from wagtail.admin.rich_text.converters.db_html import (
        DbHTMLConverter,
        DbHtmlInputWhitelister,
    )
    from wagtail.images.formats import get_image_formats
    from wagtail.whitelist import allow_without_attributes, attribute_rule

    def link_href(href):
        return safe_url(href) or None

    def list_start(value):
        return value if LIST_START.fullmatch(value or "") else None

    features = rich_text_features()
    image_formats = frozenset(image_format.name for image_format in get_image_formats())
    converter = DbHTMLConverter(features)
    extra_elements = _editor_elements(features) - set(converter.whitelister.element_rules)

    class StoredRichTextWhitelister(DbHtmlInputWhitelister):
        """Wagtail's whitelister for database-format rich text, with Newsdesk's URL rules
        for links and embeds, the editor's block keys kept, and code, frames and markup
        declarations dropped whole (Wagtail unwraps unknown elements, keeping a
        script's code as text, and keeps ``<![CDATA[…]]>`` sections as they are, which a
        browser would partly read as markup)."""

        def __init__(self, converter_rules):
            super().__init__(converter_rules)
            self.element_rules.update(dict.fromkeys(extra_elements, allow_without_attributes))
            if "a" in self.element_rules:
                self.element_rules["a"] = attribute_rule({"href": link_href})
            if "ol" in self.element_rules:
                self.element_rules["ol"] = attribute_rule({"start": list_start})

        def clean_string_node(self, doc, node):
            if type(node) is not NavigableString:  # comments, CDATA, doctypes, PIs
                node.extract()

        def clean_tag_node(self, doc, tag):
            if tag.name in DROPPED_WITH_CONTENT:
                tag.decompose()
                return
            media = tag.name == "embed" and tag.get("data-embedtype") == "media"
            if media and not embeddable_url(tag.get("data-url")):
                tag.decompose()
                return
            image = tag.name == "embed" and tag.get("data-embedtype") == "image"
            if image and tag.get("data-format") not in image_formats:
                tag.decompose()  # Wagtail's image handler needs a format it knows
                return
            handled = tag.get("data-linktype") or tag.get("data-embedtype")
            if handled and "data-id" in tag.attrs and not stored_id(tag["data-id"]):
                # An id no handler can look up: an embed is dropped, a link keeps its text.
                if tag.name != "a":
                    tag.decompose()
                    return
                for child in list(tag.contents):
                    self.clean_node(doc, child)
                tag.unwrap()
                return
            block_key = tag.attrs.get(BLOCK_KEY)
            super().clean_tag_node(doc, tag)
            kept = tag.parent is not None and not tag.decomposed
            if block_key is not None and kept and tag.name not in ("a", "embed"):
                tag[BLOCK_KEY] = block_key

    whitelister = StoredRichTextWhitelister(converter.converter_rules)
    elements = set(whitelister.element_rules) - {"[document]", "div"}
    if whitelister.embed_handlers:
        elements.add("embed")
    return RichTextRules(
        elements=frozenset(elements),
        link_types=frozenset(whitelister.link_handlers),
        embed_types=frozenset(whitelister.embed_handlers),
        whitelister=lambda: StoredRichTextWhitelister(converter.converter_rules),
        editor_text=_editor_text_pattern(elements - VOID_ELEMENTS - {"a"}, image_formats),
        image_formats=image_formats,
    )


def _editor_text_pattern(block_and_inline, image_formats):
    """One expression for text made only of the tags the editor writes most, none of
    which needs a closer look: elements without attributes or with their block key,
    line breaks and rules, links to pages and documents (Wagtail writes their ``<a>``
    itself), links whose URL plainly starts with an allowed scheme, "/" or "#", and
    images. Possessive repeats: it never backtracks, whatever the text."""
    names = "|".join(sorted(block_and_inline, key=len, reverse=True))
    space = r"[ \t\n\r\f]"
    value = r'"[^"<>]*"'
    formats = '"(?:' + "|".join(re.escape(name) for name in sorted(image_formats)) + ')"'
    plain_url = r'"(?:https?:|mailto:|tel:|/(?![/\\&])|#)[^"<>\x00-\x20\x7f]*"'
    tokens = [
        r"[^<]++",
        rf"<(?:{names})(?:{space}+{BLOCK_KEY}={value})?{space}*>",
        rf"</(?:{names})>",
        rf"<(?:br|hr){space}*/?>",
        rf"<a(?={space}[^>]*\blinktype=)(?:{space}+(?:linktype={value}|id={STORED_ID}))+{space}*>",
        rf"<a{space}+href={plain_url}{space}*>",
        "</a>",
        # An image: a format Wagtail knows and an id, both required.
        rf"<embed(?={space}[^>]*\bformat=)(?={space}[^>]*\bid=)"
        rf'(?:{space}+(?:alt={value}|embedtype="image"|format={formats}|id={STORED_ID}))+'
        rf"{space}*/>",
    ]
    return re.compile("(?:" + "|".join(tokens) + ")*+")


# An id Wagtail's link and embed handlers can look up: digits that fit a database id. Any
# other (``id="abc"``, twenty digits) failed in the handler, a 500 on the page and the API.
STORED_ID = r'"[0-9]{1,18}"'


def stored_id(value):
    return re.fullmatch(STORED_ID, f'"{value}"') is not None


def _safe_attributes(name, pairs, rules):
    attributes = dict(pairs)
    if len(attributes) != len(pairs):
        return False  # the same attribute twice
    if name == "a":
        if "linktype" in attributes:
            return (
                attributes["linktype"] in rules.link_types
                and attributes.keys() <= LINK_ATTRIBUTES
                and stored_id(attributes.get("id", "0"))
            )
        href = unescape(attributes.get("href", ""))
        return attributes.keys() <= {"href"} and safe_url(href) == href
    if name == "embed":
        if attributes.get("embedtype") not in rules.embed_types:
            return False
        url = unescape(attributes.get("url", ""))
        if attributes["embedtype"] == "media" and not url:
            return False  # nothing to embed: Wagtail's media handler needs its url
        if "id" in attributes and not stored_id(attributes["id"]):
            return False
        if attributes["embedtype"] == "image" and (
            attributes.get("format") not in rules.image_formats or "id" not in attributes
        ):
            return False  # Wagtail's image handler needs a format it knows, and an image
        return attributes.keys() <= EMBED_ATTRIBUTES and (not url or embeddable_url(url) == url)
    if name == "ol":
        start = attributes.get("start")
        return attributes.keys() <= {BLOCK_KEY, "start"} and (
            start is None or LIST_START.fullmatch(start) is not None
        )
    return attributes.keys() <= {BLOCK_KEY}


def is_editor_rich_text(source):
    """True when ``source`` holds only what the editor writes: allowed elements, each
    with the attributes the editor gives it, safe URLs, every element closed in order.
    Text between tags is text to a browser, whatever entities it holds."""
    rules = rich_text_rules()
    if rules.editor_text.fullmatch(source):
        return _closed_in_order(source)
    open_elements = []
    position = source.find("<")
    while position != -1:
        match = _TAG.match(source, position)
        if match is None:
            return False  # a comment, an uppercase or unquoted tag, a stray "<"
        closing, name, attributes, self_closing = match.groups()
        if closing:
            if attributes or self_closing or not open_elements or open_elements.pop() != name:
                return False
        else:
            if name not in rules.elements:
                return False
            if not _safe_attributes(name, _ATTRIBUTE.findall(attributes), rules):
                return False
            if name not in VOID_ELEMENTS:
                if self_closing:
                    return False
                open_elements.append(name)
            elif name == "embed" and not self_closing:
                return False  # Wagtail only expands <embed …/>
        position = source.find("<", match.end())
    return not open_elements


_TAG_NAME = re.compile(r"<(/?)([a-z][a-z0-9]*)")


def _closed_in_order(source):
    open_elements = []
    for closing, name in _TAG_NAME.findall(source):
        if name in VOID_ELEMENTS:
            continue
        if not closing:
            open_elements.append(name)
        elif not open_elements or open_elements.pop() != name:
            return False
    return not open_elements


# "<?…>": browsers read it as a comment up to the first ">". Removed before the
# whitelister sees it (which would drop it too, but first take "<?xml" for a sign of XML
# and warn).
_PROCESSING_INSTRUCTION = re.compile(r"<\?[^>]*>")


@lru_cache(maxsize=512)
def _whitelisted(source):
    # Text stored some other way than the editor is rendered on every view of its page:
    # cleaned once per process.
    source = _PROCESSING_INSTRUCTION.sub("", source)
    return rich_text_rules().whitelister().clean(source)


def sanitised_rich_text(source):
    """Stored rich text (database format) with only what the rich text features allow:
    no scripts, event handlers, styles, frames or unsafe URLs. Text the editor wrote is
    returned as it is."""
    if not source:
        return ""
    if "<" not in source or is_editor_rich_text(source):
        return source
    return _whitelisted(source)


def render_rich_text(value):
    """Stored rich text (a string, or Wagtail's ``RichText``) as reader HTML: sanitised,
    then expanded (links and embeds resolved) and wrapped as Wagtail's ``richtext``
    filter does."""
    source = value.source if isinstance(value, RichText) else str(value or "")
    html = expand_db_html(sanitised_rich_text(source))
    return render_to_string("wagtailcore/shared/richtext.html", {"html": html})


# Links to pages --------------------------------------------------------------------------

# <a id="7" linktype="page">, as Wagtail stores it (attributes in any order; in JSON the
# quotes are escaped).
LINK_TAG = re.compile(r"<a\s[^>]*>")
PAGE_LINK = re.compile(r'\blinktype=\\?"page\\?"')
LINK_ID = re.compile(r'\bid=\\?"([0-9]{1,18})\\?"')


def linked_page_ids(text):
    """The ids of the pages ``text`` (stored rich text, or JSON holding some) links to."""
    ids = set()
    for tag in LINK_TAG.findall(text):
        if PAGE_LINK.search(tag):
            match = LINK_ID.search(tag)
            if match:
                ids.add(match.group(1))
    return ids


def load_linked_pages(ids):
    """``{str(id): specific page or None}`` for ``ids``, as Wagtail's handler loads them
    (one query per page type)."""
    pages = Page.objects.filter(id__in=ids).defer_streamfields().specific()
    found = {str(page.pk): page for page in pages}
    return {str(pk): found.get(str(pk)) for pk in ids}


class PreloadedPageLinkHandler(PageLinkHandler):
    @classmethod
    def get_many(cls, attrs_list):
        preloaded = getattr(rendering_resolver(), "linked_pages", None)
        ids = [str(attrs.get("id")) for attrs in attrs_list]
        if preloaded is not None and all(pk in preloaded for pk in ids):
            return [preloaded[pk] for pk in ids]
        return super().get_many(attrs_list)
