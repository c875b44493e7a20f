"""The one place Newsdesk's API routers are assembled.

- API v2 (``/api/v2/``): Wagtail's DRF API that existing frontends use; pages (with
  news filters and resolved blocks), page_preview, images, documents.
- API v3 (``/api/v3/``): Wagtail 8's Django Ninja API (bearer tokens, write endpoints,
  OpenAPI at /api/v3/openapi.json). Newsdesk adds its routers to it here, before the URLs
  are generated.
"""

from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v3.api import api as api_v3
from wagtail.documents.api.v2.views import DocumentsAPIViewSet
from wagtail.images.api.v2.views import ImagesAPIViewSet

from news.api.v2 import NewsPagesAPIViewSet, PagePreviewAPIViewSet
from news.api.workflow import router as workflow_router
from news.comments.api import CommentsAPIViewSet
from news.comments.api_v3 import router as comments_v3_router

api_v2 = WagtailAPIRouter("wagtailapi")
api_v2.register_endpoint("pages", NewsPagesAPIViewSet)
api_v2.register_endpoint("page_preview", PagePreviewAPIViewSet)
api_v2.register_endpoint("images", ImagesAPIViewSet)
api_v2.register_endpoint("documents", DocumentsAPIViewSet)
api_v2.register_endpoint("comments", CommentsAPIViewSet)

api_v3.add_router("/pages/", workflow_router)
api_v3.add_router("/", comments_v3_router)

_wagtail_openapi_schema = api_v3.get_openapi_schema


def openapi_schema(**kwargs):
    """Wagtail's v3 OpenAPI document, made valid OpenAPI 3.

    Wagtail declares its "anonymous allowed" fallback as an HTTP security scheme without a
    ``scheme``, which OpenAPI forbids and code generators reject. OpenAPI says "no
    authentication needed" with an empty security requirement ``{}``, so that is what the
    document says instead.
    """
    schema = _wagtail_openapi_schema(**kwargs)
    schemes = schema.get("components", {}).get("securitySchemes", {})
    invalid = {
        name
        for name, scheme in schemes.items()
        if scheme.get("type") == "http" and "scheme" not in scheme
    }
    for name in invalid:
        del schemes[name]
    for path_item in schema.get("paths", {}).values():
        for operation in path_item.values():
            if isinstance(operation, dict) and "security" in operation:
                operation["security"] = [
                    {} if set(requirement) & invalid else requirement
                    for requirement in operation["security"]
                ]
    return schema


api_v3.get_openapi_schema = openapi_schema

__all__ = ["api_v2", "api_v3"]
