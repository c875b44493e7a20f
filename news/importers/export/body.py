"""Body blocks → the HTML of an export, written so that an importer reads back each block.

``BodyWriter(flavour, site, images).pieces(stream_block, raw_data)`` turns a StreamField
body into ``Piece`` objects: one piece of HTML per block element (a paragraph, a heading, a
list, a quotation, a picture...), each with the WordPress block it is (``wp:paragraph``,
``wp:image``...; None for HTML outside any block). The WXR writer wraps each piece in its
block comments, the Blogger writer joins the HTML as it is.

How each block is written (news/importers/html.py is the reader of these shapes):

- ``paragraph``: its rich text with internal links (``linktype="page"``, documents)
  written as absolute URLs, one piece per top-level element;
- ``quote``: ``<blockquote cite="SOURCE URL">`` with the quoted paragraphs, then
  ``<cite>`` with the attribution and, on its last line, ``Source: <a href>NAME</a>``;
- ``image``: WordPress ``wp-block-image`` figures, Blogger's ``tr-caption-container``
  tables (a ``separator`` div without a caption); the caption, then the credit as
  ``<span class="credit">Photo: NAME</span>`` in the caption; the block's alt text, else
  the image's own description, as ``alt``; the original file by absolute URL;
- ``embed``: a YouTube or Vimeo player (``<iframe title="TITLE">``) in a figure with the
  heading as its ``<h3>`` and the caption as its ``<figcaption>``; other addresses as
  WordPress's ``wp-block-embed`` figure holding the URL;
- ``code``: ``<pre class="wp-block-code"><code class="language-X">``;
- ``table``: ``<table>`` with ``<caption>``, a ``<thead>`` for a header row, ``<th>`` for
  a header column, empty cells as ``<td></td>``;
- ``related_articles``: ``<h3>HEADING</h3><ul><li><a href=URL>Title</a> — summary</li>``;
- ``disclaimer``: its text (the snippet's or its own) as closing paragraphs with the class
  ``disclaimer``.
"""

import html
import re
from dataclasses import dataclass, field

from wagtail.blocks import RichTextBlock
from wagtail.models import Page
from wagtail.rich_text import expand_db_html

from cms.core.rich_text import sanitised_rich_text
from cms.core.site_urls import absolute_page_url, absolute_url, absolute_urls_in_html
from news.importers.markup import video_url

WORDPRESS, BLOGGER = "wordpress", "blogger"
YOUTUBE_WATCH, VIMEO_PAGE = "https://www.youtube.com/watch?v=", "https://vimeo.com/"
RELATED_HEADING = "Related Articles"
CREDIT_PREFIX = "Photo: "

BLOCK_KEY = re.compile(r'\s+data-block-key="[^"]*"')
TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)\b[^>]*?(/?)>")
VOID = {"br", "hr", "img", "embed", "wbr", "input", "source"}


@dataclass
class Piece:
    block: str | None  # the WordPress block name ("paragraph", "image"...), None: freeform
    html: str
    attrs: dict = field(default_factory=dict)


@dataclass
class ImageFile:
    """A picture the export refers to (WordPress writes one attachment item for each)."""

    pk: int
    title: str
    url: str  # the original file, absolute
    name: str  # the stored file name, e.g. original_images/harbour.jpg
    alt: str
    width: int
    height: int


def text(value):
    return html.escape(value or "", quote=False)


def attr(value):
    return html.escape(value or "", quote=True)


def lines(value):
    """Plain text as HTML: line breaks as ``<br>``."""
    return "<br>".join(text(line) for line in (value or "").split("\n"))


def top_level(source):
    """The top-level elements of ``source`` as (tag, outer HTML); text between them (a
    bare line of text) as ("", text)."""
    parts, depth, start, tag_name = [], 0, 0, ""
    for match in TAG.finditer(source):
        closing, name, self_closing = match.group(1), match.group(2).lower(), match.group(3)
        if depth == 0 and not closing:
            loose = source[start : match.start()]
            if loose.strip():
                parts.append(("", loose.strip()))
            start, tag_name = match.start(), name
            if name in VOID or self_closing:
                parts.append((name, match.group(0)))
                start = match.end()
                continue
            depth = 1
        elif name == tag_name and name not in VOID and not self_closing:
            depth += -1 if closing else 1
            if depth == 0:
                parts.append((tag_name, source[start : match.end()]))
                start = match.end()
    rest = source[start:]
    if rest.strip():
        parts.append(("", rest.strip()))
    return parts


def with_class(element, class_name):
    """``element``'s opening tag with ``class_name`` added (when it has no class yet)."""
    match = re.match(r"<([a-zA-Z0-9]+)([^>]*)>", element)
    if match is None or "class=" in match.group(2):
        return element
    return f'<{match.group(1)} class="{class_name}"{match.group(2)}>' + element[match.end() :]


def youtube_or_vimeo(url):
    """(provider, player URL) for a YouTube or Vimeo address, else None: the video as
    the importer recognises it (``video_url``), so what is written is read back."""
    canonical = video_url(url)
    if canonical.startswith(YOUTUBE_WATCH):
        return "youtube", "https://www.youtube.com/embed/" + canonical[len(YOUTUBE_WATCH) :]
    if canonical.startswith(VIMEO_PAGE):
        return "vimeo", "https://player.vimeo.com/video/" + canonical[len(VIMEO_PAGE) :]
    return None


class BodyWriter:
    """Writes bodies for one export. ``images`` ({pk: Image}) is filled in with the
    pictures the bodies use; ``skipped`` counts the blocks it could not write, by type."""

    def __init__(self, flavour, site, images_by_pk):
        self.flavour = flavour
        self.site = site
        self.images_by_pk = images_by_pk  # every image the export may refer to
        self.images = {}  # pk -> ImageFile, the ones used
        self.skipped = {}

    # -- shared pieces -----------------------------------------------------------------

    def rich_text(self, source):
        """Stored rich text as the HTML readers get, with absolute links."""
        expanded = expand_db_html(sanitised_rich_text(source or ""))
        return absolute_urls_in_html(BLOCK_KEY.sub("", expanded), site=self.site)

    def rich_pieces(self, source, class_name=""):
        pieces = []
        for tag, element in top_level(self.rich_text(source)):
            if not tag:
                element = f"<p>{element}</p>"
                tag = "p"
            attrs = {"className": class_name} if class_name else {}
            if class_name and tag == "p":
                element = with_class(element, class_name)
            if tag == "p":
                pieces.append(Piece("paragraph", element, attrs))
            elif re.fullmatch(r"h[1-6]", tag):
                if self.flavour == WORDPRESS:
                    element = with_class(element, "wp-block-heading")
                pieces.append(Piece("heading", element, {"level": int(tag[1])}))
            elif tag in ("ul", "ol"):
                if self.flavour == WORDPRESS:
                    element = with_class(element, "wp-block-list")
                pieces.append(Piece("list", element, {"ordered": True} if tag == "ol" else {}))
            else:
                pieces.append(Piece("html", element))
        return pieces

    def image_file(self, image_id):
        image = self.images_by_pk.get(image_id)
        if image is None:
            return None
        found = self.images.get(image.pk)
        if found is None:
            found = ImageFile(
                pk=image.pk,
                title=image.title,
                url=absolute_url(image.file.url, site=self.site),
                name=image.file.name,
                alt=getattr(image, "description", "") or "",
                width=image.width,
                height=image.height,
            )
            self.images[image.pk] = found
        return found

    # -- the body ------------------------------------------------------------------------

    def pieces(self, stream_block, raw_data, related):
        """The pieces of a body: ``raw_data`` is the StreamField's raw data,
        ``related`` {pk: page} the pages its related-articles blocks name."""
        pieces = []
        for child in raw_data or []:
            block_type, value = child.get("type"), child.get("value")
            block = stream_block.child_blocks.get(block_type)
            writer = getattr(self, f"write_{block_type}", None)
            written = writer(block, value, related) if writer and block else None
            if written is None:
                self.skipped[block_type] = self.skipped.get(block_type, 0) + 1
                continue
            pieces.extend(written)
        return pieces

    def write_paragraph(self, block, value, related):
        return self.rich_pieces(value)

    def write_quote(self, block, value, related):
        value = value or {}
        quoted = value.get("text") or ""
        if isinstance(block.child_blocks.get("text"), RichTextBlock):
            quoted_html = "".join(
                element if tag else f"<p>{element}</p>"
                for tag, element in top_level(self.rich_text(quoted))
            )
        else:  # plain text: a blank line between paragraphs
            quoted_html = "".join(
                f"<p>{lines(part.strip())}</p>"
                for part in re.split(r"\n\s*\n", quoted)
                if part.strip()
            )
        attribution = (value.get("attribution") or "").strip()
        name = (value.get("source_name") or "").strip()
        url = (value.get("source_url") or "").strip()
        cite_lines = [text(attribution)] if attribution else []
        if name:
            shown = f'<a href="{attr(url)}">{text(name)}</a>' if url else text(name)
            cite_lines.append(f"Source: {shown}")
        cite = f"<cite>{'<br>'.join(cite_lines)}</cite>" if cite_lines else ""
        cite_attr = f' cite="{attr(url)}"' if url else ""
        element = f'<blockquote class="wp-block-quote"{cite_attr}>{quoted_html}{cite}</blockquote>'
        return [Piece("quote", element)]

    def write_image(self, block, value, related):
        value = value or {}
        image = self.image_file(value.get("image"))
        if image is None:
            return None
        caption = (value.get("caption") or "").strip()
        credit = (value.get("credit") or "").strip()
        alt = (value.get("alt_text") or "").strip() or image.alt
        caption_html = text(caption)
        if credit:
            credit_html = f'<span class="credit">{text(CREDIT_PREFIX + credit)}</span>'
            caption_html = f"{caption_html} {credit_html}" if caption else credit_html
        if self.flavour == BLOGGER:
            img = (
                f'<img border="0" data-original-height="{image.height}" '
                f'data-original-width="{image.width}" src="{attr(image.url)}" '
                f'alt="{attr(alt)}" />'
            )
            link = f'<a href="{attr(image.url)}" style="margin-left: 1em; margin-right: 1em;">'
            if not caption_html:
                element = (
                    '<div class="separator" style="clear: both; text-align: center;">'
                    f"{link}{img}</a></div>"
                )
            else:
                element = (
                    '<table align="center" cellpadding="0" cellspacing="0" '
                    'class="tr-caption-container" style="margin-left: auto; '
                    'margin-right: auto;"><tbody><tr><td style="text-align: center;">'
                    f"{link}{img}</a></td></tr>"
                    '<tr><td class="tr-caption" style="text-align: center;">'
                    f"{caption_html}</td></tr></tbody></table>"
                )
            return [Piece("html", element)]
        figcaption = (
            f'<figcaption class="wp-element-caption">{caption_html}</figcaption>'
            if caption_html
            else ""
        )
        element = (
            f'<figure class="wp-block-image size-full"><img src="{attr(image.url)}" '
            f'alt="{attr(alt)}" class="wp-image-{image.pk}"/>{figcaption}</figure>'
        )
        return [Piece("image", element, {"id": image.pk, "sizeSlug": "full"})]

    def write_embed(self, block, value, related):
        value = value or {}
        url = (value.get("url") or "").strip()
        if not url:
            return None
        heading = (value.get("heading") or "").strip()
        title = (value.get("title") or "").strip()
        caption = (value.get("caption") or "").strip()
        figcaption = (
            f'<figcaption class="wp-element-caption">{text(caption)}</figcaption>'
            if caption
            else ""
        )
        player = youtube_or_vimeo(url)
        if player is None:
            pieces = (
                [Piece("heading", f"<h3>{text(heading)}</h3>", {"level": 3})] if heading else []
            )
            element = (
                '<figure class="wp-block-embed"><div class="wp-block-embed__wrapper">'
                f"{text(url)}</div>{figcaption}</figure>"
            )
            return [*pieces, Piece("embed", element, {"url": url})]
        provider, src = player
        title_attr = f' title="{attr(title)}"' if title else ""
        element = (
            f'<figure class="video-embed is-provider-{provider}">'
            + (f"<h3>{text(heading)}</h3>" if heading else "")
            + f'<iframe src="{attr(src)}"{title_attr} width="560" height="315" '
            'frameborder="0" allowfullscreen></iframe>' + figcaption + "</figure>"
        )
        return [Piece("html", element)]

    def write_code(self, block, value, related):
        value = value or {}
        language = (value.get("language") or "").strip()
        code = value.get("code") or ""
        class_attr = f' class="language-{attr(language)}"' if language else ""
        element = f'<pre class="wp-block-code"><code{class_attr}>{text(code)}</code></pre>'
        return [Piece("code", element)]

    def write_table(self, block, value, related):
        value = value or {}
        rows = [list(row or []) for row in value.get("data") or []]
        width = max((len(row) for row in rows), default=0)
        header_row = bool(value.get("first_row_is_table_header"))
        header_col = bool(value.get("first_col_is_header"))

        def cell(content, tag):
            return f"<{tag}>{lines('' if content is None else str(content))}</{tag}>"

        def row_html(row, all_header=False):
            row = row + [None] * (width - len(row))
            cells = [
                cell(content, "th" if all_header or (header_col and position == 0) else "td")
                for position, content in enumerate(row)
            ]
            return "<tr>" + "".join(cells) + "</tr>"

        caption = (value.get("table_caption") or "").strip()
        parts = [f"<caption>{text(caption)}</caption>"] if caption else []
        if header_row and rows:
            parts.append(f"<thead>{row_html(rows[0], all_header=True)}</thead>")
            rows = rows[1:]
        parts.append("<tbody>" + "".join(row_html(row) for row in rows) + "</tbody>")
        return [Piece("html", "<table>" + "".join(parts) + "</table>")]

    def write_related_articles(self, block, value, related):
        value = value or {}
        items = []
        for item in value.get("items") or []:
            item_value = item.get("value")
            if item.get("type") == "article":
                page = related.get(item_value)
                if page is None:
                    continue
                url = absolute_page_url(page.get_url(), site=self.site)
                items.append(f'<li><a href="{attr(url)}">{text(page.title)}</a></li>')
            elif item.get("type") == "link" and item_value:
                summary = (item_value.get("summary") or "").strip()
                items.append(
                    f'<li><a href="{attr(item_value.get("url"))}">'
                    f"{text(item_value.get('title'))}</a>"
                    + (f" — {text(summary)}" if summary else "")
                    + "</li>"
                )
        if not items:
            return None
        heading = (value.get("heading") or "").strip() or RELATED_HEADING
        heading_html = f"<h3>{text(heading)}</h3>"
        list_html = "<ul>" + "".join(items) + "</ul>"
        if self.flavour == WORDPRESS:
            heading_html = with_class(heading_html, "wp-block-heading")
            list_html = with_class(list_html, "wp-block-list")
        return [Piece("heading", heading_html, {"level": 3}), Piece("list", list_html)]

    def write_disclaimer(self, block, value, related):
        value = value or {}
        source = value.get("text") or ""
        snippet_id = value.get("disclaimer")
        if snippet_id:
            snippet = related.get(("disclaimer", snippet_id))
            source = snippet.text if snippet is not None else ""
        pieces = self.rich_pieces(source, class_name="disclaimer")
        return pieces or None


def related_page_ids(raw_data):
    """The page ids the related-articles blocks of ``raw_data`` name."""
    ids = []
    for child in raw_data or []:
        if child.get("type") == "related_articles":
            ids += [
                item.get("value")
                for item in (child.get("value") or {}).get("items") or []
                if item.get("type") == "article" and item.get("value")
            ]
    return ids


def load_related(raw_datas, disclaimer_model):
    """{pk: page} for every article the bodies name, {("disclaimer", pk): snippet} for
    their disclaimer snippets: two queries for a batch of bodies."""
    page_ids, snippet_ids = set(), set()
    for raw_data in raw_datas:
        page_ids.update(related_page_ids(raw_data))
        snippet_ids.update(
            (child.get("value") or {}).get("disclaimer")
            for child in raw_data or []
            if child.get("type") == "disclaimer"
        )
    found = {page.pk: page for page in Page.objects.filter(pk__in=page_ids)}
    snippet_ids.discard(None)
    for snippet in disclaimer_model.objects.filter(pk__in=snippet_ids):
        found[("disclaimer", snippet.pk)] = snippet
    return found
