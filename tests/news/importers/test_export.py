"""export_wordpress and export_blogger: the files are in the shapes WordPress's importer and
Blogger read (namespaces, ids, statuses, terms, comments, attachments), hold what a user
expects (published content by default; drafts and private pages only when asked, and
marked as such), and come back through import_wordpress / import_blogger.

The aspects of the round trip that the importers read back today are asserted here; the
full fidelity of every block is asserted in test_export_round_trip.py.
"""

import xml.etree.ElementTree as ET
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from wagtail.models import PageViewRestriction

from news.comments.models import Comment
from news.importers.export.body import BLOGGER, WORDPRESS, BodyWriter
from news.importers.export.wordpress import ATTACHMENT_ID_BASE
from news.importers.html import html_to_blocks
from news.models import NewsBodyBlock, NewsPage
from tests.news.importers import round_trip

pytestmark = pytest.mark.django_db

WP = "{http://wordpress.org/export/1.2/}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
EXCERPT = "{http://wordpress.org/export/1.2/excerpt/}"
DC = "{http://purl.org/dc/elements/1.1/}"
ATOM = "{http://www.w3.org/2005/Atom}"
THR = "{http://purl.org/syndication/thread/1.0}"
APP = "{http://purl.org/atom/app#}"
KIND = "http://schemas.google.com/blogger/2008/kind#"


@pytest.fixture
def demo():
    return round_trip.load_demo()


def wxr(tmp_path, *args):
    path = tmp_path / "site.WordPress.xml"
    round_trip.export("wxr", path, *args)
    return ET.parse(path).getroot()  # noqa: S314 - the file the test just wrote


def blogger(tmp_path, *args):
    path = tmp_path / "blog.xml"
    round_trip.export("blogger", path, *args)
    return ET.parse(path).getroot()  # noqa: S314 - the file the test just wrote


def wp(element, name):
    return element.findtext(WP + name)


def items(root, post_type=None):
    found = root.find("channel").findall("item")
    return [item for item in found if post_type is None or wp(item, "post_type") == post_type]


def item_titled(root, title):
    return next(item for item in items(root) if item.findtext("title").endswith(title))


def kind_of(entry):
    for category in entry.findall(ATOM + "category"):
        if category.get("scheme") == "http://schemas.google.com/g/2005#kind":
            return category.get("term").removeprefix(KIND)
    return None


# -- WordPress -------------------------------------------------------------------------------


def test_wxr_has_the_shape_wordpress_writes(tmp_path, demo):
    root = wxr(tmp_path)

    assert root.tag == "rss"
    channel = root.find("channel")
    assert wp(channel, "wxr_version") == "1.2"
    assert wp(channel, "base_site_url") == round_trip.BASE
    logins = {
        wp(a, "author_login"): wp(a, "author_display_name") for a in channel.findall(WP + "author")
    }
    assert logins["maren-holt"] == "Maren Holt"
    assert {wp(tag, "tag_name") for tag in channel.findall(WP + "tag")} >= {
        "Climate",
        "Port Alder",
    }

    posts = items(root, "post")
    live = NewsPage.objects.live()
    assert sorted(int(wp(item, "post_id")) for item in posts) == sorted(p.pk for p in live)
    assert {wp(item, "status") for item in posts} == {"publish"}
    assert [wp(item, "post_name") for item in items(root, "page")] == ["about", "contact"]

    post = NewsPage.objects.get(title="Council approves new harbour wall after winter storms")
    item = item_titled(root, post.title)
    assert item.findtext("link") == f"{round_trip.BASE}{post.url}"
    assert item.findtext(EXCERPT + "encoded") == post.summary
    assert wp(item, "post_date").startswith(f"{post.publication_date:%Y-%m-%d} ")
    assert wp(item, "post_date_gmt").startswith(f"{post.publication_date:%Y-%m-%d} ")
    assert item.findtext(DC + "creator") in logins
    tags = {
        c.text: c.get("nicename")
        for c in item.findall("category")
        if c.get("domain") == "post_tag"
    }
    assert tags == {"Port Alder": "port-alder", "Politics": "politics"}
    content = item.findtext(CONTENT + "encoded")
    assert content.startswith("<!-- wp:paragraph -->\n<p>")
    assert '<blockquote class="wp-block-quote"' in content

    breaking = NewsPage.objects.filter(breaking=True).first()
    assert item_titled(root, breaking.title).findtext("title") == f"BREAKING: {breaking.title}"


def test_wxr_comments_are_the_approved_ones_with_their_thread(tmp_path, demo):
    root = wxr(tmp_path)

    wall = item_titled(root, "Council approves new harbour wall after winter storms")
    comments = {wp(c, "comment_author"): c for c in wall.findall(WP + "comment")}
    assert set(comments) == {"Ines Kalda", "Tomas Berg", "Harbour watcher"}
    assert {wp(c, "comment_approved") for c in comments.values()} == {"1"}
    reply, parent = comments["Tomas Berg"], comments["Ines Kalda"]
    assert wp(reply, "comment_parent") == wp(parent, "comment_id")
    assert wp(parent, "comment_parent") == "0"
    assert wp(reply, "comment_author_url") == "https://tomas.example/"
    assert wp(reply, "comment_date_gmt")

    tram = item_titled(root, "Tram line to the university opens two months early")
    assert [wp(c, "comment_author") for c in tram.findall(WP + "comment")] == ["Sara Lind"]

    everything = wxr(tmp_path, "--all-comments")
    tram = item_titled(everything, "Tram line to the university opens two months early")
    statuses = {
        wp(c, "comment_author"): wp(c, "comment_approved") for c in tram.findall(WP + "comment")
    }
    assert statuses == {"Sara Lind": "1", "A. Reader": "0"}


def test_wxr_pictures_are_attachments_on_the_media_url(tmp_path, demo):
    root = wxr(tmp_path)

    attachments = {int(wp(item, "post_id")): item for item in items(root, "attachment")}
    post = NewsPage.objects.get(title="Council approves new harbour wall after winter storms")
    thumbnail = next(
        wp(meta, "meta_value")
        for meta in item_titled(root, post.title).findall(WP + "postmeta")
        if wp(meta, "meta_key") == "_thumbnail_id"
    )
    attachment = attachments[int(thumbnail)]
    assert int(thumbnail) == ATTACHMENT_ID_BASE + post.lead_image_id
    assert wp(attachment, "attachment_url") == f"{round_trip.BASE}{post.lead_image.file.url}"
    assert wp(attachment, "status") == "inherit"
    content = item_titled(root, post.title).findtext(CONTENT + "encoded")
    image_ids = [b.value["image"].pk for b in post.body if b.block_type == "image"]
    for image_id in image_ids:
        assert f'class="wp-image-{image_id}"' in content
        assert ATTACHMENT_ID_BASE + image_id in attachments


def test_drafts_only_when_asked_and_marked_as_drafts(tmp_path, demo):
    draft = NewsPage.objects.get(live=False)

    assert str(draft.pk) not in {wp(item, "post_id") for item in items(wxr(tmp_path))}

    item = next(
        item
        for item in items(wxr(tmp_path, "--include-drafts"))
        if wp(item, "post_id") == str(draft.pk)
    )
    assert wp(item, "status") == "draft"
    assert wp(item, "post_date_gmt") == "0000-00-00 00:00:00"  # never published
    assert item.findtext("title") == draft.get_latest_revision_as_object().title

    entries = blogger(tmp_path, "--include-drafts").findall(ATOM + "entry")
    entry = next(e for e in entries if e.findtext(ATOM + "id").endswith(f".post-{draft.pk}"))
    assert entry.findtext(f"{APP}control/{APP}draft") == "yes"
    assert entry.find(ATOM + "link[@rel='alternate']") is None
    published = [e for e in entries if kind_of(e) == "post" and e is not entry]
    assert all(e.find(f"{APP}control") is None for e in published)


def test_private_pages_only_when_asked(tmp_path, demo):
    post = NewsPage.objects.live().order_by("pk").first()
    PageViewRestriction.objects.create(page=post, restriction_type="password", password="x")

    assert str(post.pk) not in {wp(item, "post_id") for item in items(wxr(tmp_path))}
    assert str(post.pk) not in {
        wp(item, "post_id") for item in items(wxr(tmp_path, "--include-drafts"))
    }
    included = items(wxr(tmp_path, "--include-private"))
    assert [wp(i, "status") for i in included if wp(i, "post_id") == str(post.pk)] == ["private"]


# -- Blogger ---------------------------------------------------------------------------------


def test_blogger_has_the_shape_of_a_blogger_backup(tmp_path, demo):
    root = blogger(tmp_path)

    assert root.tag == ATOM + "feed"
    entries = root.findall(ATOM + "entry")
    kinds = [kind_of(entry) for entry in entries]
    assert kinds.count("post") == NewsPage.objects.live().count()
    assert kinds.count("page") == 2
    assert kinds.count("comment") == Comment.objects.filter(status="approved").count()

    post = NewsPage.objects.get(title="Council approves new harbour wall after winter storms")
    entry = next(e for e in entries if e.findtext(ATOM + "title") == post.title)
    post_id = entry.findtext(ATOM + "id")
    assert post_id.startswith("tag:blogger.com,1999:blog-")
    assert (
        entry.find(ATOM + "link[@rel='alternate']").get("href") == f"{round_trip.BASE}{post.url}"
    )
    labels = {
        c.get("term")
        for c in entry.findall(ATOM + "category")
        if c.get("scheme") == "http://www.blogger.com/atom/ns#"
    }
    assert labels == {"Port Alder", "Politics"}
    assert [a.findtext(ATOM + "name") for a in entry.findall(ATOM + "author")] == [
        link.author.name for link in post.news_authors.all()
    ]
    assert entry.findtext(ATOM + "published").startswith(f"{post.publication_date:%Y-%m-%d}T")

    comments = [e for e in entries if kind_of(e) == "comment"]
    on_post = [c for c in comments if c.find(THR + "in-reply-to").get("ref") == post_id]
    assert len(on_post) == 3
    reply = next(c for c in on_post if c.findtext(f"{ATOM}author/{ATOM}name") == "Tomas Berg")
    parent = next(c for c in on_post if c.findtext(f"{ATOM}author/{ATOM}name") == "Ines Kalda")
    related = reply.find(ATOM + "link[@rel='related']").get("href")
    assert related.rsplit("/", 1)[-1] == parent.findtext(ATOM + "id").rsplit(".post-", 1)[-1]
    assert {c.findtext(f"{ATOM}author/{ATOM}email") for c in comments} == {"noreply@blogger.com"}


# -- the command -----------------------------------------------------------------------------


def test_standard_output_and_the_summary(demo):
    out, err = StringIO(), StringIO()
    call_command("export_wordpress", stdout=out, stderr=err)

    assert out.getvalue().startswith('<?xml version="1.0" encoding="UTF-8" ?>')
    ET.fromstring(out.getvalue())  # noqa: S314 - well-formed
    summary = err.getvalue()
    assert "WordPress export (WXR 1.2) written to standard output" in summary
    assert "set_site_url" in summary  # the site still has its local address


def test_problems_are_named(tmp_path, demo):
    with pytest.raises(CommandError, match=r"--output: .*missing is not a folder"):
        call_command("export_blogger", "--output", str(tmp_path / "missing" / "x.xml"))
    with pytest.raises(CommandError, match=r"--site: there is no site 'nowhere.example'"):
        call_command("export_wordpress", "--site", "nowhere.example", stdout=StringIO())
    assert not list(tmp_path.iterdir())


# -- round trips -----------------------------------------------------------------------------

# What import_wordpress and import_blogger read back today (test_export_round_trip.py
# asserts the rest: every block, co-authors, Blogger's summaries and lead images).
KEPT = {
    "wxr": [
        "title",
        "live",
        "publication_date",
        "tags",
        "summary",
        "breaking",
        "comments",
        "lead_image",
    ],
    "blogger": ["title", "live", "publication_date", "tags", "breaking", "authors", "comments"],
}


@pytest.mark.parametrize("kind", ["wxr", "blogger"])
def test_round_trip_into_a_fresh_site(tmp_path, demo, kind):
    originals, copies, _ = round_trip.round_trip(kind, tmp_path, demo, "--include-drafts")

    assert set(copies) == {page.pk for page in originals}
    assert round_trip.differences(kind, originals, copies, KEPT[kind]) == []


BLOCKS_KEPT = [
    {
        "type": "paragraph",
        "value": "<p>Plain <b>bold</b>, <i>italic</i>, CO<sub>2</sub>, 10<sup>3</sup> and "
        '<a href="https://example.org/a?b=1&amp;c=2">a link</a>.</p>'
        "<h2>Heading</h2><ul><li>One</li><li>Two</li></ul><h3>Then</h3><ol><li>Three</li></ol>",
    },
    {
        "type": "quote",
        "value": {
            "text": "<p>We <b>listened</b> to <i>every</i> objection.</p><p>Then we acted.</p>",
            "attribution": "A council spokesperson",
            "source_name": "AFP",
            "source_url": "https://www.afp.com/",
        },
    },
    {
        "type": "quote",
        "value": {
            "text": "<p>Without a source line.</p>",
            "attribution": "Harbour master Ines Kalda",
            "source_name": "",
            "source_url": "",
        },
    },
    {"type": "code", "value": {"language": "bash", "code": "make run\n  echo 'a < b'"}},
    {
        "type": "table",
        "value": {
            "data": [["Crossing", "Winter"], ["Morning", ""], ["Evening", "18:30"]],
            "first_row_is_table_header": True,
            "first_col_is_header": False,
            "table_header_choice": "row",
            "table_caption": "Ferry times",
        },
    },
]


@pytest.mark.parametrize("flavour", [WORDPRESS, BLOGGER])
@pytest.mark.parametrize("block", BLOCKS_KEPT, ids=lambda block: block["type"])
def test_each_block_is_written_as_the_html_that_reads_back_as_it(flavour, block, home_page):
    writer = BodyWriter(flavour, None, {})
    pieces = writer.pieces(NewsBodyBlock(), [block], {})
    source = "\n\n".join(piece.html for piece in pieces)

    blocks, _ = html_to_blocks(source, base_url="https://old.example/post/")

    assert blocks == [block], source
