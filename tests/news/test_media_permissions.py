"""Nobody below Moderators removes a file from live posts (issue: outages and hostile input,
item 6).

A file that live pages use (a lead image, an image block, an author's photo in a byline, a
document a paragraph links to) is part of their live content: deleting it or uploading a
new file over it needs the right to publish those pages (cms/core/permissions.py). The
admin's delete view, delete button, bulk delete and multiple-upload delete, the edit form's
file field and API v3's DELETE all refuse an editor; moderators and administrators may.
Editors still upload, choose and edit files, and delete or replace the ones no live page
uses.
"""

import datetime
import inspect
import io

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import (
    Collection,
    GroupCollectionPermission,
    GroupPagePermission,
    PageViewRestriction,
)
from wagtail.permissions import policy_registry

from cms.core.permissions import LiveFilePermissionPolicy
from news import compat
from tests.news.factories import (
    AuthorFactory,
    ImageFactory,
    NewsIndexPageFactory,
    NewsPageFactory,
    document_paragraph,
    image_block,
)
from tests.news.workflow_helpers import api_for, make_user, news_form_data

pytestmark = pytest.mark.django_db

Image = get_image_model()
Document = get_document_model()


def make_document(title, uploaded_by_user=None):
    return Document.objects.create(
        title=title,
        file=ContentFile(b"%PDF-1.4 report", name="report.pdf"),
        uploaded_by_user=uploaded_by_user,
    )


def png_upload(name="replacement.png"):
    buffer = io.BytesIO()
    PILImage.new("RGB", (32, 18), "navy").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


class Library:
    """Images and documents, each used (or not) as its name says."""

    def __init__(self, news_index, editor):
        self.live_lead = ImageFactory(title="Live lead photo")
        self.live_body = ImageFactory(title="Live body photo")
        self.byline = ImageFactory(title="Byline photo")
        self.own_live = ImageFactory(title="My live photo", uploaded_by_user=editor)
        self.own_unused = ImageFactory(title="My unused photo", uploaded_by_user=editor)
        self.other_unused = ImageFactory(title="Someone's unused photo")
        self.draft_only = ImageFactory(title="Draft-only photo")
        self.live_report = make_document("Live report")
        self.own_unused_report = make_document("My unused report", uploaded_by_user=editor)
        self.post = NewsPageFactory(
            parent=news_index,
            title="Harbour wall holds",
            lead_image=self.live_lead,
            body=[image_block(self.live_body), document_paragraph(self.live_report)],
            authors=[AuthorFactory(photo=self.byline)],
        )
        NewsPageFactory(parent=news_index, title="My story", lead_image=self.own_live)
        NewsPageFactory(
            parent=news_index, title="Unpublished draft", live=False, lead_image=self.draft_only
        )

    @property
    def used_by_live_pages(self):
        return [self.live_lead, self.live_body, self.byline, self.own_live]

    @property
    def unused_by_live_pages(self):
        return [self.own_unused, self.other_unused, self.draft_only]


@pytest.fixture
def library(news_index, users):
    return Library(news_index, users["editor"])


def signed_in(client, user):
    client.force_login(user)
    return client


def exists(file):
    return type(file).objects.filter(pk=file.pk).exists()


def image_edit_data(image, **changes):
    return {
        "title": image.title,
        "description": image.description,
        "tags": "",
        "focal_point_x": "",
        "focal_point_y": "",
        "focal_point_width": "",
        "focal_point_height": "",
        **changes,
    }


# The rule's definition -------------------------------------------------------------------


def test_wagtail_asks_newsdesks_policy_for_images_and_documents():
    for model in (Image, Document):
        assert isinstance(policy_registry.get_by_type(model), LiveFilePermissionPolicy)


def test_the_forms_and_the_v3_querysets_are_newsdesks():
    """compat 13 and 14: what Wagtail looks up is Newsdesk's (fails if Wagtail renames)."""
    import cms.api  # noqa: F401 - narrows the v3 querysets, as loading the URLs does

    for kind, module in compat.media_form_modules().items():
        assert getattr(module, compat.MEDIA_FORM_BASES[kind]).newsdesk_live_file_rule
    for kind, module in compat.v3_media_routers().items():
        assert getattr(module, compat.V3_MEDIA_QUERYSETS[kind]).newsdesk_visible_files
    # Wagtail still looks them up by those module-global names.
    forms = compat.media_form_modules()
    assert "get_image_base_form()" in inspect.getsource(forms["images"].get_image_form)
    assert "get_document_base_form()" in inspect.getsource(forms["documents"].get_document_form)
    routers = compat.v3_media_routers()
    for operation in (routers["images"].list_images, routers["images"].get_image):
        assert "get_images_queryset(request)" in inspect.getsource(operation)
    for operation in (routers["documents"].list_documents, routers["documents"].get_document):
        assert "get_documents_queryset(request)" in inspect.getsource(operation)


def test_which_files_count_as_used_by_live_pages(library, users):
    policy = policy_registry.get_by_type(Image)
    editor = users["editor"]
    for image in library.used_by_live_pages:
        assert not policy.user_has_permission_for_instance(editor, "delete", image), image
        # Editing its title or alt text stays allowed ("change" without "delete").
        assert policy.user_has_permission_for_instance(editor, "change", image), image
        assert policy.user_has_any_permission_for_instance(editor, ["change", "delete"], image)
    for image in library.unused_by_live_pages:
        assert policy.user_has_permission_for_instance(editor, "delete", image), image
    for user in (users["moderator"], users["admin"]):
        for image in library.used_by_live_pages:
            assert policy.user_has_permission_for_instance(user, "delete", image)


def test_live_pages_readers_cannot_see_still_count(library, news_index, home_page, users):
    """Behind a login, or past the expiry time the worker has not acted on yet, a post is
    still live: its files stay protected."""
    policy = policy_registry.get_by_type(Image)
    expired_photo, private_photo = ImageFactory(), ImageFactory()
    NewsPageFactory(
        parent=news_index,
        lead_image=expired_photo,
        expire_at=timezone.now() - datetime.timedelta(minutes=5),
    )
    private = NewsPageFactory(parent=news_index, lead_image=private_photo)
    PageViewRestriction.objects.create(page=private, restriction_type="login")
    for image in (expired_photo, private_photo):
        assert not policy.user_has_permission_for_instance(users["editor"], "delete", image)


def test_a_draft_dropping_the_image_leaves_it_protected(client, library, users):
    """An editor's draft of the live post takes the lead image out; the live post still
    shows it, so it stays protected until that draft is published."""
    editor = users["editor"]
    post = library.post
    data = news_form_data(
        title=post.title, slug=post.slug, author=post.news_authors.first().author
    )
    data["lead_image"] = ""
    response = signed_in(client, editor).post(
        reverse("wagtailadmin_pages:edit", args=(post.pk,)), data
    )
    assert response.status_code == 302, response.content[:500]
    post.refresh_from_db()
    assert post.lead_image_id == library.live_lead.pk  # the live version
    assert post.get_latest_revision().as_object().lead_image_id is None  # the draft
    client.post(reverse("wagtailimages:delete", args=(library.live_lead.pk,)))
    assert exists(library.live_lead)


def test_publishing_rights_over_every_page_are_needed(
    library, news_index, home_page, django_user_model
):
    """A moderator of another section may not delete a file this section's posts use."""
    sports = NewsIndexPageFactory(parent=home_page, title="Sport", slug="sport")
    group = Group.objects.create(name="Sport desk")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    for codename in ("add_page", "change_page", "publish_page"):
        GroupPagePermission.objects.create(
            group=group, page=sports, permission=Permission.objects.get(codename=codename)
        )
    GroupCollectionPermission.objects.create(
        group=group,
        collection=Collection.get_first_root_node(),
        permission=Permission.objects.get(codename="change_image"),
    )
    desk = make_user(django_user_model, "sportsdesk", "Sport desk")
    policy = policy_registry.get_by_type(Image)
    assert not policy.user_has_permission_for_instance(desk, "delete", library.live_lead)
    sports_photo = ImageFactory()
    NewsPageFactory(parent=sports, lead_image=sports_photo)
    assert policy.user_has_permission_for_instance(desk, "delete", sports_photo)


# The admin -------------------------------------------------------------------------------


def test_an_editor_cannot_delete_an_image_live_posts_use(client, library, users):
    signed_in(client, users["editor"])
    for image in library.used_by_live_pages:
        url = reverse("wagtailimages:delete", args=(image.pk,))
        assert client.get(url).status_code == 302  # Wagtail's "no permission" redirect
        client.post(url)
        assert exists(image), image
        # The editor's page has no Delete button, and the file field says why.
        edit = client.get(reverse("wagtailimages:edit", args=(image.pk,)))
        assert edit.status_code == 200
        assert url not in edit.content.decode()
        assert "only a moderator can replace its file or delete it" in edit.content.decode()


def test_an_editor_deletes_images_no_live_post_uses(client, library, users):
    signed_in(client, users["editor"])
    for image in library.unused_by_live_pages:
        edit = client.get(reverse("wagtailimages:edit", args=(image.pk,)))
        delete_url = reverse("wagtailimages:delete", args=(image.pk,))
        assert delete_url in edit.content.decode()
        assert "only a moderator" not in edit.content.decode()
        response = client.post(delete_url)
        assert response.status_code == 302
        assert not exists(image), image


def test_a_moderator_deletes_an_image_live_posts_use(client, library, users):
    signed_in(client, users["moderator"])
    response = client.post(reverse("wagtailimages:delete", args=(library.live_lead.pk,)))
    assert response.status_code == 302
    assert not exists(library.live_lead)


def test_an_editor_cannot_upload_a_new_file_over_an_image_live_posts_use(client, library, users):
    image = library.live_lead
    original = image.file.name
    response = signed_in(client, users["editor"]).post(
        reverse("wagtailimages:edit", args=(image.pk,)),
        image_edit_data(image, file=png_upload()),
    )
    assert response.status_code == 200  # the form again, with the error
    errors = response.context["form"].errors["file"]
    assert errors == [
        "Live pages use this image (“Harbour wall holds”): only someone who may publish "
        "them (a moderator) can replace its file. Upload the new file as a new image and "
        "choose it instead."
    ]
    image.refresh_from_db()
    assert image.file.name == original


def test_an_editor_edits_the_details_of_an_image_live_posts_use(client, library, users):
    image = library.live_lead
    response = signed_in(client, users["editor"]).post(
        reverse("wagtailimages:edit", args=(image.pk,)),
        image_edit_data(image, title="Harbour wall at dawn", description="Waves on the wall"),
    )
    assert response.status_code == 302
    image.refresh_from_db()
    assert (image.title, image.description) == ("Harbour wall at dawn", "Waves on the wall")


@pytest.mark.parametrize("role", ["editor", "moderator"])
def test_replacing_files(client, library, users, role):
    """Editors replace the file of images no live post uses; moderators any."""
    signed_in(client, users[role])
    images = library.unused_by_live_pages + (
        library.used_by_live_pages if role == "moderator" else []
    )
    for image in images:
        original = image.file.name
        response = client.post(
            reverse("wagtailimages:edit", args=(image.pk,)),
            image_edit_data(image, file=png_upload()),
        )
        assert response.status_code == 302, (image, response.context["form"].errors)
        image.refresh_from_db()
        assert image.file.name != original
        assert (image.width, image.height) == (32, 18)


def test_bulk_delete_leaves_the_images_live_posts_use(client, library, users):
    signed_in(client, users["editor"])
    chosen = [library.live_lead, library.own_unused]
    url = reverse("wagtail_bulk_action", args=("wagtailimages", "image", "delete"))
    query = "?" + "&".join(f"id={image.pk}" for image in chosen)
    confirm = client.get(url + query)
    assert confirm.status_code == 200
    page = confirm.content.decode()
    assert "You don't have permission to delete this image" in page
    assert [item["item"] for item in confirm.context["items_with_no_access"]] == [
        library.live_lead
    ]
    response = client.post(url + query, {"next": reverse("wagtailimages:index")})
    assert response.status_code == 302
    assert exists(library.live_lead)
    assert not exists(library.own_unused)


def test_the_multiple_upload_page_cannot_delete_them_either(client, library, users):
    signed_in(client, users["editor"])
    url = reverse("wagtailimages:delete_multiple", args=(library.byline.pk,))
    response = client.post(url, headers={"x-requested-with": "XMLHttpRequest"})
    assert response.status_code == 403
    assert exists(library.byline)
    own = reverse("wagtailimages:delete_multiple", args=(library.own_unused.pk,))
    assert client.post(own, headers={"x-requested-with": "XMLHttpRequest"}).status_code == 200
    assert not exists(library.own_unused)


def test_documents_live_posts_link_to_are_protected_in_the_admin(client, library, users):
    report = library.live_report
    signed_in(client, users["editor"])
    client.post(reverse("wagtaildocs:delete", args=(report.pk,)))
    assert exists(report)
    response = client.post(
        reverse("wagtaildocs:edit", args=(report.pk,)),
        {
            "title": report.title,
            "tags": "",
            "file": SimpleUploadedFile("new.pdf", b"%PDF-1.4 other", "application/pdf"),
        },
    )
    assert response.status_code == 200
    assert "Live pages use this document" in response.context["form"].errors["file"][0]
    # Their own unused upload is theirs to delete.
    unused = library.own_unused_report
    assert client.post(reverse("wagtaildocs:delete", args=(unused.pk,))).status_code == 302
    assert not exists(unused)
    signed_in(client, users["moderator"])
    assert client.post(reverse("wagtaildocs:delete", args=(report.pk,))).status_code == 302
    assert not exists(report)


# API v3 ----------------------------------------------------------------------------------


def test_an_editors_token_gets_403_deleting_an_image_live_posts_use(client, library, users):
    api = api_for(client, users["editor"])
    response = api.delete(f"/api/v3/images/{library.live_lead.pk}/")
    assert response.status_code == 403
    message = response.json()["message"]
    assert "Live pages use this image (“Harbour wall holds”)" in message
    assert "a moderator" in message
    assert exists(library.live_lead)
    assert api.delete(f"/api/v3/images/{library.byline.pk}/").status_code == 403
    assert api.delete(f"/api/v3/images/{library.own_unused.pk}/").status_code == 204
    assert not exists(library.own_unused)


def test_an_editors_token_still_edits_the_details(client, library, users):
    api = api_for(client, users["editor"])
    response = api.patch(f"/api/v3/images/{library.live_lead.pk}/", {"title": "Wall at dawn"})
    assert response.status_code == 200, response.content
    assert response.json()["title"] == "Wall at dawn"


def test_a_moderators_token_deletes_files_live_posts_use(client, library, users):
    api = api_for(client, users["moderator"])
    assert api.delete(f"/api/v3/images/{library.live_lead.pk}/").status_code == 204
    assert api.delete(f"/api/v3/documents/{library.live_report.pk}/").status_code == 204
    assert not exists(library.live_lead)
    assert not exists(library.live_report)


def test_an_editors_token_gets_403_deleting_a_document_live_posts_link_to(client, library, users):
    api = api_for(client, users["editor"])
    response = api.delete(f"/api/v3/documents/{library.live_report.pk}/")
    assert response.status_code == 403
    assert "Live pages use this document" in response.json()["message"]
    assert exists(library.live_report)
    assert api.delete(f"/api/v3/documents/{library.own_unused_report.pk}/").status_code == 204
