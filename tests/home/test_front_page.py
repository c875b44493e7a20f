"""The front page (the home page): lead story, breaking strip, latest stories, sections
by tag, its title and description, its cost, and the same front page in the API."""

import datetime

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag
from wagtail.models import PageViewRestriction
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from home.models import HomePageSection
from tests.home.factories import StandardPageFactory
from tests.news.api_helpers import check
from tests.news.factories import AuthorFactory, ImageFactory, NewsPageFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


def days_ago(days):
    return TODAY - datetime.timedelta(days=days)


def soup(response):
    assert response.status_code == 200, response.content[:300]
    return BeautifulSoup(response.content, "html.parser")


def front(client):
    return soup(client.get("/"))


def lead_title(page):
    heading = page.select_one(".lead-story__title")
    return heading.get_text(strip=True) if heading else None


def card_titles(page, within=None):
    root = page.select_one(within) if within else page
    return [h.get_text(strip=True) for h in root.select(".news-card__title")]


def publish(post, when=None):
    """Publish ``post``'s latest revision as an editor would (first_published_at: when it
    went live)."""
    post.save_revision().publish()
    if when is not None:
        type(post).objects.filter(pk=post.pk).update(first_published_at=when)
        post.refresh_from_db()
    return post


@pytest.fixture
def posts(news_index):
    """Five posts, newest first: "Story 0" (today) ... "Story 4" (four days ago)."""
    return [
        NewsPageFactory(parent=news_index, title=f"Story {n}", publication_date=days_ago(n))
        for n in range(5)
    ]


def pick(home_page, post):
    home_page.lead_story = post
    home_page.save_revision().publish()


def add_section(home_page, tag_name, *, heading="", post_count=4):
    tag, _ = Tag.objects.get_or_create(name=tag_name, defaults={"slug": tag_name.lower()})
    HomePageSection.objects.create(
        page=home_page,
        tag=tag,
        heading=heading,
        post_count=post_count,
        sort_order=home_page.sections.count(),
    )
    return tag


# The lead story -------------------------------------------------------------------------


def test_the_newest_post_leads_with_its_picture_summary_and_byline(client, news_index, posts):
    lead = NewsPageFactory(
        parent=news_index,
        title="Harbour wall approved",
        summary="Councillors voted 9 to 2.",
        lead_image=ImageFactory(file__width=1600, file__height=900),
        authors=[AuthorFactory(name="Maren Holt")],
        publication_date=TODAY,
    )
    page = front(client)
    article = page.select_one("article.lead-story")
    assert lead_title(page) == "Harbour wall approved"
    assert article.select_one(".lead-story__title a")["href"] == lead.url
    assert article.select_one(".lead-story__summary").get_text() == "Councillors voted 9 to 2."
    assert article.select_one(".lead-story__byline").get_text() == "By Maren Holt"
    image = article.select_one(".lead-story__image img")
    assert "1280w" in image["srcset"] and image["sizes"]
    # The lead is not repeated among the latest stories, which follow it newest first.
    assert card_titles(page, ".latest-news") == [f"Story {n}" for n in range(5)]


def test_an_editors_pick_leads_and_the_newest_follows(client, home_page, posts):
    pick(home_page, posts[3])
    page = front(client)
    assert lead_title(page) == "Story 3"
    assert card_titles(page, ".latest-news") == ["Story 0", "Story 1", "Story 2", "Story 4"]


def test_a_pick_older_than_the_latest_stories_still_leads(client, settings, home_page, posts):
    settings.NEWSDESK_HOME_LATEST = 2
    pick(home_page, posts[4])
    page = front(client)
    assert lead_title(page) == "Story 4"
    assert card_titles(page, ".latest-news") == ["Story 0", "Story 1"]


def make_unseen(post, how):
    """Take ``post`` away from readers: unpublish it, make it private, or (by a direct
    update, which tells the response cache nothing: its stored copies are dropped here)
    turn it back into a draft or let it expire."""
    if how in ("draft", "expired"):
        cache.clear()
    if how == "unpublished":
        post.unpublish()
    elif how == "draft":
        type(post).objects.filter(pk=post.pk).update(live=False, first_published_at=None)
    elif how == "private":
        PageViewRestriction.objects.create(page=post, restriction_type="password", password="x")
    elif how == "login":
        PageViewRestriction.objects.create(page=post, restriction_type="login")
    elif how == "expired":
        type(post).objects.filter(pk=post.pk).update(
            expire_at=timezone.now() - datetime.timedelta(minutes=1)
        )


@pytest.mark.parametrize("how", ["unpublished", "draft", "private", "login", "expired"])
def test_a_pick_readers_cannot_see_gives_way_to_the_newest(client, home_page, posts, how):
    pick(home_page, posts[2])
    assert lead_title(front(client)) == "Story 2"
    make_unseen(posts[2], how)
    response = client.get("/")
    page = soup(response)
    assert lead_title(page) == "Story 0"
    assert "Story 2" not in page.get_text()
    data = client.get(f"/api/v2/pages/{home_page.pk}/").json()["front_page"]
    assert data["lead_story"]["title"] == "Story 0"
    assert data["lead_story_picked"] is False


def test_a_deleted_pick_gives_way_to_the_newest(client, home_page, posts):
    pick(home_page, posts[2])
    posts[2].delete()
    assert lead_title(front(client)) == "Story 0"


def test_a_pick_under_another_site_is_not_shown(client, home_page, posts):
    other_home = type(home_page)(title="Other site", slug="other")
    home_page.get_parent().add_child(instance=other_home)
    other_post = NewsPageFactory(parent=other_home, title="Elsewhere", publication_date=TODAY)
    pick(home_page, other_post)
    page = front(client)
    assert lead_title(page) == "Story 0"
    assert "Elsewhere" not in page.get_text()


def test_a_lead_story_without_a_lead_image_shows_its_first_body_image(client, news_index):
    image = ImageFactory(file__width=1600, file__height=900, title="Ferry at the pier")
    NewsPageFactory(
        parent=news_index,
        title="Imported story",
        body=[
            {"type": "paragraph", "value": "<p>First.</p>"},
            {"type": "image", "value": {"image": image.pk, "caption": "", "credit": ""}},
        ],
    )
    img = front(client).select_one(".lead-story__image img")
    assert img is not None and "/media/images/" in img["src"]


def test_a_lead_story_with_no_picture_at_all_has_none(client, news_index):
    NewsPageFactory(parent=news_index, title="Words only")
    page = front(client)
    assert lead_title(page) == "Words only"
    assert page.select_one(".lead-story__image") is None


def test_the_admin_offers_news_posts_only_for_the_lead(admin_client, home_page, posts):
    about = StandardPageFactory(parent=home_page, title="About", slug="about")
    url = reverse("wagtailadmin_pages:edit", args=[home_page.pk])
    form = admin_client.get(url)
    assert form.status_code == 200
    assert b"Lead story" in form.content and b"Sections by tag" in form.content
    tag = Tag.objects.create(name="Climate", slug="climate")

    def post_with(lead):
        return admin_client.post(
            url,
            nested_form_data(
                {
                    "title": home_page.title,
                    "slug": home_page.slug,
                    "intro": rich_text("<p>Hello.</p>"),
                    "lead_story": lead.pk,
                    "sections": inline_formset([{"tag": tag.pk, "heading": "", "post_count": 3}]),
                    "action-publish": "Publish",
                }
            ),
        )

    refused = post_with(about)
    assert refused.status_code == 200
    assert b"Pick a news post." in refused.content
    home_page.refresh_from_db()
    assert home_page.lead_story_id is None

    accepted = post_with(posts[1])
    assert accepted.status_code == 302
    home_page.refresh_from_db()
    assert home_page.lead_story_id == posts[1].pk
    assert [(s.tag.name, s.post_count) for s in home_page.sections.all()] == [("Climate", 3)]


# The breaking strip ---------------------------------------------------------------------


def breaking_post(news_index, title="Bridge closed after crash", went_live=None):
    post = NewsPageFactory(parent=news_index, title=title, breaking=True)
    return publish(post, went_live or timezone.now())


def strip(page):
    return page.select_one(".breaking-strip")


def test_a_recent_breaking_post_gets_a_strip_linking_to_it(client, news_index, posts):
    post = breaking_post(news_index, went_live=timezone.now() - datetime.timedelta(hours=1))
    found = strip(front(client))
    assert found is not None
    link = found.select_one("a")
    assert link.get_text() == "Bridge closed after crash" and link["href"] == post.url
    assert found["aria-label"] == "Breaking news"


def test_an_old_breaking_post_and_a_recent_ordinary_one_get_no_strip(
    client, settings, news_index, posts
):
    settings.NEWSDESK_BREAKING_HOURS = 3
    breaking_post(news_index, went_live=timezone.now() - datetime.timedelta(hours=3, minutes=1))
    publish(NewsPageFactory(parent=news_index, title="Ordinary"), timezone.now())
    assert strip(front(client)) is None


def test_the_newest_breaking_post_gets_the_strip(client, news_index):
    now = timezone.now()
    breaking_post(news_index, "Earlier alarm", went_live=now - datetime.timedelta(hours=2))
    breaking_post(news_index, "Later alarm", went_live=now - datetime.timedelta(minutes=5))
    assert strip(front(client)).select_one("a").get_text() == "Later alarm"


@pytest.mark.parametrize("how", ["unpublished", "private", "expired"])
def test_a_breaking_post_readers_cannot_see_gets_no_strip(client, news_index, posts, how):
    post = breaking_post(news_index, went_live=timezone.now())
    assert strip(front(client)) is not None
    make_unseen(post, how)
    page = front(client)
    assert strip(page) is None
    assert "Bridge closed" not in page.get_text()


def max_age(response):
    return int(response["Cache-Control"].split("max-age=")[1].split(",")[0])


def test_a_stored_front_page_does_not_outlive_the_strip(client, settings, news_index, posts):
    settings.NEWSDESK_BREAKING_HOURS = 1
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        # Went live 59 minutes ago: the strip has a minute left.
        breaking_post(news_index, went_live=start - datetime.timedelta(minutes=59))
        first = client.get("/")
        assert first["X-Cache"] == "MISS" and strip(soup(first)) is not None
        assert max_age(first) <= 60
        clock.shift(30)
        second = client.get("/")
        assert second["X-Cache"] == "HIT" and strip(soup(second)) is not None
        assert max_age(second) <= 30  # what is left of the window, not a full max-age
        clock.shift(31)
        third = client.get("/")
        assert third["X-Cache"] == "MISS"
        assert strip(soup(third)) is None
        # Without a strip, the page is stored as long as usual again.
        assert max_age(third) == settings.NEWSDESK_HTTP_MAX_AGE
        assert client.get("/")["X-Cache"] == "HIT"


def test_a_breaking_post_published_appears_on_a_stored_front_page(client, news_index, posts):
    assert client.get("/")["X-Cache"] == "MISS"
    assert client.get("/")["X-Cache"] == "HIT"
    breaking_post(news_index, "Storm warning")
    page = front(client)
    assert strip(page).select_one("a").get_text() == "Storm warning"
    assert lead_title(page) == "Storm warning"


# Sections by tag ------------------------------------------------------------------------


@pytest.fixture
def tagged(news_index):
    """Posts with tags, newest first."""

    def make(title, tags, days):
        return NewsPageFactory(
            parent=news_index, title=title, tags=tags, publication_date=days_ago(days)
        )

    return {
        "newest": make("Newest", ["Sport"], 0),
        "climate-1": make("Climate one", ["Climate"], 10),
        "climate-2": make("Climate two", ["Climate", "Sport"], 11),
        "climate-3": make("Climate three", ["Climate"], 12),
        "sport-1": make("Sport one", ["Sport"], 13),
    }


def section_view(page):
    return [
        (
            section.select_one(".front-section__heading").get_text(strip=True),
            section.select_one(".front-section__heading a")["href"],
            card_titles(section),
        )
        for section in page.select(".front-section")
    ]


def test_sections_in_the_editors_order_without_repeats(client, settings, home_page, tagged):
    settings.NEWSDESK_HOME_LATEST = 1  # the lead "Newest", then "Climate one"
    add_section(home_page, "Sport", heading="Sport and games", post_count=5)
    add_section(home_page, "Climate", post_count=1)
    add_section(home_page, "Empty")
    Tag.objects.create(name="Unused", slug="unused")
    page = front(client)
    assert lead_title(page) == "Newest"
    assert card_titles(page, ".latest-news") == ["Climate one"]
    assert section_view(page) == [
        # "Newest" is tagged Sport too but leads the page; shown once.
        ("Sport and games", "/news/tags/sport/", ["Climate two", "Sport one"]),
        # "Climate one" is in the latest stories, "Climate two" under Sport.
        ("Climate", "/news/tags/climate/", ["Climate three"]),
    ]
    # The empty section is not shown, and headings are h2 with h3 cards.
    assert "Empty" not in page.get_text()
    assert [h.name for h in page.select(".front-section h2, .front-section h3")] == [
        "h2",
        "h3",
        "h3",
        "h2",
        "h3",
    ]
    assert client.get("/news/tags/sport/").status_code == 200


def test_reordering_sections_reorders_the_page(client, settings, home_page, tagged):
    settings.NEWSDESK_HOME_LATEST = 1
    add_section(home_page, "Sport")
    add_section(home_page, "Climate")
    assert [s[0] for s in section_view(front(client))] == ["Sport", "Climate"]
    sport, climate = home_page.sections.all()
    sport.sort_order, climate.sort_order = 1, 0
    sport.save()
    climate.save()
    home_page.save_revision().publish()  # how editors change the order
    assert [s[0] for s in section_view(front(client))] == ["Climate", "Sport"]


def test_nothing_readers_cannot_see_is_anywhere_on_the_front_page(
    client, home_page, news_index, tagged
):
    add_section(home_page, "Climate")
    now = timezone.now()
    hidden = {}
    for how in ["unpublished", "draft", "private", "login", "expired"]:
        post = NewsPageFactory(
            parent=news_index,
            title=f"Secret {how}",
            tags=["Climate"],
            breaking=True,
            publication_date=TODAY + datetime.timedelta(days=1),
        )
        publish(post, now)
        make_unseen(post, how)
        hidden[how] = post
    pick(home_page, hidden["private"])
    text = client.get("/").content.decode()
    assert "Secret" not in text
    assert lead_title(soup(client.get("/"))) == "Newest"
    api = client.get(f"/api/v2/pages/{home_page.pk}/").content.decode()
    assert "Secret" not in api
    api_v3 = client.get(f"/api/v3/pages/{home_page.pk}/").content.decode()
    assert "Secret" not in api_v3


# Title, description, headings --------------------------------------------------------


def head(page):
    title = page.title.get_text()
    descriptions = [m["content"] for m in page.select('meta[name="description"]')]
    og = page.select_one('meta[property="og:description"]')
    return title, descriptions, og["content"] if og else None


def test_title_and_description_default_to_the_site_and_its_intro(client, home_page, posts):
    home_page.intro = "<p>News from <b>Port Alder</b> &amp; the coast.</p>"
    home_page.save_revision().publish()
    page = front(client)
    assert head(page) == (
        "Newsdesk: latest news",
        ["News from Port Alder & the coast."],
        "News from Port Alder & the coast.",
    )
    # One meaningful h1, not the masthead's text alone.
    (h1,) = page.select("h1")
    assert h1.get_text() == "Newsdesk: latest news"
    assert "visually-hidden" in h1["class"]
    assert page.select_one(".site-title").get_text() != h1.get_text()


def test_without_an_intro_the_description_names_the_site(client, home_page):
    home_page.intro = ""
    home_page.save_revision().publish()
    assert head(front(client))[1] == ["The latest news from Newsdesk."]


def test_the_seo_title_and_search_description_win(client, home_page):
    home_page.seo_title = "Port Alder Courier — news from the coast"
    home_page.search_description = "Every story from Port Alder."
    home_page.save_revision().publish()
    title, descriptions, og = head(front(client))
    assert title == "Port Alder Courier — news from the coast"
    assert descriptions == ["Every story from Port Alder."]
    assert og == "Every story from Port Alder."


def test_an_empty_front_page_says_so(client, home_page):
    page = front(client)
    assert "No news has been published yet." in page.get_text()
    assert page.select(".lead-story, .breaking-strip, .front-section") == []


# Cost -----------------------------------------------------------------------------------


def cold_queries(client):
    """A render with nothing stored (Redis restarted), the images' renditions made."""
    client.get("/")
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    return len(queries)


def warm_queries(client):
    """Every card and the lead stored, the response itself not (another query string
    would do the same: a stored listing made stale by a publish elsewhere)."""
    client.get("/")
    with CaptureQueriesContext(connection) as queries:
        # A key of its own: "page" is one of the parameters the response cache keeps.
        assert client.get("/?page=1")["X-Cache"] == "MISS"
    return len(queries)


def test_the_front_page_costs_a_fixed_number_of_queries(client, home_page, news_index):
    def add(n):
        for _ in range(n):
            NewsPageFactory(
                parent=news_index,
                tags=["Climate", "Sport"],
                lead_image=ImageFactory(),
                authors=[AuthorFactory()],
            )

    add_section(home_page, "Climate", post_count=2)
    add_section(home_page, "Sport", post_count=2)
    breaking_post(news_index)
    add(3)
    small = cold_queries(client)
    add(12)
    big = cold_queries(client)
    assert small == big
    # Site, page, restrictions, menu, latest, breaking, sections, 2 sections, the index
    # link, lead and card renditions and bylines; once per process and content version,
    # the News settings (the default share image) and the news index the bylines link to.
    assert big <= 20, big
    # With the cards and the lead stored (and the breaking post and the sections
    # remembered), a render loads only the posts it lists: latest, and one per section.
    warm = warm_queries(client)
    assert warm <= 3, warm


def test_a_stored_front_page_costs_no_query(client, django_assert_num_queries, posts):
    client.get("/")
    with django_assert_num_queries(0):
        assert client.get("/")["X-Cache"] == "HIT"


# The API ----------------------------------------------------------------------------------


@pytest.mark.parametrize("version", ["v2", "v3"])
def test_the_api_has_the_front_page(client, home_page, news_index, version):
    lead = NewsPageFactory(
        parent=news_index, title="Picked", tags=["Climate"], publication_date=days_ago(3)
    )
    newest = NewsPageFactory(parent=news_index, title="Newest", lead_image=ImageFactory())
    climate = NewsPageFactory(
        parent=news_index, title="Climate story", tags=["Climate"], publication_date=days_ago(9)
    )
    alarm = breaking_post(news_index, "Alarm")
    add_section(home_page, "Climate", heading="On climate")
    pick(home_page, lead)
    data = client.get(f"/api/{version}/pages/{home_page.pk}/").json()["front_page"]
    assert data["lead_story"]["id"] == lead.pk
    assert data["lead_story"]["html_url"] == f"http://localhost{lead.url}"
    assert data["lead_story"]["api_url"] == f"http://localhost/api/v2/pages/{lead.pk}/"
    assert data["lead_story_picked"] is True
    assert data["breaking"]["id"] == alarm.pk
    assert data["breaking_until"] is not None
    assert [story["id"] for story in data["latest"]] == [alarm.pk, newest.pk, climate.pk]
    newest_item = data["latest"][1]
    assert newest_item["lead_image"]["renditions"]["medium"]["url"].startswith("http://localhost")
    # Climate story is in the latest stories already: the section shows nothing new, and
    # is left out.
    assert data["sections"] == []


def test_the_api_sections_name_their_tag_and_page(client, settings, home_page, tagged):
    settings.NEWSDESK_HOME_LATEST = 1
    add_section(home_page, "Climate", heading="On climate", post_count=1)
    data = client.get(f"/api/v2/pages/{home_page.pk}/").json()["front_page"]
    (section,) = data["sections"]
    assert section["heading"] == "On climate"
    assert section["tag"] == {"name": "Climate", "slug": "climate"}
    assert section["html_url"] == "http://localhost/news/tags/climate/"
    assert [story["title"] for story in section["stories"]] == ["Climate two"]


def test_the_v3_schema_types_the_front_page(client):
    schemas = client.get("/api/v3/openapi.json").json()["components"]["schemas"]
    assert "front_page" in schemas["HomePageSchema"]["properties"]
    assert {"lead_story", "breaking", "latest", "sections"} <= set(
        schemas["FrontPageObject"]["properties"]
    )


@pytest.mark.parametrize("version", ["v2", "v3"])
def test_the_api_front_page_follows_a_publish(client, home_page, news_index, posts, version):
    url = f"/api/{version}/pages/{home_page.pk}/"
    assert client.get(url).json()["front_page"]["lead_story"]["title"] == "Story 0"
    assert client.get(url)["X-Cache"] == "HIT"
    publish(NewsPageFactory(parent=news_index, title="Just in"))
    assert client.get(url).json()["front_page"]["lead_story"]["title"] == "Just in"


@pytest.mark.parametrize("version", ["v2", "v3"])
def test_the_api_front_page_does_not_outlive_the_strip(
    client, settings, news_index, home_page, version
):
    settings.NEWSDESK_BREAKING_HOURS = 1
    start = timezone.now()
    url = f"/api/{version}/pages/{home_page.pk}/"
    with time_machine.travel(start, tick=False) as clock:
        breaking_post(news_index, went_live=start - datetime.timedelta(minutes=59))
        first = client.get(url)
        assert first.json()["front_page"]["breaking"] is not None
        assert max_age(first) <= 60
        clock.shift(61)
        assert client.get(url).json()["front_page"]["breaking"] is None


@pytest.mark.parametrize("version", ["v2", "v3"])
def test_home_detail_contract(client, settings, home_page, news_index, version):
    """The home page's API detail, every part of the front page filled in, is pinned in
    tests/news/contracts/ (tests/news/test_api_contract.py explains how to update it)."""
    settings.NEWSDESK_HOME_LATEST = 1
    image = ImageFactory()
    for n in range(3):
        publish(
            NewsPageFactory(
                parent=news_index,
                title=f"Contract {n}",
                tags=["Climate"],
                lead_image=image,
                publication_date=days_ago(n + 1),
            )
        )
    alarm = NewsPageFactory(parent=news_index, title="Alarm", breaking=True, lead_image=image)
    publish(alarm)
    add_section(home_page, "Climate")
    check(f"{version}_home_detail", client.get(f"/api/{version}/pages/{home_page.pk}/").json())


def test_a_preview_shows_the_drafts_pick_and_sections(home_page, tagged, settings):
    settings.NEWSDESK_HOME_LATEST = 1
    tag = Tag.objects.get(name="Climate")
    home_page.lead_story = tagged["sport-1"]
    home_page.sections = [HomePageSection(tag=tag, heading="Draft climate", post_count=2)]
    draft = home_page.save_revision().as_object()
    page = soup(draft.make_preview_request())
    assert lead_title(page) == "Sport one"
    assert section_view(page) == [
        ("Draft climate", "/news/tags/climate/", ["Climate one", "Climate two"])
    ]
    # The live front page is unchanged until the draft is published.
    live = type(home_page).objects.get(pk=home_page.pk)
    assert live.lead_story_id is None and not live.sections.exists()


def test_the_menu_and_the_news_index_are_read_in_one_query_each(
    client, home_page, news_index, settings
):
    """With every cache empty (a first render), the site menu is one query whatever page
    types it holds, and so is finding the site's news index (author pages, feeds, the
    front page's links), and both still leave out what readers may not see."""
    from home.templatetags.navigation_tags import site_menu
    from news.selectors import news_index_under

    settings.NEWSDESK_RESPONSE_CACHE = False
    news_index.show_in_menus = True
    news_index.save_revision().publish()
    StandardPageFactory(parent=home_page, title="About", slug="about", show_in_menus=True)
    hidden = StandardPageFactory(parent=home_page, title="Staff", slug="staff", show_in_menus=True)
    PageViewRestriction.objects.create(page=hidden, restriction_type="login")
    request = client.get("/").wsgi_request
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        items = site_menu({"request": request})
    # (remembered() also looks up the next page expiry, to know how long to keep it.)
    menu_reads = [q for q in queries if q["sql"].startswith('SELECT "wagtailcore_page"."id"')]
    assert len(menu_reads) == 1, [q["sql"][:120] for q in menu_reads]
    assert [(item["title"], item["url"]) for item in items] == [
        ("News", "/news/"),
        ("About", "/about/"),
    ]
    with CaptureQueriesContext(connection) as queries:
        assert news_index_under(home_page) == news_index
    # (Outside a public request the view restrictions are read too, for ``public()``.)
    page_reads = [q for q in queries if 'FROM "wagtailcore_pageviewrestriction"' not in q["sql"]]
    assert len(page_reads) == 1, [q["sql"][:120] for q in page_reads]
    assert isinstance(news_index_under(home_page), type(news_index))
    news_index.unpublish()
    assert news_index_under(home_page) is None
