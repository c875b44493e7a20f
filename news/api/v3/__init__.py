"""API v3 routers Newsdesk adds to Wagtail's, one module per resource (cms/api.py)."""
