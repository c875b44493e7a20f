"""import_blogger: classic "Back up content" Atom exports and Takeout feed.atom files.

Every test writes its own export file (tmp_path) and runs the command through
call_command, then looks at the database, the report and the reader site.
"""

import datetime
import io
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from PIL import Image as PILImage
from taggit.models import Tag
from wagtail.contrib.redirects.models import Redirect
from wagtail.images import get_image_model
from wagtail.models import Revision

from home.models import StandardPage
from news.comments.models import Comment
from news.importers.models import ImportRecord
from news.models import Author, NewsPage

pytestmark = pytest.mark.django_db

BLOG = "http://harbourblog.blogspot.com"
POST_KIND = "http://schemas.google.com/blogger/2008/kind#"


def kind(name):
    return f"<category scheme='http://schemas.google.com/g/2005#kind' term='{POST_KIND}{name}'/>"


def label(name):
    return f"<category scheme='http://www.blogger.com/atom/ns#' term='{name}'/>"


def escape(html):
    return html.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def entry(
    entry_id,
    kind_name,
    title,
    content="",
    *,
    published="2017-02-14T10:00:00.000-08:00",
    updated=None,
    author="Maren Holt",
    labels=(),
    link=None,
    extra="",
):
    alternate = f"<link rel='alternate' type='text/html' href='{link}' title=''/>" if link else ""
    return f"""
<entry>
  <id>tag:blogger.com,1999:blog-42.{entry_id}</id>
  <published>{published}</published>
  <updated>{updated or published}</updated>
  {kind(kind_name)}
  {"".join(label(name) for name in labels)}
  <title type='text'>{escape(title)}</title>
  <content type='html'>{escape(content)}</content>
  {alternate}
  <author><name>{author}</name><uri>https://www.blogger.com/profile/1</uri>
    <email>noreply@blogger.com</email></author>
  {extra}
</entry>"""


def comment(entry_id, post_id, body, *, author="A reader", reply_to=None, published=None):
    related = (
        f"<link rel='related' type='application/atom+xml' "
        f"href='https://www.blogger.com/feeds/42/{post_id}/comments/default/{reply_to}'/>"
        if reply_to
        else ""
    )
    extra = (
        f"{related}<thr:in-reply-to href='{BLOG}/x.html' "
        f"ref='tag:blogger.com,1999:blog-42.post-{post_id}' type='text/html'/>"
    )
    return entry(
        f"post-{entry_id}",
        "comment",
        body[:20],
        body,
        published=published or "2017-02-15T09:00:00.000-08:00",
        author=author,
        link=f"{BLOG}/2017/02/x.html?showComment=1#c{entry_id}",
        extra=extra,
    )


HARBOUR_BODY = """
<div style="font-family: Georgia">The council <b>approved</b> the new
<a href="https://council.example/minutes" onclick="track()">harbour wall</a>.</div>
<script>alert('owned')</script><style>.x{color:red}</style>
<blockquote>We listened to every objection.<br/><cite>A council spokesperson</cite></blockquote>
<table class="tr-caption-container"><tbody>
<tr><td><a href="http://1.bp.blogspot.com/-abc/s1600/harbour-wall.jpg" imageanchor="1">
<img src="http://1.bp.blogspot.com/-abc/s320/harbour-wall.jpg" style="border:0"/></a></td></tr>
<tr><td class="tr-caption">The wall at high tide</td></tr></tbody></table>
<iframe width="320" src="https://www.youtube.com/embed/aqz-KE-bpKQ?feature=player_embedded"></iframe>
<iframe src="https://ads.example/banner"></iframe>
<div class="separator"><a href="http://2.bp.blogspot.com/-def/s1600/missing.jpg">
<img src="http://2.bp.blogspot.com/-def/s320/missing.jpg" alt="The old pier"/></a></div>
<p style="color:red" onmouseover="steal()">Work starts in <i>March</i>.</p>
"""


def classic_export():
    """A classic export: 4 posts (one draft, one untitled), 1 page, 4 comments (a thread
    of three and one more), 3 labels, and template and settings entries."""
    return f"""<?xml version='1.0' encoding='UTF-8'?>
<?xml-stylesheet href="http://www.blogger.com/styles/atom.css" type="text/css"?>
<feed xmlns='http://www.w3.org/2005/Atom' xmlns:openSearch='http://a9.com/-/spec/opensearchrss/1.0/'
  xmlns:gd='http://schemas.google.com/g/2005' xmlns:thr='http://purl.org/syndication/thread/1.0'
  xmlns:georss='http://www.georss.org/georss'>
<id>tag:blogger.com,1999:blog-42</id>
<updated>2017-03-01T10:00:00.000-08:00</updated>
<title type='text'>Harbour Blog</title>
<link rel='alternate' type='text/html' href='{BLOG}/'/>
<generator version='7.00' uri='http://www.blogger.com'>Blogger</generator>
{entry("layout", "template", "Template: Harbour Blog", "<html><b:skin/></html>")}
{entry("settings.BLOG_NAME", "settings", "Blog name", "Harbour Blog")}
{entry("settings.BLOG_DESCRIPTION", "settings", "Description", "News")}
{
        entry(
            "post-1001",
            "post",
            "Harbour wall approved",
            HARBOUR_BODY,
            published="2017-02-14T23:30:00.000-08:00",
            updated="2017-02-16T08:00:00.000-08:00",
            labels=["Harbour", "Politics"],
            link=f"{BLOG}/2017/02/harbour-wall-approved.html",
        )
    }
{
        entry(
            "post-1002",
            "post",
            "Ferry timetable cut",
            "Winter timetable starts Monday.<br /><br />Fewer crossings at night.",
            published="2017-01-03T08:00:00.000Z",
            author="Tomasz Wierzbicki",
            labels=["Transport", "Harbour"],
            link=f"{BLOG}/2017/01/ferry-timetable-cut.html",
        )
    }
{
        entry(
            "post-1003",
            "post",
            "Unfinished notes",
            "<p>Not ready yet.</p>",
            published="2017-03-01T08:00:00.000Z",
            labels=["Harbour"],
            extra="<app:control xmlns:app='http://purl.org/atom/app#'>"
            "<app:draft>yes</app:draft></app:control>",
        )
    }
{
        entry(
            "post-1004",
            "post",
            "",
            "<p>A picture post without a headline.</p>",
            published="2016-12-24T12:00:00.000Z",
            link=f"{BLOG}/2016/12/blog-post.html",
        )
    }
{
        entry(
            "page-2001",
            "page",
            "About this blog",
            "<p>Written here.</p>",
            link=f"{BLOG}/p/about.html",
        )
    }
{comment(3001, 1001, "First! <b>Great</b> news, see <a href='https://wall.example'>the plan</a>")}
{comment(3002, 1001, "I disagree.", author="B reader", reply_to=3001)}
{comment(3003, 1001, "Why?", author="A reader", reply_to=3002)}
{comment(3004, 1002, "Bad for commuters.<br>Really bad.", author="C reader")}
</feed>
"""


def write(tmp_path, text, name="blog.xml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def run(path, *args):
    out = StringIO()
    call_command("import_blogger", str(path), "--index", "news", *args, stdout=out)
    return out.getvalue()


def snapshot():
    """Row counts of everything an import may write."""
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


def test_classic_export_imports_everything_in_the_file(tmp_path, news_index):
    output = run(write(tmp_path, classic_export()))

    posts = NewsPage.objects.child_of(news_index)
    assert posts.count() == 4
    assert posts.live().count() == 3
    assert list(posts.not_live().values_list("title", flat=True)) == ["Unfinished notes"]
    assert StandardPage.objects.filter(title="About this blog").count() == 1
    assert Comment.objects.count() == 4
    assert set(Comment.objects.values_list("status", flat=True)) == {"approved"}
    assert set(Tag.objects.values_list("name", flat=True)) == {"Harbour", "Politics", "Transport"}
    assert "5 entries to import (4 posts, 1 pages), 4 comments in the file" in output
    assert "posts: 4 created, 0 updated, 0 unchanged" in output
    assert "live 3, drafts 1, scheduled 0" in output
    assert "pages: 1 created" in output
    assert "comments: 4 imported" in output
    assert "tags: 3 used, 3 new" in output
    assert "authors: 2 credited, 2 new" in output
    # Template and settings entries are counted, one line per kind, not listed one by one.
    assert "Skipped: 3\n" in output
    assert "  1 x Blogger template entry (not content)\n" in output
    assert "  2 x Blogger settings entry (not content)\n" in output
    assert "Template: Harbour Blog" not in output
    assert "Blog name" not in output


def test_dates_authors_and_tags_are_those_of_the_entry(tmp_path, news_index):
    run(write(tmp_path, classic_export()))

    harbour = post("Harbour wall approved")
    # 23:30 in the blog's time zone (-08:00) is already the 15th in UTC: the date header is
    # the one the old blog showed.
    assert harbour.publication_date == datetime.date(2017, 2, 14)
    assert harbour.first_published_at == datetime.datetime(2017, 2, 15, 7, 30, tzinfo=datetime.UTC)
    assert harbour.last_published_at == datetime.datetime(2017, 2, 16, 16, 0, tzinfo=datetime.UTC)
    assert [author.name for author in harbour.authors] == ["Maren Holt"]
    assert sorted(harbour.tags.names()) == ["Harbour", "Politics"]
    ferry = post("Ferry timetable cut")
    assert [author.name for author in ferry.authors] == ["Tomasz Wierzbicki"]
    assert sorted(ferry.tags.names()) == ["Harbour", "Transport"]
    assert ferry.slug == "ferry-timetable-cut"
    # The draft has a revision but was never published.
    draft = post("Unfinished notes")
    assert not draft.live and draft.first_published_at is None
    assert draft.latest_revision is not None


def test_comments_keep_their_thread(tmp_path, news_index):
    run(write(tmp_path, classic_export()))

    first = Comment.objects.get(author_name="A reader", parent=None)
    assert first.page.specific == post("Harbour wall approved")
    assert first.body == "First! Great news, see the plan (https://wall.example)"
    assert first.author_email == ""  # Blogger's noreply address is not kept
    assert first.source_id == "blogger:tag:blogger.com,1999:blog-42.post-3001"
    # A reply, and a reply to the reply: both under the top-level comment.
    assert sorted(first.replies.values_list("body", flat=True)) == ["I disagree.", "Why?"]
    other = Comment.objects.get(author_name="C reader")
    assert other.parent is None and other.page.specific == post("Ferry timetable cut")
    assert other.body == "Bad for commuters.\nReally bad."
    assert other.submitted_at == datetime.datetime(2017, 2, 15, 17, 0, tzinfo=datetime.UTC)


def test_body_is_converted_into_blocks_and_cleaned(tmp_path, news_index, client):
    output = run(write(tmp_path, classic_export()))

    harbour = post("Harbour wall approved")
    types = [block["type"] for block in harbour.body.raw_data]
    assert types == ["paragraph", "quote", "paragraph", "embed", "paragraph"]
    raw = harbour.body.raw_data
    assert raw[0]["value"] == (
        '<p>The council <b>approved</b> the new <a href="https://council.example/minutes">'
        "harbour wall</a>.</p>"
    )
    assert raw[1]["value"]["text"] == "<p>We listened to every objection.</p>"
    assert raw[1]["value"]["attribution"] == "A council spokesperson"
    assert raw[3]["value"]["url"] == "https://www.youtube.com/watch?v=aqz-KE-bpKQ"
    stored = str(raw)
    for unsafe in ("script", "alert", "style=", "onclick", "onmouseover", "ads.example"):
        assert unsafe not in stored
    # Without --media, pictures stay links to their full-size files, listed in the report.
    assert raw[2]["value"] == (
        '<p><a href="http://1.bp.blogspot.com/-abc/s1600/harbour-wall.jpg">'
        "Image: The wall at high tide</a></p>"
    )
    assert raw[4]["value"] == (
        '<p><a href="http://2.bp.blogspot.com/-def/s1600/missing.jpg">Image: The old pier</a></p>'
        "<p>Work starts in <i>March</i>.</p>"
    )
    assert "External images (not found in --media): 2" in output
    assert "http://2.bp.blogspot.com/-def/s1600/missing.jpg" in output
    assert "removed while cleaning HTML: iframe x1, script x1, style x1" in output
    # The reader page shows the text and nothing of the script.
    page = client.get(harbour.url)
    assert page.status_code == 200
    assert b"harbour wall</a>" in page.content
    assert b"owned" not in page.content


def test_pictures_found_in_the_media_folder_become_images(tmp_path, news_index):
    media = tmp_path / "media" / "photos"
    media.mkdir(parents=True)
    buffer = io.BytesIO()
    PILImage.new("RGB", (40, 30), (10, 80, 160)).save(buffer, format="JPEG")
    (media / "harbour-wall.jpg").write_bytes(buffer.getvalue())
    export = write(tmp_path, classic_export())

    output = run(export, "--media", str(tmp_path / "media"))

    image_block = next(
        block for block in post("Harbour wall approved").body.raw_data if block["type"] == "image"
    )
    image = get_image_model().objects.get(pk=image_block["value"]["image"])
    assert image_block["value"]["caption"] == "The wall at high tide"
    assert (image.width, image.height) == (40, 30)
    assert "images: 1 imported, 0 already in Newsdesk, 1 external" in output
    # A second run finds the same image instead of making another.
    run(export, "--media", str(tmp_path / "media"))
    assert get_image_model().objects.count() == 1


def test_running_again_creates_nothing_new(tmp_path, news_index):
    export = write(tmp_path, classic_export())
    run(export)
    before = snapshot()

    output = run(export)

    assert snapshot() == before
    assert "posts: 0 created, 0 updated, 4 unchanged" in output
    assert "comments: 0 imported, 4 already there" in output
    assert "redirects: 0 created, 0 updated, 4 already there" in output


def test_changed_entries_are_updated_in_place(tmp_path, news_index):
    export = write(tmp_path, classic_export())
    run(export)
    harbour = post("Harbour wall approved")
    revisions = harbour.revisions.count()

    changed = classic_export().replace("Harbour wall approved", "Harbour wall approved at last")
    output = run(write(tmp_path, changed))

    harbour.refresh_from_db()
    assert harbour.title == "Harbour wall approved at last"
    assert harbour.live and harbour.revisions.count() == revisions + 1
    assert NewsPage.objects.count() == 4
    assert "posts: 0 created, 1 updated, 3 unchanged" in output


def test_a_page_edited_in_newsdesk_is_not_overwritten(tmp_path, news_index):
    export = write(tmp_path, classic_export())
    run(export)
    harbour = post("Harbour wall approved")
    harbour.title = "Edited by the night desk"
    harbour.save_revision().publish()

    changed = classic_export().replace("The council", "The town council")
    output = run(write(tmp_path, changed))

    harbour.refresh_from_db()
    assert harbour.title == "Edited by the night desk"
    assert "was edited in Newsdesk after it was imported; not overwritten" in output


def test_old_blogger_urls_redirect_permanently(tmp_path, news_index, home_page, client):
    run(write(tmp_path, classic_export()))

    response = client.get("/2017/02/harbour-wall-approved.html")
    assert response.status_code == 301
    assert response["Location"] == post("Harbour wall approved").url
    # Blogger's mobile address (?m=1) too.
    mobile = client.get("/2017/02/harbour-wall-approved.html?m=1")
    assert mobile.status_code == 301
    assert mobile["Location"] == post("Harbour wall approved").url
    about = client.get("/p/about.html")
    assert about.status_code == 301
    assert about["Location"] == StandardPage.objects.get(title="About this blog").url
    assert client.get(about["Location"]).status_code == 200
    assert StandardPage.objects.get(title="About this blog").get_parent().pk == home_page.pk


def test_entry_without_a_title_is_titled_from_its_date(tmp_path, news_index):
    output = run(write(tmp_path, classic_export()))

    untitled = NewsPage.objects.get(slug="blog-post")
    assert untitled.title == "Post of 24 December 2016"
    assert "no title: imported as 'Post of 24 December 2016'" in output


def test_dry_run_changes_nothing(tmp_path, news_index):
    before = snapshot()

    output = run(write(tmp_path, classic_export()), "--dry-run")

    assert snapshot() == before
    assert "(dry run: nothing was saved)" in output
    assert "posts: 4 created" in output
    assert "comments: 4 imported" in output


def test_publish_state_draft_imports_everything_unpublished(tmp_path, news_index):
    run(write(tmp_path, classic_export()), "--publish-state", "draft")

    assert NewsPage.objects.count() == 4
    assert not NewsPage.objects.live().exists()
    assert not StandardPage.objects.filter(title="About this blog", live=True).exists()


TAKEOUT = f"""<?xml version='1.0' encoding='utf-8'?>
<feed xmlns='http://www.w3.org/2005/Atom' xmlns:blogger='http://schemas.google.com/blogger/2018'>
  <id>tag:blogger.com,1999:blog-77</id>
  <title>Harbour Blog</title>
  <entry>
    <id>tag:blogger.com,1999:blog-77.post-1</id>
    <blogger:type>POST</blogger:type>
    <blogger:status>LIVE</blogger:status>
    <author><name>Maren Holt</name><uri></uri><blogger:type>BLOGGER</blogger:type></author>
    <title>Tram line opens</title>
    <content type='html'>{escape("<p>First trams run <i>today</i>.</p>")}</content>
    <blogger:created>2021-05-03T07:00:00.000Z</blogger:created>
    <published>2021-05-03T08:00:00.000Z</published>
    <updated>2021-05-04T08:00:00.000Z</updated>
    <category scheme='tag:blogger.com,1999:blog-77' term='Transport'/>
    <blogger:filename>/2021/05/tram-line-opens.html</blogger:filename>
    <blogger:metaDescription>The new tram line is open.</blogger:metaDescription>
  </entry>
  <entry>
    <id>tag:blogger.com,1999:blog-77.post-2</id>
    <blogger:type>POST</blogger:type>
    <blogger:status>DRAFT</blogger:status>
    <author><name>Maren Holt</name></author>
    <title>Draft about buses</title>
    <content type='html'>{escape("<p>Later.</p>")}</content>
    <published>2021-06-01T08:00:00.000Z</published>
    <updated>2021-06-01T08:00:00.000Z</updated>
  </entry>
  <entry>
    <id>tag:blogger.com,1999:blog-77.post-5</id>
    <blogger:type>POST</blogger:type>
    <blogger:status>SCHEDULED</blogger:status>
    <author><name>Maren Holt</name></author>
    <title>Embargoed</title>
    <content type='html'>{escape("<p>Not yet.</p>")}</content>
    <published>2099-03-01T08:00:00.000Z</published>
    <blogger:filename>/2099/03/embargoed.html</blogger:filename>
  </entry>
  <entry>
    <id>tag:blogger.com,1999:blog-77.post-3</id>
    <blogger:type>POST</blogger:type>
    <blogger:status>SOFT_TRASHED</blogger:status>
    <author><name>Maren Holt</name></author>
    <title>Deleted post</title>
    <content type='html'>gone</content>
    <published>2021-06-02T08:00:00.000Z</published>
  </entry>
  <entry>
    <id>tag:blogger.com,1999:blog-77.post-4</id>
    <blogger:type>PAGE</blogger:type>
    <blogger:status>LIVE</blogger:status>
    <author><name>Maren Holt</name></author>
    <title>Contact</title>
    <content type='html'>{escape("<p>Write to us.</p>")}</content>
    <published>2021-01-01T08:00:00.000Z</published>
    <blogger:filename>/p/contact.html</blogger:filename>
  </entry>
  <entry>
    <id>tag:blogger.com,1999:blog-77.post-11</id>
    <blogger:parent>tag:blogger.com,1999:blog-77.post-1</blogger:parent>
    <blogger:inReplyTo/>
    <blogger:type>COMMENT</blogger:type>
    <blogger:status>LIVE</blogger:status>
    <author><name>Rider</name><uri>https://rider.example</uri><blogger:type>ANONYMOUS</blogger:type></author>
    <content type='html'>Finally!</content>
    <published>2021-05-03T12:00:00Z</published>
    <blogger:trashed/>
  </entry>
  <entry>
    <id>tag:blogger.com,1999:blog-77.post-12</id>
    <blogger:parent>tag:blogger.com,1999:blog-77.post-1</blogger:parent>
    <blogger:inReplyTo>tag:blogger.com,1999:blog-77.post-11</blogger:inReplyTo>
    <blogger:type>COMMENT</blogger:type>
    <blogger:status>LIVE</blogger:status>
    <author><name>Maren Holt</name></author>
    <content type='html'>Thanks for reading.</content>
    <published>2021-05-03T13:00:00Z</published>
  </entry>
  <entry>
    <id>tag:blogger.com,1999:blog-77.post-13</id>
    <blogger:parent>tag:blogger.com,1999:blog-77.post-1</blogger:parent>
    <blogger:type>COMMENT</blogger:type>
    <blogger:status>DELETED</blogger:status>
    <author><name>Spammer</name></author>
    <content type='html'>Buy now</content>
    <published>2021-05-03T14:00:00Z</published>
  </entry>
</feed>
"""


def test_takeout_feed_atom(tmp_path, news_index, client):
    output = run(write(tmp_path, TAKEOUT, "feed.atom"))

    assert "Blogger export (Takeout feed.atom)" in output
    tram = post("Tram line opens")
    assert tram.live and tram.publication_date == datetime.date(2021, 5, 3)
    assert tram.summary == "The new tram line is open."
    assert list(tram.tags.names()) == ["Transport"]
    assert [author.name for author in tram.authors] == ["Maren Holt"]
    assert not post("Draft about buses").live
    embargoed = post("Embargoed")
    assert not embargoed.live
    assert embargoed.go_live_at == datetime.datetime(2099, 3, 1, 8, 0, tzinfo=datetime.UTC)
    assert "live 1, drafts 1, scheduled 1" in output
    assert not NewsPage.objects.filter(title="Deleted post").exists()
    assert re.search(r'"Deleted post" .*: status SOFT_TRASHED in Blogger', output)
    assert StandardPage.objects.get(title="Contact").live
    top = Comment.objects.get(author_name="Rider")
    assert top.author_url == "https://rider.example"
    assert [reply.body for reply in top.replies.all()] == ["Thanks for reading."]
    assert not Comment.objects.filter(author_name="Spammer").exists()
    assert "status DELETED in Blogger" in output
    assert client.get("/2021/05/tram-line-opens.html")["Location"] == tram.url
    assert client.get("/p/contact.html").status_code == 301


def test_takeout_and_classic_exports_of_one_blog_share_source_ids(tmp_path, news_index):
    run(write(tmp_path, TAKEOUT, "feed.atom"))
    again = TAKEOUT.replace("Tram line opens", "Tram line opens on time")

    run(write(tmp_path, again, "feed2.atom"))

    assert NewsPage.objects.filter(title__startswith="Tram line").count() == 1


def test_truncated_file_is_refused_with_its_position(tmp_path, news_index):
    text = classic_export()
    path = write(tmp_path, text[: len(text) // 2])

    with pytest.raises(CommandError) as error:
        run(path)

    message = str(error.value)
    assert str(path) in message
    assert re.search(r"not well-formed XML at line \d+, column \d+", message)
    assert "truncated" in message
    assert NewsPage.objects.count() == 0


def resaved(text):
    """``text`` as tools that re-save Blogger exports write it: the namespace declarations
    of the well-known prefixes dropped, the prefixes still used."""
    text = re.sub(r"\s+xmlns:(openSearch|gd|thr|georss|blogger|app)='[^']*'", "", text)
    return text.replace(
        "<generator", "<openSearch:totalResults>9</openSearch:totalResults><generator"
    ).replace(
        "<title type='text'>Harbour wall approved</title>",
        "<title type='text'>Harbour wall approved</title>"
        "<georss:point>54.1 -3.2</georss:point><gd:extendedProperty name='x' value='y'/>",
    )


def test_resaved_classic_export_without_prefix_declarations_imports_with_a_warning(
    tmp_path, news_index
):
    text = resaved(classic_export())
    assert "xmlns:thr" not in text and "<thr:in-reply-to" in text
    assert "xmlns:app" not in text and "<app:draft>" in text

    output = run(write(tmp_path, text))

    # Everything the declared file gives: drafts (app:), comment threads (thr:).
    assert "posts: 4 created" in output
    assert "live 3, drafts 1" in output
    assert "comments: 4 imported" in output
    assert post("Unfinished notes").live is False
    replies = Comment.objects.exclude(parent=None)
    assert replies.count() == 2
    assert (
        "the file: the file uses the prefixes app:, gd:, georss:, openSearch:, thr: without "
        "declaring them" in output
    )


def test_resaved_takeout_export_without_prefix_declarations_imports_with_a_warning(
    tmp_path, news_index
):
    text = resaved(TAKEOUT)
    assert "xmlns:blogger" not in text

    output = run(write(tmp_path, text, "feed.atom"))

    assert "Blogger export (Takeout feed.atom)" in output
    assert "uses the prefix blogger: without declaring it" in output
    declared = run(write(tmp_path, TAKEOUT, "declared.atom"))
    assert "posts: 0 created" in declared  # the same entries: nothing new
    assert "0 updated" in declared


def test_an_unknown_undeclared_prefix_is_refused_with_its_position(tmp_path, news_index):
    text = TAKEOUT.replace("<blogger:type>", "<custom:flag>1</custom:flag><blogger:type>", 1)

    with pytest.raises(CommandError) as error:
        run(write(tmp_path, text, "feed.atom"))

    assert "unbound prefix" in str(error.value)
    assert re.search(r"line \d+, column \d+", str(error.value))
    assert NewsPage.objects.count() == 0


def test_entity_declarations_are_refused(tmp_path, news_index):
    text = classic_export().replace(
        "<feed ",
        '<!DOCTYPE feed [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>\n<feed ',
        1,
    )

    with pytest.raises(CommandError, match="declares the XML entity 'lol'"):
        run(write(tmp_path, text))
    assert NewsPage.objects.count() == 0


def test_malformed_entry_is_named_and_nothing_is_imported(tmp_path, news_index):
    text = classic_export().replace("2017-01-03T08:00:00.000Z", "last Tuesday")

    with pytest.raises(CommandError) as error:
        run(write(tmp_path, text))

    message = str(error.value)
    assert '"Ferry timetable cut"' in message
    assert "'last Tuesday' is not an ISO 8601 date" in message
    assert NewsPage.objects.count() == 0


def test_other_files_are_refused_clearly(tmp_path, news_index):
    wordpress = write(tmp_path, "<rss version='2.0'><channel/></rss>", "wp.xml")
    with pytest.raises(CommandError, match=r"not a Blogger export.*use import_wordpress"):
        run(wordpress)
    with pytest.raises(CommandError, match="is empty"):
        run(write(tmp_path, "", "empty.xml"))
    with pytest.raises(CommandError, match="cannot read"):
        run(tmp_path / "nowhere.xml")


def test_index_must_be_a_news_index(tmp_path, news_index, home_page):
    export = write(tmp_path, classic_export())
    out = StringIO()

    with pytest.raises(CommandError, match="is a home page, not a news index"):
        call_command("import_blogger", str(export), "--index", str(home_page.pk), stdout=out)
    with pytest.raises(CommandError, match=r"News indexes: 'News' \(id \d+, /news/\)"):
        call_command("import_blogger", str(export), "--index", "nonsense", stdout=out)
    # Its id and its URL path work as well as its slug.
    call_command("import_blogger", str(export), "--index", "/news/", "--dry-run", stdout=out)
    call_command("import_blogger", str(export), "--index", str(news_index.pk), stdout=out)
    assert NewsPage.objects.child_of(news_index).count() == 4


class Terminal(StringIO):
    def isatty(self):
        return True


def test_progress_bar_only_on_a_terminal(tmp_path, news_index):
    export = write(tmp_path, classic_export())
    terminal = Terminal()

    call_command("import_blogger", str(export), "--index", "news", "--dry-run", stdout=terminal)

    assert f"\rImporting [{'#' * 30}] 5/5" in terminal.getvalue()
    assert "\r" not in run(export, "--dry-run")


def test_the_same_entry_id_twice_imports_the_first_and_reruns_settle(tmp_path, news_index):
    copy = entry(
        "post-1002",
        "post",
        "Ferry timetable cut (older copy)",
        "<p>An older text.</p>",
        published="2017-01-02T08:00:00.000Z",
        link=f"{BLOG}/2017/01/ferry-timetable-cut.html",
    )
    text = classic_export().replace("</feed>", copy + "\n</feed>")
    export = write(tmp_path, text)

    output = run(export)

    assert "posts: 4 created, 0 updated, 0 unchanged" in output
    assert re.search(
        r'entry \d+ "Ferry timetable cut \(older copy\)" \[tag:blogger.com,1999:blog-42.'
        r"post-1002\]: entry id \S+ again \(first as entry \d+ \"Ferry timetable cut\"",
        output,
    )
    assert post("Ferry timetable cut").summary == "Winter timetable starts Monday."
    before = snapshot()
    assert "posts: 0 created, 0 updated, 4 unchanged" in run(export)
    assert snapshot() == before


def page_comment(entry_id, page_id, body, *, author="A reader", reply_to=None):
    """A classic export's comment on a page (``kind#page``): its ``thr:in-reply-to`` names
    the page's own entry id (``blog-42.page-<id>``), not a post's."""
    related = (
        f"<link rel='related' type='application/atom+xml' "
        f"href='https://www.blogger.com/feeds/42/{page_id}/comments/default/{reply_to}'/>"
        if reply_to
        else ""
    )
    extra = (
        f"{related}<thr:in-reply-to href='{BLOG}/p/about.html' "
        f"ref='tag:blogger.com,1999:blog-42.page-{page_id}' type='text/html'/>"
    )
    return entry(
        f"post-{entry_id}",
        "comment",
        body[:20],
        body,
        published="2017-02-16T09:00:00.000-08:00",
        author=author,
        link=f"{BLOG}/p/about.html?showComment=1#c{entry_id}",
        extra=extra,
    )


def classic_export_with_page_comments():
    """The classic export, its "About this blog" page carrying a thread of three."""
    return classic_export().replace(
        "</feed>",
        page_comment(3101, 2001, "Who writes <b>this</b> blog?", author="D reader")
        + page_comment(3102, 2001, "Maren does.", author="Maren Holt", reply_to=3101)
        + page_comment(3103, 2001, "Thanks!", author="D reader", reply_to=3102)
        + "</feed>",
    )


def test_comments_on_blogger_pages_are_imported_like_a_posts(tmp_path, news_index, client):
    export = write(tmp_path, classic_export_with_page_comments())
    output = run(export)

    about = StandardPage.objects.get(title="About this blog")
    top = Comment.objects.get(author_name="D reader", parent=None)
    assert top.page.specific == about
    assert top.body == "Who writes this blog?"
    assert top.status == Comment.Status.APPROVED
    assert top.source_id == "blogger:tag:blogger.com,1999:blog-42.post-3101"
    assert sorted(top.replies.values_list("body", flat=True)) == ["Maren does.", "Thanks!"]
    assert "7 comments in the file" in output
    assert "comments: 7 imported, 0 already there" in output
    assert "not imported" not in output
    html = client.get(about.url).content.decode()
    assert "Who writes this blog?" in html and "3 comments" in html
    v3 = client.get(f"/api/v3/pages/{about.pk}/comments/").json()
    assert v3["meta"]["comment_count"] == 3

    # Running it again changes nothing, and gives the page no revision.
    before = snapshot()
    output = run(export)
    assert snapshot() == before
    assert "comments: 0 imported, 7 already there" in output


def test_comments_on_takeout_pages_are_imported(tmp_path, news_index, client):
    """In a Takeout feed.atom a page's comment names the page in ``blogger:parent``."""
    comment_on_contact = """
  <entry>
    <id>tag:blogger.com,1999:blog-77.post-41</id>
    <blogger:parent>tag:blogger.com,1999:blog-77.post-4</blogger:parent>
    <blogger:inReplyTo/>
    <blogger:type>COMMENT</blogger:type>
    <blogger:status>LIVE</blogger:status>
    <author><name>Visitor</name><blogger:type>ANONYMOUS</blogger:type></author>
    <content type='html'>Is the office open on Saturdays?</content>
    <published>2021-02-01T10:00:00Z</published>
  </entry>
  <entry>
    <id>tag:blogger.com,1999:blog-77.post-42</id>
    <blogger:parent>tag:blogger.com,1999:blog-77.post-4</blogger:parent>
    <blogger:inReplyTo>tag:blogger.com,1999:blog-77.post-41</blogger:inReplyTo>
    <blogger:type>COMMENT</blogger:type>
    <blogger:status>LIVE</blogger:status>
    <author><name>Maren Holt</name></author>
    <content type='html'>Mornings only.</content>
    <published>2021-02-01T11:00:00Z</published>
  </entry>
</feed>"""
    output = run(write(tmp_path, TAKEOUT.replace("</feed>", comment_on_contact), "feed.atom"))

    contact = StandardPage.objects.get(title="Contact")
    top = contact.comments.get(parent=None)
    assert top.body == "Is the office open on Saturdays?"
    assert [reply.body for reply in top.replies.all()] == ["Mornings only."]
    assert "comments: 4 imported" in output  # two on the post, two on the page
    assert "Mornings only." in client.get(contact.url).content.decode()


def test_the_search_description_and_the_post_thumbnail_come_in(tmp_path, news_index):
    """A classic post's ``<summary>`` (its search description) becomes the summary, and
    ``<media:thumbnail>`` (Blogger's 72-pixel crop of the post's first picture) the lead
    image: the full-size file it was cut from."""
    media = tmp_path / "media" / "photos"
    media.mkdir(parents=True)
    buffer = io.BytesIO()
    PILImage.new("RGB", (40, 30), (10, 80, 160)).save(buffer, format="JPEG")
    (media / "harbour-wall.jpg").write_bytes(buffer.getvalue())
    export = classic_export().replace(
        "<title type='text'>Harbour wall approved</title>",
        "<title type='text'>Harbour wall approved</title>"
        "<summary type='text'>The council said yes to the wall.</summary>"
        "<media:thumbnail xmlns:media='http://search.yahoo.com/mrss/' "
        "url='http://1.bp.blogspot.com/-abc/s72-c/harbour-wall.jpg' height='72' width='72'/>",
    )

    run(write(tmp_path, export), "--media", str(tmp_path / "media"))

    harbour = post("Harbour wall approved")
    assert harbour.summary == "The council said yes to the wall."
    image_block = next(block for block in harbour.body.raw_data if block["type"] == "image")
    assert harbour.lead_image_id == image_block["value"]["image"]
    # With a summary of its own, the first paragraph stays in the body.
    assert "The council <b>approved</b>" in harbour.body.raw_data[0]["value"]
