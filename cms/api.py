"""The one place Newsdesk's API routers are assembled.

API v3 is Wagtail 8's Django Ninja API (bearer tokens, OpenAPI at /api/v3/openapi.json).
Newsdesk adds its own routers to it here, before the URLs are generated.
"""

from wagtail.api.v3.api import api as api_v3

from news.api.workflow import router as workflow_router

api_v3.add_router("/pages/", workflow_router)

__all__ = ["api_v3"]
