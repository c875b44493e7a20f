"""The home page's reader view: the front page of the news below it.

From the top (docs/content-model.md, "The front page"): a breaking strip while the newest
breaking post is recent (``NEWSDESK_BREAKING_HOURS`` from when it went live); the lead
story, the editor's pick (``HomePage.lead_story``) while readers can see it, else the
newest post; the latest ``NEWSDESK_HOME_LATEST`` stories after it; then the editors'
sections by tag (``HomePage.sections``), each with the newest posts carrying its tag that
are not already higher up the page. Everything comes from ``published_news``, so nothing
readers cannot see (drafts, private or expired posts, another site's) reaches the page.

The HTML page and the API's ``front_page`` field (home/api_fields.py) are built by
``front_page`` and show the same stories. ``register()`` is called from
``HomeConfig.ready()`` (cms/core/pages.py explains the hook).
"""

import datetime
import html
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import prefetch_related_objects
from django.utils import timezone
from django.utils.html import strip_tags
from wagtail.images import get_image_model
from wagtail.models import Site

from cms.core import content_version
from cms.core.pages import reader_context
from cms.core.site_urls import absolute_page_url, site_for
from home.api_fields import install_front_page
from home.models import HomePage
from news.freshness.fragments import RenderOnceResolver
from news.freshness.remembered import remembered
from news.freshness.versions import depends_on_listings, fresh_until
from news.models import NewsIndexPage
from news.representation import image_object, page_api_url, page_html_url
from news.selectors import card_prefetches, news_index_under, published_news
from news.seo import site_name

#: The stored piece of the front page's cards (their headings are h3: news_card.html).
CARD_PIECE = "card-h3"
#: The stored piece of the lead story (templates/home/home_page.html).
LEAD_PIECE = "front-lead"


@dataclass(frozen=True)
class FrontPageTag:
    pk: int
    name: str
    slug: str


@dataclass(frozen=True)
class SectionChoice:
    """An editor's section, as the page stores it."""

    tag: FrontPageTag
    heading: str
    post_count: int


@dataclass
class Section:
    """A section as the front page shows it: its posts, not already higher up."""

    heading: str
    tag: FrontPageTag
    url: str | None
    posts: list = field(default_factory=list)


@dataclass(frozen=True)
class Breaking:
    """The post of the breaking strip: what the strip shows."""

    pk: int
    title: str
    url: str | None
    went_live: datetime.datetime


@dataclass
class FrontPage:
    lead: object = None
    picked: bool = False
    breaking: Breaking | None = None
    latest: list = field(default_factory=list)
    sections: list = field(default_factory=list)

    @property
    def cards(self):
        """Every post shown as a card (the latest, then the sections')."""
        return [*self.latest, *(post for section in self.sections for post in section.posts)]

    @property
    def breaking_until(self):
        if self.breaking is None:
            return None
        return self.breaking.went_live + breaking_window()


def breaking_window():
    return datetime.timedelta(hours=settings.NEWSDESK_BREAKING_HOURS)


def front_page(page, request):
    """The stories of the front page of ``page`` (a HomePage), for readers: one query for
    the latest (and the default lead), one for the editor's pick when it is not among
    them, and one per section. The breaking post is remembered until posts change, the
    sections until pages do."""
    posts = published_news(index=page, details=False)
    count = settings.NEWSDESK_HOME_LATEST
    latest = list(posts[: count + 1])
    front = FrontPage()
    if page.lead_story_id:
        front.lead = next((post for post in latest if post.pk == page.lead_story_id), None)
        if front.lead is None:
            # ``posts`` applies the readers' rule: a pick that is a draft, private, expired
            # or on another site is not found, and the newest leads instead.
            front.lead = posts.filter(pk=page.lead_story_id).first()
        front.picked = front.lead is not None
    if front.lead is None and latest:
        front.lead = latest[0]
    front.latest = [post for post in latest if post != front.lead][:count]

    front.breaking = breaking_news(page, request)
    if front.breaking is not None:
        # Stored copies (and browsers' max-age) end when the strip must go.
        fresh_until(front.breaking_until, request)

    shown = {post.pk for post in [front.lead, *front.latest] if post is not None}
    index_url = news_index_url(page, request)
    for choice in section_choices(page):
        section_posts = list(
            posts.filter(tags__pk=choice.tag.pk).exclude(pk__in=shown)[: choice.post_count]
        )
        if not section_posts:
            continue
        shown.update(post.pk for post in section_posts)
        front.sections.append(
            Section(
                heading=choice.heading,
                tag=choice.tag,
                url=tag_url(index_url, choice.tag.slug),
                posts=section_posts,
            )
        )
    return front


def breaking_news(page, request):
    """The newest breaking post under ``page`` that went live within the breaking window,
    or None. Remembered until posts change (news/freshness/remembered.py): no post can
    enter the window without a publish, and the one remembered is checked against the
    window again each time, so it leaves the strip on time."""

    def find():
        since = timezone.now() - breaking_window()
        post = (
            published_news(index=page, details=False)
            .filter(breaking=True, first_published_at__gt=since)
            .order_by("-first_published_at", "-pk")
            .first()
        )
        if post is None:
            return None
        return Breaking(post.pk, post.title, post.get_url(request), post.first_published_at)

    site = site_for(request)
    found = remembered(f"front-breaking:{page.pk}:{site.pk if site else ''}", find)
    if found is None or found.went_live + breaking_window() <= timezone.now():
        return None
    return found


def section_choices(page):
    """The editors' sections of ``page``, in their order. Read once per process while
    pages stay the same (cms/core/content_version.py: publishing the home page changes
    them)."""

    def read():
        return [
            SectionChoice(
                FrontPageTag(section.tag.pk, section.tag.name, section.tag.slug),
                section.title,
                section.post_count,
            )
            for section in page.sections.select_related("tag")
        ]

    # (Outside a public request, an editor's preview say, the memo reads afresh.)
    return content_version.memo(f"front-sections:{page.pk}", read)


def tag_url(index_url, slug):
    """The tag page of the news index at ``index_url`` (``/news/tags/<slug>/``)."""
    if index_url is None:
        return None
    return index_url.rstrip("/") + "/" + NewsIndexPage.get_resolver().reverse("tag", slug)


def first_body_image(post):
    """The first image of ``post``'s body (with its renditions), or None: the lead story's
    picture when the post has no lead image (imported posts keep their picture there)."""
    for block in post.body.raw_data:
        value = block.get("value")
        if block.get("type") == "image" and isinstance(value, dict) and value.get("image"):
            return (
                get_image_model()
                .objects.prefetch_related("renditions")
                .filter(pk=value["image"])
                .first()
            )
    return None


def lead_image(post):
    """The picture of the lead story: its lead image, else its first body image. Only
    called while the lead piece is rendered, never when it is served stored."""
    if post.lead_image_id:
        prefetch_related_objects([post], "lead_image__renditions")
        return post.lead_image
    return first_body_image(post)


def front_title(page, site):
    """The home page's <title>: its SEO title, else the site's name and "latest news"."""
    return page.seo_title or f"{site_name(site)}: latest news"


def front_description(page, site):
    """The home page's meta description: its search description, else its intro as text,
    else a sentence naming the site."""
    if page.search_description:
        return page.search_description
    intro = " ".join(html.unescape(strip_tags(page.intro)).split())
    return intro or f"The latest news from {site_name(site)}."


def home_context(page, request, context, **kwargs):
    front = front_page(page, request)
    resolver = front_page_pieces(request, front)
    site = Site.find_for_request(request)
    context.update(
        resolver=resolver,
        card_piece=CARD_PIECE,
        lead_piece=LEAD_PIECE,
        front=front,
        lead_story=front.lead,
        lead_image=lambda: lead_image(front.lead),
        latest_news=front.latest,
        news_index_url=news_index_url(page, request),
        front_title=front_title(page, site),
        front_heading=f"{site_name(site)}: latest news",
        front_description=front_description(page, site),
    )
    return context


def front_page_pieces(request, front):
    """A resolver for the stored pieces of the front page: each card (as a listing's,
    ``listing_cards``) and the lead story, each rendered once per version of its post
    (news/freshness/fragments.py). What a piece shows beyond the post's own fields (the
    image's renditions, the byline) is loaded, in one query each, only for the posts
    whose piece is not stored."""
    cards = front.cards
    resolver = RenderOnceResolver(request, readers=True)
    resolver.remember(cards, pieces=[CARD_PIECE])
    missing = [post for post in cards if not resolver.has_pieces(post, [CARD_PIECE])]
    if front.lead is not None:
        resolver.remember([front.lead], pieces=[LEAD_PIECE])
        if not resolver.has_pieces(front.lead, [LEAD_PIECE]):
            missing.append(front.lead)
    if missing:
        prefetch_related_objects(missing, *card_prefetches())
    return resolver


def news_index_url(page, request):
    """The address of the news index under the home ``page`` (its "All news" link), or
    None; remembered until pages change (news/freshness/remembered.py)."""

    def find():
        index = news_index_under(page)
        return index.get_url(request) if index is not None else None

    site = Site.find_for_request(request)
    return remembered(f"news-index-under:{page.pk}:{site.pk if site else ''}", find)


# The API ------------------------------------------------------------------------------


def story_object(post, request, image=None):
    return {
        "id": post.pk,
        "title": post.title,
        "api_url": page_api_url(post, request),
        "html_url": page_html_url(post, request),
        "publication_date": post.publication_date,
        "first_published_at": post.first_published_at,
        "summary": post.summary,
        "breaking": post.breaking,
        "lead_image": image_object(image if image is not None else post.lead_image, request),
    }


def front_page_object(page, request):
    """The ``front_page`` API field of ``page`` (home/api_fields.py)."""
    # The lead story and the sections change whenever a post is published: the home
    # page's API detail is a listing too (news/freshness/versions.py).
    depends_on_listings(request)
    front = front_page(page, request)
    breaking = None
    if front.breaking is not None:
        posts = published_news(index=page, details=False)
        breaking = posts.filter(pk=front.breaking.pk).first()
    stories = [front.lead, breaking, *front.cards]
    prefetch_related_objects(
        [post for post in stories if post is not None and post.lead_image_id],
        "lead_image__renditions",
    )
    lead = front.lead
    return {
        "lead_story": story_object(lead, request, lead_image(lead)) if lead else None,
        "lead_story_picked": front.picked,
        "breaking": story_object(breaking, request) if breaking else None,
        "breaking_until": front.breaking_until,
        "latest": [story_object(post, request) for post in front.latest],
        "sections": [
            {
                "heading": section.heading,
                "tag": {"name": section.tag.name, "slug": section.tag.slug},
                "html_url": absolute_page_url(section.url, request=request),
                "stories": [story_object(post, request) for post in section.posts],
            }
            for section in front.sections
        ],
    }


def register():
    reader_context.register(HomePage)(home_context)
    install_front_page(front_page_object)
