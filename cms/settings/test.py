"""Settings for the test suite: fast hashing, local-memory cache, no network."""

import tempfile

from .base import *  # noqa: F403

NEWSDESK_ENVIRONMENT = "test"
SECRET_KEY = "test-only-key-0123456789abcdefghijklmnopqrstuvwxyz-0123456789"  # noqa: S105
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Local memory, one per test process (base.py uses files without Redis; the tests that
# need those or Redis say so); renditions in a cache of their own, as in base.py
# (tests/conftest.py empties both before each test).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": 5000},
    },
    "renditions": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "renditions",
        "OPTIONS": {"MAX_ENTRIES": 5000},
    },
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Uploaded and generated images go to a throwaway folder, never the project's media/.
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="newsdesk-test-media-"))  # noqa: F405
STATIC_ROOT = Path(tempfile.mkdtemp(prefix="newsdesk-test-static-"))  # noqa: F405
# Tasks run as soon as they are queued; tests of the worker and of what publishing
# queues switch to the database backend (tests/conftest.py, ``persistent_tasks``).
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "QUEUES": NEWSDESK_TASK_QUEUES,  # noqa: F405
    }
}
# Tests never reach out to oEmbed providers: embeds come from the database or fall back
# to a plain link.
WAGTAILEMBEDS_FINDERS = []
