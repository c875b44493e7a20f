"""API v2 ``page_preview``: the draft an editor is previewing, for headless frontends.

See cms/core/preview.py for how Preview in the admin reaches a frontend.
"""

from rest_framework.response import Response
from wagtail.api.v2.serializers import DetailUrlField
from wagtail.api.v2.utils import BadRequestError

from news.api.preview import PreviewError, preview_page
from news.api.v2.pages import NewsdeskPageSerializer, NewsPagesAPIViewSet


class PreviewDetailUrlField(DetailUrlField):
    """Wagtail's ``detail_url``, null for a page that was never saved (the new-post form's
    preview), where Wagtail's fails to reverse a URL without an id."""

    def get_attribute(self, instance):
        if instance.pk is None:
            return None
        return super().get_attribute(instance)

    def to_representation(self, url):
        return url


class PreviewPageSerializer(NewsdeskPageSerializer):
    detail_url = PreviewDetailUrlField(read_only=True)


class PagePreviewAPIViewSet(NewsPagesAPIViewSet):
    """``GET /api/v2/page_preview/?content_type=news.newspage&token=...``

    Returns the draft an editor is previewing (created when they press Preview in the
    admin and the site has a headless frontend configured), serialised like a page
    detail. The token is signed and expires after NEWSDESK_PREVIEW_TOKEN_MAX_AGE seconds.
    """

    known_query_parameters = NewsPagesAPIViewSet.known_query_parameters.union(
        ["content_type", "token"]
    )
    name = "page_preview"
    base_serializer_class = PreviewPageSerializer
    loads_details = False  # the draft's own tags and authors, not the published ones

    def listing_view(self, request):
        page = self.get_object()
        # Serialise as a detail (every field of the page's own type), not as a listing.
        self.action = "detail_view"
        data = self.get_serializer(page).data
        response = Response(data)
        response["Cache-Control"] = "private, no-store"
        return response

    def detail_view(self, request, pk):
        raise BadRequestError("page_preview: use ?content_type=...&token=..., not an id")

    def get_object(self):
        if getattr(self, "_preview_page", None) is None:
            self._preview_page = self.find_preview_page()
        return self._preview_page

    def find_preview_page(self):
        try:
            return preview_page(self.request.GET)
        except PreviewError as error:
            raise BadRequestError(str(error)) from None
