"""Helpers of the export tests: the demo newsroom, a post with every block, exporting it,
importing the file into a fresh site (a second Wagtail site in the same database, so the
image library is shared: an imported picture is found by its content) and what each page
looks like, to compare a page with its imported copy."""

import datetime
import hashlib
import re
from io import StringIO

from django.conf import settings
from django.core.management import call_command
from django.utils import timezone
from wagtail.images import get_image_model
from wagtail.models import Page, Site

from home.models import HomePage, StandardPage
from news.comments.models import Comment
from news.importers.export.blogger import blog_number
from news.importers.models import ImportRecord
from news.models import NewsIndexPage, NewsPage, NewsPageAuthor

BASE = "http://localhost"  # the default site of the test database
COMMANDS = {
    "wxr": ("export_wordpress", "import_wordpress"),
    "blogger": ("export_blogger", "import_blogger"),
}
EVERY_BLOCK_TITLE = "Every block of a post, exported and imported"


def load_demo():
    call_command("load_demo_content", stdout=StringIO())
    return NewsIndexPage.objects.get(slug="news")


def add_post_with_every_block(index):
    """A published post with each block type and the variants of each: rich text with an
    internal link, lists, sub-headings, superscript; a quote with formatting, attribution
    and linked source; an image with caption, credit and alt text; videos; code; a table
    with a header row, a header column, an empty cell and a caption; related articles and
    links; a custom disclaimer."""
    earlier = NewsPage.objects.live().order_by("pk").first()
    image_id = NewsPage.objects.exclude(lead_image=None).values_list("lead_image", flat=True)[0]
    body = [
        {
            "type": "paragraph",
            "value": f'<p>Read <a linktype="page" id="{earlier.pk}">the earlier story</a> '
            "first, and <b>note</b> the <i>dates</i>: CO<sub>2</sub> fell 10<sup>3</sup> "
            'tonnes (<a href="https://stats.example/co2">figures</a>).</p>'
            "<h2>What changes</h2><ul><li>Fewer crossings</li><li>No night service</li></ul>"
            "<h3>When</h3><ol><li>March</li><li>April</li></ol>",
        },
        {
            "type": "quote",
            "value": {
                "text": "<p>We have <b>listened</b> to every objection.</p>"
                "<p>And we changed <i>the plan</i>.</p>",
                "attribution": "A council spokesperson",
                "source_name": "Reuters",
                "source_url": "https://www.reuters.com/",
            },
        },
        {
            "type": "image",
            "value": {
                "image": image_id,
                "caption": "The harbour wall at high tide.",
                "credit": "Maren Holt",
                "alt_text": "Waves breaking over a stone wall",
            },
        },
        {"type": "paragraph", "value": "<p>Between the picture and the video.</p>"},
        {
            "type": "embed",
            "value": {
                "heading": "",
                "url": "https://vimeo.com/76979871",
                "title": "The crossing",
                "caption": "Filmed from the ferry.",
            },
        },
        {
            "type": "code",
            "value": {
                "language": "python",
                "code": 'def tide(hour):\n    return "high" if hour % 12 < 6 else "low"',
            },
        },
        {
            "type": "table",
            "value": {
                "data": [
                    ["Crossing", "Winter", "Summer"],
                    ["Morning", "07:00", None],
                    ["Evening", "18:30", "20:00"],
                ],
                "first_row_is_table_header": True,
                "first_col_is_header": True,
                "table_header_choice": "both",
                "table_caption": "Ferry times",
            },
        },
        {
            "type": "related_articles",
            "value": {
                "heading": "Related Articles",
                "items": [
                    {"type": "article", "value": earlier.pk},
                    {
                        "type": "link",
                        "value": {
                            "url": "https://example.org/ferries",
                            "title": "Ferries of the coast",
                            "summary": "",
                        },
                    },
                ],
            },
        },
        {
            "type": "disclaimer",
            "value": {
                "disclaimer": None,
                "text": "<p>The views expressed are the author's own.</p>",
            },
        },
    ]
    post = NewsPage(
        title=EVERY_BLOCK_TITLE,
        slug="every-block",
        publication_date=datetime.date(2024, 5, 17),
        summary="Each block once.",
        body=body,
    )
    post.tags.add("Transport")
    post.news_authors = [NewsPageAuthor(author_id=NewsPageAuthor.objects.first().author_id)]
    index.add_child(instance=post)
    post.save_revision().publish()
    return post


def export(kind, path, *args):
    out = StringIO()
    call_command(COMMANDS[kind][0], "--output", str(path), *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def fresh_index(name):
    """The news index of a new, empty site (its own home page and host name)."""
    home = HomePage(title=f"Fresh {name}", slug=f"fresh-{name}")
    Page.get_first_root_node().add_child(instance=home)
    home.save_revision().publish()
    Site.objects.create(hostname=f"{name}.fresh.example", port=80, root_page=home)
    index = NewsIndexPage(title="News", slug="news")
    home.add_child(instance=index)
    index.save_revision().publish()
    return index


def import_file(kind, path, index):
    out = StringIO()
    call_command(
        COMMANDS[kind][1],
        str(path),
        "--index",
        str(index.pk),
        "--media",
        str(settings.MEDIA_ROOT),
        stdout=out,
    )
    return out.getvalue()


def source_id(kind, page):
    if kind == "wxr":
        return f"{BASE}/?p={page.pk}"
    return f"tag:blogger.com,1999:blog-{blog_number(BASE)}.post-{page.pk}"


def imported_copies(kind, pages):
    """{original page id: its imported page} for those of ``pages`` that came in."""
    source = "wordpress" if kind == "wxr" else "blogger"
    wanted = {source_id(kind, page): page.pk for page in pages}
    records = ImportRecord.objects.filter(source=source, source_id__in=list(wanted))
    return {wanted[record.source_id]: record.page.specific for record in records}


def without_ids(value):
    if isinstance(value, dict):
        return {key: without_ids(item) for key, item in value.items() if key != "id"}
    if isinstance(value, list):
        return [without_ids(item) for item in value]
    return value


def rich(value):
    """Stored rich text: a bare line of text is the paragraph the editor would store."""
    value = value or ""
    return f"<p>{value}</p>" if value and not value.lstrip().startswith("<") else value


def picture(image_id):
    """An image by its content (the SHA-1 of its file), "" when there is none: an import
    into another site finds or creates the same picture, under another id."""
    image = get_image_model().objects.filter(pk=image_id).first() if image_id else None
    if image is None:
        return ""
    with image.open_file() as stream:
        return hashlib.sha1(stream.read()).hexdigest()  # noqa: S324 - Wagtail's file_hash


def image_alt(value):
    """The alt text readers get: the block's own, else the image's description."""
    image = get_image_model().objects.filter(pk=value.get("image")).first()
    return value.get("alt_text") or (image.description if image is not None else "")


PAGE_LINK = re.compile(r'<a linktype="page" id="([0-9]+)">')


def body_of(content, id_map):
    """The body's blocks without their ids; pictures by their content (with the alt text
    readers get), links to pages and related articles by the ids of the imported copies
    (``id_map``: original id -> imported id), empty table cells as ""."""
    blocks = []
    for child in without_ids(content.body.raw_data):
        value = child["value"]
        if child["type"] == "paragraph":
            value = PAGE_LINK.sub(
                lambda m: f'<a linktype="page" id="{id_map.get(int(m[1]), m[1])}">', value
            )
        if child["type"] == "image":
            value = {**value, "image": picture(value.get("image")), "alt_text": image_alt(value)}
        if child["type"] == "table":
            value = {
                **value,
                "data": [["" if cell is None else cell for cell in row] for row in value["data"]],
            }
        if child["type"] == "quote" and isinstance(value, dict):
            value = {**value, "text": rich(value.get("text"))}
        if child["type"] == "related_articles":
            value = {
                **value,
                "items": [
                    {**item, "value": id_map.get(item["value"], item["value"])}
                    if item["type"] == "article"
                    else item
                    for item in value["items"]
                ],
            }
        blocks.append({"type": child["type"], "value": value})
    return blocks


def seconds(moment):
    return timezone.localtime(moment).replace(microsecond=0) if moment else None


def comments_of(page, *, emails):
    rows = Comment.objects.filter(page_id=page.pk, status=Comment.Status.APPROVED)
    by_pk = {row.pk: row for row in rows}
    shown = []
    for row in sorted(rows, key=lambda row: (row.submitted_at, row.body)):
        parent = by_pk.get(row.parent_id)
        shown.append(
            {
                "author_name": row.author_name,
                "author_url": row.author_url,
                "author_email": row.author_email if emails else "",
                "body": row.body,
                "submitted_at": seconds(row.submitted_at),
                "reply_to": (parent.author_name, parent.body) if parent else None,
            }
        )
    return shown


def content_of(page):
    """What readers see of a live page; a draft's latest revision."""
    return page if page.live else page.get_latest_revision_as_object()


def snapshot(page, *, id_map, emails):
    """What must survive the round trip, by aspect."""
    content = content_of(page)
    shown = {"title": content.title, "live": page.live, "body": body_of(content, id_map)}
    if isinstance(page, StandardPage):
        shown["summary"] = content.intro
        return shown
    shown.update(
        summary=content.summary,
        breaking=content.breaking,
        publication_date=content.publication_date,
        tags=sorted(tag.name for tag in content.tags.all()),
        authors=[link.author.name for link in content.news_authors.all()],
        lead_image=picture(content.lead_image_id),
        comments=comments_of(page, emails=emails),
    )
    return shown


def exported_pages(index, *, drafts):
    posts = NewsPage.objects.child_of(index).order_by("pk")
    pages = StandardPage.objects.child_of(index.get_parent()).order_by("pk")
    if not drafts:
        posts, pages = posts.live(), pages.live()
    return [*posts, *pages]


def round_trip(kind, tmp_path, index, *export_args):
    """Export the site, import the file into a fresh site; returns (original pages,
    {original id: copy}, the import's report)."""
    path = tmp_path / f"export.{kind}.xml"
    export(kind, path, *export_args)
    fresh = fresh_index(kind)
    report = import_file(kind, path, fresh)
    originals = exported_pages(index, drafts="--include-drafts" in export_args)
    return originals, imported_copies(kind, originals), report


def differences(kind, originals, copies, aspects):
    """Lines naming each aspect of each page that did not come back the same."""
    id_map = {pk: copy.pk for pk, copy in copies.items()}
    found = []
    for page in originals:
        copy = copies.get(page.pk)
        if copy is None:
            found.append(f"{kind}: {page.title!r} (page {page.pk}) was not imported")
            continue
        before = snapshot(page, id_map=id_map, emails=kind == "wxr")
        after = snapshot(copy, id_map={}, emails=kind == "wxr")
        for aspect in aspects:
            if aspect not in before:
                continue
            if aspect == "body":
                found += body_differences(kind, page, before["body"], after["body"])
            elif before[aspect] != after[aspect]:
                found.append(
                    f"{kind}: {page.title!r} {aspect}: wrote {before[aspect]!r}, "
                    f"came back {after[aspect]!r}"
                )
    return found


def body_differences(kind, page, before, after):
    if before == after:
        return []
    lines = [f"{kind}: {page.title!r} body differs:"]
    width = max(len(before), len(after))
    for position in range(width):
        wrote = before[position] if position < len(before) else None
        came = after[position] if position < len(after) else None
        if wrote != came:
            lines.append(f"    block {position}: wrote {wrote!r}\n      came back {came!r}")
    return lines
