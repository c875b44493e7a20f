"""How content is represented for API clients (the shapes in news/schemas.py).

``BodyResolver`` is Newsdesk's resolver (the interface is in cms/core/resolvers.py). It
reads StreamField data in its stored (raw) form, collects every image, article, disclaimer
and embed the blocks refer to (each block's ``references``), across any number of pages,
and loads each kind in one query. A listing of 20 posts with their bodies therefore costs
the same number of queries as a listing of one. Each block says how it is represented
(``api_value``), so API v2 listings and details, API v3 and the article page's related
articles all go through one code path.

Every URL here is absolute, on the base of the site serving the request
(cms/core/site_urls.py). Stored rich text is sanitised before it is rendered
(cms/core/rich_text.py) and stored URLs pass the link allow-list (cms/core/safe_urls.py),
whatever way they were stored.
"""

from django.template.loader import render_to_string
from django.urls import reverse
from wagtail.api.rich_text import APIRichText
from wagtail.embeds.embeds import get_embed_hash
from wagtail.embeds.models import Embed
from wagtail.images import get_image_model
from wagtail.images.models import Filter

from cms.core.blocks import find_embed, recently_failed_embeds
from cms.core.blocks.image import TEMPLATE_RENDITION_SPECS
from cms.core.resolvers import rendering_with
from cms.core.rich_text import linked_page_ids, load_linked_pages, sanitised_rich_text
from cms.core.safe_urls import embeddable_url, safe_url
from cms.core.site_urls import absolute_page_url, absolute_url, absolute_urls_in_html
from news.models import Disclaimer, NewsPage
from news.selectors import public_pages
from news.visibility import reader_visible

# Named renditions every image object carries: name -> Wagtail filter spec.
RENDITIONS = {
    "thumbnail": "fill-400x225",
    "medium": "width-800",
    "large": "width-1600",
}
RENDITION_SPECS = tuple(RENDITIONS.values())
# Loaded with every image: the API's renditions and those the image block's template uses
# (for body_html).
PREFETCHED_RENDITION_SPECS = tuple(dict.fromkeys(RENDITION_SPECS + TEMPLATE_RENDITION_SPECS))
# Wagtail parses a filter spec (with inspect) each time a new Filter is made from a
# string; these are parsed once per process.
RENDITION_FILTERS = tuple(Filter(spec=spec) for spec in RENDITION_SPECS)


def links_in(raw):
    """The ids of the pages linked from the rich text anywhere in a block's stored value."""
    if isinstance(raw, str):
        return linked_page_ids(raw) if "linktype" in raw else set()
    if isinstance(raw, dict):
        raw = raw.values()
    elif not isinstance(raw, list):
        return set()
    return set().union(*(links_in(value) for value in raw))


def rich_text_html(source):
    """Rich text as the API serves it (WAGTAILAPI_RICH_TEXT_FORMAT, "html" in Newsdesk),
    sanitised first."""
    return APIRichText.serialize(
        sanitised_rich_text(source), format=APIRichText.resolve_format(None)
    )


def rendition_object(rendition, request=None):
    return {
        "url": absolute_url(rendition.url, request=request),
        "width": rendition.width,
        "height": rendition.height,
    }


def image_object(image, request=None):
    """An image with its title, alt text, size and the named renditions."""
    if image is None:
        return None
    renditions = image.get_renditions(*RENDITION_FILTERS)
    return {
        "id": image.pk,
        "title": image.title,
        "alt": image.default_alt_text,
        "width": image.width,
        "height": image.height,
        "renditions": {
            name: rendition_object(renditions[spec], request) for name, spec in RENDITIONS.items()
        },
    }


def thumbnail(image, request=None):
    if image is None:
        return None
    renditions = image.get_renditions(*RENDITION_FILTERS)
    return rendition_object(renditions[RENDITIONS["thumbnail"]], request)


def page_api_url(page, request=None):
    return absolute_url(reverse("wagtailapi:pages:detail", args=[page.pk]), request=request)


def page_html_url(page, request=None):
    """Where readers read ``page``: on the site, or on the frontend that serves the pages
    (``NEWSDESK_FRONTEND_URL``)."""
    return absolute_page_url(page.get_url(request=request), request=request)


class BodyResolver:
    """Resolves the blocks of one or more StreamField values with bulk queries (the
    resolver interface of cms/core/resolvers.py).

    Usage: ``resolver = BodyResolver(request); resolver.prepare(stream_values, image_ids)``
    then ``resolver.stream(stream_value)`` and ``resolver.image(image_id)`` as needed.
    ``prepare`` only batches: anything not prepared is loaded when first asked for.
    Pages referenced by related-article blocks are loaded before images, so their
    thumbnails come in the same image query as everything else.
    """

    KINDS = ("images", "pages", "disclaimers", "embeds")

    def __init__(self, request=None, *, readers=False):
        self.request = request
        # Related articles by the readers' rule (any site) for reader pages, else by the
        # public API's (the requested site's pages).
        self.readers = readers
        self.images = {}
        self.pages = {}
        self.disclaimers = {}
        self.embeds = {}
        # Pages linked from the prepared bodies' rich text (cms/core/rich_text.py).
        self.linked_pages = None
        self._image_objects = {}
        self._loaded = {kind: set() for kind in self.KINDS}

    # Collecting and loading -----------------------------------------------------------

    def _nothing_wanted(self):
        return {kind: set() for kind in self.KINDS}

    def prepare(self, stream_values, image_ids=(), kinds=KINDS):
        """Load what ``stream_values`` refer to (only ``kinds`` of it), and ``image_ids``."""
        wanted = self._nothing_wanted()
        wanted["images"].update(image_id for image_id in image_ids if image_id)
        linked = set()
        for stream_value in stream_values:
            stream_block = stream_value.stream_block
            for child in stream_value.raw_data:
                block = stream_block.child_blocks.get(child["type"])
                if block is not None:
                    self._collect_block(block, child["value"], wanted)
                    linked |= links_in(child["value"])
        for kind in self.KINDS:
            if kind not in kinds:
                wanted[kind].clear()
        self._load(wanted, with_thumbnails="images" in kinds)
        if stream_values:
            known = self.linked_pages or {}
            unknown = linked - set(known)
            self.linked_pages = {**known, **load_linked_pages(unknown)} if unknown else known

    def prepare_block(self, block, raw):
        wanted = self._nothing_wanted()
        self._collect_block(block, raw, wanted)
        self._load(wanted)

    def _collect_block(self, block, raw, wanted):
        references = getattr(block, "references", None)
        if references is None:
            return
        for kind, values in references(raw).items():
            wanted[kind].update(value for value in values if value)

    def _visible_news(self, page_ids):
        """Related articles a reader may see: one query, using the request's cached
        view restrictions when there is a request (news.selectors.public_pages)."""
        pages = NewsPage.objects.filter(pk__in=page_ids)
        if self.request is not None and not self.readers:
            return list(pages.filter(pk__in=public_pages(self.request).values("pk")))
        return list(reader_visible(pages))

    def _load(self, wanted, with_thumbnails=True):
        todo = {kind: wanted[kind] - self._loaded[kind] for kind in self.KINDS}
        if todo["pages"]:
            pages = self._visible_news(todo["pages"])
            self.pages.update((page.pk, page) for page in pages)
            if with_thumbnails:
                todo["images"] |= {page.lead_image_id for page in pages if page.lead_image_id}
                todo["images"] -= self._loaded["images"]
        if todo["images"]:
            images = get_image_model().objects.filter(pk__in=todo["images"])
            self.images.update(
                (image.pk, image)
                for image in images.prefetch_renditions(*PREFETCHED_RENDITION_SPECS)
            )
        if todo["disclaimers"]:
            self.disclaimers.update(Disclaimer.objects.in_bulk(todo["disclaimers"]))
        if todo["embeds"]:
            hashes = {get_embed_hash(url): url for url in todo["embeds"]}
            for embed in Embed.objects.filter(hash__in=hashes):
                self.embeds[hashes[embed.hash]] = embed
            missing = set(todo["embeds"]) - set(self.embeds)
            self.embeds.update(dict.fromkeys(recently_failed_embeds(missing) if missing else ()))
        for kind in self.KINDS:
            self._loaded[kind] |= todo[kind]

    # Representing -----------------------------------------------------------------------

    def stream(self, stream_value):
        """The resolved list of blocks for a StreamField value."""
        self.prepare([stream_value])  # loads only what earlier calls have not
        stream_block = stream_value.stream_block
        result = []
        for child in stream_value.raw_data:
            block = stream_block.child_blocks.get(child["type"])
            if block is None:
                continue  # a block type that no longer exists in the code
            result.append(
                {
                    "type": child["type"],
                    "id": child.get("id") or "",
                    "value": self.block(block, child["value"]),
                }
            )
        return result

    def block(self, block, raw):
        api_value = getattr(block, "api_value", None)
        if api_value is not None:
            return api_value(raw, self)
        return block.get_api_representation(block.to_python(raw), {"resolver": self})

    def body_html(self, page):
        """``page``'s body rendered with Newsdesk's block templates, as the article page
        shows it (site-relative URLs; the API's ``body_html`` makes them absolute)."""
        with rendering_with(self):
            return render_to_string(
                "news/includes/body.html",
                {"page": page, "request": self.request, "resolver": self},
            ).strip()

    def rich_text(self, source):
        """Rich text as HTML with its links resolved (linked pages from ``prepare``) and
        absolute, like every URL the API writes."""
        with rendering_with(self):
            html = rich_text_html(source)
        return absolute_urls_in_html(html, request=self.request)

    def image(self, image_id):
        """The image object for ``image_id`` (None for no image or a deleted one)."""
        if not image_id:
            return None
        if image_id not in self._loaded["images"]:
            self._load({**self._nothing_wanted(), "images": {image_id}})
        # The same image often appears several times in one response (lead image,
        # image blocks, related-article thumbnails): build its object once.
        if image_id not in self._image_objects:
            self._image_objects[image_id] = image_object(self.images.get(image_id), self.request)
        return self._image_objects[image_id]

    def image_models(self, image_ids):
        """The image objects (renditions prefetched) for ``image_ids``, in order; None for
        a deleted image."""
        missing = {pk for pk in image_ids if pk} - self._loaded["images"]
        if missing:
            self._load({**self._nothing_wanted(), "images": missing})
        return [self.images.get(pk) for pk in image_ids]

    def disclaimer_models(self, disclaimer_ids):
        missing = {pk for pk in disclaimer_ids if pk} - self._loaded["disclaimers"]
        if missing:
            self._load({**self._nothing_wanted(), "disclaimers": missing})
        return [self.disclaimers.get(pk) for pk in disclaimer_ids]

    def visible_pages(self, page_ids):
        """{id: page} of the news posts among ``page_ids`` readers may see."""
        wanted = {pk for pk in page_ids if pk}
        missing = wanted - self._loaded["pages"]
        if missing:
            self._load({**self._nothing_wanted(), "pages": missing}, with_thumbnails=False)
        return {pk: self.pages[pk] for pk in page_ids if pk in self.pages}

    def related_article(self, page_id):
        page = self.pages.get(page_id)
        if page is None and page_id and page_id not in self._loaded["pages"]:
            self._load({**self._nothing_wanted(), "pages": {page_id}})
            page = self.pages.get(page_id)
        if page is None:
            return None
        return {
            "type": "article",
            "id": page.pk,
            "title": page.title,
            "api_url": page_api_url(page, self.request),
            "html_url": page_html_url(page, self.request),
            "publication_date": page.publication_date,
            "summary": page.summary,
            "thumbnail": thumbnail(self.images.get(page.lead_image_id), self.request),
        }

    def post_detail(self, page, name, compute):
        """A post's ``name`` detail as the API shows it (its authors, its tags):
        ``compute()``. (``RenderOnceResolver`` keeps it per version of the post.)"""
        return compute()

    def disclaimer(self, disclaimer_id):
        if disclaimer_id and disclaimer_id not in self._loaded["disclaimers"]:
            self._load({**self._nothing_wanted(), "disclaimers": {disclaimer_id}})
        return self.disclaimers.get(disclaimer_id)

    def stored_embed(self, url):
        """The stored oEmbed result for ``url`` (fetched once when it is not stored yet),
        or None; None, without a lookup, unless ``url`` is an absolute http(s) URL."""
        if not embeddable_url(url):
            return None
        if url not in self.embeds:
            # Loaded in ``_load`` (stored, or failed recently) unless asked for here only.
            checked = url in self._loaded["embeds"]
            self.embeds[url] = find_embed(url, checked=checked)
        return self.embeds[url]

    def embed(self, url):
        """The stored oEmbed result as an API object; None when there is no embed."""
        embed = self.stored_embed(url)
        if embed is None or not embed.html:
            return None
        return {
            "html": embed.html,
            "type": embed.type,
            "provider_name": embed.provider_name,
            "thumbnail_url": safe_url(embed.thumbnail_url),
            "width": embed.width,
            "height": embed.height,
        }
