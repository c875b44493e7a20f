"""WSGI entry point of the stock site (gunicorn stocksite.wsgi:application)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stocksite.settings")

application = get_wsgi_application()
