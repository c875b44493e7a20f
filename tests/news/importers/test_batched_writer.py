"""New posts are written a batch at a time (news/importers/writer.py); what they leave
must be what Wagtail's own add_child, save_revision and publish leave, entry by entry.

Each test imports the same WordPress export twice, once as it runs (new posts in
batches) and once with every entry written on its own, under two news indexes and two
blog addresses, and compares what readers, editors and the tree see of each page.
"""

import io
import json
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import IntegrityError
from django.db.models import TextField
from PIL import Image as PILImage
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Page, PageLogEntry, ReferenceIndex
from wagtail.search.models import IndexEntry

from news.comments.models import Comment
from news.importers import base
from news.importers.models import ImportRecord
from news.importers.writer import index_references
from news.models import NewsIndexPage, NewsPage
from news.webhooks.models import WebhookDelivery
from tests.news.factories import DisclaimerFactory, NewsIndexPageFactory
from tests.news.importers.test_wordpress import STANDING_NOTICE, item, wp_comment, wxr
from tests.news.webhooks.factories import WebhookEndpointFactory

pytestmark = pytest.mark.django_db

# Two blogs, so that the second import's redirects do not meet the first's.
BATCHED, ONE_BY_ONE = "https://harbour.example", "https://quay.example/blog"


def export_items():
    """Fifteen posts (live and drafts, one linking to a later post and one to an earlier
    one), tags, two authors and comments, then a scheduled post (written on its own)."""
    items = []
    for number in range(1, 16):
        status = "draft" if number % 5 == 0 else "publish"
        links = ""
        if number == 3:
            links = ' See <a href="SITE/2017/02/post-12/">the twelfth</a>.'
        if number == 13:
            links = ' As <a href="SITE/2017/02/post-2/">the second</a> said.'
        extra_body = ""
        if number in (4, 7):
            # A picture from the uploads folder, a closing list of related posts (an
            # earlier one and a draft, which readers never see but the tree holds) and
            # the standing notice of a saved disclaimer.
            extra_body = (
                '\n\n<p><img src="SITE/wp-content/uploads/2017/02/pier.jpg" alt="The pier">'
                "</p>\n\n<h3>Read more</h3><ul>"
                '<li><a href="SITE/2017/02/post-2/">The second</a></li>'
                '<li><a href="SITE/2017/02/post-5/">The fifth</a></li></ul>'
                f"\n\n<p><em>{STANDING_NOTICE}</em></p>"
            )
        items.append(
            item(
                100 + number,
                f"Post {number}",
                f"<p>Paragraph one of post {number}.{links}</p>\n\n"
                f"<blockquote><p>Wire copy {number}.</p><p>Source: AFP</p></blockquote>"
                f"{extra_body}",
                status=status,
                slug=f"post-{number}",
                link=f"SITE/2017/02/post-{number}/",
                date=f"2017-02-{number:02d} 10:00:00",
                date_gmt=f"2017-02-{number:02d} 09:00:00",
                categories=["Politics"] if number % 2 else ["Sport", "Politics"],
                tags=[f"Tag {number % 3}"],
                creator="maren" if number % 2 else "tomasz",
                extra=wp_comment(1000 + number, f"Comment on {number}.")
                + (
                    wp_comment(2000 + number, "A reply.", parent=1000 + number)
                    if number < 4
                    else ""
                ),
            )
        )
    items.append(
        item(
            190,
            "Scheduled post",
            "<p>Later.</p>",
            status="future",
            slug="scheduled",
            date="2099-01-01 10:00:00",
            date_gmt="2099-01-01 09:00:00",
        )
    )
    return items


def export_for(site, tmp_path):
    text = wxr(items=export_items()).replace("SITE", site).replace("https://harbour.example", site)
    text = text.replace("<title>Harbour News</title>", f"<title>News of {site}</title>")
    path = tmp_path / f"{site.split('//')[1].replace('/', '-')}.xml"
    path.write_text(text, encoding="utf-8")
    pictures = tmp_path / "uploads" / "2017" / "02"
    if not pictures.exists():
        pictures.mkdir(parents=True)
        buffer = io.BytesIO()
        PILImage.new("RGB", (60, 40), (20, 90, 160)).save(buffer, format="JPEG")
        (pictures / "pier.jpg").write_bytes(buffer.getvalue())
    return path


def same_report(report):
    """The report without the tags, authors and images lines: the second import finds
    the first's tags, authors and picture (used, not new)."""
    return [
        line
        for line in report.splitlines()
        if not line.startswith(("  tags", "  authors", "  images"))
    ]


def run(path, index):
    out = StringIO()
    media = path.parent / "uploads"
    call_command(
        "import_wordpress", str(path), "--index", str(index.pk), "--media", str(media), stdout=out
    )
    return out.getvalue()


def one_by_one(monkeypatch):
    monkeypatch.setattr(base.Importer, "written_in_batch", lambda self, *plan: False)


def seen(index):
    """What readers, editors and the tree show of the posts under ``index``, with ids
    replaced by titles so two imports can be compared."""
    pages = list(NewsPage.objects.child_of(index).order_by("path"))
    titles = {page.pk: page.title for page in NewsPage.objects.all()}

    def named(stream):
        # Key order is not kept by every database's JSON (PostgreSQL's jsonb sorts).
        text = json.dumps(list(stream.raw_data), sort_keys=True)
        text = re.sub(r'"id": "[0-9a-f-]{36}"', '"id": BLOCK', text)
        # Internal links and related articles name their page by id (quotes escaped in
        # the JSON of rich text).
        text = re.sub(r'id=\\"(\d+)\\"', lambda match: f"id={titles[int(match[1])]!r}", text)
        return re.sub(
            r'"type": "article", "value": (\d+)',
            lambda match: f'"type": "article", "value": {titles[int(match[1])]!r}',
            text,
        )

    # The words the search backend keeps (its text columns differ by database; its
    # title_norm weighs a title against all the titles indexed so far).
    words = [field.name for field in IndexEntry._meta.fields if isinstance(field, TextField)]

    result = []
    for page in pages:
        latest = page.latest_revision
        from_revision = latest.as_object()
        history = list(
            PageLogEntry.objects.filter(page=page).order_by("pk").values_list("action", flat=True)
        )
        result.append(
            {
                "title": page.title,
                "draft title": page.draft_title,
                "slug": page.slug,
                "address": page.url_path.removeprefix(index.url_path),
                "depth below the index": page.depth - index.depth,
                "live": page.live,
                "unpublished changes": page.has_unpublished_changes,
                "dates": (
                    page.first_published_at,
                    page.last_published_at,
                    page.go_live_at,
                    page.publication_date,
                ),
                "summary": page.summary,
                "body": named(page.body),
                "revision body": named(from_revision.body),
                "revision title": from_revision.title,
                "revision authors": [a.author.name for a in from_revision.news_authors.all()],
                "revisions": page.revisions.count(),
                "live revision is the latest": page.live_revision_id == latest.pk,
                "authors": [a.author.name for a in page.news_authors.order_by("sort_order")],
                "tags": sorted(tag.name for tag in page.tags.all()),
                "history": history,
                "comments": sorted(
                    (comment.body, comment.parent.body if comment.parent else None)
                    for comment in Comment.objects.filter(page=page).select_related("parent")
                ),
                "redirects": Redirect.objects.filter(redirect_page=page).count(),
                "record": ImportRecord.objects.filter(page=page, revision=latest).count(),
                "search index": list(
                    IndexEntry.objects.filter(object_id=str(page.pk))
                    .order_by("content_type_id")
                    .values("content_type_id", *words)
                ),
                "locale": page.locale_id,
                "type": page.content_type.model_class(),
            }
        )
    return result


@pytest.fixture
def two_indexes(home_page):
    DisclaimerFactory(title="Opinion", text=f"<p>{STANDING_NOTICE}</p>")
    return (
        NewsIndexPageFactory(parent=home_page, title="News", slug="news"),
        NewsIndexPageFactory(parent=home_page, title="Archive", slug="archive"),
    )


def test_posts_written_together_are_what_writing_them_one_by_one_leaves(
    tmp_path, two_indexes, monkeypatch
):
    batched, single = two_indexes
    report = run(export_for(BATCHED, tmp_path), batched)
    with monkeypatch.context() as patch:
        one_by_one(patch)
        single_report = run(export_for(ONE_BY_ONE, tmp_path), single)

    assert "posts: 16 created" in report
    assert same_report(report) == same_report(single_report)
    together, alone = seen(batched), seen(single)
    assert len(together) == 16
    for mine, theirs in zip(together, alone, strict=True):
        assert mine == theirs, mine["title"]
    # The tree is sound: paths, depths and child counts agree (treebeard's own check).
    assert all(not problems for problems in Page.find_problems())
    for index in two_indexes:
        index.refresh_from_db()
        assert index.numchild == index.get_children().count() == 16
    # Links between the posts became internal links, to earlier and to later posts.
    third = NewsPage.objects.child_of(batched).get(slug="post-3")
    twelfth = NewsPage.objects.child_of(batched).get(slug="post-12")
    assert f'linktype="page" id="{twelfth.pk}"' in str(third.body.raw_data)


def test_a_page_added_in_the_admin_after_an_import_goes_after_the_imported_ones(
    tmp_path, two_indexes
):
    index = two_indexes[0]
    run(export_for(BATCHED, tmp_path), index)
    index = NewsIndexPage.objects.get(pk=index.pk)

    added = index.add_child(instance=NewsPage(title="Added later", slug="added-later"))

    assert added.path > max(
        index.get_children().exclude(pk=added.pk).values_list("path", flat=True)
    )
    assert all(not problems for problems in Page.find_problems())


def test_a_batch_the_database_refuses_is_imported_again_one_by_one(
    tmp_path, two_indexes, monkeypatch
):
    """The first batch write fails (as a constraint the importer did not foresee would):
    nothing of it stays, and its entries are written one by one, each complete, with the
    report and the pages those of an import that never failed."""
    batched, single = two_indexes
    real, calls = base.write_new_pages, []

    def refused_once(parent, pages):
        calls.append(len(pages))
        if len(calls) == 1:
            real(parent, pages)  # rows written, then the database refuses
            raise IntegrityError("UNIQUE constraint failed: wagtailcore_page.path")
        return real(parent, pages)

    monkeypatch.setattr(base, "write_new_pages", refused_once)
    report = run(export_for(BATCHED, tmp_path), batched)
    monkeypatch.setattr(base, "write_new_pages", real)
    clean_report = run(export_for(ONE_BY_ONE, tmp_path), single)

    assert calls and calls[0] > 1
    assert same_report(report) == same_report(clean_report)
    assert seen(batched) == seen(single)
    assert all(not problems for problems in Page.find_problems())


def test_new_posts_cost_a_few_statements_each(
    tmp_path, two_indexes, django_assert_max_num_queries
):
    """Written one by one, a new post takes about 55 statements; together, its share of
    the batch's, its redirects and comments, and the scheduled post's own."""
    path = export_for(BATCHED, tmp_path)
    with django_assert_max_num_queries(16 * 25):
        run(path, two_indexes[0])


def reference_rows(pages):
    return sorted(
        ReferenceIndex.objects.filter(object_id__in=[str(page.pk) for page in pages]).values_list(
            "content_type",
            "base_content_type",
            "object_id",
            "to_content_type",
            "to_object_id",
            "model_path",
            "content_path",
            "content_path_hash",
        )
    )


def test_references_indexed_together_are_the_ones_wagtail_indexes(tmp_path, two_indexes):
    index = two_indexes[0]
    run(export_for(BATCHED, tmp_path), index)
    pages = list(NewsPage.objects.child_of(index))
    indexed = reference_rows(pages)
    assert {row[5] for row in indexed} >= {
        "news_authors.item.author",
        "tagged_items.item.tag",
        "body.image.image",
        "body.related_articles.items.article",
        "body.disclaimer.disclaimer",
    }

    for page in pages:  # Wagtail's own, one page at a time: nothing to add or remove
        ReferenceIndex.create_or_update_for_object(page)
    assert reference_rows(pages) == indexed

    # Rows missing and a row no longer true are put right, as Wagtail would.
    ReferenceIndex.objects.filter(object_id=str(pages[0].pk)).delete()
    stale = ReferenceIndex.objects.filter(object_id=str(pages[1].pk)).first()
    stale.pk, stale.to_object_id, stale.content_path = None, "999999", "body.gone"
    stale.content_path_hash = ReferenceIndex._get_content_path_hash("body.gone")
    stale.save()
    index_references(pages)
    assert reference_rows(pages) == indexed


def test_each_published_post_of_a_batch_tells_the_webhook_endpoints(
    tmp_path, two_indexes, monkeypatch, django_capture_on_commit_callbacks
):
    """The endpoints are read once for a batch (news.webhooks.events.endpoints_read_once),
    and every post the batch publishes is announced, as when posts are written one by
    one; an endpoint turned off meanwhile is not sent the next batch's."""
    batched, single = two_indexes
    endpoint = WebhookEndpointFactory(events=["page.published"])
    with django_capture_on_commit_callbacks(execute=True):
        run(export_for(BATCHED, tmp_path), batched)
    with monkeypatch.context() as patch, django_capture_on_commit_callbacks(execute=True):
        one_by_one(patch)
        run(export_for(ONE_BY_ONE, tmp_path), single)

    def announced(index):
        bodies = [
            json.loads(delivery.body)
            for delivery in WebhookDelivery.objects.filter(
                endpoint=endpoint, page_id__in=NewsPage.objects.child_of(index).values("pk")
            )
        ]
        return sorted(
            (body["event"], body["page"]["title"], body["page"]["slug"]) for body in bodies
        )

    live = NewsPage.objects.child_of(batched).live()
    assert len(announced(batched)) == live.count() == 12
    assert announced(batched) == announced(single)

    endpoint.is_active = False
    endpoint.save()
    archive = NewsIndexPageFactory(parent=batched.get_parent(), title="Later", slug="later")
    with django_capture_on_commit_callbacks(execute=True):
        run(export_for("https://later.example", tmp_path), archive)
    assert NewsPage.objects.child_of(archive).live().count() == 12
    later = NewsPage.objects.child_of(archive).values("pk")
    assert not WebhookDelivery.objects.filter(page_id__in=later).exists()
