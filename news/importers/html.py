"""Blog HTML → Newsdesk body blocks, cleaned on the way.

The exported HTML is parsed with the standard library's ``html.parser`` into a small tree
and written out again from scratch: only what our blocks can hold survives, so scripts,
styles, event handlers and inline styles cannot get through (nothing is copied verbatim).

- ``p``, ``div`` and other block containers, ``h1``-``h6``, ``ul``/``ol`` and ``pre`` become
  rich text in ``paragraph`` blocks (bold, italic, links, lists, h2/h3; consecutive text is
  kept in one block until an image, quote or video interrupts it);
- ``blockquote`` becomes a ``quote`` (attribution from its ``cite``/``footer``);
- ``img`` becomes an ``image`` block when the ``image_resolver`` finds the file, with the
  caption from Blogger's ``tr-caption`` table or a ``figcaption``; otherwise a paragraph with
  a link to the external image, which is listed in ``external_images``;
- YouTube and Vimeo iframes (and old ``object``/``embed`` players, WordPress ``wp-block-embed``
  figures and lone video URLs) become ``embed`` blocks with the canonical video URL;
- ``script``, ``style``, forms, other iframes and plugins are dropped and counted in
  ``removed``.
"""

import html
import re
from collections import Counter
from urllib.parse import unquote, urlparse

from news.importers.markup import (
    ALT_MAX,
    BARE_URL,
    BLOCK_TAGS,
    BOLD_TAGS,
    CAPTION_MAX,
    DASHES,
    DROP_TAGS,
    EMPTY_BR,
    ITALIC_TAGS,
    TEXT_MAX,
    Element,
    clean_url,
    collapse,
    comment_text,
    escape_text,
    is_image_url,
    parse_html,
    plain_text,
    split_paragraphs,
    tidy_inline,
    video_url,
)

__all__ = ["BodyConverter", "comment_text", "html_to_blocks", "plain_text", "video_url"]


class BodyConverter:
    """Convert one entry's HTML. After ``convert()``: ``blocks`` (raw StreamField data),
    ``external_images`` (URLs kept as links) and ``removed`` (a Counter of dropped tags).

    ``image_resolver(urls, alt, caption)`` returns an image id or None; ``urls`` are the
    candidate addresses of one picture, best first (a link to the full-size file, then the
    ``src``). ``autop``: treat blank lines as paragraph breaks and single newlines as line
    breaks (WordPress classic content, Blogger's "convert line breaks").
    """

    def __init__(self, *, base_url=None, image_resolver=None, autop=False):
        self.base_url = base_url
        self.image_resolver = image_resolver or (lambda urls, alt, caption: None)
        self.autop = autop
        self.blocks = []
        self.external_images = []
        self.removed = Counter()
        self.rich = []  # finished rich-text elements (<p>, <h2>, <ul>...) not yet in a block
        self.inline = []  # the paragraph in progress
        self.open_inline = []  # (tag, opening html) of formatting open around self.inline

    # -- output --------------------------------------------------------------------------

    def convert(self, source):
        self.walk(parse_html(source))
        self.end_paragraph()
        self.flush_rich()
        return self.blocks

    def flush_rich(self):
        if self.rich:
            self.blocks.append({"type": "paragraph", "value": "".join(self.rich)})
            self.rich = []

    def add_block(self, block_type, value):
        self.end_paragraph()
        self.flush_rich()
        self.blocks.append({"type": block_type, "value": value})

    def add_rich(self, element_html):
        self.end_paragraph()
        self.rich.append(element_html)

    def end_paragraph(self):
        if not self.inline:
            return
        closing = "".join(f"</{tag}>" for tag, _ in reversed(self.open_inline))
        content = "".join(self.inline) + closing
        self.inline = []
        for piece in split_paragraphs(content):
            piece = tidy_inline(piece)
            if not piece:
                continue
            text = collapse(html.unescape(re.sub(r"<[^>]+>", "", piece))).strip()
            lone_video = video_url(text) if BARE_URL.match(text) else ""
            if lone_video:
                self.add_block("embed", {"url": lone_video, "title": "", "caption": ""})
            else:
                self.rich.append(f"<p>{piece}</p>")

    def emit(self, fragment):
        if not self.inline and self.open_inline:
            self.inline.extend(opening for _, opening in self.open_inline)
        self.inline.append(fragment)

    # -- walking -------------------------------------------------------------------------

    def walk(self, node):
        for child in node.children:
            if isinstance(child, str):
                self.text(child, preformatted=False)
            else:
                self.element(child)

    def text(self, data, preformatted):
        if self.autop and not preformatted:
            for number, chunk in enumerate(re.split(r"\n\s*\n", data)):
                if number:
                    self.end_paragraph()
                lines = chunk.split("\n")
                for line_number, line in enumerate(lines):
                    if line_number:
                        self.emit("<br/>")
                    if line:
                        self.emit(escape_text(collapse(line)))
            return
        self.emit(escape_text(collapse(data)))

    def element(self, node):
        tag = node.tag
        if tag in DROP_TAGS:
            self.removed[tag] += 1
        elif tag == "br":
            self.emit("<br/>")
        elif tag in BOLD_TAGS or tag in ITALIC_TAGS:
            self.formatting("b" if tag in BOLD_TAGS else "i", "", node)
        elif tag in ("sup", "sub"):
            self.formatting(tag, "", node)
        elif tag == "a":
            self.link(node)
        elif tag == "img":
            self.image(node)
        elif tag in ("iframe", "object", "embed", "video", "audio"):
            self.media_element(node)
        elif tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self.add_inline_element("h2" if tag in ("h1", "h2") else "h3", node)
        elif tag in ("ul", "ol"):
            self.list(node)
        elif tag == "blockquote":
            self.quote(node)
        elif tag == "figure":
            self.figure(node)
        elif tag == "table":
            self.table(node)
        elif tag == "pre":
            text = "".join(self.raw_text(node))
            lines = [escape_text(line) for line in text.strip("\n").split("\n")]
            if any(line.strip() for line in lines):
                self.add_rich("<p>" + "<br/>".join(lines) + "</p>")
        elif tag == "hr":
            self.end_paragraph()
        elif tag in BLOCK_TAGS:
            self.end_paragraph()
            self.walk(node)
            self.end_paragraph()
        else:  # span, font, u, code, ...: keep the text, drop the tag
            self.walk(node)

    def formatting(self, tag, opening_attrs, node):
        opening = f"<{tag}{opening_attrs}>"
        self.emit(opening)
        self.open_inline.append((tag, opening))
        self.walk(node)
        self.open_inline.pop()
        if self.inline:
            self.inline.append(f"</{tag}>")

    def link(self, node):
        children = [c for c in node.children if not (isinstance(c, str) and not c.strip())]
        if len(children) == 1 and isinstance(children[0], Element) and children[0].tag == "img":
            # Blogger and WordPress wrap a picture in a link to its full-size file.
            href = node.attrs.get("href", "")
            self.image(children[0], full_size=href if is_image_url(href) else "")
            return
        href = clean_url(node.attrs.get("href"), self.base_url)
        if not href:
            self.walk(node)
            return
        self.formatting("a", f' href="{html.escape(href)}"', node)

    def inline_html(self, node):
        """``node``'s content as inline rich text (for headings, list items and table cells)
        and the blocks found inside it (images, videos), which follow it in the body."""
        converter = BodyConverter(base_url=self.base_url, image_resolver=self.image_resolver)
        converter.external_images = self.external_images
        converter.removed = self.removed
        converter.walk(node)
        converter.end_paragraph()
        converter.flush_rich()
        lines, extra = [], []
        for block in converter.blocks:
            if block["type"] == "paragraph":
                text = re.sub(r"</(p|h2|h3|li)>", "<br/>", block["value"])
                lines.append(re.sub(r"</?(p|h2|h3|ul|ol|li)>", "", text))
            elif block["type"] == "quote":
                lines.append(escape_text(block["value"]["text"]).replace("\n", "<br/>"))
            else:
                extra.append(block)
        return tidy_inline(EMPTY_BR.sub("<br/>", "<br/>".join(lines))), extra

    def add_inline_element(self, tag, node):
        content, extra = self.inline_html(node)
        if content:
            self.add_rich(f"<{tag}>{content}</{tag}>")
        for block in extra:
            self.add_block(block["type"], block["value"])

    def raw_text(self, node):
        for child in node.children:
            if isinstance(child, str):
                yield child
            elif child.tag == "br":
                yield "\n"
            elif child.tag not in DROP_TAGS:
                yield from self.raw_text(child)

    def list(self, node):
        items, extra = [], []

        def collect(list_node):
            for child in list_node.elements():
                if child.tag != "li":
                    collect(child)
                    continue
                nested = [grand for grand in child.elements() if grand.tag in ("ul", "ol")]
                for grand in nested:
                    child.children.remove(grand)
                content, blocks = self.inline_html(child)
                if content:
                    items.append(f"<li>{content}</li>")
                extra.extend(blocks)
                for grand in nested:
                    collect(grand)

        collect(node)
        if items:
            self.add_rich(f"<{node.tag}>{''.join(items)}</{node.tag}>")
        for block in extra:
            self.add_block(block["type"], block["value"])

    def quote(self, node):
        attribution = ""
        source, source_url = self.wire_source(node)
        # The attribution is a cite or footer that ends the quotation (a cite inside the
        # text, "as <cite>Hamlet</cite> says", is part of it).
        meaningful = [c for c in node.children if not (isinstance(c, str) and not c.strip())]
        last = meaningful[-1] if meaningful else None
        if isinstance(last, Element) and last.tag in ("cite", "footer"):
            attribution = plain_text(last).lstrip(DASHES).strip()
            node.children.remove(last)
        images = list(node.iter("img"))
        iframes = [e for e in node.iter() if e.tag in ("iframe", "object", "embed")]
        text = plain_text(node, alts=False)
        if text:
            source_url = source_url or clean_url(node.attrs.get("cite"), schemes={"http", "https"})
            self.add_block(
                "quote",
                {
                    "text": text,
                    "attribution": attribution[:TEXT_MAX],
                    "source_name": source[:TEXT_MAX],
                    "source_url": source_url if len(source_url) <= 200 else "",
                },
            )
        for extra in images + iframes:
            self.element(extra if extra.tag != "img" or extra.parent.tag != "a" else extra.parent)

    def wire_source(self, node):
        """(name, URL) of the source a quotation's closing line names -- "Source: AFP",
        "— Reuters", ``<b>Source: <a href>AP</a></b>``, ``<cite>Reuters</cite>`` -- which
        is taken out of the quoted text; ("", "") when the last line is no source line
        (a closing cite or footer that names a person stays the attribution)."""
        found = closing_line(node)
        if found is None:
            return "", ""
        container, segment = found
        line = Element("#line")
        line.children = list(segment)
        name = source_name(plain_text(line))
        if not name:
            return "", ""
        kept = list(container.children)
        container.children = [c for c in kept if not any(c is part for part in segment)]
        while container.children and (
            (isinstance(container.children[-1], Element) and container.children[-1].tag == "br")
            or (isinstance(container.children[-1], str) and not container.children[-1].strip())
        ):
            container.children.pop()
        if not plain_text(node, alts=False):  # the line was all there is: it is the quote
            container.children = kept
            return "", ""
        if container is not node and not plain_text(container):
            container.parent.children.remove(container)
        link = next(line.iter("a"), None)
        href = link.attrs.get("href") if link is not None else ""
        return name, clean_url(href, self.base_url, schemes={"http", "https"})

    def figure(self, node):
        caption_node = node.find("figcaption")
        caption = plain_text(caption_node) if caption_node is not None else ""
        if caption_node is not None:
            caption_node.parent.children.remove(caption_node)
        classes = node.classes()
        if "wp-block-embed" in classes or any("wp-block-embed" in c for c in classes):
            url = clean_url(plain_text(node).split()[0] if plain_text(node) else "")
            if not url:
                iframe = node.find("iframe")
                url = clean_url(iframe.attrs.get("src")) if iframe is not None else ""
            if url:
                self.add_block(
                    "embed",
                    {"url": video_url(url) or url, "title": "", "caption": caption[:CAPTION_MAX]},
                )
                return
        images = list(node.iter("img"))
        if len(images) == 1:
            image = images[0]
            holder = image.parent
            href = holder.attrs.get("href", "") if holder.tag == "a" else ""
            self.image(image, full_size=href if is_image_url(href) else "", caption=caption)
            return
        quote = node.find("blockquote")
        if quote is not None and not images:
            if caption and not quote.find("cite"):
                quote.children.append(Element("cite", parent=quote))
                quote.children[-1].children.append(caption)
            self.quote(quote)
            return
        media = [e for e in node.iter() if e.tag in ("iframe", "object", "embed", "video")]
        if len(media) == 1 and not images:
            self.media_element(media[0], caption=caption)
            return
        self.end_paragraph()
        self.walk(node)
        if caption:
            self.add_rich(f"<p><i>{escape_text(caption)}</i></p>")

    def table(self, node):
        images = list(node.iter("img"))
        captions = [cell for cell in node.iter() if "tr-caption" in cell.classes()]
        if len(images) == 1 and (captions or "tr-caption-container" in node.classes()):
            caption = " ".join(plain_text(cell) for cell in captions).strip()
            image = images[0]
            holder = image.parent
            href = holder.attrs.get("href", "") if holder.tag == "a" else ""
            self.image(image, full_size=href if is_image_url(href) else "", caption=caption)
            return
        # A data or layout table: one paragraph per row, cells separated by " | ".
        self.end_paragraph()
        for row in node.iter("tr"):
            texts, extra = [], []
            for cell in row.elements():
                if cell.tag in ("td", "th"):
                    content, blocks = self.inline_html(cell)
                    if content:
                        texts.append(content)
                    extra.extend(blocks)
            if texts:
                self.add_rich("<p>" + " | ".join(texts) + "</p>")
            for block in extra:
                self.add_block(block["type"], block["value"])

    def image(self, node, full_size="", caption=""):
        src = clean_url(node.attrs.get("src"), self.base_url, schemes={"http", "https"})
        full = clean_url(full_size, self.base_url, schemes={"http", "https"})
        if not src and not full:
            self.removed["img"] += 1
            return
        alt = collapse(node.attrs.get("alt") or node.attrs.get("title") or "").strip()
        candidates = [url for url in (full, src) if url]
        image_id = self.image_resolver(candidates, alt, caption)
        if image_id is not None:
            self.add_block(
                "image",
                {
                    "image": image_id,
                    "caption": caption[:CAPTION_MAX],
                    "credit": "",
                    "alt_text": alt[:ALT_MAX],
                },
            )
            return
        url = candidates[0]
        self.external_images.append(url)
        label = caption or alt or unquote(urlparse(url).path.rsplit("/", 1)[-1]) or "image"
        self.add_rich(
            f'<p><a href="{html.escape(url)}">Image: {escape_text(collapse(label))}</a></p>'
        )

    def media_element(self, node, caption=""):
        sources = [node.attrs.get("src", ""), node.attrs.get("data", "")]
        for child in node.iter():
            if child.tag == "param" and child.attrs.get("name", "").lower() in ("movie", "src"):
                sources.append(child.attrs.get("value", ""))
            elif child.tag in ("embed", "source"):
                sources.append(child.attrs.get("src", ""))
        for source in sources:
            url = video_url(source)
            if url:
                self.add_block(
                    "embed", {"url": url, "title": "", "caption": caption[:CAPTION_MAX]}
                )
                return
        if node.tag in ("video", "audio"):
            for source in sources:
                url = clean_url(source, self.base_url, schemes={"http", "https"})
                if url:
                    label = "Video" if node.tag == "video" else "Audio"
                    self.add_rich(
                        f'<p><a href="{html.escape(url)}">{label}: '
                        f"{escape_text(caption or url.rsplit('/', 1)[-1])}</a></p>"
                    )
                    return
        self.removed[node.tag] += 1


SOURCE_LINE = re.compile(r"^(?:sources?|quelle|fuente)\s*:\s*(?P<name>\S.*)$", re.I)
# Wire services a quotation's closing line may name alone ("— Reuters", "<cite>AFP</cite>").
WIRE_SERVICES = {
    name.casefold()
    for name in (
        "AFP", "Agence France-Presse", "AP", "Associated Press", "The Associated Press",
        "Reuters", "dpa", "PA", "PA Media", "Press Association", "EFE", "ANSA", "Kyodo",
        "Xinhua", "Bloomberg", "UPI", "TASS", "Anadolu", "Yonhap", "ANP", "AAP", "APA",
        "Canadian Press", "The Canadian Press", "NTB", "TT", "Ritzau", "Belga", "SDA",
    )
}  # fmt: skip


def source_name(text):
    """The source a quotation's closing line names, or ""."""
    line = collapse(text).strip()
    match = SOURCE_LINE.match(line)
    if match:
        return match.group("name").strip().rstrip(".")
    name = line.lstrip(DASHES).strip().rstrip(".")
    return name if name.casefold() in WIRE_SERVICES else ""


def closing_line(node):
    """(element holding it, the children that make up ``node``'s last line), or None.

    The last line is the last paragraph of the quotation when it is one line, otherwise
    what follows the last ``<br>`` of the last paragraph (or of the quotation itself)."""
    meaningful = [c for c in node.children if not (isinstance(c, str) and not c.strip())]
    if not meaningful:
        return None
    last = meaningful[-1]
    if isinstance(last, Element) and last.tag in ("p", "div", "cite", "footer"):
        if not any(isinstance(c, Element) and c.tag == "br" for c in last.children):
            return node, [last]
        return closing_line(last)
    breaks = [
        position
        for position, child in enumerate(node.children)
        if isinstance(child, Element) and child.tag in ("br", "p", "div")
    ]
    start = breaks[-1] + 1 if breaks else 0
    segment = node.children[start:]
    return (node, segment) if segment else None


def html_to_blocks(source, **options):
    """Convenience wrapper: ``(blocks, converter)`` for ``source``."""
    converter = BodyConverter(**options)
    return converter.convert(source), converter
