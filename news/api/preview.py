"""The draft an editor is previewing, found by its signed token, for API v2 and v3.

When an editor presses Preview in the admin and the site has a headless frontend
(``WAGTAIL_HEADLESS_PREVIEW``), wagtail-headless-preview stores the draft and sends the
frontend ``?content_type=news.newspage&token=...``; the frontend asks
``/api/v2/page_preview/`` or ``/api/v3/page_preview/`` with the same two parameters. The
token is signed and expires after ``NEWSDESK_PREVIEW_TOKEN_MAX_AGE`` seconds.
"""

import re

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.signing import BadSignature, SignatureExpired
from wagtail.models import Page
from wagtail_headless_preview.models import PagePreview


class PreviewError(ValueError):
    """A preview request that cannot be answered; the message says why (a 400)."""


def preview_page(params):
    """The previewed draft (a page instance, unsaved when the page is new) for the
    ``content_type`` and ``token`` in ``params``."""
    token = params.get("token", "")
    content_type_name = params.get("content_type", "")
    if not token:
        raise PreviewError("token: required")
    if not re.match(r"^\w+\.\w+$", content_type_name):
        raise PreviewError("content_type: expected app_label.model, e.g. news.newspage")
    app_label, model = content_type_name.lower().split(".")
    content_type = ContentType.objects.filter(app_label=app_label, model=model).first()
    model_class = content_type.model_class() if content_type else None
    if model_class is None or not issubclass(model_class, Page):
        raise PreviewError(f"content_type: {content_type_name!r} is not a page type")
    signer = (
        model_class.get_preview_signer() if hasattr(model_class, "get_preview_signer") else None
    )
    if signer is None:
        raise PreviewError(f"content_type: {content_type_name!r} cannot be previewed")
    try:
        signer.unsign(token, max_age=settings.NEWSDESK_PREVIEW_TOKEN_MAX_AGE)
    except SignatureExpired:
        raise PreviewError("token: expired; press Preview in the admin again") from None
    except BadSignature:
        raise PreviewError("token: not a valid preview token") from None
    preview = PagePreview.objects.filter(content_type=content_type, token=token).first()
    if preview is None:
        raise PreviewError("token: no preview for this token (it may have expired)")
    return preview.as_page()
