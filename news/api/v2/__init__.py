"""API v2 endpoints, one module per resource (registered in cms/api.py)."""
