"""Newsdesk's headless API for news, laid out by version and resource.

- ``v2/``: Wagtail's v2 (DRF) endpoints with news filters: ``pages``, ``page_preview``;
- ``v3/``: routers added to Wagtail's v3 (Django Ninja) API: ``workflow``.

The JSON shapes promised to frontends are news/schemas.py; the serializers of the posts'
API fields news/api_fields.py (declared with the model). Comments have their own API
modules in news/comments/api/. cms/api.py assembles the routers of every app.
"""
