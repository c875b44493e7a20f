"""Preview in an external frontend (wagtail-headless-preview), when one is configured.

With ``HEADLESS_PREVIEW_URL`` set (e.g. ``https://frontend.example/preview``), pressing
Preview in the admin stores the draft under a signed token and shows the frontend at
``<url>?content_type=news.newspage&token=...``; the frontend fetches the draft from
``/api/v2/page_preview/`` with those two parameters. Without it, Preview shows Newsdesk's
own server-rendered page, as stock Wagtail does.
"""

from django.conf import settings
from wagtail_headless_preview.models import HeadlessPreviewMixin


def headless_preview_enabled():
    return bool(settings.WAGTAIL_HEADLESS_PREVIEW.get("CLIENT_URLS"))


class NewsdeskPreviewMixin(HeadlessPreviewMixin):
    def serve_preview(self, request, preview_mode):
        if headless_preview_enabled():
            return super().serve_preview(request, preview_mode)
        # Skip HeadlessPreviewMixin: Wagtail's own server-rendered preview.
        return super(HeadlessPreviewMixin, self).serve_preview(request, preview_mode)
