"""Search-engine and social metadata for reader pages.

Reader templates load ``news.templatetags.seo_tags``, which call the functions here:
canonical URLs, OpenGraph / Twitter card values and the schema.org ``NewsArticle``
JSON-LD of a post. Everything a template needs is computed in one place so a page does
not repeat queries for authors, tags or the lead image rendition.
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
from wagtail.images.models import SourceImageIOError
from wagtail.models import Page

from cms.core.site_urls import absolute_url, site_for

# Social networks ask for images at least 1200 px wide for large previews.
SOCIAL_IMAGE_FILTER = "width-1200"

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
    """A post's publication date as a timezone-aware datetime: midnight in TIME_ZONE."""
    return timezone.make_aware(
        datetime.datetime.combine(page.publication_date, datetime.time.min),
        timezone.get_default_timezone(),
    )


def modification_datetime(page):
    """When a post was last published, falling back to its publication date."""
    if page.last_published_at is not None:
        return timezone.localtime(page.last_published_at, timezone.get_default_timezone())
    return publication_datetime(page)


def social_image(image, request=None, filter_spec=SOCIAL_IMAGE_FILTER):
    """URL (absolute, on the base of the site serving ``request``), size, type and alt text
    of an image rendition for previews.

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
        "alt": image.default_alt_text,
    }


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
    """Canonical URL and OpenGraph basics for any reader page."""
    page = context.get("page")
    request = context.get("request")
    if not isinstance(page, Page):
        return None
    site = site_for(request)
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
    }


def article_metadata(context):
    """Everything the head of a post needs: canonical URL, OpenGraph, Twitter, JSON-LD."""
    page = context.get("page")
    request = context.get("request")
    if not isinstance(page, Page):
        return None
    site = site_for(request)
    name = site_name(site)
    url = canonical_url(context)
    authors = [author.name for author in page.authors]
    tags = [tag.name for tag in page.tag_list]
    published = publication_datetime(page)
    modified = modification_datetime(page)
    description = page.summary or page.search_description
    image = social_image(page.lead_image, request)

    json_ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": page.title,
        "description": description,
        "datePublished": published.isoformat(),
        "dateModified": modified.isoformat(),
        "author": [{"@type": "Person", "name": author} for author in authors],
        "publisher": {"@type": "Organization", "name": name},
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
