"""The HTML toolkit behind the importers: a forgiving parser into a small tree, safe URLs,
video addresses and plain text.

``parse_html`` reads any blog HTML with the standard library's ``html.parser`` (unclosed
and stray tags are tolerated) into ``Element`` objects; nothing of the source is ever
copied out verbatim: ``html.BodyConverter`` writes new HTML from the tree, and
``plain_text``/``comment_text`` take only its text.
"""

import html
import re
from html.parser import HTMLParser
from urllib.parse import parse_qs, urljoin, urlparse

VOID_TAGS = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "param",
    "source",
    "track",
    "wbr",
}
# Dropped with everything inside them.
DROP_TAGS = {
    "script",
    "style",
    "noscript",
    "template",
    "head",
    "title",
    "meta",
    "link",
    "base",
    "form",
    "input",
    "button",
    "select",
    "textarea",
    "option",
    "applet",
    "frame",
    "frameset",
    "svg",
    "math",
    "canvas",
    "map",
    "dialog",
}
# Elements that end the paragraph in progress (and close an open <p>).
BLOCK_TAGS = {
    "address",
    "article",
    "aside",
    "blockquote",
    "center",
    "dd",
    "details",
    "div",
    "dl",
    "dt",
    "figcaption",
    "figure",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
}
BOLD_TAGS = {"b", "strong"}
ITALIC_TAGS = {"i", "em", "cite", "dfn", "var"}
LINK_SCHEMES = {"http", "https", "mailto", "tel"}
IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif", ".bmp", ".tif", ".tiff")
EMPTY_BR = re.compile(r"(?:<br/>\s*){2,}")
INLINE_TAG = re.compile(r"<(/?)(b|i|sup|sub|a)\b[^>]*>")
EMPTY_INLINE = re.compile(r"<(b|i|sup|sub)>(\s*)</\1>|<a [^>]*>(\s*)</a>")
YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{6,20}$")
VIMEO_ID = re.compile(r"^[0-9]{3,12}$")
BARE_URL = re.compile(r"^https?://\S+$")
ANY_TAG = re.compile(r"<[^>]+>")
URL_CONTROL = re.compile(r"[\x00-\x20\x7f]+")
LEADING_BLANK = re.compile(r"^(\s|&nbsp;|\xa0|<br/>)+")
TRAILING_BLANK = re.compile(r"(\s|&nbsp;|\xa0|<br/>)+$")

CAPTION_MAX, ALT_MAX, TEXT_MAX = 500, 255, 255
DASHES = "-~\u2013\u2014 "  # hyphen, tilde, en and em dash, space


class Element:
    __slots__ = ("attrs", "children", "parent", "tag")

    def __init__(self, tag, attrs=None, parent=None):
        self.tag = tag
        self.attrs = attrs or {}
        self.children = []
        self.parent = parent

    def classes(self):
        return set((self.attrs.get("class") or "").split())

    def elements(self):
        return [child for child in self.children if isinstance(child, Element)]

    def iter(self, tag=None):
        """Every element below this one (depth first), optionally only ``tag``."""
        for child in self.children:
            if isinstance(child, Element):
                if tag is None or child.tag == tag:
                    yield child
                yield from child.iter(tag)

    def find(self, tag):
        return next(self.iter(tag), None)


class TreeBuilder(HTMLParser):
    """A forgiving HTML → ``Element`` tree parser (unclosed and stray tags are tolerated)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Element("#root")
        self.stack = [self.root]

    @property
    def current(self):
        return self.stack[-1]

    def handle_starttag(self, tag, attrs):
        if tag in BLOCK_TAGS or tag == "li":
            self.close_open_paragraph()
        if tag == "li":
            self.close_until("li", stop={"ul", "ol"})
        elif tag in ("td", "th"):
            self.close_until(("td", "th"), stop={"tr", "table"})
        elif tag == "tr":
            self.close_until("tr", stop={"table"})
        element = Element(tag, {name: value or "" for name, value in attrs}, self.current)
        self.current.children.append(element)
        if tag not in VOID_TAGS:
            self.stack.append(element)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID_TAGS and self.current.tag == tag:
            self.stack.pop()

    def handle_endtag(self, tag):
        for position in range(len(self.stack) - 1, 0, -1):
            if self.stack[position].tag == tag:
                del self.stack[position:]
                return

    def handle_data(self, data):
        if data:
            self.current.children.append(data)

    def close_open_paragraph(self):
        if self.current.tag == "p":
            self.stack.pop()

    def close_until(self, tags, stop):
        tags = {tags} if isinstance(tags, str) else set(tags)
        for position in range(len(self.stack) - 1, 0, -1):
            tag = self.stack[position].tag
            if tag in stop:
                return
            if tag in tags:
                del self.stack[position:]
                return


def parse_html(source):
    builder = TreeBuilder()
    builder.feed(source or "")
    builder.close()
    return builder.root


def escape_text(text):
    return html.escape(text, quote=False)


def clean_url(url, base_url=None, schemes=LINK_SCHEMES):
    """An absolute, safe URL, or "" (``javascript:``, ``data:`` and the like are refused)."""
    url = URL_CONTROL.sub("", url or "")
    if not url:
        return ""
    if url.startswith("//"):
        url = "https:" + url
    parsed = urlparse(url)
    if not parsed.scheme:
        if url.startswith("#"):
            return ""
        if base_url:
            url = urljoin(base_url, url)
            parsed = urlparse(url)
        elif url.startswith("/"):
            return url
        else:
            return ""
    if parsed.scheme.lower() not in schemes:
        return ""
    if parsed.scheme.lower() in ("http", "https") and not parsed.netloc:
        return ""
    return url


def video_url(url):
    """The canonical watch URL of a YouTube or Vimeo video address, or "" for anything else."""
    url = clean_url(url, schemes={"http", "https"})
    if not url:
        return ""
    parsed = urlparse(url)
    host = (parsed.hostname or "").lower()
    if host.startswith("www."):
        host = host[4:]
    if host.startswith("m."):
        host = host[2:]
    parts = [part for part in parsed.path.split("/") if part]
    video_id = ""
    if host in ("youtube.com", "youtube-nocookie.com"):
        if parts[:1] == ["watch"]:
            video_id = (parse_qs(parsed.query).get("v") or [""])[0]
        elif len(parts) >= 2 and parts[0] in ("embed", "v", "shorts", "live"):
            video_id = parts[1]
    elif host == "youtu.be" and parts:
        video_id = parts[0]
    if video_id:
        video_id = video_id.split("&")[0]
        return f"https://www.youtube.com/watch?v={video_id}" if YOUTUBE_ID.match(video_id) else ""
    if host in ("vimeo.com", "player.vimeo.com"):
        numeric = [part for part in parts if VIMEO_ID.match(part)]
        if numeric:
            return f"https://vimeo.com/{numeric[0]}"
    return ""


def is_image_url(url):
    return urlparse(url or "").path.lower().endswith(IMAGE_EXTENSIONS)


SPACES = re.compile(r"\s+")


def collapse(text):
    return SPACES.sub(" ", text)


def plain_text(node, *, links=False, alts=True):
    """The text of ``node`` with line breaks for ``br`` and block ends; with ``links``, a
    link's URL follows its text in brackets (unless the text is the URL)."""
    parts = []

    def walk(element):
        for child in element.children:
            if isinstance(child, str):
                parts.append(collapse(child))
                continue
            tag = child.tag
            if tag in DROP_TAGS or tag in ("iframe", "object", "embed"):
                continue
            if tag == "br":
                parts.append("\n")
            elif tag == "img":
                if not alts:
                    continue
                alt = collapse(child.attrs.get("alt", "")).strip()
                if alt:
                    parts.append(alt)
            elif tag == "a" and links:
                start = len(parts)
                walk(child)
                text = "".join(parts[start:]).strip()
                url = clean_url(child.attrs.get("href"))
                if url and url != text and url.rstrip("/") != text.rstrip("/"):
                    parts.append(f" ({url})" if text else url)
            else:
                block = tag in BLOCK_TAGS
                if block:
                    parts.append("\n")
                walk(child)
                if block:
                    parts.append("\n")
                if tag in ("td", "th"):
                    parts.append(" ")

    walk(node)
    lines = [line.strip() for line in "".join(parts).replace("\xa0", " ").split("\n")]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def comment_text(source):
    """A reader comment's HTML as plain text: line breaks kept, link URLs kept as text."""
    return plain_text(parse_html(source), links=True)


def shorten(text, limit):
    text = collapse(text or "").strip()
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:. " + DASHES)
    return (cut or text[: limit - 1]) + "…"


def split_paragraphs(content):
    """Split inline HTML at blank lines (two or more ``<br/>``), closing the formatting
    open at each split and opening it again in the next piece."""
    pieces = []
    carry = []
    for raw in EMPTY_BR.split(content):
        stack = list(carry)
        for match in INLINE_TAG.finditer(raw):
            if match.group(1):
                for position in range(len(stack) - 1, -1, -1):
                    if stack[position][0] == match.group(2):
                        del stack[position]
                        break
            else:
                stack.append((match.group(2), match.group(0)))
        prefix = "".join(opening for _, opening in carry)
        suffix = "".join(f"</{tag}>" for tag, _ in reversed(stack))
        pieces.append(prefix + raw + suffix)
        carry = stack
    return pieces


def tidy_inline(content):
    """Trim line breaks and blank space at both ends and drop empty formatting."""
    previous = None
    while previous != content:
        previous = content
        content = EMPTY_INLINE.sub(lambda m: m.group(2) or m.group(3) or "", content)
        content = LEADING_BLANK.sub("", content)
        content = TRAILING_BLANK.sub("", content)
    text = html.unescape(ANY_TAG.sub("", content)).replace("\xa0", " ").strip()
    return content if text else ""
