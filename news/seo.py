"""Search-engine and social metadata for reader pages.

Reader templates load ``news.templatetags.seo_tags``, which call the functions here:
canonical URLs, OpenGraph / Twitter card values and the schema.org ``NewsArticle``
JSON-LD of a post. Everything a template needs is computed in one place so a page does
not repeat queries for authors, tags or the lead image rendition.

Every absolute URL here is on the Site's configured root URL (cms/core/site_urls.py),
never on the host the request named. The image a page is shared with is a post's lead
image, else the first image of its body, else the site's default share image (News
settings, read once per content version with the publisher logo: ``share_settings``).
"""

import datetime
import json
import mimetypes
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from django.utils.encoding import iri_to_uri
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from wagtail.images import get_image_model
from wagtail.images.models import SourceImageIOError
from wagtail.models import Page

from cms.core import content_version
from cms.core.site_urls import absolute_url, site_base_url, site_for
from news.api_fields import alt_with_caption
from news.models import NewsSettings
from news.selectors import author_page_url

# Social networks ask for images at least 1200 px wide for large previews.
SOCIAL_IMAGE_FILTER = "width-1200"
# Google asks for a publisher logo that fits in 600 x 60 pixels.
PUBLISHER_LOGO_FILTER = "max-600x60"

# Characters that could end a <script> element or open an HTML comment inside it. JSON
# allows them escaped as \uXXXX, so the data is unchanged for a JSON parser.
_JSON_SCRIPT_ESCAPES = {
    ord("<"): "\\u003C",
    ord(">"): "\\u003E",
    ord("&"): "\\u0026",
    ord("\u2028"): "\\u2028",
    ord("\u2029"): "\\u2029",
}


def site_name(site):
    return (site.site_name if site is not None else "") or settings.WAGTAIL_SITE_NAME


def publication_datetime(page):
    """When a post went live, in TIME_ZONE with its offset: when it was first published
    (``first_published_at``; an import sets it to the time the old blog published the
    post), else when it is scheduled to go live (``go_live_at``, a preview of a scheduled
    draft), else midnight of its publication date (a post never published)."""
    moment = page.first_published_at or page.go_live_at
    if moment is not None:
        return timezone.localtime(moment, timezone.get_default_timezone())
    return timezone.make_aware(
        datetime.datetime.combine(page.publication_date, datetime.time.min),
        timezone.get_default_timezone(),
    )


def modification_datetime(page):
    """When a post was last published, falling back to its publication date."""
    if page.last_published_at is not None:
        return timezone.localtime(page.last_published_at, timezone.get_default_timezone())
    return publication_datetime(page)


def social_image(image, request=None, filter_spec=SOCIAL_IMAGE_FILTER, *, alt=None):
    """URL (absolute, on the base of the site serving ``request``), size, type and alt text
    (``alt``, else the image's own) of an image rendition for previews.

    Uses prefetched renditions when the image came with them. ``None`` when there is no
    image or its file cannot be read (a broken image must not break the page or feed).
    """
    if image is None:
        return None
    try:
        rendition = image.get_rendition(filter_spec)
    except (SourceImageIOError, OSError):
        return None
    mime_type = mimetypes.guess_type(rendition.file.name)[0] or "image/jpeg"
    return {
        "url": absolute_url(rendition.url, request=request),
        "width": rendition.width,
        "height": rendition.height,
        "type": mime_type,
        "alt": alt or image.default_alt_text,
    }


def lead_image_alt(page):
    """The lead image's alt text: the image's own description, else the post's caption
    for it, else the image's title."""
    image = page.lead_image
    if image is None:
        return ""
    return alt_with_caption(image.default_alt_text, image.title, page.lead_image_caption)


def first_body_image(page):
    """``(image id, alt text override)`` of the first image block in ``page``'s body that
    shows an image, or ``(None, "")``. Reads the stored body: no query."""
    body = getattr(page, "body", None)
    if body is None:
        return None, ""
    for child in body.raw_data:
        value = child.get("value")
        if child.get("type") == "image" and isinstance(value, dict) and value.get("image"):
            return value["image"], value.get("alt_text") or value.get("caption") or ""
    return None, ""


def share_settings(request=None):
    """The News settings of the site serving ``request`` that page heads show, as plain
    values: ``{"default_share_image": social_image or None, "publisher_logo": {"url",
    "width", "height"} or None}``.

    Every reader page asks for them, so they are kept in this process for the current
    content version (cms/core/content_version.py): saving the settings or an image bumps
    it (news/freshness/), and stored pages showing them are stored under it too.
    """
    site = site_for(request)
    if site is None:
        return {"default_share_image": None, "publisher_logo": None}

    def compute():
        # Read once per request (Wagtail keeps it on the request): the post's site-wide
        # disclaimer comes from the same row.
        if request is not None:
            settings_row = NewsSettings.for_request(request)
        else:
            settings_row = NewsSettings.for_site(site)
        wanted = [settings_row.default_share_image_id, settings_row.publisher_logo_id]
        images = {}
        if any(wanted):
            images = get_image_model().objects.filter(pk__in=[pk for pk in wanted if pk])
            images = images.prefetch_renditions(SOCIAL_IMAGE_FILTER, PUBLISHER_LOGO_FILTER)
            images = {image.pk: image for image in images}
        share = social_image(images.get(settings_row.default_share_image_id), request)
        logo = social_image(
            images.get(settings_row.publisher_logo_id), request, PUBLISHER_LOGO_FILTER
        )
        if logo is not None:
            logo = {"url": logo["url"], "width": logo["width"], "height": logo["height"]}
        return {"default_share_image": share, "publisher_logo": logo}

    return content_version.memo(f"share-settings:{site.pk}", compute)


def json_ld_script(data):
    """``data`` as a ``<script type="application/ld+json">`` element, safe inside HTML.

    ``<``, ``>`` and ``&`` are written as JSON unicode escapes, so a value containing
    ``</script>`` cannot close the element early.
    """
    text = json.dumps(data, ensure_ascii=False, sort_keys=False).translate(_JSON_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))  # noqa: S308


def _routed_suffix(page, request):
    """The part of the request path below ``page``'s own URL (a routable sub-page)."""
    if request is None:
        return ""
    page_path = urlsplit(page.get_url(request) or "").path
    if page_path and request.path.startswith(page_path):
        return request.path[len(page_path) :]
    return ""


def canonical_url(context):
    """The absolute canonical URL of the reader page rendered with ``context``.

    The page's own URL on its Wagtail site, plus the route below it (tag pages and month
    archives of a news index); ``/news/?tag=x`` is canonically ``/news/tags/x/``; a page
    of a paginated listing after the first keeps its ``?page=N``.
    """
    page = context.get("page")
    request = context.get("request")
    if not isinstance(page, Page):
        return ""
    url = page.get_full_url(request)
    if not url:
        return ""
    tag = context.get("tag")
    if getattr(tag, "slug", None) and hasattr(page, "reverse_subpage"):
        url = url.rstrip("/") + "/" + page.reverse_subpage("tag", args=[tag.slug])
    else:
        url += _routed_suffix(page, request)
    number = getattr(context.get("posts"), "number", None)
    if isinstance(number, int) and number > 1:
        url += f"?page={number}"
    return url


def page_metadata(context):
    """Canonical URL, OpenGraph basics and the share image (the site's default one, News
    settings) of any reader page; pages that are not a Wagtail page (search results, a
    404) get only the site name and the share image."""
    page = context.get("page")
    request = context.get("request")
    site = site_for(request)
    image = share_settings(request)["default_share_image"]
    if not isinstance(page, Page):
        return {
            "canonical": "",
            "title": "",
            "description": "",
            "site_name": site_name(site),
            "image": image,
        }
    tag = context.get("tag")
    if getattr(tag, "name", None):
        title = f"Posts tagged “{tag.name}”"
    elif context.get("archive_label"):
        title = context["archive_label"]
    else:
        title = page.seo_title or page.title
    return {
        "canonical": canonical_url(context),
        "title": title,
        "description": page.search_description,
        "site_name": site_name(site),
        "image": image,
    }


def byline_author(author, request=None):
    """One credited author as a post's head names them: ``{"name", "url"}``, ``url``
    being the author's page on the site's base URL ("" when there is none)."""
    return {"name": author.name, "url": author_page_url(author, request) or ""}


def byline_person(author):
    """A schema.org ``Person`` from ``byline_author``: a NewsArticle's ``author``."""
    person = {"@type": "Person", "name": author["name"]}
    if author["url"]:
        person["url"] = author["url"]
    return person


def publisher_json_ld(site, name, request=None):
    """The schema.org ``Organization`` publishing the site's posts: its name, its home
    page and, when News settings has one, its logo (a rendition fitting 600 x 60)."""
    publisher = {
        "@type": "Organization",
        "name": name,
        "url": site_base_url(site, request=request) + "/",
    }
    logo = share_settings(request)["publisher_logo"]
    if logo is not None:
        publisher["logo"] = {"@type": "ImageObject", **logo}
    return publisher


def article_share_image(page, request=None, resolver=None):
    """The image a post is shared with: its lead image, else the first image in its body,
    else the site's default share image (News settings); None when there is none.

    The body's image comes from ``resolver`` (the article page's, which loaded the body's
    images with the lead image) when given: no query of its own.
    """
    if page.lead_image_id:
        image = social_image(page.lead_image, request, alt=lead_image_alt(page))
        if image is not None:
            return image
    image_id, alt = first_body_image(page)
    if image_id:
        if resolver is not None:
            [body_image] = resolver.image_models([image_id])
        else:
            body_image = get_image_model().objects.filter(pk=image_id).first()
        image = social_image(body_image, request, alt=alt)
        if image is not None:
            return image
    return share_settings(request)["default_share_image"]


def article_metadata(context):
    """Everything the head of a post needs: canonical URL, OpenGraph, Twitter, JSON-LD."""
    page = context.get("page")
    request = context.get("request")
    if not isinstance(page, Page):
        return None
    site = site_for(request)
    name = site_name(site)
    url = canonical_url(context)
    authors = [byline_author(author, request) for author in page.authors]
    tags = [tag.name for tag in page.tag_list]
    # To the second: what search engines and link previews read.
    published = publication_datetime(page).replace(microsecond=0)
    modified = max(modification_datetime(page).replace(microsecond=0), published)
    description = page.summary or page.search_description
    image = article_share_image(page, request, context.get("resolver"))

    json_ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": page.title,
        "description": description,
        "datePublished": published.isoformat(),
        "dateModified": modified.isoformat(),
        "author": [byline_person(author) for author in authors],
        "publisher": publisher_json_ld(site, name, request),
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
    }
    if image:
        json_ld["image"] = [image["url"]]
    if tags:
        json_ld["keywords"] = tags
    return {
        "canonical": url,
        "title": page.title,
        "description": description,
        "site_name": name,
        "published": published.isoformat(),
        "modified": modified.isoformat(),
        "authors": authors,
        "tags": tags,
        "image": image,
        "json_ld": json_ld_script(json_ld),
    }


# Author pages ---------------------------------------------------------------------------

#: The author's photo as the author page shows it and as it is shared (a square headshot).
AUTHOR_PHOTO_FILTER = "fill-400x400"


def person_json_ld(author, request=None, *, url=None, image=None):
    """The schema.org ``Person`` of ``author`` (no ``@context``, for use inside another
    object such as a NewsArticle's ``author``): name, ``url`` (the author page, when
    given), ``jobTitle`` and ``description`` (role and bio, when filled in), ``image``
    (a URL, when given) and ``worksFor``: the site as an Organization."""
    site = site_for(request)
    person = {"@type": "Person", "name": author.name}
    if url:
        person["url"] = url
    if author.job_title:
        person["jobTitle"] = author.job_title
    if author.bio:
        person["description"] = author.bio
    if image:
        person["image"] = image
    person["worksFor"] = {
        "@type": "Organization",
        "name": site_name(site),
        "url": absolute_url("/", request=request),
    }
    return person


def author_metadata(context):
    """The head of an author page (``author`` and ``posts`` in ``context``): canonical
    URL (with ``?page=N`` after the first page), title, description (the bio), the photo
    as share image, and ``json_ld``, the ``Person`` as a ready ``<script>`` element."""
    author = context["author"]
    request = context.get("request")
    # The canonical URL is the address asked for (a routed page of the news index), as
    # an URI: a non-ASCII slug is percent-encoded, as the links to it are.
    canonical = iri_to_uri(canonical_url(context))
    page_url = canonical.split("?", 1)[0]
    image = social_image(author.photo, request, AUTHOR_PHOTO_FILTER)
    person = person_json_ld(author, request, url=page_url, image=image["url"] if image else None)
    return {
        "canonical": canonical,
        "title": author.name,
        "description": author.bio,
        "site_name": site_name(site_for(request)),
        "image": image,
        "json_ld": json_ld_script({"@context": "https://schema.org", **person}),
    }
