"""The one place Newsdesk's API routers are assembled.

- API v2 (``/api/v2/``): Wagtail's DRF API that existing frontends use; pages (with
  news filters and resolved blocks), page_preview, images, documents, comments, and the
  site chrome a headless site needs (site, tags, authors, redirects); compact
  JSON (cms/core/api_rendering.py).
- API v3 (``/api/v3/``): Wagtail 8's Django Ninja API (bearer tokens, write endpoints,
  OpenAPI at /api/v3/openapi.json). Newsdesk adds its routers to it here, before the URLs
  are generated; the fix to Wagtail's OpenAPI document is in news/compat.py.

Images and documents: both versions list only the files that pages readers can see use
(``news.selectors.public_files``), so the title and download URL of an embargoed story's
photo stay private until the story is out. API v2 is public reading for everyone; in API
v3 a token whose user works with the media library sees every file, as in the admin
(news/compat.py, 14).
"""

from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.serializers import TagsField
from wagtail.api.v3.api import api as api_v3
from wagtail.documents.api.v2.serializers import DocumentSerializer
from wagtail.documents.api.v2.views import DocumentsAPIViewSet
from wagtail.images.api.v2.serializers import ImageDownloadUrlField, ImageSerializer
from wagtail.images.api.v2.views import ImagesAPIViewSet

from cms.core.api_rendering import CompactJSONMixin, CompactNinjaRenderer
from cms.core.site_urls import absolute_url
from news.api.v2.pages import NewsPagesAPIViewSet
from news.api.v2.preview import PagePreviewAPIViewSet
from news.api.v2.site import (
    AuthorsAPIViewSet,
    RedirectsAPIViewSet,
    SiteAPIViewSet,
    TagsAPIViewSet,
)
from news.api.v3 import pages as v3_pages
from news.api.v3 import site as v3_site
from news.api.v3.workflow import router as workflow_router
from news.comments.api.v2 import CommentsAPIViewSet
from news.comments.api.v3 import router as comments_v3_router
from news.compat import (
    V3_PAGES_ROUTER,
    V3_REDIRECTS_ROUTER,
    narrow_v3_media_querysets,
    replace_v3_get,
)
from news.selectors import public_files


class AbsoluteImageDownloadUrlField(ImageDownloadUrlField):
    """The original file's URL on the Site's root URL, like every URL the API writes
    (Wagtail's is the storage's URL, site-relative with the default storage)."""

    def to_representation(self, image):
        return absolute_url(super().to_representation(image), request=self.context.get("request"))


class PrefetchedTagsField(TagsField):
    """Wagtail's ``meta.tags`` (names, alphabetical) from the tags the listing prefetched:
    Wagtail's own field queries each item's tags."""

    def to_representation(self, value):
        return sorted(tag.name for tag in value.all())


class PrefetchedTagsMixin:
    def build_property_field(self, field_name, model_class):
        field_class, field_kwargs = super().build_property_field(field_name, model_class)
        if field_class is TagsField:
            return PrefetchedTagsField, field_kwargs
        return field_class, field_kwargs


class NewsdeskImageSerializer(PrefetchedTagsMixin, ImageSerializer):
    download_url = AbsoluteImageDownloadUrlField(read_only=True)


class NewsdeskDocumentSerializer(PrefetchedTagsMixin, DocumentSerializer):
    pass


class NewsdeskImagesAPIViewSet(CompactJSONMixin, ImagesAPIViewSet):
    """``/api/v2/images/``: the images pages readers can see use (listing, detail, find,
    search); any other id is a 404."""

    base_serializer_class = NewsdeskImageSerializer

    def get_queryset(self):
        return public_files(super().get_queryset()).prefetch_related("tags")


class NewsdeskDocumentsAPIViewSet(CompactJSONMixin, DocumentsAPIViewSet):
    """``/api/v2/documents/``: the documents pages readers can see use (linked from their
    text), as for images."""

    base_serializer_class = NewsdeskDocumentSerializer

    def get_queryset(self):
        return public_files(super().get_queryset()).prefetch_related("tags")


api_v2 = WagtailAPIRouter("wagtailapi")
api_v2.register_endpoint("pages", NewsPagesAPIViewSet)
api_v2.register_endpoint("page_preview", PagePreviewAPIViewSet)
api_v2.register_endpoint("images", NewsdeskImagesAPIViewSet)
api_v2.register_endpoint("documents", NewsdeskDocumentsAPIViewSet)
api_v2.register_endpoint("comments", CommentsAPIViewSet)
api_v2.register_endpoint("site", SiteAPIViewSet)
api_v2.register_endpoint("tags", TagsAPIViewSet)
api_v2.register_endpoint("authors", AuthorsAPIViewSet)
api_v2.register_endpoint("redirects", RedirectsAPIViewSet)

# compat 10: the v3 listing answers through the v2 pages endpoint registered above.
replace_v3_get(V3_PAGES_ROUTER, "/", v3_pages.listing_operation(api_v2), v3_pages.LIST_PAGES)
replace_v3_get(V3_PAGES_ROUTER, "/find/", v3_pages.find_page, v3_pages.FIND_PAGE)
replace_v3_get(V3_REDIRECTS_ROUTER, "/", v3_site.list_redirects, v3_site.LIST_REDIRECTS)
replace_v3_get(V3_REDIRECTS_ROUTER, "/find/", v3_site.find_redirect, v3_site.FIND_REDIRECT)
replace_v3_get(
    V3_REDIRECTS_ROUTER, "/{redirect_id}/", v3_site.redirect_detail, v3_site.REDIRECT_DETAIL
)
narrow_v3_media_querysets()  # compat 14: anonymous v3 image and document reads
api_v3.add_router("/", v3_site.router)
api_v3.add_router("/", v3_pages.preview_router(api_v2))
api_v3.renderer = CompactNinjaRenderer()  # compact JSON, as v2's (cms/core/api_rendering.py)
api_v3.add_router("/pages/", workflow_router)
api_v3.add_router("/", comments_v3_router)

__all__ = ["api_v2", "api_v3"]
