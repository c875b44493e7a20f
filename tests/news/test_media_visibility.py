"""The images and documents APIs show only what readers can see (issue: outages and hostile
input, item 7).

``/api/v2/images/``, ``/api/v3/images/`` and the documents endpoints list, show, find and
search only the files that pages readers can see use (news.selectors.public_files): the
lead image, body images and linked documents of live, public, unexpired pages, in their
live content, and the photos of the authors those pages credit. The photo of a draft,
scheduled, expired or restricted story, or one only a draft of a live story adds, stays
private: its title and download URL would give the story away. Tokens of people who work
with the media library see every file, as in the admin.
"""

import datetime

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.models import PageViewRestriction

from tests.news.factories import (
    AuthorFactory,
    ImageFactory,
    NewsIndexPageFactory,
    NewsPageFactory,
    document_paragraph,
    image_block,
)
from tests.news.workflow_helpers import api_for, make_user

pytestmark = pytest.mark.django_db

# The images of the fixture, by how pages use them: only the "Visible" ones may be
# listed to anonymous clients. Each is titled "<name> photo".
VISIBLE = ["Visible lead", "Visible body", "Visible byline", "Visible kept"]
HIDDEN = [
    "Embargoed draft",
    "Embargoed scheduled",
    "Embargoed expired",
    "Embargoed private",
    "Embargoed members",
    "Embargoed unpublished",
    "Embargoed redraft",
    "Embargoed byline",
    "Embargoed unused",
]


def document(title):
    return get_document_model().objects.create(
        title=title, file=ContentFile(b"%PDF-1.4 report", name=f"{title.split()[-1]}.pdf")
    )


@pytest.fixture
def media(home_page, news_index):
    """The images of VISIBLE and HIDDEN, and two documents: one a visible post links to,
    one only a draft does."""
    images = {name: ImageFactory(title=f"{name} photo") for name in VISIBLE + HIDDEN}
    docs = {name: document(f"{name} report") for name in ("Visible doc", "Embargoed draftdoc")}
    images["Visible lead"].tags.add("storm", "harbour")
    now = timezone.now()

    # Readers see these posts: a lead image, an image block, a byline photo, a document
    # linked from a paragraph; and a post whose draft drops its lead image (the live
    # version still shows it, so it stays public).
    reporter = AuthorFactory(name="Visible reporter", photo=images["Visible byline"])
    NewsPageFactory(
        parent=news_index,
        title="Harbour wall holds",
        lead_image=images["Visible lead"],
        body=[image_block(images["Visible body"]), document_paragraph(docs["Visible doc"])],
        authors=[reporter],
    )
    redrafted = NewsPageFactory(
        parent=news_index, title="Ferry timetable", lead_image=images["Visible kept"]
    )
    redrafted.lead_image = images["Embargoed redraft"]  # a draft with another photo
    redrafted.save_revision()

    # Readers see none of these.
    NewsPageFactory(
        parent=news_index,
        title="Minister resigns (draft)",
        live=False,
        lead_image=images["Embargoed draft"],
        body=[document_paragraph(docs["Embargoed draftdoc"])],
        authors=[AuthorFactory(name="Embargoed reporter", photo=images["Embargoed byline"])],
    )
    scheduled = NewsPageFactory(
        parent=news_index,
        title="Budget (scheduled)",
        live=False,
        lead_image=images["Embargoed scheduled"],
    )
    scheduled.go_live_at = now + datetime.timedelta(days=2)
    scheduled.save_revision().publish()  # approved to go live in two days
    NewsPageFactory(
        parent=news_index,
        title="Old offer (expired)",
        lead_image=images["Embargoed expired"],
        expire_at=now - datetime.timedelta(minutes=1),  # the worker has not run yet
    )
    private = NewsPageFactory(
        parent=news_index, title="Staff memo", lead_image=images["Embargoed private"]
    )
    PageViewRestriction.objects.create(page=private, restriction_type="login")
    members = NewsIndexPageFactory(parent=home_page, title="Members", slug="members")
    PageViewRestriction.objects.create(page=members, restriction_type="password", password="x")
    NewsPageFactory(parent=members, title="Members only", lead_image=images["Embargoed members"])
    NewsPageFactory(
        parent=news_index, title="Withdrawn", lead_image=images["Embargoed unpublished"]
    ).unpublish()

    scheduled.refresh_from_db()
    assert not scheduled.live and scheduled.get_latest_revision().approved_go_live_at
    call_command("update_index", verbosity=0)
    return {"images": images, "documents": docs}


def titles(response):
    assert response.status_code == 200, response.content[:300]
    return {item["title"] for item in response.json()["items"]}


def photo_titles(names):
    return {f"{name} photo" for name in names}


@pytest.mark.parametrize("version", ["v2", "v3"])
def test_anonymous_image_listings_show_only_what_readers_can_see(client, media, version):
    listed = titles(client.get(f"/api/{version}/images/", {"limit": 50}))
    assert listed == photo_titles(VISIBLE)


@pytest.mark.parametrize("version", ["v2", "v3"])
def test_anonymous_document_listings_show_only_what_readers_can_see(client, media, version):
    listed = titles(client.get(f"/api/{version}/documents/"))
    assert listed == {"Visible doc report"}


@pytest.mark.parametrize("version", ["v2", "v3"])
@pytest.mark.parametrize("name", HIDDEN)
def test_a_hidden_image_has_no_detail(client, media, version, name):
    image = media["images"][name]
    response = client.get(f"/api/{version}/images/{image.pk}/")
    assert response.status_code == 404
    assert "message" in response.json()
    assert image.title.encode() not in response.content


@pytest.mark.parametrize("version", ["v2", "v3"])
def test_visible_files_have_a_detail_and_hidden_documents_do_not(client, media, version):
    image = media["images"]["Visible lead"]
    response = client.get(f"/api/{version}/images/{image.pk}/")
    assert response.status_code == 200
    assert response.json()["title"] == "Visible lead photo"
    docs = media["documents"]
    assert client.get(f"/api/{version}/documents/{docs['Visible doc'].pk}/").status_code == 200
    hidden = client.get(f"/api/{version}/documents/{docs['Embargoed draftdoc'].pk}/")
    assert hidden.status_code == 404


@pytest.mark.parametrize("version", ["v2", "v3"])
def test_listings_carry_each_files_tags(client, media, version):
    items = client.get(f"/api/{version}/images/", {"limit": 50}).json()["items"]
    tags = {item["title"]: sorted(item["meta"]["tags"]) for item in items}
    assert tags["Visible lead photo"] == ["harbour", "storm"]
    assert tags["Visible body photo"] == []
    if version == "v2":  # alphabetical, as Wagtail's own field gives them
        lead = next(item for item in items if item["title"] == "Visible lead photo")
        assert lead["meta"]["tags"] == ["harbour", "storm"]


def test_v2_find_does_not_lead_to_a_hidden_image(client, media):
    hidden = media["images"]["Embargoed draft"]
    assert client.get("/api/v2/images/find/", {"id": hidden.pk}).status_code == 404
    visible = media["images"]["Visible lead"]
    response = client.get("/api/v2/images/find/", {"id": visible.pk})
    assert response.status_code == 302
    assert response["Location"].split("?")[0].endswith(f"/api/v2/images/{visible.pk}/")


@pytest.mark.parametrize("version", ["v2", "v3"])
def test_search_does_not_find_an_embargoed_storys_photo(client, media, version):
    assert titles(client.get(f"/api/{version}/images/", {"search": "Embargoed"})) == set()
    assert titles(client.get(f"/api/{version}/images/", {"search": "scheduled"})) == set()
    found = titles(client.get(f"/api/{version}/images/", {"search": "byline"}))
    assert found == {"Visible byline photo"}
    docs = titles(client.get(f"/api/{version}/documents/", {"search": "report"}))
    assert docs == {"Visible doc report"}


def test_tokens_of_people_who_use_the_media_library_see_every_file(
    client, media, django_user_model
):
    editor = make_user(django_user_model, "ed", settings.NEWSDESK_EDITORS_GROUP)
    every_image = photo_titles(VISIBLE + HIDDEN)
    editor_api = api_for(client, editor)
    assert titles(editor_api.get("/api/v3/images/?limit=50")) == every_image
    hidden = media["images"]["Embargoed draft"]
    assert editor_api.get(f"/api/v3/images/{hidden.pk}/").status_code == 200
    assert titles(editor_api.get("/api/v3/documents/")) == {
        "Visible doc report",
        "Embargoed draftdoc report",
    }
    # A token whose user has no part in the media library reads what readers read.
    outsider = make_user(django_user_model, "reader")
    outsider_api = api_for(client, outsider)
    public = photo_titles(VISIBLE)
    assert titles(outsider_api.get("/api/v3/images/?limit=50")) == public
    assert outsider_api.get(f"/api/v3/images/{hidden.pk}/").status_code == 404


def test_api_v2_is_public_reading_even_for_a_signed_in_editor(client, media, django_user_model):
    client.force_login(make_user(django_user_model, "ed", settings.NEWSDESK_EDITORS_GROUP))
    listed = titles(client.get("/api/v2/images/", {"limit": 50}))
    assert listed == photo_titles(VISIBLE)


def test_publishing_and_unpublishing_change_the_cached_listing(client, news_index):
    photo = ImageFactory(title="Storm front photo")
    post = NewsPageFactory(parent=news_index, title="Storm front", live=False, lead_image=photo)
    post.save_revision()
    assert titles(client.get("/api/v2/images/")) == set()
    post.get_latest_revision().publish()
    first = client.get("/api/v2/images/")
    assert titles(first) == {"Storm front photo"}
    assert client.get("/api/v2/images/")["X-Cache"] == "HIT"
    post.refresh_from_db()
    post.unpublish()
    assert titles(client.get("/api/v2/images/")) == set()
    assert client.get(f"/api/v2/images/{photo.pk}/").status_code == 404


def test_a_visible_posts_renditions_still_work(client, media):
    post = next(
        item
        for item in client.get("/api/v2/pages/", {"type": "news.NewsPage", "fields": "*"}).json()[
            "items"
        ]
        if item["title"] == "Harbour wall holds"
    )
    renditions = post["lead_image"]["renditions"]
    for rendition in renditions.values():
        path = rendition["url"].split(settings.MEDIA_URL, 1)[1]
        assert default_storage.exists(path), rendition["url"]
    assert post["authors"][0]["photo"]["title"] == "Visible byline photo"


def queries_for(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("version", ["v2", "v3"])
def test_listings_cost_the_same_queries_whatever_their_length(
    client, news_index, settings, version
):
    settings.NEWSDESK_RESPONSE_CACHE = False
    url = f"/api/{version}/images/?limit=50"

    def add_posts(count):
        for _ in range(count):
            NewsPageFactory(parent=news_index, lead_image=ImageFactory(title="Crowd photo"))

    add_posts(2)
    client.get(url)  # what is remembered per content version (the next expiry time)
    few = queries_for(client, url)
    add_posts(6)
    many = queries_for(client, url)
    assert len(client.get(url).json()["items"]) == 8
    assert many == few


@pytest.mark.usefixtures("persistent_tasks")
def test_the_listing_refreshes_when_the_worker_updates_the_reference_index(
    client, news_index, django_capture_on_commit_callbacks
):
    """In production the worker records which files a page uses a moment after it is
    published (Wagtail's reference index task). A listing cached in between must not be
    kept, or a new post's photo would stay missing for the cache timeout (an hour)."""
    photo = ImageFactory(title="Ferry photo")
    call_command("run_worker", "--once")
    with django_capture_on_commit_callbacks(execute=True):
        NewsPageFactory(parent=news_index, title="Ferry returns", lead_image=photo)
    # Rendered from the reference index as it still is, and stored.
    assert titles(client.get("/api/v2/images/")) == set()
    assert client.get("/api/v3/images/")["X-Cache"] == "MISS"
    assert client.get("/api/v2/images/")["X-Cache"] == "HIT"
    call_command("run_worker", "--once")  # the reference index task the save queued
    for version in ("v2", "v3"):
        response = client.get(f"/api/{version}/images/")
        assert response["X-Cache"] == "MISS"
        assert titles(response) == {"Ferry photo"}


def test_a_document_only_a_draft_links_to_is_not_served_to_readers(
    client, media, django_user_model
):
    visible, embargoed = (
        media["documents"][name] for name in ("Visible doc", "Embargoed draftdoc")
    )
    assert client.get(visible.url).status_code == 200
    assert client.get(embargoed.url).status_code == 404
    editor = make_user(django_user_model, "doc-editor", settings.NEWSDESK_EDITORS_GROUP)
    client.force_login(editor)
    assert client.get(embargoed.url).status_code == 200  # the media library's own people


def test_a_document_is_served_once_the_post_linking_to_it_is_published(client, news_index):
    report = document("Harbour survey")
    post = NewsPageFactory(
        parent=news_index, title="Survey", live=False, body=[document_paragraph(report)]
    )
    post.save_revision()
    assert client.get(report.url).status_code == 404
    post.get_latest_revision().publish()
    assert client.get(report.url).status_code == 200


def test_renaming_or_deleting_a_document_changes_the_cached_listing(client, media):
    visible = media["documents"]["Visible doc"]
    assert "Visible doc report" in titles(client.get("/api/v2/documents/"))
    assert client.get("/api/v2/documents/")["X-Cache"] == "HIT"
    visible.title = "Renamed report"
    visible.save()
    assert titles(client.get("/api/v2/documents/")) == {"Renamed report"}
    visible.delete()
    assert titles(client.get("/api/v2/documents/")) == set()


def test_a_document_the_default_disclaimer_links_to_is_public_and_protected(
    client, news_index, django_user_model
):
    """The site-wide disclaimer shows under every post: a document it links to is in
    use, though no page refers to it (settings are outside Wagtail's reference index)."""
    from wagtail.models import Site

    from news.models import NewsSettings
    from tests.news.factories import DisclaimerFactory

    terms = document("Reader terms")
    disclaimer = DisclaimerFactory(
        text=f'<p>See <a linktype="document" id="{terms.pk}">our terms</a>.</p>'
    )
    site = Site.objects.get(is_default_site=True)
    NewsSettings.objects.update_or_create(site=site, defaults={"default_disclaimer": disclaimer})
    NewsPageFactory(parent=news_index, title="Any post")

    assert titles(client.get("/api/v2/documents/")) == {"Reader terms"}
    assert client.get(terms.url).status_code == 200
    editor = make_user(django_user_model, "terms-editor", settings.NEWSDESK_EDITORS_GROUP)
    response = api_for(client, editor).delete(f"/api/v3/documents/{terms.pk}/")
    assert response.status_code == 403, response.content
    assert get_document_model().objects.filter(pk=terms.pk).exists()
