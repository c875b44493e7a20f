"""Comments over the API: one set of service functions (``service.py``) and a thin
adapter per version (``v2.py``: a DRF viewset; ``v3.py``: a Django Ninja router), which
only parse parameters and write the answers. cms/api.py registers both."""
