"""import_wordpress: WXR 1.1/1.2 exports (Tools → Export → All content).

Every test writes its own export file (tmp_path) and runs the command through
call_command, then looks at the database, the report and the reader site.
"""

import datetime
import io
import json
import re
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from PIL import Image as PILImage
from taggit.models import Tag
from wagtail.contrib.redirects.models import Redirect
from wagtail.images import get_image_model
from wagtail.models import PageLogEntry, Revision

from home.models import StandardPage
from news.comments.models import Comment
from news.importers.models import ImportRecord
from news.models import Author, Disclaimer, NewsPage, NewsSettings, SiteDisclaimer
from tests.news.factories import DisclaimerFactory

pytestmark = pytest.mark.django_db

SITE = "https://harbour.example"


def cdata(text):
    return f"<![CDATA[{text}]]>"


def wp_comment(comment_id, content, *, author="A reader", parent=0, approved="1", kind=""):
    return f"""
    <wp:comment>
      <wp:comment_id>{comment_id}</wp:comment_id>
      <wp:comment_author>{cdata(author)}</wp:comment_author>
      <wp:comment_author_email>{author.split()[0].lower()}@mail.example</wp:comment_author_email>
      <wp:comment_author_url>https://{author.split()[0].lower()}.example</wp:comment_author_url>
      <wp:comment_author_IP>192.0.2.{comment_id % 250}</wp:comment_author_IP>
      <wp:comment_date>{cdata("2017-02-15 10:00:00")}</wp:comment_date>
      <wp:comment_date_gmt>{cdata("2017-02-15 09:00:00")}</wp:comment_date_gmt>
      <wp:comment_content>{cdata(content)}</wp:comment_content>
      <wp:comment_approved>{cdata(approved)}</wp:comment_approved>
      <wp:comment_type>{cdata(kind)}</wp:comment_type>
      <wp:comment_parent>{parent}</wp:comment_parent>
      <wp:comment_user_id>0</wp:comment_user_id>
    </wp:comment>"""


def item(
    post_id,
    title,
    content="",
    *,
    status="publish",
    post_type="post",
    slug="",
    creator="maren",
    date="2017-02-14 10:00:00",
    date_gmt="2017-02-14 09:00:00",
    link=None,
    categories=(),
    tags=(),
    parent=0,
    extra="",
    comment_status="open",
    excerpt="",
):
    terms = "".join(
        f'<category domain="category" nicename="{name.lower()}">{cdata(name)}</category>'
        for name in categories
    ) + "".join(
        f'<category domain="post_tag" nicename="{name.lower()}">{cdata(name)}</category>'
        for name in tags
    )
    return f"""
  <item>
    <title>{title}</title>
    <link>{link or f"{SITE}/?p={post_id}"}</link>
    <pubDate>Tue, 14 Feb 2017 09:00:00 +0000</pubDate>
    <dc:creator>{cdata(creator)}</dc:creator>
    <guid isPermaLink="false">{SITE}/?p={post_id}</guid>
    <description></description>
    <content:encoded>{cdata(content)}</content:encoded>
    <excerpt:encoded>{cdata(excerpt)}</excerpt:encoded>
    <wp:post_id>{post_id}</wp:post_id>
    <wp:post_date>{cdata(date)}</wp:post_date>
    <wp:post_date_gmt>{cdata(date_gmt)}</wp:post_date_gmt>
    <wp:post_modified>{cdata("2017-02-20 12:00:00")}</wp:post_modified>
    <wp:post_modified_gmt>{cdata("2017-02-20 11:00:00")}</wp:post_modified_gmt>
    <wp:comment_status>{cdata(comment_status)}</wp:comment_status>
    <wp:post_name>{cdata(slug)}</wp:post_name>
    <wp:status>{cdata(status)}</wp:status>
    <wp:post_parent>{parent}</wp:post_parent>
    <wp:menu_order>0</wp:menu_order>
    <wp:post_type>{cdata(post_type)}</wp:post_type>
    <wp:post_password>{cdata("")}</wp:post_password>
    <wp:is_sticky>0</wp:is_sticky>
    {terms}
    {extra}
  </item>"""


CLASSIC_CONTENT = """The council approved the new harbour wall on <strong>Tuesday</strong>.

Work starts in March.
Residents may comment until Friday.

[caption id="attachment_301" align="aligncenter" width="300"]<a href="UPLOADS/wall.jpg">\
<img class="size-medium wp-image-301" src="UPLOADS/wall-300x200.jpg" alt="The wall" \
width="300" height="200" /></a> The wall at high tide[/caption]

[embed]https://youtu.be/aqz-KE-bpKQ[/embed]

<span style="color: red" onclick="evil()">Red text</span><script>document.write('x')</script>\
""".replace("UPLOADS", "https://harbour.example/wp-content/uploads/2017/02")

GUTENBERG_CONTENT = """<!-- wp:paragraph -->
<p>Ferries will run <em>less often</em> this winter.</p>
<!-- /wp:paragraph -->

<!-- wp:heading {"level":3} -->
<h3 class="wp-block-heading">What changes</h3>
<!-- /wp:heading -->

<!-- wp:list -->
<ul class="wp-block-list"><li>Fewer night crossings</li><li>No Sunday service</li></ul>
<!-- /wp:list -->

<!-- wp:quote -->
<blockquote class="wp-block-quote"><p>We had no choice.</p>\
<cite>The ferry operator</cite></blockquote>
<!-- /wp:quote -->

<!-- wp:image {"id":302,"sizeSlug":"large"} -->
<figure class="wp-block-image size-large">\
<img src="UPLOADS/ferry-1024x683.jpg" alt="A ferry" class="wp-image-302"/>\
<figcaption class="wp-element-caption">The last ferry of the day</figcaption></figure>
<!-- /wp:image -->

<!-- wp:embed {"url":"https://vimeo.com/76979871","type":"video","providerNameSlug":"vimeo"} -->
<figure class="wp-block-embed is-type-video is-provider-vimeo">\
<div class="wp-block-embed__wrapper">
https://vimeo.com/76979871
</div><figcaption class="wp-element-caption">The crossing</figcaption></figure>
<!-- /wp:embed -->""".replace("UPLOADS", "https://harbour.example/wp-content/uploads/2017/02")


def wxr(version="1.2", items=None):
    """A WXR file: two authors, categories and tags; posts 101 (live, classic editor,
    5 comments of which 3 approved), 102 (draft, block editor), 103 (scheduled for 2099),
    104 (trash), 105 (live, no title, no author); pages 201 and 202 (its child); attachment
    301; a menu item."""
    if items is None:
        items = [
            item(
                101,
                "Harbour wall approved",
                CLASSIC_CONTENT,
                slug="harbour-wall-approved",
                link=f"{SITE}/2017/02/14/harbour-wall-approved/",
                categories=["Politics", "Uncategorized"],
                tags=["Harbour"],
                extra="<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key>"
                "<wp:meta_value>301</wp:meta_value></wp:postmeta>"
                + wp_comment(11, "Good news.\nAbout time!")
                + wp_comment(
                    12,
                    "Is it <a href='https://cost.example'>worth it</a>?",
                    author="B reader",
                    parent=11,
                )
                + wp_comment(13, "Yes.", author="A reader", parent=12)
                + wp_comment(14, "Cheap pills", author="Spam bot", approved="spam")
                + wp_comment(15, "Linked", author="Other blog", kind="pingback")
                + wp_comment(16, "Pending words", author="Slow reader", approved="0"),
            ),
            item(
                102,
                "Ferry timetable cut",
                GUTENBERG_CONTENT,
                status="draft",
                slug="",
                creator="tomasz",
                date="2017-02-18 08:00:00",
                date_gmt="0000-00-00 00:00:00",
                tags=["Transport", "Harbour"],
            ),
            item(
                103,
                "Embargoed budget story",
                "<p>Embargoed.</p>",
                status="future",
                slug="embargoed-budget-story",
                date="2099-01-05 07:00:00",
                date_gmt="2099-01-05 06:00:00",
                categories=["Politics"],
            ),
            item(104, "Binned", "<p>Gone.</p>", status="trash"),
            item(
                105,
                "",
                "A post with no headline.",
                slug="105-2",
                creator="",
                date="2016-12-24 12:00:00",
                date_gmt="2016-12-24 12:00:00",
                link=f"{SITE}/2016/12/24/105-2/",
            ),
            item(
                201,
                "About us",
                "We write about the harbour.",
                post_type="page",
                slug="about-us",
                link=f"{SITE}/about-us/",
            ),
            item(
                202,
                "Our team",
                "Four reporters.",
                post_type="page",
                slug="team",
                parent=201,
                link=f"{SITE}/about-us/team/",
            ),
            item(
                301,
                "wall",
                post_type="attachment",
                status="inherit",
                extra="<wp:attachment_url>https://harbour.example/wp-content/uploads/2017/02/"
                "wall.jpg</wp:attachment_url>",
            ),
            item(401, "Home", post_type="nav_menu_item"),
        ]
    return f"""<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0"
  xmlns:excerpt="http://wordpress.org/export/{version}/excerpt/"
  xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:wfw="http://wellformedweb.org/CommentAPI/"
  xmlns:dc="http://purl.org/dc/elements/1.1/"
  xmlns:wp="http://wordpress.org/export/{version}/">
<channel>
  <title>Harbour News</title>
  <link>{SITE}</link>
  <description>News from the harbour</description>
  <language>en-GB</language>
  <wp:wxr_version>{version}</wp:wxr_version>
  <wp:base_site_url>{SITE}</wp:base_site_url>
  <wp:base_blog_url>{SITE}</wp:base_blog_url>
  <wp:author><wp:author_id>1</wp:author_id><wp:author_login>{cdata("maren")}</wp:author_login>
    <wp:author_email>maren@harbour.example</wp:author_email>
    <wp:author_display_name>{cdata("Maren Holt")}</wp:author_display_name></wp:author>
  <wp:author><wp:author_id>2</wp:author_id><wp:author_login>{cdata("tomasz")}</wp:author_login>
    <wp:author_display_name>{cdata("Tomasz Wierzbicki")}</wp:author_display_name></wp:author>
  <wp:category><wp:term_id>1</wp:term_id><wp:category_nicename>politics</wp:category_nicename>
    <wp:cat_name>{cdata("Politics")}</wp:cat_name></wp:category>
  <wp:tag><wp:term_id>5</wp:term_id><wp:tag_slug>harbour</wp:tag_slug>
    <wp:tag_name>{cdata("Harbour")}</wp:tag_name></wp:tag>
  {"".join(items)}
</channel>
</rss>
"""


def write(tmp_path, text, name="harbour.WordPress.xml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def run(path, *args):
    out = StringIO()
    call_command("import_wordpress", str(path), "--index", "news", *args, stdout=out)
    return out.getvalue()


def snapshot():
    return {
        "pages": NewsPage.objects.count(),
        "standard": StandardPage.objects.count(),
        "revisions": Revision.objects.count(),
        "comments": Comment.objects.count(),
        "tags": Tag.objects.count(),
        "authors": Author.objects.count(),
        "redirects": Redirect.objects.count(),
        "records": ImportRecord.objects.count(),
        "images": get_image_model().objects.count(),
    }


def post(title):
    return NewsPage.objects.get(title=title)


def test_wxr_imports_posts_pages_comments_and_terms(tmp_path, news_index):
    output = run(write(tmp_path, wxr()))

    posts = NewsPage.objects.child_of(news_index)
    assert posts.count() == 4
    assert set(posts.live().values_list("title", flat=True)) == {
        "Harbour wall approved",
        "Post of 24 December 2016",
    }
    about = StandardPage.objects.get(title="About us")
    assert about.live and about.get_parent().specific == news_index.get_parent().specific
    # WordPress's page hierarchy is kept.
    assert StandardPage.objects.get(title="Our team").get_parent().pk == about.pk
    assert "pages: 2 created" in output
    assert Comment.objects.count() == 3
    # Categories and tags are tags; WordPress's default category is not.
    assert set(Tag.objects.values_list("name", flat=True)) == {"Politics", "Harbour", "Transport"}
    assert (
        "WordPress export (WXR 1.2): 6 entries to import (4 posts, 2 pages), "
        "6 comments in the file"
    ) in output
    assert "posts: 4 created, 0 updated, 0 unchanged" in output
    assert "live 2, drafts 1, scheduled 1" in output
    assert "comments: 3 imported" in output
    assert "tags: 3 used, 3 new" in output
    for reason in (
        r'item 4 "Binned" \[post 104\]: status \'trash\' in WordPress',
        r"comment 14 on .*: marked as spam in WordPress",
        r"comment 15 on .*: a pingback, not a reader comment",
        r"comment 16 on .*: awaiting moderation in WordPress",
    ):
        assert re.search(reason, output), reason
    # Attachments and menu items are counted, not listed one by one.
    assert "  1 x attachment (media library file; imported where a post uses it)\n" in output
    assert "  1 x WordPress menu item (not content)\n" in output
    assert '"wall"' not in output and '"Home"' not in output


def test_statuses_dates_and_authors(tmp_path, news_index):
    run(write(tmp_path, wxr()))

    harbour = post("Harbour wall approved")
    assert harbour.live
    assert harbour.publication_date == datetime.date(2017, 2, 14)
    assert harbour.first_published_at == datetime.datetime(2017, 2, 14, 9, 0, tzinfo=datetime.UTC)
    assert harbour.last_published_at == datetime.datetime(2017, 2, 20, 11, 0, tzinfo=datetime.UTC)
    assert [author.name for author in harbour.authors] == ["Maren Holt"]
    assert sorted(harbour.tags.names()) == ["Harbour", "Politics"]

    draft = post("Ferry timetable cut")
    assert not draft.live and draft.first_published_at is None
    assert draft.publication_date == datetime.date(2017, 2, 18)
    assert [author.name for author in draft.authors] == ["Tomasz Wierzbicki"]
    assert draft.slug == "ferry-timetable-cut"

    scheduled = post("Embargoed budget story")
    go_live = datetime.datetime(2099, 1, 5, 6, 0, tzinfo=datetime.UTC)
    assert not scheduled.live
    assert scheduled.go_live_at == go_live
    assert scheduled.get_latest_revision().approved_go_live_at == go_live
    untitled = post("Post of 24 December 2016")
    assert [author.name for author in untitled.authors] == ["Harbour News"]
    assert Author.objects.count() == 3


def test_post_without_an_author_is_credited_to_the_blog(tmp_path, news_index):
    output = run(write(tmp_path, wxr()))

    assert "[post 105]: no author: credited to 'Harbour News'" in output


def test_comments_are_approved_and_threaded(tmp_path, news_index):
    run(write(tmp_path, wxr()))

    top = Comment.objects.get(parent=None)
    assert top.body == "Good news.\nAbout time!"
    assert top.status == Comment.Status.APPROVED
    assert top.author_email == "a@mail.example"
    assert top.author_url == "https://a.example"
    assert top.ip_address == "192.0.2.11"
    assert top.submitted_at == datetime.datetime(2017, 2, 15, 9, 0, tzinfo=datetime.UTC)
    assert top.source_id == f"wordpress:{SITE}#comment-11"
    replies = {reply.body: reply for reply in top.replies.all()}
    assert set(replies) == {"Is it worth it (https://cost.example)?", "Yes."}


def test_classic_editor_content_and_shortcodes(tmp_path, news_index):
    output = run(write(tmp_path, wxr()))

    harbour = post("Harbour wall approved")
    raw = harbour.body.raw_data
    assert [block["type"] for block in raw] == ["paragraph", "embed", "paragraph"]
    # No excerpt: the first paragraph is the summary (the lede), not also in the body.
    assert harbour.summary == "The council approved the new harbour wall on Tuesday."
    assert raw[0]["value"] == (
        "<p>Work starts in March.<br/>Residents may comment until Friday.</p>"
        '<p><a href="https://harbour.example/wp-content/uploads/2017/02/wall.jpg">'
        "Image: The wall at high tide</a></p>"
    )
    assert raw[1]["value"]["url"] == "https://www.youtube.com/watch?v=aqz-KE-bpKQ"
    assert raw[2]["value"] == "<p>Red text</p>"
    assert "wall.jpg (featured image)" in output


def test_the_featured_images_caption_is_the_lead_images(tmp_path, news_index):
    """WordPress keeps a media file's caption as its excerpt: the featured image's caption
    becomes the lead image's, with the picture from the uploads folder."""
    uploads = tmp_path / "uploads" / "2017" / "02"
    uploads.mkdir(parents=True)
    buffer = io.BytesIO()
    PILImage.new("RGB", (60, 40), (200, 30, 30)).save(buffer, format="JPEG")
    (uploads / "wall.jpg").write_bytes(buffer.getvalue())
    items = [
        item(
            101,
            "Harbour wall approved",
            "The council approved the wall.",
            extra="<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key>"
            "<wp:meta_value>301</wp:meta_value></wp:postmeta>",
        ),
        item(102, "No picture", "Words only."),
        item(
            301,
            "wall",
            post_type="attachment",
            status="inherit",
            excerpt="The new wall at <em>high</em> tide",
            extra="<wp:attachment_url>https://harbour.example/wp-content/uploads/2017/02/"
            "wall.jpg</wp:attachment_url>",
        ),
    ]
    path = write(tmp_path, wxr(items=items))
    run(path, "--media", str(tmp_path / "uploads"))
    harbour = post("Harbour wall approved")
    assert harbour.lead_image is not None
    assert harbour.lead_image_caption == "The new wall at high tide"
    assert post("No picture").lead_image_caption == ""
    # Run again: nothing changed, nothing is published again.
    assert "posts: 0 created, 0 updated" in run(path, "--media", str(tmp_path / "uploads"))


def test_gutenberg_blocks_become_our_blocks(tmp_path, news_index):
    run(write(tmp_path, wxr()))

    raw = post("Ferry timetable cut").body.raw_data
    assert [block["type"] for block in raw] == ["paragraph", "quote", "paragraph", "embed"]
    assert post("Ferry timetable cut").summary == "Ferries will run less often this winter."
    assert raw[0]["value"] == (
        "<h3>What changes</h3><ul><li>Fewer night crossings</li><li>No Sunday service</li></ul>"
    )
    assert raw[1]["value"]["text"] == "<p>We had no choice.</p>"
    assert raw[1]["value"]["attribution"] == "The ferry operator"
    assert "Image: The last ferry of the day" in raw[2]["value"]
    assert raw[3]["value"] == {
        "heading": "",
        "url": "https://vimeo.com/76979871",
        "title": "",
        "caption": "The crossing",
    }


def test_pictures_from_the_uploads_folder(tmp_path, news_index):
    uploads = tmp_path / "uploads" / "2017" / "02"
    uploads.mkdir(parents=True)
    for name, colour in (("wall.jpg", (200, 30, 30)), ("ferry.jpg", (30, 30, 200))):
        buffer = io.BytesIO()
        PILImage.new("RGB", (60, 40), colour).save(buffer, format="JPEG")
        (uploads / name).write_bytes(buffer.getvalue())

    output = run(write(tmp_path, wxr()), "--media", str(tmp_path / "uploads"))

    harbour = post("Harbour wall approved")
    image_block = next(block for block in harbour.body.raw_data if block["type"] == "image")
    assert image_block["value"]["caption"] == "The wall at high tide"
    assert image_block["value"]["alt_text"] == "The wall"
    # The featured image is the same file: one image, also the lead image.
    assert harbour.lead_image_id == image_block["value"]["image"]
    # ferry-1024x683.jpg is a size WordPress made of ferry.jpg.
    ferry_block = next(
        block for block in post("Ferry timetable cut").body.raw_data if block["type"] == "image"
    )
    assert ferry_block["value"]["caption"] == "The last ferry of the day"
    assert get_image_model().objects.count() == 2
    assert "images: 2 imported, 0 already in Newsdesk, 0 external" in output


def test_old_wordpress_urls_redirect_permanently(tmp_path, news_index, client):
    run(write(tmp_path, wxr()))
    harbour = post("Harbour wall approved")
    about = StandardPage.objects.get(title="About us")

    for old in (
        "/2017/02/14/harbour-wall-approved/",
        "/2017/02/14/harbour-wall-approved",
        "/?p=101",
        "/?p=101&utm_source=newsletter",
    ):
        response = client.get(old)
        assert response.status_code == 301, old
        assert response["Location"] == harbour.url, old
    for old in ("/?page_id=201", "/?p=201"):
        response = client.get(old)
        assert response.status_code == 301, old
        assert response["Location"] == about.url, old
    # The page kept its WordPress address: no redirect (it would loop if the page were
    # unpublished).
    assert about.url == "/about-us/"
    assert client.get("/about-us/").status_code == 200
    assert not Redirect.objects.filter(old_path="/about-us").exists()
    assert client.get(harbour.url).status_code == 200
    # Unknown ids are the home page as before.
    assert client.get("/?p=999").status_code == 200


def test_running_again_creates_nothing_new(tmp_path, news_index):
    export = write(tmp_path, wxr())
    run(export)
    before = snapshot()

    output = run(export)

    assert snapshot() == before
    assert "posts: 0 created, 0 updated, 4 unchanged" in output
    assert "comments: 0 imported, 3 already there" in output


def media_files():
    return sorted(path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file())


def test_dry_run_changes_nothing(tmp_path, news_index):
    files = media_files()
    uploads = tmp_path / "uploads"
    uploads.mkdir()
    buffer = io.BytesIO()
    PILImage.new("RGB", (60, 40), (1, 2, 3)).save(buffer, format="JPEG")
    (uploads / "wall.jpg").write_bytes(buffer.getvalue())
    before = snapshot()

    output = run(write(tmp_path, wxr()), "--dry-run", "--media", str(uploads))

    assert snapshot() == before
    assert media_files() == files  # the picture's copy was removed again
    assert "(dry run: nothing was saved)" in output
    assert "posts: 4 created" in output
    assert "images: 1 imported" in output


def test_wxr_1_1_is_read_the_same_way(tmp_path, news_index):
    output = run(write(tmp_path, wxr(version="1.1")))

    assert "WordPress export (WXR 1.1)" in output
    assert NewsPage.objects.count() == 4
    assert Comment.objects.count() == 3


def test_publish_state_draft(tmp_path, news_index):
    run(write(tmp_path, wxr()), "--publish-state", "draft")

    assert NewsPage.objects.count() == 4
    assert not NewsPage.objects.live().exists()
    assert not NewsPage.objects.exclude(go_live_at=None).exists()


def test_undeclared_wp_prefix_is_read_with_its_standard_namespace(tmp_path, news_index):
    text = wxr().replace('  xmlns:wp="http://wordpress.org/export/1.2/">', ">")
    assert "xmlns:wp" not in text

    output = run(write(tmp_path, text))

    assert "WordPress export (WXR 1.2)" in output
    assert "posts: 4 created" in output
    assert "comments: 3 imported" in output
    assert "the file: the file uses the prefix wp: without declaring it" in output


def test_an_unknown_undeclared_prefix_is_refused_with_its_position(tmp_path, news_index):
    text = wxr().replace("<wp:is_sticky>", "<yoast:focus>x</yoast:focus><wp:is_sticky>", 1)

    with pytest.raises(CommandError) as error:
        run(write(tmp_path, text))

    message = str(error.value)
    assert "unbound prefix" in message
    assert re.search(r"line \d+, column \d+", message)
    assert "xmlns declaration" in message
    assert NewsPage.objects.count() == 0


def test_truncated_file_is_refused(tmp_path, news_index):
    text = wxr()

    with pytest.raises(CommandError, match="truncated"):
        run(write(tmp_path, text[: int(len(text) * 0.7)]))
    assert NewsPage.objects.count() == 0


@pytest.mark.parametrize("version", ["1.0", "1.1", "1.2"])
def test_https_namespaces_are_read_like_http_ones(tmp_path, news_index, version):
    """WordPress's own theme test data and some export plugins bind wp: and excerpt: to
    https://wordpress.org/export/...; the file imports exactly as the http form does."""
    text = wxr(version).replace("http://wordpress.org/export/", "https://wordpress.org/export/")
    text = text.replace(
        "<excerpt:encoded><![CDATA[]]></excerpt:encoded>",
        "<excerpt:encoded><![CDATA[<p>The wall is <b>approved</b>.</p>]]></excerpt:encoded>",
        1,
    )
    assert 'xmlns:wp="https://wordpress.org/export/' in text

    output = run(write(tmp_path, text))

    assert f"WordPress export (WXR {version})" in output
    assert "posts: 4 created" in output
    assert "live 2, drafts 1, scheduled 1" in output
    assert "comments: 3 imported" in output
    harbour = post("Harbour wall approved")
    assert harbour.summary == "The wall is approved."  # the excerpt, through excerpt:
    assert "harbour wall" in str(harbour.body).lower()  # the content, through content:


def test_a_wxr_with_other_prefix_names_is_read_by_namespace(tmp_path, news_index):
    """What matters is the namespace, not the prefix a tool chose for it."""
    text = (
        wxr()
        .replace("xmlns:wp=", "xmlns:wordpress=")
        .replace("<wp:", "<wordpress:")
        .replace("</wp:", "</wordpress:")
    )

    output = run(write(tmp_path, text))

    assert "posts: 4 created" in output


def test_an_ordinary_rss_feed_is_refused_with_what_it_is(tmp_path, news_index):
    rss = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"
  xmlns:dc="http://purl.org/dc/elements/1.1/"
  xmlns:sy="http://purl.org/rss/1.0/modules/syndication/">
<channel>
  <title>Harbour News</title>
  <atom:link href="https://harbour.example/feed/" rel="self" type="application/rss+xml"/>
  <link>https://harbour.example</link>
  <sy:updatePeriod>hourly</sy:updatePeriod>
  <item><title>One</title><dc:creator>maren</dc:creator></item>
  <item><title>Two</title><dc:creator>maren</dc:creator></item>
</channel>
</rss>"""

    with pytest.raises(CommandError) as error:
        run(write(tmp_path, rss, "feed.rss"))

    message = str(error.value)
    assert "not a WordPress export (WXR)" in message
    assert "an RSS 2.0 feed ('Harbour News') with 2 items" in message
    assert "atom: http://www.w3.org/2005/Atom" in message
    assert "sy: http://purl.org/rss/1.0/modules/syndication/" in message
    assert "Tools → Export → All content" in message
    assert NewsPage.objects.count() == 0


def test_plain_rss_and_bad_post_ids_are_refused(tmp_path, news_index):
    rss = "<rss version='2.0'><channel><item><title>a</title></item></channel></rss>"
    with pytest.raises(
        CommandError,
        match=r"not a WordPress export \(WXR\): the file is an RSS 2.0 feed with 1 item and "
        r"no namespaces",
    ):
        run(write(tmp_path, rss, "feed.rss"))

    bad = wxr().replace("<wp:post_id>102</wp:post_id>", "<wp:post_id>abc</wp:post_id>")
    with pytest.raises(CommandError, match=r"item 2 \"Ferry timetable cut\" .*post_id is 'abc'"):
        run(write(tmp_path, bad))
    assert NewsPage.objects.count() == 0


def test_a_failing_entry_is_rolled_back_and_named(tmp_path, news_index, monkeypatch):
    """A write error stops the run at that entry: the entries before it are complete,
    nothing of it is saved, and a second run carries on without duplicates."""
    from news.importers import base

    original = base.Importer.add_comments_for

    def failing(self, posts):
        if any(entry.title == "Ferry timetable cut" for entry, _ in posts):
            raise RuntimeError("disk full")
        return original(self, posts)

    monkeypatch.setattr(base.Importer, "add_comments_for", failing)
    export = write(tmp_path, wxr())

    with pytest.raises(CommandError) as error:
        run(export)

    message = str(error.value)
    assert 'item 2 "Ferry timetable cut" [post 102]: RuntimeError: disk full' in message
    assert "the 1 entries before it are complete" in message
    assert list(NewsPage.objects.values_list("title", flat=True)) == ["Harbour wall approved"]
    assert not ImportRecord.objects.filter(source_id=f"{SITE}/?p=102").exists()

    monkeypatch.setattr(base.Importer, "add_comments_for", original)
    run(export)
    assert NewsPage.objects.count() == 4
    assert NewsPage.objects.filter(title="Harbour wall approved").count() == 1


def test_imported_posts_are_found_by_search(tmp_path, news_index, client):
    run(write(tmp_path, wxr()))

    response = client.get("/search/", {"q": "council"})

    assert response.status_code == 200
    assert b"Harbour wall approved" in response.content
    # Drafts are not public, so not found.
    assert b"Ferry timetable cut" not in client.get("/search/", {"q": "ferries"}).content


def test_the_first_paragraph_is_shown_once_on_the_page_and_in_the_api(
    tmp_path, news_index, client
):
    """A post without an excerpt: its first paragraph becomes the lede and leaves the
    body, so readers and API clients see it once; a first paragraph too long for the
    summary, or with a link, stays in the body (the summary is its shortened text)."""
    long_text = "The harbour board met for six hours. " * 12
    items = [
        item(601, "Lede moved", "<p>Short opening words.</p><p>The rest of the story.</p>"),
        item(602, "Lede kept", f"<p>{long_text}</p><p>More.</p>"),
        item(
            603,
            "Linked lede",
            '<p>See <a href="https://council.example">the minutes</a>.</p><p>Then.</p>',
        ),
    ]
    run(write(tmp_path, wxr(items=items)))

    moved = post("Lede moved")
    page = client.get(moved.url).content.decode()
    shown = re.sub(r"<script\b.*?</script>", "", page.split("<body", 1)[1], flags=re.S)
    assert shown.count("Short opening words.") == 1  # head: description; scripts: JSON-LD
    assert '<p class="lede">Short opening words.</p>' in page
    detail = client.get(f"/api/v2/pages/{moved.pk}/").json()
    assert detail["summary"] == "Short opening words."
    assert "Short opening words" not in str(detail["body"])
    assert "Short opening words" not in detail["body_html"]

    kept = post("Lede kept")
    assert kept.summary.endswith("…") and len(kept.summary) <= 300
    assert long_text.strip() in kept.body.raw_data[0]["value"]

    linked = post("Linked lede")
    assert linked.summary == "See the minutes."
    assert 'href="https://council.example"' in linked.body.raw_data[0]["value"]


def test_a_breaking_title_prefix_sets_the_breaking_flag(tmp_path, news_index, client):
    title = "BREAKING: Kremlin confirms that Russian airstrikes killed Turkish soldiers in Syria"
    items = [
        item(701, title, "<p>Ankara said 33 soldiers died.</p><p>More soon.</p>"),
        item(702, "Breaking News: Ferry aground", "<p>No one was hurt.</p><p>Later.</p>"),
        item(703, "Breakingly slow tram works", "<p>Still closed.</p><p>Again.</p>"),
        item(704, "URGENT \u2013 Storm warning", "<p>Stay inside.</p><p>Now.</p>"),
    ]
    export = write(tmp_path, wxr(items=items))

    run(export)

    kremlin = NewsPage.objects.get(pk=ImportRecord.objects.get(source_id=f"{SITE}/?p=701").page_id)
    assert kremlin.title == (
        "Kremlin confirms that Russian airstrikes killed Turkish soldiers in Syria"
    )
    assert kremlin.breaking
    assert post("Ferry aground").breaking
    assert not post("Breakingly slow tram works").breaking
    assert not post("URGENT \u2013 Storm warning").breaking
    assert client.get(f"/api/v2/pages/{kremlin.pk}/").json()["breaking"] is True

    # Configurable: another newsroom's prefix, and the defaults no longer apply.
    revisions = Revision.objects.count()
    output = run(export, "--breaking-prefix", "URGENT")
    assert post("Storm warning").breaking
    assert (
        post(
            "BREAKING: Kremlin confirms that Russian airstrikes killed Turkish soldiers in Syria"
        ).breaking
        is False
    )
    assert "posts: 0 created, 3 updated, 1 unchanged" in output  # 701, 702 and 704
    assert Revision.objects.count() == revisions + 3

    # Turned off: titles are kept as they are.
    run(export, "--breaking-prefix", "")
    assert post("URGENT \u2013 Storm warning").breaking is False


def test_the_same_post_id_twice_imports_the_first_and_reruns_settle(tmp_path, news_index):
    """Hand-merged and concatenated exports repeat items. The first is imported, the
    later ones are named in the report, and running the file again changes nothing."""
    items = [
        item(801, "Harbour opens", "<p>The harbour opened.</p><p>Crowds came.</p>"),
        item(802, "Tram news", "<p>Trams run.</p><p>Often.</p>"),
        item(801, "Harbour opens (edited copy)", "<p>Another text.</p><p>Other.</p>"),
        item(901, "About", "<p>Us.</p>", post_type="page", link=f"{SITE}/about/"),
        item(901, "About (copy)", "<p>Them.</p>", post_type="page", link=f"{SITE}/about-2/"),
    ]
    export = write(tmp_path, wxr(items=items))

    output = run(export)

    assert "posts: 2 created, 0 updated, 0 unchanged" in output
    assert "pages: 1 created, 0 updated" in output
    assert re.search(
        r'item 3 "Harbour opens \(edited copy\)" \[post 801\]: post id 801 again '
        r'\(first as item 1 "Harbour opens" \[post 801\]\): the first is imported',
        output,
    )
    assert re.search(r'item 5 "About \(copy\)" \[post 901\]: post id 901 again', output)
    assert post("Harbour opens").body.raw_data[0]["value"] == "<p>Crowds came.</p>"
    assert not NewsPage.objects.filter(title__contains="edited copy").exists()
    assert StandardPage.objects.filter(title="About").count() == 1

    before = snapshot()
    again = run(export)
    assert "posts: 0 created, 0 updated, 2 unchanged" in again
    assert "pages: 0 created, 0 updated, 1 unchanged" in again
    assert snapshot() == before  # no revision, no row of any kind


def test_old_addresses_newsdesk_already_serves_get_no_redirect(
    tmp_path, news_index, home_page, client
):
    """Wagtail follows a redirect only where nothing else answers: one from /search/ or
    from the address of an existing page could never fire, so none is made and the
    report says why."""
    contact = home_page.add_child(instance=StandardPage(title="Contact", slug="contact"))
    items = [
        item(951, "Contact us", "<p>Call.</p><p>Write.</p>", link=f"{SITE}/contact/"),
        item(952, "Search tips", "<p>Try.</p><p>Again.</p>", link=f"{SITE}/search/"),
        item(953, "Harbour", "<p>Wall.</p><p>Up.</p>", link=f"{SITE}/2017/02/harbour/"),
    ]

    output = run(write(tmp_path, wxr(items=items)))

    assert (
        f"old address /contact is already served by page {contact.pk} ('Contact') in "
        "Newsdesk: no redirect" in output
    )
    assert "old address /search is already served by the route /search/ (search)" in output
    assert not Redirect.objects.filter(old_path__in=["/contact", "/search"]).exists()
    assert client.get("/contact/").status_code == 200
    assert client.get("/search/").status_code == 200
    # The other addresses of those posts, and other posts' addresses, redirect as before.
    assert client.get("/?p=951").status_code == 301
    response = client.get("/2017/02/harbour/")
    assert response.status_code == 301
    assert response["Location"] == post("Harbour").url


def test_two_blogs_claiming_one_address_do_not_overwrite_each_other(tmp_path, news_index, client):
    """Two WordPress sites both once at the same address (a staging copy, two sites
    developed at http://localhost): the second export must not take over the first's
    posts, comments or redirects; each collision is a line in the report."""
    run(write(tmp_path, wxr(), "harbour.xml"))
    harbour = post("Harbour wall approved")
    revisions = Revision.objects.filter(object_id=str(harbour.pk)).count()
    comments = set(harbour.comments.values_list("pk", flat=True))

    other_items = [
        # The same post id as the first blog's "Harbour wall approved".
        item(101, "Council elections", "<p>Votes.</p><p>Counted.</p>"),
        # A new id at the first blog's old address, with a comment id the first used.
        item(
            555,
            "Pier reopens",
            "<p>Open.</p><p>Again.</p>",
            link=f"{SITE}/2017/02/14/harbour-wall-approved/",
            extra=wp_comment(11, "A comment of the other blog."),
        ),
    ]
    other = write(
        tmp_path,
        wxr(items=other_items).replace("<title>Harbour News</title>", "<title>Other Desk</title>"),
        "other.xml",
    )

    output = run(other)

    assert (
        "the same id was imported from the export of 'Harbour News' (page "
        f"{harbour.pk}), which claims the same blog address; this export is of 'Other Desk': "
        "not overwritten" in output
    )
    harbour.refresh_from_db()
    assert harbour.title == "Harbour wall approved"
    assert Revision.objects.filter(object_id=str(harbour.pk)).count() == revisions
    assert not NewsPage.objects.filter(title="Council elections").exists()
    assert set(harbour.comments.values_list("pk", flat=True)) == comments
    assert "old address /2017/02/14/harbour-wall-approved already redirects to page" in output
    response = client.get("/2017/02/14/harbour-wall-approved/")
    assert response["Location"] == harbour.url
    assert "the same comment id was imported on page" in output
    pier = post("Pier reopens")
    assert not pier.comments.exists()
    # Deterministic: a second run of either export changes nothing.
    before = snapshot()
    run(other)
    run(write(tmp_path, wxr(), "harbour.xml"))
    assert snapshot() == before

    # The same blog under a new name: --blog-renamed lets its export update the entries.
    renamed = write(
        tmp_path, wxr().replace("<title>Harbour News</title>", "<title>Harbour Daily</title>")
    )
    assert "not overwritten" in run(renamed)
    output = run(renamed, "--blog-renamed")
    assert "not overwritten" not in output
    assert ImportRecord.objects.get(source_id=f"{SITE}/?p=101").export_title == "Harbour Daily"


def test_superscript_and_subscript_reach_readers_and_the_api(tmp_path, news_index, client):
    content = "<p>Opening.</p><p>CO<sub>2</sub> levels near 40 km<sup>2</sup> of harbour.</p>"
    run(write(tmp_path, wxr(items=[item(961, "Air quality", content)])))

    page = post("Air quality")
    html = client.get(page.url).content.decode()
    assert "CO<sub>2</sub> levels near 40 km<sup>2</sup> of harbour." in html
    detail = client.get(f"/api/v2/pages/{page.pk}/").json()
    assert "km<sup>2</sup>" in detail["body"][0]["value"]
    assert "CO<sub>2</sub>" in detail["body_html"]


def page_with_comments(*comments, post_id=201, title="About us", slug="about-us"):
    """A WordPress page (``wp:post_type`` page) carrying reader comments, closed to new
    ones (as WordPress closes them on pages by default)."""
    return item(
        post_id,
        title,
        "We write about the harbour.",
        post_type="page",
        slug=slug,
        link=f"{SITE}/{slug}/",
        extra="".join(comments),
        comment_status="closed",
    )


ABOUT_COMMENTS = (
    wp_comment(21, "Who runs the desk?", author="Curious reader"),
    wp_comment(22, "Maren does.", author="Maren Holt", parent=21),
    wp_comment(23, "Thanks!", author="Curious reader", parent=22),
    wp_comment(24, "Cheap pills", author="Spam bot", approved="spam"),
    wp_comment(25, "Linked", author="Other blog", kind="pingback"),
    wp_comment(26, "Pending words", author="Slow reader", approved="0"),
)


def test_comments_on_wordpress_pages_are_imported_like_a_posts(tmp_path, news_index, client):
    output = run(write(tmp_path, wxr(items=[page_with_comments(*ABOUT_COMMENTS)])))

    about = StandardPage.objects.get(title="About us")
    assert about.live
    top = Comment.objects.get(parent=None)
    assert top.page.specific == about
    assert (top.body, top.author_name, top.status) == (
        "Who runs the desk?",
        "Curious reader",
        Comment.Status.APPROVED,
    )
    assert top.source_id == f"wordpress:{SITE}#comment-21"
    assert top.submitted_at == datetime.datetime(2017, 2, 15, 9, 0, tzinfo=datetime.UTC)
    # A reply, and a reply to the reply: both under the top-level comment.
    assert sorted(top.replies.values_list("body", flat=True)) == ["Maren does.", "Thanks!"]
    assert Comment.objects.count() == 3
    assert "comments: 3 imported, 0 already there" in output
    assert "not imported" not in output
    for reason in (
        r'comment 24 on item 1 "About us" .*: marked as spam in WordPress',
        r'comment 25 on item 1 "About us" .*: a pingback, not a reader comment',
        r'comment 26 on item 1 "About us" .*: awaiting moderation in WordPress',
    ):
        assert re.search(reason, output), reason

    # Readers see them under the page (which takes no new comments: closed in WordPress)...
    html = client.get(about.url).content.decode()
    assert "Who runs the desk?" in html and "Thanks!" in html
    assert "3 comments" in html
    assert "Comments are closed on this page." in html
    assert "Cheap pills" not in html and "Pending words" not in html
    # ... and in the API.
    listing = client.get(f"/api/v2/comments/?page={about.pk}").json()
    assert listing["meta"]["comment_count"] == 3
    assert [reply["body"] for reply in listing["items"][0]["replies"]] == [
        "Maren does.",
        "Thanks!",
    ]


def test_reimporting_a_page_adds_only_new_comments_and_no_revision(tmp_path, news_index, client):
    export = write(tmp_path, wxr(items=[page_with_comments(*ABOUT_COMMENTS)]))
    run(export)
    about = StandardPage.objects.get(title="About us")
    approved = Comment.objects.get(source_id=f"wordpress:{SITE}#comment-21")
    approved.set_status(Comment.Status.REJECTED)  # a moderator's decision
    before = snapshot()

    output = run(export)

    assert snapshot() == before
    assert "pages: 0 created, 0 updated, 1 unchanged" in output
    assert "comments: 0 imported, 3 already there" in output
    approved.refresh_from_db()
    assert approved.status == Comment.Status.REJECTED

    # A comment written since the last export comes in; the page gets no new revision,
    # and the copy of it in the response cache is dropped.
    client.get(about.url)
    assert client.get(about.url)["X-Cache"] == "HIT"
    newer = write(
        tmp_path,
        wxr(items=[page_with_comments(*ABOUT_COMMENTS, wp_comment(27, "Still here?"))]),
        "newer.xml",
    )
    output = run(newer)
    assert "comments: 1 imported, 3 already there" in output
    assert snapshot() == {**before, "comments": before["comments"] + 1}  # same revisions
    response = client.get(about.url)
    assert response["X-Cache"] == "MISS"
    assert "Still here?" in response.content.decode()


def test_a_page_of_another_export_does_not_take_its_comment_ids(tmp_path, news_index):
    """The "elsewhere" rule, on pages as on posts: a second blog at the same address whose
    page carries a comment id the first blog's page already has gets no copy of it."""
    run(write(tmp_path, wxr(items=[page_with_comments(*ABOUT_COMMENTS)]), "harbour.xml"))
    about = StandardPage.objects.get(title="About us")
    other = write(
        tmp_path,
        wxr(
            items=[
                page_with_comments(
                    wp_comment(21, "A comment of the other blog."),
                    wp_comment(31, "A new one."),
                    post_id=777,
                    title="Contact",
                    slug="contact",
                )
            ]
        ).replace("<title>Harbour News</title>", "<title>Other Desk</title>"),
        "other.xml",
    )

    output = run(other)

    contact = StandardPage.objects.get(title="Contact")
    assert f"the same comment id was imported on page {about.pk}" in output
    assert list(contact.comments.values_list("body", flat=True)) == ["A new one."]
    assert about.comments.get(source_id=f"wordpress:{SITE}#comment-21").body == (
        "Who runs the desk?"
    )
    assert "comments: 1 imported, 0 already there" in output
    before = snapshot()
    run(other)
    assert snapshot() == before


# -- news conventions: disclaimers, related articles, links between posts, co-authors ----

STANDING_NOTICE = "The views expressed in this column are the author's own."


def gutenberg_post(post_id, title, slug, body):
    return item(
        post_id,
        title,
        body,
        slug=slug,
        link=f"{SITE}/2017/02/{slug}/",
    )


def test_links_between_posts_point_at_the_new_pages_and_reruns_settle(tmp_path, news_index):
    """Post 401 links to 402, which comes later in the file, and 402 back to 401, in a
    paragraph and in a closing "Related Articles" list (Gutenberg markup); both links end
    up internal (new URLs, no redirect hop), and a re-run creates no revision."""
    first = gutenberg_post(
        401,
        "Harbour wall approved",
        "harbour-wall-approved",
        '<!-- wp:paragraph -->\n<p>See <a href="https://harbour.example/2017/02/ferry-cuts/">'
        'the ferry cuts</a> and <a href="https://elsewhere.example/x">elsewhere</a>.</p>\n'
        "<!-- /wp:paragraph -->\n"
        '<!-- wp:heading {"level":3} -->\n<h3 class="wp-block-heading">Related Articles</h3>\n'
        '<!-- /wp:heading -->\n<!-- wp:list -->\n<ul class="wp-block-list">'
        '<li><a href="/2017/02/ferry-cuts">Ferry timetable cut</a> \u2013 '
        "What changes in winter</li>"
        '<li><a href="https://news.example/wall">The wall elsewhere</a></li></ul>\n'
        "<!-- /wp:list -->",
    )
    second = gutenberg_post(
        402,
        "Ferry timetable cut",
        "ferry-cuts",
        '<p>After <a href="https://www.harbour.example/?p=401">the wall vote</a>, fewer '
        "sailings.</p><h3>Read more</h3>"
        '<ul><li><a href="https://harbour.example/2017/02/harbour-wall-approved/">Wall</a></li>'
        "</ul>",
    )
    path = write(tmp_path, wxr(items=[first, second]))
    output = run(path)

    wall, ferry = post("Harbour wall approved"), post("Ferry timetable cut")
    paragraph = wall.body.raw_data[0]["value"]
    assert f'<a linktype="page" id="{ferry.pk}">the ferry cuts</a>' in paragraph
    assert '<a href="https://elsewhere.example/x">elsewhere</a>' in paragraph
    related = wall.body.raw_data[1]
    assert related["type"] == "related_articles"
    assert related["value"]["heading"] == "Related Articles"
    assert [(i["type"], i["value"]) for i in related["value"]["items"]] == [
        ("article", ferry.pk),
        (
            "link",
            {"url": "https://news.example/wall", "title": "The wall elsewhere", "summary": ""},
        ),
    ]
    # The link to a later post was resolved in place: still one revision, holding it too.
    assert wall.revisions.count() == 1
    stored = json.loads(wall.get_latest_revision().content["body"])
    assert f'<a linktype="page" id="{ferry.pk}">' in stored[0]["value"]
    assert (
        f'<a linktype="page" id="{wall.pk}">the wall vote</a>' in ferry.body.raw_data[0]["value"]
    )
    assert ferry.body.raw_data[1]["value"]["items"] == [{"type": "article", "value": wall.pk}]
    assert "links between entries: 4 made internal" in output
    # Readers get the new address in the page.
    html = wall.body[0].render()
    assert f'href="{ferry.url}"' in html

    before = snapshot()
    run(path)
    assert snapshot() == before


def test_a_closing_disclaimer_paragraph_becomes_the_saved_disclaimer(tmp_path, news_index, client):
    saved = DisclaimerFactory(title="Opinion", text=f"<p>{STANDING_NOTICE}</p>")
    settings_row = NewsSettings.for_site(news_index.get_site())
    settings_row.default_disclaimer = saved  # the same notice is the site-wide one
    settings_row.save()
    items = [
        item(
            501,
            "Column one",
            f"<p>The lede.</p><p>Opinion text.</p><p><em>{STANDING_NOTICE}</em></p>",
        ),
        item(
            502,
            "Column two",
            "<p>The lede.</p><p>More opinion.</p><p>Disclaimer: the author owns shares in the "
            "ferry company.</p><h3>Read more</h3><ul><li><a href='https://x.example/1'>One</a></li></ul>",
        ),
        item(503, "News story", "<p>The lede.</p><p>The views of the council differ.</p>"),
    ]
    run(write(tmp_path, wxr(items=items)))

    one = post("Column one")
    assert [block["type"] for block in one.body.raw_data] == ["paragraph", "disclaimer"]
    assert one.body.raw_data[1]["value"] == {"disclaimer": saved.pk, "text": ""}
    assert one.site_disclaimer == SiteDisclaimer.AUTO
    page_html = client.get(one.url).content.decode()
    assert page_html.count("are the author's own.") == 1  # not also the site-wide one
    two = post("Column two")
    assert [block["type"] for block in two.body.raw_data] == [
        "paragraph",
        "disclaimer",
        "related_articles",
    ]
    assert two.body.raw_data[1]["value"] == {
        "disclaimer": None,
        "text": "<p>Disclaimer: the author owns shares in the ferry company.</p>",
    }
    assert [block["type"] for block in post("News story").body.raw_data] == ["paragraph"]
    assert Disclaimer.objects.count() == 1


def test_co_authors_plus_terms_credit_every_author_in_byline_order(tmp_path, news_index):
    co_authored = item(
        601,
        "Joint investigation",
        "<p>Two reporters.</p>",
        creator="maren",
        extra='<category domain="author" nicename="cap-tomasz"><![CDATA[tomasz]]></category>'
        '<category domain="author" nicename="cap-maren"><![CDATA[maren]]></category>'
        '<category domain="author" nicename="cap-guest-ines"><![CDATA[Ines Kalda]]></category>',
    )
    run(write(tmp_path, wxr(items=[co_authored])))

    assert [author.name for author in post("Joint investigation").authors] == [
        "Tomasz Wierzbicki",
        "Maren Holt",
        "Ines Kalda",
    ]
    assert not Tag.objects.filter(name__in=["tomasz", "maren", "Ines Kalda"]).exists()


def test_comments_stay_open_or_closed_as_they_were(tmp_path, news_index):
    items = [
        item(701, "Closed post", "<p>a</p><p>b</p>", comment_status="closed"),
        item(702, "Open post", "<p>a</p><p>b</p>"),
        item(703, "Open page", "<p>About us.</p>", post_type="page", slug="open-page"),
        item(704, "Closed page", "<p>Contact.</p>", post_type="page", comment_status="closed"),
    ]
    run(write(tmp_path, wxr(items=items)))

    assert post("Closed post").comments_enabled is False
    assert post("Open post").comments_enabled is True
    assert StandardPage.objects.get(title="Open page").comments_enabled is True
    assert StandardPage.objects.get(title="Closed page").comments_enabled is False


def test_each_imported_page_has_one_created_entry_in_its_history(tmp_path, news_index):
    run(write(tmp_path, wxr()))

    for page in [*NewsPage.objects.all(), *StandardPage.objects.all()]:
        actions = list(
            PageLogEntry.objects.filter(page=page).order_by("pk").values_list("action", flat=True)
        )
        assert actions.count("wagtail.create") == 1, (page.title, actions)
        published = "wagtail.publish.schedule" if page.go_live_at else "wagtail.publish"
        expected = 1 if page.live or page.go_live_at else 0
        assert actions.count(published) == expected, (page.title, actions)


def test_an_import_makes_one_cache_change_per_batch_not_one_per_post(
    tmp_path, news_index, monkeypatch
):
    """Each published post would work out its neighbours and listings (the newer/older
    links) to expire: for an import, one soft change for the whole batch instead."""
    from news.freshness import changes, signal_handlers

    per_post, batches = [], []
    monkeypatch.setattr(
        signal_handlers, "post_published", lambda page, **kw: per_post.append(page)
    )
    real = changes.content_changed
    monkeypatch.setattr(
        changes,
        "content_changed",
        lambda pages=(), **kw: (
            batches.append((sorted(p.title for p in pages), kw)),
            real(pages, **kw),
        ),
    )
    items = [item(800 + n, f"Batch post {n}", "<p>a</p><p>b</p>") for n in range(3)]
    run(write(tmp_path, wxr(items=items)))

    assert per_post == []
    assert batches == [(["Batch post 0", "Batch post 1", "Batch post 2"], {"soft": True})]
    # Outside an import, a publish is handled on its own again.
    post("Batch post 0").save_revision().publish()
    assert [page.title for page in per_post] == ["Batch post 0"]
