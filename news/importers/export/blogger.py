"""Write a Blogger export: the Atom file of Blogger's Settings → Back up content.

One ``<feed>`` holding an ``<entry>`` per post and page, told apart by their kind category
(``http://schemas.google.com/blogger/2008/kind#post``, ``#page``), then an entry per
comment (``#comment``) naming its post with ``thr:in-reply-to`` and the comment it answers
with ``<link rel="related">``. Drafts (and scheduled, private and unpublished pages, which
Blogger cannot hold as such) carry ``<app:control><app:draft>yes</app:draft>``; a
scheduled post keeps its go-live time as ``<published>``. Tags are labels
(``scheme="http://www.blogger.com/atom/ns#"``); every author is an ``<author>``; the post's
address is ``<link rel="alternate">``; the summary is ``<summary>`` and the lead image a
``<media:thumbnail>``. Ids follow Blogger's ``tag:blogger.com,1999:blog-BLOG.post-N``:
BLOG is a number derived from the site's address (the same on every export of a site, so
a re-import updates instead of duplicating), N the page's id, or ``COMMENT_ID_BASE`` + the
comment's id. Blogger never exports readers' e-mail addresses; neither does this.
"""

import hashlib
import html

from django.utils import timezone

from news.importers.export.content import PAGE, PUBLISH
from news.importers.export.wordpress import clean

ATOM_KIND = "http://schemas.google.com/g/2005#kind"
KIND = "http://schemas.google.com/blogger/2008/kind#"
LABEL_SCHEME = "http://www.blogger.com/atom/ns#"
COMMENT_ID_BASE = 1_000_000_000_000
NOREPLY = "noreply@blogger.com"


def escape(value):
    return html.escape(clean(value), quote=True)


def atom_date(moment):
    return timezone.localtime(moment).isoformat(timespec="milliseconds")


def blog_number(base_url):
    """A Blogger-like blog id for the site: 18 digits, stable for its address."""
    digest = hashlib.sha256(base_url.encode()).hexdigest()
    return str(10**17 + int(digest[:15], 16) % (9 * 10**17))


class BloggerWriter:
    """``write(stream)``: the whole file for ``content`` (a SiteContent)."""

    def __init__(self, content):
        self.content = content
        self.blog = blog_number(content.base_url)
        self.prefix = f"tag:blogger.com,1999:blog-{self.blog}"

    def write(self, stream):
        content = self.content
        out = stream.write
        feeds = f"https://www.blogger.com/feeds/{self.blog}"
        out("<?xml version='1.0' encoding='UTF-8'?>\n")
        out(
            "<feed xmlns='http://www.w3.org/2005/Atom' "
            "xmlns:openSearch='http://a9.com/-/spec/opensearchrss/1.0/' "
            "xmlns:gd='http://schemas.google.com/g/2005' "
            "xmlns:thr='http://purl.org/syndication/thread/1.0' "
            "xmlns:georss='http://www.georss.org/georss' "
            "xmlns:app='http://purl.org/atom/app#' "
            "xmlns:media='http://search.yahoo.com/mrss/'>\n"
        )
        out(f"<id>{self.prefix}</id>\n")
        out(f"<updated>{atom_date(timezone.now())}</updated>\n")
        out(f"<title type='text'>{escape(content.title)}</title>\n")
        out("<subtitle type='html'></subtitle>\n")
        out(
            f"<link rel='http://schemas.google.com/g/2005#feed' type='application/atom+xml' "
            f"href='{feeds}/archive'/>\n"
            f"<link rel='self' type='application/atom+xml' href='{feeds}/archive'/>\n"
            f"<link rel='alternate' type='text/html' href='{escape(content.base_url)}/'/>\n"
        )
        out(f"<author><name>{escape(content.title)}</name><email>{NOREPLY}</email></author>\n")
        out("<generator version='1.0' uri='https://wagtail.org'>Newsdesk</generator>\n")
        comments = []  # written after the posts and pages, as Blogger does
        for entry in content.entries():
            out(self.entry(entry))
            comments += [(entry, comment) for comment in entry.comments]
        for entry, comment in comments:
            out(self.comment(entry, comment))
        out("</feed>\n")

    def entry(self, entry):
        kind = "page" if entry.kind == PAGE else "post"
        lines = [
            "<entry>",
            f"<id>{self.prefix}.post-{entry.pk}</id>",
            f"<published>{atom_date(entry.moment)}</published>",
            f"<updated>{atom_date(entry.modified)}</updated>",
        ]
        if entry.status != PUBLISH:  # Blogger has drafts; scheduled posts keep their time
            lines.append("<app:control><app:draft>yes</app:draft></app:control>")
        lines.append(f"<category scheme='{ATOM_KIND}' term='{KIND}{kind}'/>")
        lines += [
            f"<category scheme='{LABEL_SCHEME}' term='{escape(name)}'/>" for name, _ in entry.tags
        ]
        lines.append(f"<title type='text'>{escape(entry.title)}</title>")
        if entry.summary:
            lines.append(f"<summary type='text'>{escape(entry.summary)}</summary>")
        body = "".join(piece.html for piece in entry.pieces)
        lines.append(f"<content type='html'>{escape(body)}</content>")
        if entry.status == PUBLISH:
            lines.append(
                f"<link rel='replies' type='application/atom+xml' "
                f"href='https://www.blogger.com/feeds/{self.blog}/{entry.pk}/comments/default' "
                "title='Post Comments'/>"
            )
            lines.append(
                f"<link rel='alternate' type='text/html' href='{escape(entry.url)}' "
                f"title='{escape(entry.title)}'/>"
            )
        for name in entry.authors or [self.content.title]:
            lines.append(f"<author><name>{escape(name)}</name><email>{NOREPLY}</email></author>")
        if entry.lead_image is not None:
            lines.append(
                f"<media:thumbnail url='{escape(entry.lead_image.url)}' height='72' width='72'/>"
            )
        if entry.comments:
            lines.append(f"<thr:total>{len(entry.comments)}</thr:total>")
        lines.append("</entry>\n")
        return "\n".join(lines)

    def comment(self, entry, comment):
        number = COMMENT_ID_BASE + comment.pk
        body = "<br />".join(html.escape(line, quote=False) for line in comment.body.split("\n"))
        title = " ".join(comment.body.split())[:40]
        shown_ms = int(comment.submitted_at.timestamp() * 1000)
        lines = [
            "<entry>",
            f"<id>{self.prefix}.post-{number}</id>",
            f"<published>{atom_date(comment.submitted_at)}</published>",
            f"<updated>{atom_date(comment.submitted_at)}</updated>",
            f"<category scheme='{ATOM_KIND}' term='{KIND}comment'/>",
            f"<title type='text'>{escape(title)}</title>",
            f"<content type='html'>{escape(body)}</content>",
            f"<link rel='alternate' type='text/html' "
            f"href='{escape(entry.url)}?showComment={shown_ms}#c{number}' title=''/>",
        ]
        if comment.parent_pk:
            lines.append(
                f"<link rel='related' type='application/atom+xml' "
                f"href='https://www.blogger.com/feeds/{self.blog}/{entry.pk}/comments/default/"
                f"{COMMENT_ID_BASE + comment.parent_pk}'/>"
            )
        author = f"<author><name>{escape(comment.author_name)}</name>"
        if comment.author_url:
            author += f"<uri>{escape(comment.author_url)}</uri>"
        lines.append(author + f"<email>{NOREPLY}</email></author>")
        lines.append(
            f"<thr:in-reply-to href='{escape(entry.url)}' ref='{self.prefix}.post-{entry.pk}' "
            f"source='https://www.blogger.com/feeds/{self.blog}/posts/default/{entry.pk}' "
            "type='text/html'/>"
        )
        lines.append("</entry>\n")
        return "\n".join(lines)
