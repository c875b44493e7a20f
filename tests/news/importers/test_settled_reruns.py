"""Re-runs of an unchanged export skip the settled entries (news/importers/settled.py).

The quick way must report exactly what the whole way reports and change nothing; anything
that makes an entry not settled (an edit in the file, an editor's change, a deleted
redirect or comment, other options, a new picture in --media) sends it the whole way.
"""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image as PILImage
from wagtail.contrib.redirects.models import Redirect

from news.comments.models import Comment
from news.importers.models import ImportRecord
from news.importers.settled import SiteRoutes
from tests.news.importers.test_wordpress import SITE, item, post, run, snapshot, write, wxr

pytestmark = pytest.mark.django_db


def the_whole_way():
    """Make the next run convert every entry again, as before settled entries existed."""
    ImportRecord.objects.update(entry_digest="")


def uploads(tmp_path):
    folder = tmp_path / "uploads" / "2017" / "02"
    folder.mkdir(parents=True)
    for name, colour in (("wall.jpg", (200, 30, 30)), ("ferry.jpg", (30, 30, 200))):
        buffer = io.BytesIO()
        PILImage.new("RGB", (60, 40), colour).save(buffer, format="JPEG")
        (folder / name).write_bytes(buffer.getvalue())
    return str(tmp_path / "uploads")


def test_a_settled_rerun_reports_what_the_whole_way_reports(tmp_path, news_index):
    export = write(tmp_path, wxr())
    media = uploads(tmp_path)
    run(export, "--media", media)
    before = snapshot()

    quick = run(export, "--media", media)
    assert snapshot() == before
    the_whole_way()
    whole = run(export, "--media", media)

    assert snapshot() == before
    assert quick == whole
    assert "posts: 0 created, 0 updated, 4 unchanged" in quick
    assert "comments: 0 imported, 3 already there" in quick
    assert "images: 0 imported, 2 already in Newsdesk" in quick
    assert "no title: imported as" in quick  # the conversion's warnings are repeated
    # The whole way wrote the digests again: the next run is quick again.
    assert not ImportRecord.objects.filter(entry_digest="").exists()


def posts(count):
    return [
        item(
            500 + number,
            f"Post {number}",
            f"<p>Story {number}.</p><!-- more --><p>More.</p>",
            slug=f"post-{number}",
            link=f"{SITE}/2017/02/14/post-{number}/",
            tags=["Harbour", f"Topic {number % 3}"],
        )
        for number in range(count)
    ]


def rerun_queries(tmp_path, count):
    export = write(tmp_path, wxr(items=posts(count)), name=f"{count}.xml")
    run(export)
    with CaptureQueriesContext(connection) as queries:
        output = run(export)
    assert f"posts: 0 created, 0 updated, {count} unchanged" in output
    return len(queries)


def test_a_settled_rerun_reads_nothing_per_entry(tmp_path, news_index):
    # The same number of queries for 5 posts as for 20: the lookups are read once a run.
    assert rerun_queries(tmp_path, 5) == rerun_queries(tmp_path, 20)


def test_an_entry_changed_in_the_file_is_updated_and_only_it(tmp_path, news_index):
    run(write(tmp_path, wxr(items=posts(3))))
    changed = posts(3)
    changed[1] = changed[1].replace("Story 1.", "Story 1, corrected.")

    output = run(write(tmp_path, wxr(items=changed)))

    assert "posts: 0 created, 1 updated, 2 unchanged" in output
    assert post("Post 1").summary == "Story 1, corrected."


def test_a_deleted_redirect_comes_back(tmp_path, news_index, client):
    export = write(tmp_path, wxr())
    run(export)
    Redirect.objects.filter(old_path="/2017/02/14/harbour-wall-approved").delete()

    output = run(export)

    assert "redirects: 1 created" in output
    assert "posts: 0 created, 0 updated, 4 unchanged" in output
    response = client.get("/2017/02/14/harbour-wall-approved/")
    assert response.status_code == 301
    assert response["Location"] == post("Harbour wall approved").url


def test_a_missing_comment_is_imported_again(tmp_path, news_index):
    export = write(tmp_path, wxr())
    run(export)
    comments = Comment.objects.count()
    Comment.objects.filter(pk=Comment.objects.filter(parent__isnull=False).first().pk).delete()

    output = run(export)

    assert Comment.objects.count() == comments
    assert f"comments: 1 imported, {comments - 1} already there" in output


def test_a_page_edited_in_newsdesk_is_still_left_alone(tmp_path, news_index):
    export = write(tmp_path, wxr())
    run(export)
    harbour = post("Harbour wall approved")
    harbour.title = "Harbour wall approved, says council"
    harbour.save_revision()

    output = run(export)

    assert "was edited in Newsdesk after it was imported; not overwritten" in output
    assert harbour.get_latest_revision().content["title"] == "Harbour wall approved, says council"


def test_other_options_convert_again(tmp_path, news_index):
    export = write(tmp_path, wxr(items=[item(601, "BREAKING: Ferry sinks", "<p>All safe.</p>")]))
    run(export)
    assert post("Ferry sinks").breaking

    output = run(export, "--breaking-prefix", "")

    assert "posts: 0 created, 1 updated, 0 unchanged" in output
    assert not post("BREAKING: Ferry sinks").breaking


def test_a_picture_added_to_the_media_folder_is_picked_up(tmp_path, news_index):
    export = write(tmp_path, wxr())
    media = tmp_path / "uploads"
    media.mkdir()
    first = run(export, "--media", str(media))
    assert "2 external" in first or "external (kept as links)" in first

    uploads(tmp_path)
    output = run(export, "--media", str(media))

    assert "images: 2 imported" in output
    assert "posts: 0 created, 2 updated, 2 unchanged" in output


def test_site_routes_answer_what_resolve_answers():
    routes = SiteRoutes()
    assert routes.starts is not None  # every route of the project has a readable start
    for path in ("/search/", "/feeds/news/rss/", "/robots.txt", "/admin/", "/api/v2/pages/"):
        assert routes.route_for(path) is not None, path
    for path in ("/2017/02/14/harbour-wall-approved/", "/about-us/", "/searching/", "/p/x.html"):
        assert routes.route_for(path) is None, path
