"""Write a WordPress eXtended RSS file (WXR 1.2), as Tools → Export → All content does.

The channel lists the authors (``wp:author``) and tags (``wp:tag``), then one ``item`` per
post (``wp:post_type`` post) and standard page (page, ``wp:post_parent`` for a page under
another), then one ``attachment`` item per picture the content uses (``wp:attachment_url``
the original file; a post's lead image is its ``_thumbnail_id``). Item ids are the pages'
ids; attachments take ``ATTACHMENT_ID_BASE`` + the image's id, so they never collide.

Statuses: ``publish``, ``draft`` (its ``wp:post_date_gmt`` zero when it was never
published, as WordPress writes it), ``future`` (the go-live time), ``private``. Bodies are
block-editor content (``<!-- wp:paragraph -->``...; see body.py for each block); the
summary is the excerpt; a breaking post's title starts with "BREAKING: ". The first author
is ``dc:creator``; every author of a post with several is also a Co-Authors Plus term
(``<category domain="author" nicename="cap-LOGIN">``). Comments carry their WordPress
status (``wp:comment_approved`` 1, 0, spam or trash) and ``wp:comment_parent``.
"""

import datetime
import email.utils
import html
import json
import re

from django.conf import settings
from django.utils import timezone

from news.importers.export.content import DRAFT, PAGE

WXR_VERSION = "1.2"
ATTACHMENT_ID_BASE = 1_000_000_000
COMMENT_STATUSES = {"approved": "1", "pending": "0", "spam": "spam", "rejected": "trash"}
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
ZERO_DATE = "0000-00-00 00:00:00"


def clean(value):
    return NOT_XML.sub("", str(value or ""))


def cdata(value):
    return "<![CDATA[" + clean(value).replace("]]>", "]]]]><![CDATA[>") + "]]>"


def escape(value):
    return html.escape(clean(value), quote=True)


def wp_date(moment):
    """WordPress's "YYYY-MM-DD HH:MM:SS" of an aware datetime, in the site's time zone."""
    return timezone.make_naive(moment).strftime("%Y-%m-%d %H:%M:%S")


def wp_date_gmt(moment):
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S")


def block_markup(pieces):
    """Block-editor content: each piece between its block comments."""
    parts = []
    for piece in pieces:
        name = piece.block or "freeform"
        if name == "freeform":
            parts.append(piece.html)
            continue
        attrs = f" {json.dumps(piece.attrs, separators=(',', ':'))}" if piece.attrs else ""
        parts.append(f"<!-- wp:{name}{attrs} -->\n{piece.html}\n<!-- /wp:{name} -->")
    return "\n\n".join(parts)


class WXRWriter:
    """``write(stream)``: the whole file for ``content`` (a SiteContent)."""

    def __init__(self, content):
        self.content = content
        self.logins = content.author_logins()

    def write(self, stream):
        content = self.content
        base = content.base_url
        out = stream.write
        out('<?xml version="1.0" encoding="UTF-8" ?>\n')
        out(
            "<!-- This is a WordPress eXtended RSS file written by Newsdesk "
            "(manage.py export_wordpress) as an export of your site. -->\n"
            "<!-- It contains information about your site's posts, pages, comments, "
            "tags and authors. -->\n"
            "<!-- To import it into a WordPress site follow these steps: "
            "Tools → Import → WordPress. -->\n"
        )
        out(
            '<rss version="2.0"\n'
            f'\txmlns:excerpt="http://wordpress.org/export/{WXR_VERSION}/excerpt/"\n'
            '\txmlns:content="http://purl.org/rss/1.0/modules/content/"\n'
            '\txmlns:wfw="http://wellformedweb.org/CommentAPI/"\n'
            '\txmlns:dc="http://purl.org/dc/elements/1.1/"\n'
            f'\txmlns:wp="http://wordpress.org/export/{WXR_VERSION}/"\n>\n\n<channel>\n'
        )
        out(f"\t<title>{escape(content.title)}</title>\n")
        out(f"\t<link>{escape(base)}</link>\n")
        out("\t<description></description>\n")
        out(f"\t<pubDate>{email.utils.format_datetime(timezone.now())}</pubDate>\n")
        out(f"\t<language>{escape(settings.LANGUAGE_CODE)}</language>\n")
        out(f"\t<wp:wxr_version>{WXR_VERSION}</wp:wxr_version>\n")
        out(f"\t<wp:base_site_url>{escape(base)}</wp:base_site_url>\n")
        out(f"\t<wp:base_blog_url>{escape(base)}</wp:base_blog_url>\n\n")
        for number, (name, login) in enumerate(self.logins.items(), start=1):
            first, _, last = name.partition(" ")
            out(
                f"\t<wp:author><wp:author_id>{number}</wp:author_id>"
                f"<wp:author_login>{cdata(login)}</wp:author_login>"
                f"<wp:author_email>{cdata('')}</wp:author_email>"
                f"<wp:author_display_name>{cdata(name)}</wp:author_display_name>"
                f"<wp:author_first_name>{cdata(first)}</wp:author_first_name>"
                f"<wp:author_last_name>{cdata(last)}</wp:author_last_name></wp:author>\n"
            )
        for number, (name, slug) in enumerate(content.tags(), start=1):
            out(
                f"\t<wp:tag><wp:term_id>{number}</wp:term_id>"
                f"<wp:tag_slug>{cdata(slug)}</wp:tag_slug>"
                f"<wp:tag_name>{cdata(name)}</wp:tag_name></wp:tag>\n"
            )
        out("\n\t<generator>Newsdesk</generator>\n")
        first_use = {}  # image pk -> the post that uses it first (the attachment's parent)
        for entry in content.entries():
            out(self.item(entry))
            if entry.lead_image is not None:
                first_use.setdefault(entry.lead_image.pk, entry.pk)
            for pk in content.images:
                first_use.setdefault(pk, entry.pk)
        for image in content.images.values():
            out(self.attachment(image, first_use.get(image.pk, 0)))
        out("</channel>\n</rss>\n")

    def item(self, entry):
        post_id = entry.pk
        published = entry.status != DRAFT or entry.published_before
        lines = [
            "\t<item>",
            f"\t\t<title>{cdata(entry.title)}</title>",
            f"\t\t<link>{escape(entry.url)}</link>",
            f"\t\t<pubDate>{email.utils.format_datetime(entry.moment)}</pubDate>",
            f"\t\t<dc:creator>{cdata(self.login(entry.authors[0]) if entry.authors else '')}"
            "</dc:creator>",
            f'\t\t<guid isPermaLink="false">{escape(self.content.base_url)}/?p={post_id}</guid>',
            "\t\t<description></description>",
            f"\t\t<content:encoded>{cdata(block_markup(entry.pieces))}</content:encoded>",
            f"\t\t<excerpt:encoded>{cdata(entry.summary)}</excerpt:encoded>",
            f"\t\t<wp:post_id>{post_id}</wp:post_id>",
            f"\t\t<wp:post_date>{cdata(wp_date(entry.moment))}</wp:post_date>",
            "\t\t<wp:post_date_gmt>"
            + cdata(wp_date_gmt(entry.moment) if published else ZERO_DATE)
            + "</wp:post_date_gmt>",
            f"\t\t<wp:post_modified>{cdata(wp_date(entry.modified))}</wp:post_modified>",
            "\t\t<wp:post_modified_gmt>"
            + cdata(wp_date_gmt(entry.modified))
            + "</wp:post_modified_gmt>",
            "\t\t<wp:comment_status>"
            + cdata("open" if entry.comments_open else "closed")
            + "</wp:comment_status>",
            f"\t\t<wp:ping_status>{cdata('closed')}</wp:ping_status>",
            f"\t\t<wp:post_name>{cdata(entry.slug)}</wp:post_name>",
            f"\t\t<wp:status>{cdata(entry.status)}</wp:status>",
            f"\t\t<wp:post_parent>{entry.parent_pk or 0}</wp:post_parent>",
            "\t\t<wp:menu_order>0</wp:menu_order>",
            f"\t\t<wp:post_type>{cdata('page' if entry.kind == PAGE else 'post')}</wp:post_type>",
            f"\t\t<wp:post_password>{cdata('')}</wp:post_password>",
            "\t\t<wp:is_sticky>0</wp:is_sticky>",
        ]
        for name, slug in entry.tags:
            lines.append(
                f'\t\t<category domain="post_tag" nicename="{escape(slug)}">'
                f"{cdata(name)}</category>"
            )
        if len(entry.authors) > 1:
            for name in entry.authors:
                lines.append(
                    f'\t\t<category domain="author" nicename="cap-{escape(self.login(name))}">'
                    f"{cdata(name)}</category>"
                )
        if entry.lead_image is not None:
            lines.append(self.meta("_thumbnail_id", ATTACHMENT_ID_BASE + entry.lead_image.pk))
        lines += [self.comment(comment) for comment in entry.comments]
        lines.append("\t</item>\n")
        return "\n".join(lines)

    def login(self, name):
        login = self.logins.get(name)
        if login is None:  # an author created while the export ran
            login = self.logins[name] = f"author-{len(self.logins) + 1}"
        return login

    @staticmethod
    def meta(key, value):
        return (
            f"\t\t<wp:postmeta><wp:meta_key>{cdata(key)}</wp:meta_key>"
            f"<wp:meta_value>{cdata(value)}</wp:meta_value></wp:postmeta>"
        )

    @staticmethod
    def comment(comment):
        body = html.escape(comment.body, quote=False)
        return "\n".join(
            [
                "\t\t<wp:comment>",
                f"\t\t\t<wp:comment_id>{comment.pk}</wp:comment_id>",
                f"\t\t\t<wp:comment_author>{cdata(comment.author_name)}</wp:comment_author>",
                "\t\t\t<wp:comment_author_email>"
                + cdata(comment.author_email)
                + "</wp:comment_author_email>",
                "\t\t\t<wp:comment_author_url>"
                + escape(comment.author_url)
                + "</wp:comment_author_url>",
                f"\t\t\t<wp:comment_author_IP>{cdata(comment.ip_address)}</wp:comment_author_IP>",
                f"\t\t\t<wp:comment_date>{cdata(wp_date(comment.submitted_at))}</wp:comment_date>",
                "\t\t\t<wp:comment_date_gmt>"
                + cdata(wp_date_gmt(comment.submitted_at))
                + "</wp:comment_date_gmt>",
                f"\t\t\t<wp:comment_content>{cdata(body)}</wp:comment_content>",
                "\t\t\t<wp:comment_approved>"
                + cdata(COMMENT_STATUSES.get(comment.status, "0"))
                + "</wp:comment_approved>",
                f"\t\t\t<wp:comment_type>{cdata('comment')}</wp:comment_type>",
                f"\t\t\t<wp:comment_parent>{comment.parent_pk or 0}</wp:comment_parent>",
                "\t\t\t<wp:comment_user_id>0</wp:comment_user_id>",
                "\t\t</wp:comment>",
            ]
        )

    def attachment(self, image, parent):
        post_id = ATTACHMENT_ID_BASE + image.pk
        now = timezone.now()
        lines = [
            "\t<item>",
            f"\t\t<title>{cdata(image.title)}</title>",
            f"\t\t<link>{escape(image.url)}</link>",
            f"\t\t<pubDate>{email.utils.format_datetime(now)}</pubDate>",
            f"\t\t<dc:creator>{cdata('')}</dc:creator>",
            f'\t\t<guid isPermaLink="false">{escape(image.url)}</guid>',
            "\t\t<description></description>",
            f"\t\t<content:encoded>{cdata('')}</content:encoded>",
            f"\t\t<excerpt:encoded>{cdata('')}</excerpt:encoded>",
            f"\t\t<wp:post_id>{post_id}</wp:post_id>",
            f"\t\t<wp:post_date>{cdata(wp_date(now))}</wp:post_date>",
            f"\t\t<wp:post_date_gmt>{cdata(wp_date_gmt(now))}</wp:post_date_gmt>",
            f"\t\t<wp:comment_status>{cdata('closed')}</wp:comment_status>",
            f"\t\t<wp:ping_status>{cdata('closed')}</wp:ping_status>",
            f"\t\t<wp:post_name>{cdata(image.name.rsplit('/', 1)[-1].rsplit('.', 1)[0])}"
            "</wp:post_name>",
            f"\t\t<wp:status>{cdata('inherit')}</wp:status>",
            f"\t\t<wp:post_parent>{parent}</wp:post_parent>",
            "\t\t<wp:menu_order>0</wp:menu_order>",
            f"\t\t<wp:post_type>{cdata('attachment')}</wp:post_type>",
            f"\t\t<wp:post_password>{cdata('')}</wp:post_password>",
            "\t\t<wp:is_sticky>0</wp:is_sticky>",
            f"\t\t<wp:attachment_url>{cdata(image.url)}</wp:attachment_url>",
            self.meta("_wp_attached_file", image.name),
        ]
        if image.alt:
            lines.append(self.meta("_wp_attachment_image_alt", image.alt))
        lines.append("\t</item>\n")
        return "\n".join(lines)
