"""Settings for a developer's machine: DEBUG on, a throwaway key, console e-mail."""

import os

from .base import *  # noqa: F403
from .base import env_list

DEBUG = True
NEWSDESK_ENVIRONMENT = "dev"
SECRET_KEY = os.environ.get(
    "SECRET_KEY", "dev-only-insecure-key-do-not-use-in-production-0123456789abcdef"
)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# Serve static files from the app folders without collectstatic.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
INSTALLED_APPS = ["whitenoise.runserver_nostatic", *INSTALLED_APPS]  # noqa: F405
