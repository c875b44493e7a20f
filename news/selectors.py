"""Queries for the news a reader may see.

``published_news`` is the one definition of "published news": posts visible to readers
(news.visibility: live, public, not expired), newest first, with what listings show
prefetched. Reader pages, the home page, feeds and search all call it, so a draft, a
private post or an expired post cannot leak through one of them and not the others.
``post_detail_prefetches`` is the one definition of what a post's byline and tag list
load (the article page, listings and the API use it). ``public_files`` is the same rule
for images and documents: the files pages readers can see use.
"""

from django.conf import settings
from django.db.models import (
    Count,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce
from taggit.models import Tag
from wagtail.api.querysets import get_public_pages_queryset as wagtail_public_pages
from wagtail.api.validators import SiteFilterValidator
from wagtail.models import Page, ReferenceIndex
from wagtail.permissions import policy_registry

from cms.core import content_version
from cms.core.permissions import files_used_by
from cms.core.site_urls import absolute_url, site_for
from news.models import Author, NewsIndexPage, NewsPage, NewsPageAuthor
from news.visibility import not_expired, reader_visible


def searchable(queryset):
    """``queryset`` in a form the search backend can filter.

    A search backend filters only on the fields a model indexes as filter fields. The
    visibility rule filters on ``expire_at``, which news posts and Newsdesk's other pages
    index but Wagtail's ``Page`` (the model of an API search without a type, or over
    several types) does not; for ``Page`` the rows are passed as one ``id IN (subquery)``
    filter instead, keeping the order.
    """
    if queryset.model is not Page:
        return queryset
    ids = queryset.order_by().values("pk")
    return Page.objects.filter(pk__in=ids).order_by(*queryset.query.order_by)


def public_pages(request, model=None):
    """The pages the public API may show for ``request``: Wagtail's public pages queryset
    (live, no view restriction the request does not pass, on the requested site) narrowed
    by the visibility rule, so expired pages are gone from the API as they are from reader
    pages. news/compat.py makes Wagtail's v2 and v3 API use it.

    Wagtail's version reads every view restriction from the database on each call, and an
    API request needs it several times (base queryset, related articles), so the result
    is kept on the request.
    """
    cache = request.__dict__.setdefault("_newsdesk_public_pages", {})
    key = (model, request.GET.get("site"))
    if key not in cache:
        if content_version.current() is not None and is_anonymous(request):
            queryset = anonymous_public_pages(request, model or Page)
        elif model is None:
            queryset = wagtail_public_pages(request)
        else:
            queryset = wagtail_public_pages(request, model)
        cache[key] = not_expired(queryset)
    return cache[key]


def is_anonymous(request):
    """No session (a signed-in user, a password entered for a private page) and no API
    token: no view restriction lets the request through."""
    return (
        settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "HTTP_AUTHORIZATION" not in request.META
    )


def anonymous_public_pages(request, model):
    """Wagtail's public pages queryset (``wagtail.api.querysets``) for a request no view
    restriction accepts: live, not in a private section (``public()``, whose restrictions
    are read once per content version, news/compat.py 15), on the requested site."""
    queryset = model._default_manager.all().live().public()
    site = SiteFilterValidator(site=request.GET.get("site"), request=request).site_obj
    if site is None:
        return queryset.none()  # as Wagtail's: no site configured
    in_site = queryset.descendant_of(site.root_page, inclusive=True)
    if getattr(settings, "WAGTAIL_I18N_ENABLED", False):
        for translation in site.root_page.get_translations():
            in_site |= queryset.descendant_of(translation, inclusive=True)
    return in_site


def post_detail_prefetches(*, tags=True, authors=True):
    """The tags and the byline (authors in credited order) of posts, in two queries (or
    just what is asked for: an API response that shows neither loads neither), as the
    lists ``NewsPage.tag_list`` and ``NewsPage.authors`` read. (Lists rather than
    Django's prefetched managers: those build a queryset per post, a millisecond each
    for django-taggit's tags.)"""
    prefetches = [Prefetch("tags", to_attr=NewsPage.PREFETCHED_TAGS)] if tags else []
    if authors:
        prefetches.append(
            Prefetch(
                "news_authors",
                queryset=NewsPageAuthor.objects.select_related("author").order_by("sort_order"),
                to_attr=NewsPage.PREFETCHED_BYLINE,
            )
        )
    return prefetches


def prefetch_post_details(posts):
    """Load the byline and tags of ``posts`` (instances) in two queries."""
    prefetch_related_objects(posts, *post_detail_prefetches())


def card_prefetches():
    """What a post's card in a listing shows besides the post's own fields (its lead
    image's renditions and its byline), for ``prefetch_related_objects``."""
    return ["lead_image__renditions", *post_detail_prefetches(tags=False)]


def published_news(*, index=None, tag=None, details=True):
    """NewsPages a reader may see, newest first, with what listings show prefetched.

    ``index`` limits to the posts under one news index (or any ancestor page such as a
    home page); ``tag`` to posts carrying the tag with that slug. ``details=False``: the
    cards of reader listings, which load what each card shows only for the cards they
    render (news/freshness/fragments.py, ``listing_cards``), and never the body.
    """
    posts = reader_visible(NewsPage.objects.all()).select_related("lead_image")
    if details:
        posts = posts.prefetch_related("lead_image__renditions", *post_detail_prefetches())
    else:
        posts = posts.defer("body")
    posts = posts.order_by("-publication_date", "-pk")
    if index is not None:
        posts = posts.descendant_of(index)
    if tag is not None:
        posts = posts.filter(tags__slug=tag)
    return posts


def menu_pages(site):
    """The pages of ``site``'s menu, in menu order: directly under its root, marked "show
    in menus", and visible to readers (live, public, not expired)."""
    return reader_visible(site.root_page.get_children()).in_menu()


def visible_post_tags():
    """The tags of posts readers may see, each with ``post_count``, most used first."""
    posts = reader_visible(NewsPage.objects.all()).values("pk")
    return (
        Tag.objects.filter(news_newspagetag_items__content_object__in=posts)
        .annotate(post_count=Count("news_newspagetag_items", distinct=True))
        .order_by("-post_count", "name")
    )


def authors_with_post_counts():
    """Every author, with ``post_count``: the posts readers may see that credit them."""
    posts = reader_visible(NewsPage.objects.all()).values("pk")
    counts = (
        NewsPageAuthor.objects.filter(author=OuterRef("pk"), page__in=posts)
        .order_by()
        .values("author")
        .annotate(count=Count("page", distinct=True))
        .values("count")
    )
    return Author.objects.annotate(
        post_count=Coalesce(Subquery(counts, output_field=IntegerField()), 0)
    ).order_by("name", "pk")


def news_index_under(page):
    """The first news index directly under ``page`` (a home page) that readers may see,
    read from the news indexes' own rows (one query)."""
    children = NewsIndexPage.objects.child_of(page).order_by("path")
    return reader_visible(children).first()


def adjacent_news(page, parent=None):
    """(newer, older): the published posts either side of ``page`` in its own index
    (``parent``, when the caller has it). Only titles and URLs are shown, so nothing is
    prefetched."""
    if page.pk is None:  # previewing a post that was never saved
        return None, None
    parent = parent or page.get_parent()
    siblings = reader_visible(NewsPage.objects.child_of(parent)).exclude(pk=page.pk)
    date = page.publication_date
    # The plain date bound lets the database start from ``date`` in its publication_date
    # index rather than filter the whole archive (the OR alone defeats the index).
    newer = (
        siblings.filter(publication_date__gte=date)
        .filter(Q(publication_date__gt=date) | Q(publication_date=date, pk__gt=page.pk))
        .order_by("publication_date", "pk")
        .first()
    )
    older = (
        siblings.filter(publication_date__lte=date)
        .filter(Q(publication_date__lt=date) | Q(publication_date=date, pk__lt=page.pk))
        .order_by("-publication_date", "-pk")
        .first()
    )
    return newer, older


def posts_linking_to(page_ids):
    """Ids of the news posts whose blocks refer to any of ``page_ids`` (Wagtail's
    reference index records page choosers inside StreamFields)."""
    page_type = Page._meta
    references = ReferenceIndex.objects.filter(
        to_content_type__app_label=page_type.app_label,
        to_content_type__model=page_type.model_name,
        to_object_id__in=[str(pk) for pk in page_ids],
        base_content_type__app_label=page_type.app_label,
        base_content_type__model=page_type.model_name,
    )
    return {int(object_id) for object_id in references.values_list("object_id", flat=True)}


def pages_referring_to(instance):
    """Live pages that show ``instance`` (a snippet, image or setting), from Wagtail's
    reference index."""
    page_ids = (
        ReferenceIndex.get_references_to(instance)
        .filter(
            base_content_type__app_label=Page._meta.app_label,
            base_content_type__model=Page._meta.model_name,
        )
        .values_list("object_id", flat=True)
    )
    return list(Page.objects.live().filter(pk__in=[int(pk) for pk in page_ids]))


# Images and documents ---------------------------------------------------------------------

#: A user with any of these permissions on images (or documents) browses the whole media
#: library in the admin, so the API may show them every file too.
MEDIA_LIBRARY_ACTIONS = ("add", "change", "choose")


def public_files(queryset):
    """``queryset`` (images or documents) narrowed to the files readers can see: those a
    page visible to readers (live, public, not expired) uses, in its live content, or
    through a snippet it shows (an author's photo in its byline); "uses" as
    cms/core/permissions.py defines it, from Wagtail's reference index. A file only drafts,
    scheduled, expired or restricted pages use, or none, is not public: its title and
    download URL could give away a story before it is out. One subquery, whatever the
    number of files, and a query or two for what the site settings use."""
    visible_pages = reader_visible(Page.objects.all())
    return queryset.filter(pk__in=files_used_by(visible_pages, queryset.model))


def sees_media_library(user, model):
    """True when ``user`` (an API token's) may browse every ``model`` file in the admin."""
    return bool(
        user is not None
        and user.is_authenticated
        and policy_registry.get_by_type(model).user_has_any_permission(user, MEDIA_LIBRARY_ACTIONS)
    )


def files_for_request(request, queryset):
    """What an API v3 request may list of ``queryset`` (Wagtail's images or documents):
    everything for a token whose user works with the media library, else ``public_files``.
    """
    if sees_media_library(getattr(request, "user", None), queryset.model):
        return queryset
    return public_files(queryset)


# Author pages ---------------------------------------------------------------------------


def author_posts(author, *, index=None):
    """The posts readers may see that credit ``author``, newest first (under ``index``
    when given), as ``published_news(details=False)`` gives them to a listing."""
    credited = NewsPageAuthor.objects.filter(author=author).values("page_id")
    return published_news(index=index, details=False).filter(pk__in=credited)


def authors_with_visible_posts(root=None):
    """Authors credited on posts readers may see (under ``root``, a site's root page,
    when given), each with ``last_change``: when the newest of those posts was last
    published. For the sitemap."""
    posts = reader_visible(NewsPage.objects.all())
    if root is not None:
        posts = posts.descendant_of(root, inclusive=True)
    credits = NewsPageAuthor.objects.filter(page__in=posts.values("pk"))
    newest = (
        credits.filter(author=OuterRef("pk"))
        .order_by(F("page__last_published_at").desc(nulls_last=True))
        .values("page__last_published_at")[:1]
    )
    return (
        Author.objects.filter(pk__in=credits.values("author"))
        .exclude(slug="")
        .annotate(last_change=Subquery(newest))
        .order_by("name", "pk")
    )


def recently_published_news(root, since, *, limit=1000):
    """The posts under ``root`` readers may see that went live (first published) at or
    after ``since``, newest first, at most ``limit``: the Google News sitemap."""
    return (
        reader_visible(NewsPage.objects.descendant_of(root, inclusive=True))
        .filter(first_published_at__gte=since)
        .defer_streamfields()
        .order_by("-first_published_at", "-pk")[:limit]
    )


def _author_pages_base(request=None):
    """The path of the news index whose ``authors/<slug>/`` routes are the author pages of
    the site serving ``request`` (its first news index under the site root), ending in
    "/"; None when the site has none. Read once per process and content version while a
    public request is served (an index's address changes only with ``tree``), and once
    per request otherwise: bylines ask for it once per author."""
    site = site_for(request)
    if site is None:
        return None
    known = request.__dict__.setdefault("_newsdesk_author_pages", {}) if request else {}
    if site.pk not in known:

        def find():
            index = news_index_under(site.root_page)
            if index is None:
                return None
            path = index.relative_url(site, request)
            return path if path.endswith("/") else path + "/"

        known[site.pk] = content_version.memo(f"author-pages-base:{site.pk}", find)
    return known[site.pk]


def author_page_path(author, request=None):
    """The address of ``author``'s reader page on the site serving ``request`` (the
    default site without one), ``/news/authors/<slug>/``, as a path; None when the site
    has no news index or the author no slug. Costs no query per author (the index's
    path is remembered: ``_author_pages_base``). Whether the page shows anything (it is
    a 404 until the author has a post readers can see) is not checked."""
    base = _author_pages_base(request)
    if base is None or not getattr(author, "slug", ""):
        return None
    return base + NewsIndexPage.get_resolver().reverse("author", slug=author.slug)


def author_page_url(author, request=None):
    """``author_page_path`` made absolute on the site's base URL (cms/core/site_urls.py),
    as canonical and sitemap URLs are; None when there is no page."""
    path = author_page_path(author, request)
    return absolute_url(path, request=request) if path else None
