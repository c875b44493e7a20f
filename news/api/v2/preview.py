"""API v2 ``page_preview``: the draft an editor is previewing, for headless frontends.

See cms/core/preview.py for how Preview in the admin reaches a frontend.
"""

import re

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.signing import BadSignature, SignatureExpired
from rest_framework.response import Response
from wagtail.api.v2.utils import BadRequestError
from wagtail.models import Page
from wagtail_headless_preview.models import PagePreview

from news.api.v2.pages import NewsPagesAPIViewSet


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

    def listing_view(self, request):
        page = self.get_object()
        # Serialise as a detail (every field of the page's own type), not as a listing.
        self.action = "detail_view"
        data = self.get_serializer(page).data
        if not page.pk:
            # A page that has never been saved has no id or detail URL yet.
            data["id"] = None
            data.get("meta", {})["detail_url"] = None
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
        params = self.request.GET
        token = params.get("token", "")
        content_type_name = params.get("content_type", "")
        if not token:
            raise BadRequestError("token: required")
        if not re.match(r"^\w+\.\w+$", content_type_name):
            raise BadRequestError("content_type: expected app_label.model, e.g. news.newspage")
        app_label, model = content_type_name.lower().split(".")
        content_type = ContentType.objects.filter(app_label=app_label, model=model).first()
        model_class = content_type.model_class() if content_type else None
        if model_class is None or not issubclass(model_class, Page):
            raise BadRequestError(f"content_type: {content_type_name!r} is not a page type")
        signer = (
            model_class.get_preview_signer()
            if hasattr(model_class, "get_preview_signer")
            else None
        )
        if signer is None:
            raise BadRequestError(f"content_type: {content_type_name!r} cannot be previewed")
        try:
            signer.unsign(token, max_age=settings.NEWSDESK_PREVIEW_TOKEN_MAX_AGE)
        except SignatureExpired:
            raise BadRequestError("token: expired; press Preview in the admin again") from None
        except BadSignature:
            raise BadRequestError("token: not a valid preview token") from None
        preview = PagePreview.objects.filter(content_type=content_type, token=token).first()
        if preview is None:
            raise BadRequestError("token: no preview for this token (it may have expired)")
        return preview.as_page()
