"""The load_demo_content management command."""

import datetime
from io import StringIO

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone
from taggit.models import Tag
from wagtail.images import get_image_model
from wagtail.models import Page, Site

from news.models import Author, NewsPage, NewsSettings

pytestmark = pytest.mark.django_db


def run(*args):
    out = StringIO()
    call_command("load_demo_content", *args, stdout=out)
    return out.getvalue()


def test_creates_a_complete_newsroom(client):
    output = run()
    # The 30 posts and the breaking story that has just gone live.
    assert NewsPage.objects.live().count() == 31
    assert Author.objects.count() == 5
    used_blocks = {block.block_type for post in NewsPage.objects.all() for block in post.body}
    assert used_blocks == {
        "paragraph",
        "quote",
        "image",
        "related_articles",
        "disclaimer",
        "embed",
        "code",
        "table",
    }
    assert NewsPage.objects.filter(breaking=True).exists()
    assert all(post.tags.exists() for post in NewsPage.objects.all())
    assert all(post.lead_image_id for post in NewsPage.objects.all())
    assert all(post.authors for post in NewsPage.objects.all())
    assert NewsSettings.objects.get().default_disclaimer is not None
    # Printed logins work.
    for username in ["admin", "editor", "moderator"]:
        assert f"{username:<10} newsdesk-demo" in output
        assert client.login(username=username, password="newsdesk-demo")
    assert client.get("/admin/").status_code == 200
    # The site answers with the demo content.
    assert b"Council approves new harbour wall" in client.get("/").content
    assert client.get("/about/").status_code == 200


def test_demo_users_have_their_roles():
    run("--posts", "0")
    users = get_user_model().objects
    assert users.get(username="admin").is_superuser
    assert list(users.get(username="editor").groups.values_list("name", flat=True)) == ["Editors"]
    assert list(users.get(username="moderator").groups.values_list("name", flat=True)) == [
        "Moderators"
    ]


def test_running_twice_changes_nothing():
    run()
    pages, authors = Page.objects.count(), Author.objects.count()
    output = run()
    assert Page.objects.count() == pages
    assert Author.objects.count() == authors
    assert "0 new posts" in output
    assert "(existing account; password not changed)" in output


def test_custom_password():
    run("--posts", "0", "--password", "another-long-password")
    assert get_user_model().objects.get(username="editor").check_password("another-long-password")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--posts", "-1"], "--posts must be between 0 and 30"),
        (["--posts", "31"], "--posts must be between 0 and 30"),
        (["--password", "short"], "--password must be at least 8 characters"),
    ],
)
def test_bad_arguments_are_refused(args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)
    assert NewsPage.objects.count() == 0


@override_settings(NEWSDESK_ENVIRONMENT="production")
def test_refuses_production_settings():
    with pytest.raises(CommandError, match="refusing to load demo content"):
        run()
    assert not get_user_model().objects.filter(username="admin").exists()


def front_page(client):
    return BeautifulSoup(client.get("/").content, "html.parser")


def test_the_front_page_has_a_pick_sections_and_a_breaking_strip(client):
    run()
    home = Site.objects.get(is_default_site=True).root_page.specific
    assert home.lead_story.title == "Council approves new harbour wall after winter storms"
    assert [(s.tag.name, s.title) for s in home.sections.all()] == [
        ("Port Alder", "Around Port Alder"),
        ("Climate", "Climate"),
        ("Culture", "Culture and weekend"),
    ]
    page = front_page(client)
    assert page.select_one(".lead-story__title").get_text(strip=True) == home.lead_story.title
    strip = page.select_one(".breaking-strip a")
    assert strip.get_text() == "Harbour bridge closed after a lorry strikes the railing"
    headings = [h.get_text(strip=True) for h in page.select(".front-section__heading")]
    assert headings == ["Around Port Alder", "Climate", "Culture and weekend"]


def test_an_editors_front_page_is_kept_and_the_strip_comes_back(client, settings):
    run()
    home = Site.objects.get(is_default_site=True).root_page.specific
    # An editor clears the pick and keeps one section.
    home.lead_story = None
    home.sections = [home.sections.model(tag=Tag.objects.get(name="Climate"), post_count=2)]
    home.save_revision().publish()
    breaking = NewsPage.objects.get(slug__startswith="harbour-bridge-closed")
    went_live = breaking.first_published_at
    pages = Page.objects.count()

    run()  # at once: nothing to do
    breaking.refresh_from_db()
    assert breaking.first_published_at == went_live
    home.refresh_from_db()
    assert home.lead_story is None and home.sections.count() == 1

    later = timezone.now() + datetime.timedelta(hours=settings.NEWSDESK_BREAKING_HOURS, minutes=1)
    with time_machine.travel(later, tick=False):
        assert front_page(client).select_one(".breaking-strip") is None
        output = run()
        assert "0 new posts" in output
        assert Page.objects.count() == pages
        breaking.refresh_from_db()
        assert breaking.first_published_at == later
        assert (
            front_page(client)
            .select_one(".breaking-strip a")
            .get_text()
            .startswith("Harbour bridge closed")
        )


def test_demo_authors_have_roles_photos_and_pages(client):
    run()
    authors = list(Author.objects.all())
    assert all(author.job_title and author.bio and author.photo_id for author in authors)
    images = get_image_model().objects.count()
    run("--posts", "0")
    assert get_image_model().objects.count() == images  # the portraits are not drawn again
    maren = Author.objects.get(name="Maren Holt")
    assert maren.job_title == "City and harbour reporter"
    page = client.get("/news/authors/maren-holt/")
    assert page.status_code == 200
    assert b"City and harbour reporter" in page.content
    # An editor's own role and photo are kept.
    maren.job_title = "Deputy editor"
    maren.save()
    run("--posts", "0")
    assert Author.objects.get(pk=maren.pk).job_title == "Deputy editor"
