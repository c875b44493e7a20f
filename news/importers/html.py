"""Blog HTML → Newsdesk body blocks, cleaned on the way.

The exported HTML is parsed with the standard library's ``html.parser`` into a small tree
and written out again from scratch: only what our blocks can hold survives, so scripts,
styles, event handlers and inline styles cannot get through (nothing is copied verbatim).

- ``p``, ``div`` and other block containers, ``h1``-``h6`` and ``ul``/``ol`` become
  rich text in ``paragraph`` blocks (bold, italic, superscript, subscript, links, nested
  lists, ``ol start``, h2/h3; consecutive text is kept in one block until another block
  interrupts it);
- ``blockquote`` becomes a ``quote`` (rich text; attribution from its ``cite``/``footer``,
  source from a closing "Source: AFP" line);
- ``pre`` becomes a ``code`` block (whitespace kept, language from highlighter classes);
  a data ``table`` a ``table`` block (header row or column, caption, empty cells kept);
- ``img`` becomes an ``image`` block when the ``image_resolver`` finds the file, with the
  caption from Blogger's ``tr-caption`` table or a ``figcaption`` (a closing "Photo: …"
  is the credit); otherwise a paragraph with a link to the external image, which is
  listed in ``external_images``;
- YouTube and Vimeo iframes (and old ``object``/``embed`` players, WordPress ``wp-block-embed``
  figures and lone video URLs) become ``embed`` blocks with the canonical video URL, the
  player's title and the figure's heading;
- a "Related articles" / "Read more" heading over a list of links becomes a
  ``related_articles`` block of links; paragraphs of class ``disclaimer`` and a closing
  "The views expressed…" paragraph a ``disclaimer`` block (the importer then picks the
  matching snippet and points links at imported posts: base.py, links.py);
- ``script``, ``style``, forms, other iframes and plugins are dropped and counted in
  ``removed``.
"""

import html
import re
from collections import Counter
from urllib.parse import unquote, urlparse

from cms.core.blocks.code import clean_language, tidy_code
from news.importers.markup import (
    ALT_MAX,
    ANY_TAG,
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
        self.trailing_disclaimer()
        return self.blocks

    def trailing_disclaimer(self):
        """A closing paragraph such as "The views expressed here are the author's own"
        (before a closing related-articles block, if any) becomes a disclaimer block."""
        position = len(self.blocks) - 1
        while position >= 0 and self.blocks[position]["type"] in ("related_articles", "embed"):
            position -= 1
        if position < 0 or self.blocks[position]["type"] != "paragraph":
            return
        value = self.blocks[position]["value"]
        match = re.search(r"<p>((?:(?!<p>).)*)</p>$", value, flags=re.S)
        if match is None:
            return
        text = collapse(html.unescape(ANY_TAG.sub("", match.group(1)))).strip()
        if not DISCLAIMER_TEXT.match(text):
            return
        rest = value[: match.start()]
        disclaimer = {
            "type": "disclaimer",
            "value": {"disclaimer": None, "text": disclaimer_html(match.group(1))},
        }
        if rest.strip():
            self.blocks[position] = {"type": "paragraph", "value": rest}
            self.blocks.insert(position + 1, disclaimer)
        else:
            self.blocks[position] = disclaimer

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
            text = collapse(html.unescape(ANY_TAG.sub("", piece))).strip()
            lone_video = video_url(text) if BARE_URL.match(text) else ""
            if lone_video:
                self.add_block(
                    "embed", {"heading": "", "url": lone_video, "title": "", "caption": ""}
                )
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
            for number, chunk in enumerate(BLANK_LINE.split(data)):
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
            if not self.related_list(node):
                self.list(node)
        elif tag in ("p", "div") and "disclaimer" in node.classes():
            self.disclaimer(node)
        elif tag == "blockquote":
            self.quote(node)
        elif tag == "figure":
            self.figure(node)
        elif tag == "table":
            self.table(node)
        elif tag == "pre":
            self.code(node)
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
                lines.append(re.sub(r"</?(p|h2|h3|ul|ol|li)(?: [^>]*)?>", "", text))
            elif block["type"] == "quote":
                text = block["value"]["text"].replace("</p>", "<br/>")
                lines.append(text.replace("<p>", ""))
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

    def related_list(self, node):
        """A "Related articles" / "Read more" heading followed by a list of links (each
        maybe with a summary after a dash) becomes a ``related_articles`` block of links;
        the importer turns links to imported posts into articles. False when ``node`` is
        no such list."""
        self.end_paragraph()
        if not self.rich:
            return False
        match = re.fullmatch(r"<(h2|h3)>(.*)</\1>|<p><b>(.*)</b></p>", self.rich[-1], flags=re.S)
        if match is None:
            return False
        heading_html = (match.group(2) if match.group(1) else match.group(3)) or ""
        heading = collapse(html.unescape(ANY_TAG.sub("", heading_html)))
        heading = heading.strip().rstrip(":").strip()
        if not RELATED_HEADING.fullmatch(heading):
            return False
        items = []
        for item in node.elements():
            links = list(item.iter("a")) if item.tag == "li" else []
            if len(links) != 1:
                return False
            link = links[0]
            url = clean_url(link.attrs.get("href"), self.base_url, schemes={"http", "https"})
            title = collapse(plain_text(link)).strip()
            before, after = text_around(item, link)
            if not url or not title or before or len(url) > 200:
                return False
            summary = after.lstrip(DASHES + ":").strip()
            items.append(
                {
                    "type": "link",
                    "value": {"url": url, "title": title[:TEXT_MAX], "summary": summary[:500]},
                }
            )
        if not items:
            return False
        self.rich.pop()
        self.add_block("related_articles", {"heading": heading[:TEXT_MAX], "items": items})
        return True

    def disclaimer(self, node):
        """A paragraph marked as a disclaimer (``class="disclaimer"``, as Newsdesk's export
        writes them) becomes a disclaimer block; paragraphs of one in a row stay one."""
        content, extra = self.inline_html(node)
        if content:
            self.end_paragraph()
            last = self.blocks[-1] if self.blocks and not self.rich else None
            if (
                last is not None
                and last["type"] == "disclaimer"
                and not last["value"]["disclaimer"]
            ):
                last["value"]["text"] += disclaimer_html(content)
            else:
                self.add_block(
                    "disclaimer", {"disclaimer": None, "text": disclaimer_html(content)}
                )
        for block in extra:
            self.add_block(block["type"], block["value"])

    def list(self, node):
        extra = []
        element_html = self.list_html(node, extra)
        if element_html:
            self.add_rich(element_html)
        for block in extra:
            self.add_block(block["type"], block["value"])

    def list_html(self, node, extra):
        """``node`` (a ``ul`` or ``ol``) as rich text, lists inside its items nested as
        the editor nests them, the number an ``ol`` starts at kept (``start``); images
        and videos found in its items are appended to ``extra``."""
        items = []

        def collect(list_node):
            for child in list_node.elements():
                if child.tag in ("ul", "ol"):
                    # A list right inside a list (invalid, but blogs have it): it belongs
                    # to the item before it.
                    nested = self.list_html(child, extra)
                    if items and nested:
                        items[-1] = items[-1][: -len("</li>")] + nested + "</li>"
                    elif nested:
                        items.append(f"<li>{nested}</li>")
                    continue
                if child.tag != "li":
                    collect(child)
                    continue
                nested = [grand for grand in child.elements() if grand.tag in ("ul", "ol")]
                for grand in nested:
                    child.children.remove(grand)
                content, blocks = self.inline_html(child)
                extra.extend(blocks)
                sublists = "".join(self.list_html(grand, extra) for grand in nested)
                if content or sublists:
                    items.append(f"<li>{content}{sublists}</li>")

        collect(node)
        if not items:
            return ""
        start = (node.attrs.get("start") or "").strip()
        numbered = node.tag == "ol" and re.fullmatch(r"[0-9]{1,6}", start) and int(start) > 1
        numbered_from = f' start="{int(start)}"' if numbered else ""
        return f"<{node.tag}{numbered_from}>{''.join(items)}</{node.tag}>"

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
        text, extra = self.quoted_html(node)
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
        for block in extra:  # pictures and videos inside the quotation follow it
            self.add_block(block["type"], block["value"])

    def quoted_html(self, node):
        """A quotation's content as the quote block's rich text (paragraphs with bold,
        italic, superscript, subscript and links; headings and list items become
        paragraphs, a quotation inside it its paragraphs) and the blocks found inside it
        (images, videos)."""
        converter = BodyConverter(
            base_url=self.base_url, image_resolver=self.image_resolver, autop=self.autop
        )
        converter.external_images = self.external_images
        converter.removed = self.removed
        converter.walk(node)
        converter.end_paragraph()
        converter.flush_rich()
        paragraphs, extra = [], []
        for block in converter.blocks:
            if block["type"] == "paragraph":
                pieces = QUOTE_BREAK.split(block["value"])
                paragraphs.extend(f"<p>{piece}</p>" for piece in pieces if piece.strip())
            elif block["type"] == "quote":
                paragraphs.append(block["value"]["text"])
            else:
                extra.append(block)
        return "".join(paragraphs), extra

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
                    {
                        "heading": "",
                        "url": video_url(url) or url,
                        "title": "",
                        "caption": caption[:CAPTION_MAX],
                    },
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
            # A heading in the figure, above the player, is the embed's ("Related video").
            heading = next(
                (c for c in node.elements() if c.tag in ("h2", "h3", "h4", "h5", "h6")), None
            )
            heading_text = collapse(plain_text(heading)).strip() if heading is not None else ""
            self.media_element(media[0], caption=caption, heading=heading_text)
            return
        self.end_paragraph()
        self.walk(node)
        if caption:
            self.add_rich(f"<p><i>{escape_text(caption)}</i></p>")

    def code(self, node):
        """``<pre>`` as a ``code`` block: its text exactly as written (tabs, indentation
        and blank lines kept, only the blank lines around it dropped), and its language
        from the markup highlighters and WordPress leave."""
        code = tidy_code("".join(self.raw_text(node)))
        if not code.strip():
            return
        self.add_block("code", {"language": code_language(node), "code": code})

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
        rows = [row for row in node.iter("tr") if row_table(row) is node]
        cells = [cell for row in rows for cell in row.elements() if cell.tag in ("td", "th")]
        media = [e for e in node.iter() if e.tag in ("img", "iframe", "object", "embed")]
        if len(cells) <= 1 or media:
            # A layout table (one cell, or pictures and players laid out side by side):
            # its content, as if the table were not there.
            self.end_paragraph()
            self.walk(node)
            self.end_paragraph()
            return
        value = table_value(node, rows)
        if value is not None:
            self.add_block("table", value)

    def image(self, node, full_size="", caption=""):
        src = clean_url(node.attrs.get("src"), self.base_url, schemes={"http", "https"})
        full = clean_url(full_size, self.base_url, schemes={"http", "https"})
        if not src and not full:
            self.removed["img"] += 1
            return
        alt = collapse(node.attrs.get("alt") or node.attrs.get("title") or "").strip()
        caption, credit = split_credit(caption)
        candidates = [url for url in (full, src) if url]
        image_id = self.image_resolver(candidates, alt, caption)
        if image_id is not None:
            self.add_block(
                "image",
                {
                    "image": image_id,
                    "caption": caption[:CAPTION_MAX],
                    "credit": credit[:TEXT_MAX],
                    "alt_text": alt[:ALT_MAX],
                },
            )
            return
        url = candidates[0]
        self.external_images.append(url)
        caption = f"{caption} ({CREDIT_LABEL}{credit})".strip() if credit else caption
        label = caption or alt or unquote(urlparse(url).path.rsplit("/", 1)[-1]) or "image"
        self.add_rich(
            f'<p><a href="{html.escape(url)}">Image: {escape_text(collapse(label))}</a></p>'
        )

    def media_element(self, node, caption="", heading=""):
        sources = [node.attrs.get("src", ""), node.attrs.get("data", "")]
        for child in node.iter():
            if child.tag == "param" and child.attrs.get("name", "").lower() in ("movie", "src"):
                sources.append(child.attrs.get("value", ""))
            elif child.tag in ("embed", "source"):
                sources.append(child.attrs.get("src", ""))
        for source in sources:
            url = video_url(source)
            if url:
                title = collapse(node.attrs.get("title") or "").strip()
                self.add_block(
                    "embed",
                    {
                        "heading": heading[:TEXT_MAX],
                        "url": url,
                        "title": title[:TEXT_MAX],
                        "caption": caption[:CAPTION_MAX],
                    },
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


# The heading of a list of links to other stories.
RELATED_HEADING = re.compile(
    r"(?:related(?: articles| stories| posts| news| coverage| links| reading)?|read more"
    r"|more on this(?: story)?|see also|further reading|more stories|you may also like)",
    re.I,
)
# A closing paragraph that is a disclaimer: "The views expressed…", "Disclaimer: …".
DISCLAIMER_TEXT = re.compile(
    r"(?:disclaimer\s*:|(?:the\s+)?(?:views|opinions)\s+expressed\b)", re.I
)


def disclaimer_html(inline):
    """Inline rich text as the disclaimer block's text: one paragraph, with the formatting
    the block takes (bold, italic, links)."""
    kept = re.sub(r"</?(?:sup|sub)>", "", inline)
    return f"<p>{kept}</p>"


def text_around(element, child):
    """(text before ``child``, text after it) in ``element``, collapsed."""
    parts, seen = [[], []], False

    def walk(node):
        nonlocal seen
        for part in node.children:
            if part is child:
                seen = True
            elif isinstance(part, str):
                parts[seen].append(part)
            elif part.tag not in DROP_TAGS:
                walk(part)

    walk(element)
    return tuple(collapse("".join(side)).strip() for side in parts)


# A credit at the end of a caption: "… Photo: Jo Lens/Reuters", "(Picture: AP)",
# "Credit: NASA", "© Maren Holt", "Foto: dpa".
CREDIT_LABEL = "Photo: "
# The label starts the caption, a sentence of it, or a bracket, dash or bar.
CREDIT = re.compile(
    r"(?:^|(?<=[.!?;|)])\s+|\s+[-\u2013\u2014|]\s+|\s*(?=\())\(?"
    r"(?:(?:photo(?:graph)?|picture|image|foto|credit)s?(?:\s+credit)?\s*:|©|\(c\))"
    r"\s*(?P<credit>[^()]{1,80}?)\.?\)?\s*$",
    re.I,
)


def split_credit(caption):
    """(caption, credit): a credit line ending a caption becomes the image's credit."""
    match = CREDIT.search(caption or "")
    if match is None or not match.group("credit").strip():
        return caption or "", ""
    return caption[: match.start()].strip(), match.group("credit").strip()


def code_language(pre):
    """The language a ``<pre>`` (or the ``<code>`` in it) names, or "": Prism and
    highlight.js (``language-x``, ``lang-x``), SyntaxHighlighter (``brush: x``), Crayon
    (``lang:x``), WP-Syntax (``lang="x"``) and ``data-language``."""
    elements = [pre, *(child for child in pre.elements() if child.tag == "code")]
    for element in elements:
        for attribute in ("data-language", "lang"):
            language = clean_language(element.attrs.get(attribute))
            if language:
                return language
        classes = element.attrs.get("class", "")
        match = re.search(r"\bbrush\s*:\s*([^\s;]+)", classes) or re.search(
            r"(?:^|\s)(?:language|lang)[-:]([^\s;]+)", classes
        )
        if match and clean_language(match.group(1)):
            return clean_language(match.group(1))
    return ""


def row_table(row):
    """The table a ``tr`` belongs to (not a table nested in one of its cells)."""
    parent = row.parent
    while parent is not None and parent.tag != "table":
        parent = parent.parent
    return parent


def table_value(node, rows):
    """A data table as the ``table`` block's value (Wagtail's table block): a cell's text
    with its line breaks; every row as wide as the widest, merged cells (``colspan``,
    ``rowspan``) unmerged into the first cell and empty ones after or below it, so no
    column shifts; empty cells kept as ""; a header row from ``thead`` or a first row
    of ``th``; a header column when every other row starts with a ``th``. Rows of empty
    cells only are left out; None when no row is left."""
    grid, headers, spanning = [], [], {}  # spanning: column -> rows it still covers
    for row in rows:
        values, kinds, column = [], [], 0
        for cell in (c for c in row.elements() if c.tag in ("td", "th")):
            while spanning.get(column):
                spanning[column] -= 1
                values.append("")
                kinds.append(None)
                column += 1
            colspan = span(cell.attrs.get("colspan"))
            rowspan = span(cell.attrs.get("rowspan"))
            lines = (collapse(line).strip() for line in plain_text(cell, alts=False).split("\n"))
            text = "\n".join(line for line in lines if line)
            for offset in range(colspan):
                values.append(text if offset == 0 else "")
                kinds.append(cell.tag if offset == 0 else None)
                if rowspan > 1:
                    spanning[column + offset] = rowspan - 1
            column += colspan
        for covered in sorted(c for c, rows_left in spanning.items() if rows_left and c >= column):
            # Columns merged down from a row above, after this row's last cell.
            padding = covered + 1 - column
            values.extend([""] * padding)
            kinds.extend([None] * padding)
            spanning[covered] -= 1
            column = covered + 1
        if any(value for value in values):  # a row of nothing but empty cells: spacing
            grid.append(values)
            headers.append((row.parent.tag == "thead", kinds))
    if not grid:
        return None
    width = max(len(values) for values in grid)
    grid = [values + [""] * (width - len(values)) for values in grid]
    in_thead, first_kinds = headers[0]
    header_row = in_thead or all(kind in ("th", None) for kind in first_kinds)
    body = headers[1:] if header_row else headers
    header_column = bool(body) and all(
        kinds and kinds[0] == "th" and any(kind == "td" for kind in kinds) for _, kinds in body
    )
    caption_node = node.find("caption")
    caption = collapse(plain_text(caption_node)).strip() if caption_node is not None else ""
    choice = {(True, True): "both", (True, False): "row", (False, True): "column"}
    return {
        "data": grid,
        "table_header_choice": choice.get((header_row, header_column), "neither"),
        "first_row_is_table_header": header_row,
        "first_col_is_header": header_column,
        "table_caption": caption[:TEXT_MAX],
    }


def span(value):
    """A ``colspan``/``rowspan`` as a count of cells (1 when missing or absurd)."""
    value = (value or "").strip()
    return int(value) if re.fullmatch(r"[0-9]{1,3}", value) and 0 < int(value) <= 100 else 1


# Where a paragraph of rich text ends inside a quotation: headings and list items become
# paragraphs of their own, lists are unwrapped.
BLANK_LINE = re.compile(r"\n\s*\n")
QUOTE_BREAK = re.compile(r"</?(?:p|h2|h3|li|ul|ol)(?: [^>]*)?>")

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
