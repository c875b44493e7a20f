"""Read a WordPress export (WXR 1.0 to 1.2, Tools → Export → All content).

Items of type ``post`` become news posts and ``page`` standard pages; attachments are used
to find featured images and gallery pictures. Site machinery (attachments, menus, theme
templates, ``NOT_CONTENT``) is counted in the report, one line per kind; anything else
(reusable blocks, custom post types) is skipped and listed with its type as the reason. The
namespaces are those the file binds ``wp:``, ``content:`` and ``excerpt:`` to (http or
https); an item id seen before is skipped (the first copy wins). Statuses: ``publish`` → live,
``future`` → scheduled, ``draft``/``pending``/``private`` and password-protected posts →
draft, ``trash``/``auto-draft`` → skipped. Categories (except the default
"Uncategorized") and tags both become tags; ``dc:creator`` is credited by its
``wp:author`` display name, or every co-author in byline order when Co-Authors Plus terms
(``<category domain="author">``) are there. Only approved comments (``wp:comment_approved`` 1) are
imported; pending, spam and trashed comments, pingbacks and trackbacks are skipped;
``wp:comment_status`` (open or closed) says whether the page takes new comments.

Classic-editor content gets WordPress's automatic paragraphs (blank line = new paragraph);
``[caption]``, ``[embed]``, ``[youtube]`` and ``[gallery]`` shortcodes are converted.
Block-editor (Gutenberg) content is standard HTML between ``<!-- wp:... -->`` comments, which
the HTML converter reads as it is (paragraphs, headings, lists, quotes, images with
captions, embeds, galleries).
"""

import html
import re
from collections import Counter
from urllib.parse import unquote, urlparse

from news.importers.entries import (
    DRAFT,
    LIVE,
    PAGE,
    POST,
    SCHEDULED,
    ParsedExport,
    SourceComment,
    SourceEntry,
)
from news.importers.markup import parse_html, plain_text
from news.importers.parsing import (
    ExportError,
    parse_export,
    parse_rfc822_datetime,
    parse_wordpress_datetime,
    text_of,
)

CONTENT = "http://purl.org/rss/1.0/modules/content/"
DC = "{http://purl.org/dc/elements/1.1/}"
# WordPress has written http://wordpress.org/export/1.0/ to 1.2/; its own theme test data
# and some plugins write https://. Whatever URI the file binds wp: to is used.
WXR_NAMESPACE = re.compile(r"^https?://wordpress\.org/export/[0-9.]+/?$")
WXR_VERSION = re.compile(rb"<wp:wxr_version>\s*(?:<!\[CDATA\[)?\s*([0-9.]+)")


def standard_wp_namespace(data):
    version = WXR_VERSION.search(data)
    return f"http://wordpress.org/export/{version.group(1).decode() if version else '1.2'}/"


# The prefixes every WXR file uses, for files re-saved without their declarations.
WXR_PREFIXES = {
    "wp": standard_wp_namespace,
    "excerpt": lambda data: standard_wp_namespace(data) + "excerpt/",
    "content": CONTENT,
    "dc": "http://purl.org/dc/elements/1.1/",
    "wfw": "http://wellformedweb.org/CommentAPI/",
}
STATUSES = {
    "publish": LIVE,
    "future": SCHEDULED,
    "draft": DRAFT,
    "pending": DRAFT,
    "private": DRAFT,
}
COMMENT_SKIP_REASONS = {
    "0": "awaiting moderation in WordPress",
    "spam": "marked as spam in WordPress",
    "trash": "in WordPress's trash",
    "post-trashed": "its post is in WordPress's trash",
}
TAG_DOMAINS = {"category", "post_tag", "tag"}
# Item types that are site machinery, not writing: counted in the report, not listed.
NOT_CONTENT = {
    "attachment": "attachment (media library file; imported where a post uses it)",
    "nav_menu_item": "WordPress menu item (not content)",
    "wp_navigation": "WordPress navigation menu (not content)",
    "wp_template": "WordPress theme template (not content)",
    "wp_template_part": "WordPress theme template part (not content)",
    "wp_global_styles": "WordPress global styles (not content)",
    "custom_css": "WordPress custom CSS (not content)",
    "customize_changeset": "WordPress customizer changeset (not content)",
    "oembed_cache": "WordPress oEmbed cache entry (not content)",
    "user_request": "WordPress privacy request (not content)",
    "wp_font_family": "WordPress font (not content)",
    "wp_font_face": "WordPress font (not content)",
    "revision": "WordPress revision (the post itself is imported)",
}

CAPTION = re.compile(r"\[caption([^\]]*)\](.*?)\[/caption\]", re.S | re.I)
CAPTION_IMAGE = re.compile(r"(<a\b[^>]*>\s*)?<img\b[^>]*>(\s*</a>)?", re.I)
EMBED = re.compile(r"\[embed[^\]]*\](.*?)\[/embed\]", re.S | re.I)
YOUTUBE = re.compile(r"\[youtube[=\s]+([^\]\s]+)[^\]]*\]", re.I)
GALLERY = re.compile(r"\[gallery\b([^\]]*)\]", re.I)
OTHER_MEDIA = re.compile(r"\[(audio|video|playlist)\b[^\]]*\](?:.*?\[/\1\])?", re.S | re.I)
ATTRIBUTE = re.compile(r'(\w+)\s*=\s*(?:"([^"]*)"|\'([^\']*)\'|(\S+))')


def attributes(text):
    return {
        m.group(1).lower(): m.group(2) or m.group(3) or m.group(4) or ""
        for m in ATTRIBUTE.finditer(text)
    }


def embed_figure(url):
    return f'<figure class="wp-block-embed"><div>{html.escape(url.strip())}</div></figure>'


def read_wordpress(path):
    """Parse a WXR file into a ParsedExport (nothing is written)."""
    document = parse_export(path, known_prefixes=WXR_PREFIXES)
    root = document.root
    if root.tag != "rss":
        tag = root.tag.split("}")[-1]
        hint = " (a Blogger export? use import_blogger)" if tag == "feed" else ""
        raise ExportError(
            f"{path}: not a WordPress export: the document is <{tag}>, not <rss>{hint}"
        )
    channel = root.find("channel")
    if channel is None:
        raise ExportError(f"{path}: not a WordPress export: <rss> has no <channel>")
    export = WordPressReader(path, root, channel, document.namespaces).read()
    export.warnings = document.warnings
    return export


def describe_feed(root, channel, namespaces):
    """What a document that is not WXR is, in words, for the error message."""
    items = len(channel.findall("item"))
    version = root.get("version")
    title = text_of(channel, "title")
    what = f"an RSS {version} feed" if version else "an RSS feed"
    if title:
        what += f" ({title!r})"
    what += f" with {items} item{'s' if items != 1 else ''}"
    if namespaces:
        what += " and the namespaces " + ", ".join(
            f"{prefix or '(default)'}: {uri}" for prefix, uri in sorted(namespaces.items())
        )
    else:
        what += " and no namespaces"
    return what


class WordPressReader:
    def __init__(self, path, root, channel, namespaces):
        self.path = path
        self.channel = channel
        self.find_namespaces(root, namespaces)
        version = text_of(channel, self.wp + "wxr_version") or "1.x"
        self.format_name = f"WordPress export (WXR {version})"
        self.site = (
            text_of(channel, self.wp + "base_blog_url")
            or text_of(channel, self.wp + "base_site_url")
            or text_of(channel, "link")
        ).rstrip("/")
        self.site_path = urlparse(self.site).path.rstrip("/")
        self.authors = {}
        for author in channel.findall(self.wp + "author"):
            login = text_of(author, self.wp + "author_login")
            name = text_of(author, self.wp + "author_display_name") or " ".join(
                part
                for part in (
                    text_of(author, self.wp + "author_first_name"),
                    text_of(author, self.wp + "author_last_name"),
                )
                if part
            )
            if login:
                self.authors[login] = html.unescape(name or login)
        self.skipped = []
        self.not_content = Counter()
        self.attachments = {}  # post id -> file URL
        self.attachment_captions = {}  # post id -> caption (the attachment's excerpt)
        self.attachment_parents = {}  # post id -> [attachment URLs]

    def find_namespaces(self, root, namespaces):
        """The wp:, content: and excerpt: namespaces as the file binds them."""
        wp = namespaces.get("wp")
        if wp is None:
            wp = next((uri for uri in namespaces.values() if WXR_NAMESPACE.match(uri)), None)
        used = wp is not None and any(
            isinstance(element.tag, str) and element.tag.startswith("{" + wp + "}")
            for element in self.channel.iter()
        )
        if not used:
            found = describe_feed(root, self.channel, namespaces)
            raise ExportError(
                f"{self.path}: not a WordPress export (WXR): the file is {found}, but no "
                "wp: elements (wp:post_id, wp:status...) from a wordpress.org/export/ "
                "namespace. An ordinary RSS feed has no drafts, comments or authors; in "
                "WordPress use Tools → Export → All content."
            )
        self.wp = "{" + wp + "}"
        self.content = "{" + namespaces.get("content", CONTENT) + "}"
        self.excerpt = "{" + namespaces.get("excerpt", wp.rstrip("/") + "/excerpt/") + "}"

    def wp_text(self, element, name):
        return text_of(element, self.wp + name)

    def read(self):
        items, seen = [], {}  # seen: post id -> label of its first item
        for number, item in enumerate(self.channel.findall("item"), start=1):
            post_id = self.wp_text(item, "post_id")
            title = plain_text(parse_html(text_of(item, "title"))).replace("\n", " ")
            shown = f' "{title}"' if title else " (no title)"
            label = f"item {number}{shown} [post {post_id or '?'}]"
            if not post_id.isdigit():
                raise ExportError(
                    f"{self.path}: {label}: wp:post_id is "
                    + (f"{post_id!r}, not a number" if post_id else "missing")
                )
            post_type = self.wp_text(item, "post_type") or "post"
            if post_type == "attachment":
                url = self.wp_text(item, "attachment_url") or text_of(item, "guid")
                self.attachments[post_id] = url
                # WordPress keeps a media file's caption as its excerpt.
                caption = plain_text(parse_html(text_of(item, self.excerpt + "encoded")))
                self.attachment_captions[post_id] = caption.replace("\n", " ").strip()
                parent = self.wp_text(item, "post_parent")
                self.attachment_parents.setdefault(parent, []).append(url)
            if post_type in NOT_CONTENT:
                self.not_content[NOT_CONTENT[post_type]] += 1
                continue
            if post_type not in ("post", "page"):
                self.skipped.append((label, f"WordPress {post_type} item (not a post or page)"))
                continue
            first = seen.get(post_id)
            if first is not None:
                # Concatenated or hand-merged exports repeat items. The first one is
                # imported, the same every run (a re-run of the file changes nothing).
                self.skipped.append(
                    (label, f"post id {post_id} again (first as {first}): the first is imported")
                )
                continue
            seen[post_id] = label
            items.append((item, post_id, post_type, title, label))

        entries, comment_count = [], 0
        for item, post_id, post_type, title, label in items:
            entry = self.read_item(item, post_id, post_type, title, label)
            comment_count += len(item.findall(self.wp + "comment"))
            if entry is not None:
                entries.append(entry)
        posts = [entry for entry in entries if entry.kind == POST]
        return ParsedExport(
            source="wordpress",
            format_name=self.format_name,
            title=html.unescape(text_of(self.channel, "title")),
            entries=posts + self.parents_first([e for e in entries if e.kind == PAGE]),
            skipped=self.skipped,
            comment_count=comment_count,
            not_content=self.not_content,
        )

    @staticmethod
    def parents_first(pages):
        by_id = {page.source_id: page for page in pages}
        ordered, seen = [], set()

        def visit(page, trail):
            if page.source_id in seen or page.source_id in trail:
                return
            parent = by_id.get(page.parent_id)
            if parent is not None:
                visit(parent, trail | {page.source_id})
            seen.add(page.source_id)
            ordered.append(page)

        for page in pages:
            visit(page, frozenset())
        return ordered

    def source_id(self, post_id):
        return f"{self.site}/?p={post_id}"

    def read_item(self, item, post_id, post_type, title, label):
        status_name = self.wp_text(item, "status") or "publish"
        status = STATUSES.get(status_name)
        if status is None:
            self.skipped.append((label, f"status {status_name!r} in WordPress"))
            return None
        notes = []
        if status_name in ("private", "pending"):
            notes.append(f"{status_name} in WordPress: imported as a draft")
        if self.wp_text(item, "post_password"):
            status = DRAFT
            notes.append("password-protected in WordPress: imported as a draft")
        what = f"{self.path}: {label}"
        published, local_date = parse_wordpress_datetime(
            self.wp_text(item, "post_date_gmt"), self.wp_text(item, "post_date"), what
        )
        if published is None:
            published = parse_rfc822_datetime(text_of(item, "pubDate"))
        updated, _ = parse_wordpress_datetime(
            self.wp_text(item, "post_modified_gmt"), self.wp_text(item, "post_modified"), what
        )
        if published is None and updated is not None and status != DRAFT:
            published = updated

        link = text_of(item, "link")
        query = "page_id" if post_type == "page" else "p"
        old_urls = [url for url in (link, f"{self.site_path}/?{query}={post_id}") if url]
        if post_type == "page":
            old_urls.append(f"{self.site_path}/?p={post_id}")

        tags, co_authors = [], []
        for category in item.findall("category"):
            domain = category.get("domain") or "category"
            name = html.unescape((category.text or "").strip())
            if domain == "author" and name:
                # Co-Authors Plus: one term per author, in byline order; its name is the
                # author's login (or, as some exports write it, the display name).
                login = (category.get("nicename") or "").removeprefix("cap-")
                co_authors.append(self.authors.get(name) or self.authors.get(login) or name)
                continue
            if domain not in TAG_DOMAINS or not name:
                continue
            if domain == "category" and (category.get("nicename") or "") == "uncategorized":
                continue
            tags.append(name)

        content = text_of(item, self.content + "encoded")
        gutenberg = "<!-- wp:" in content
        content = self.shortcodes(content, post_id, notes)
        excerpt = text_of(item, self.excerpt + "encoded")
        featured = featured_caption = ""
        for meta in item.findall(self.wp + "postmeta"):
            if self.wp_text(meta, "meta_key") == "_thumbnail_id":
                featured = self.attachments.get(self.wp_text(meta, "meta_value"), "")
                featured_caption = self.attachment_captions.get(
                    self.wp_text(meta, "meta_value"), ""
                )
        creator = text_of(item, DC + "creator")
        parent = self.wp_text(item, "post_parent")
        comment_status = self.wp_text(item, "comment_status").lower()
        entry = SourceEntry(
            kind=POST if post_type == "post" else PAGE,
            source_id=self.source_id(post_id),
            label=label,
            title=title,
            html=content,
            status=status,
            published=published,
            updated=updated,
            local_date=local_date,
            authors=co_authors or ([self.authors.get(creator, creator)] if creator else []),
            comments_open={"open": True, "closed": False}.get(comment_status),
            tags=tags,
            old_urls=old_urls,
            slug=unquote(self.wp_text(item, "post_name")),
            summary_html=excerpt,
            base_url=link or self.site,
            autop=not gutenberg,
            featured_image=featured,
            featured_caption=featured_caption,
            parent_id=self.source_id(parent) if parent and parent != "0" else "",
            notes=notes,
        )
        entry.comments = self.read_comments(item, entry)
        return entry

    def shortcodes(self, content, post_id, notes):
        def caption(match):
            attrs, inner = match.group(1), match.group(2)
            image = CAPTION_IMAGE.search(inner)
            if image is None:
                return inner
            text = (inner[: image.start()] + inner[image.end() :]).strip()
            text = text or attributes(attrs).get("caption", "")
            return f"<figure>{image.group(0)}<figcaption>{text}</figcaption></figure>"

        def gallery(match):
            ids = [
                part.strip()
                for part in attributes(match.group(1)).get("ids", "").split(",")
                if part.strip()
            ]
            urls = (
                [self.attachments[i] for i in ids if i in self.attachments]
                if ids
                else self.attachment_parents.get(post_id, [])
            )
            if not urls:
                notes.append("[gallery] shortcode with no pictures in the export: left out")
            return "".join(f'<figure><img src="{html.escape(url)}"></figure>' for url in urls)

        def other_media(match):
            notes.append(f"[{match.group(1).lower()}] shortcode not converted: left out")
            return ""

        content = CAPTION.sub(caption, content)
        content = EMBED.sub(lambda m: embed_figure(m.group(1)), content)
        content = YOUTUBE.sub(lambda m: embed_figure(m.group(1)), content)
        content = GALLERY.sub(gallery, content)
        return OTHER_MEDIA.sub(other_media, content)

    def read_comments(self, item, entry):
        comments = []
        for element in item.findall(self.wp + "comment"):
            comment_id = self.wp_text(element, "comment_id")
            label = f"comment {comment_id or '?'} on {entry.label}"
            kind = self.wp_text(element, "comment_type")
            if kind in ("pingback", "trackback"):
                self.skipped.append((label, f"a {kind}, not a reader comment"))
                continue
            approved = self.wp_text(element, "comment_approved")
            if approved != "1":
                reason = COMMENT_SKIP_REASONS.get(approved, f"status {approved!r} in WordPress")
                self.skipped.append((label, reason))
                continue
            if not comment_id:
                raise ExportError(f"{self.path}: {label}: the comment has no wp:comment_id")
            submitted, _ = parse_wordpress_datetime(
                self.wp_text(element, "comment_date_gmt"),
                self.wp_text(element, "comment_date"),
                f"{self.path}: {label}",
            )
            parent = self.wp_text(element, "comment_parent")
            comments.append(
                SourceComment(
                    source_id=f"wordpress:{self.site}#comment-{comment_id}",
                    parent_id=(
                        f"wordpress:{self.site}#comment-{parent}"
                        if parent and parent != "0"
                        else ""
                    ),
                    author_name=html.unescape(self.wp_text(element, "comment_author")),
                    author_email=self.wp_text(element, "comment_author_email"),
                    author_url=self.wp_text(element, "comment_author_url"),
                    ip_address=self.wp_text(element, "comment_author_IP"),
                    body_html=self.comment_html(self.wp_text(element, "comment_content")),
                    submitted_at=submitted,
                )
            )
        return comments

    @staticmethod
    def comment_html(text):
        """WordPress comments are stored as text with newlines (wpautop on display)."""
        if re.search(r"<(p|br|div)\b", text, re.I):
            return text
        return text.replace("\n", "<br>")
