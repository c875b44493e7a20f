"""The WSGI entry point gunicorn loads (cms/wsgi.py): the application, with its URLconf
loaded, is kept out of the garbage collector's scans, and the youngest generation is
collected less often than Python's default."""

import json

from tests.deployment import python, worker_environment

PROBE = """
import gc, json
import cms.wsgi
from django.urls import get_resolver
print(json.dumps({
    "frozen": gc.get_freeze_count(),
    "threshold": gc.get_threshold(),
    "urlconf_loaded": "url_patterns" in get_resolver().__dict__,
    "configured": list(cms.wsgi.GC_THRESHOLD),
}))
"""


def test_the_loaded_application_is_frozen_and_collections_are_rarer(tmp_path):
    env = worker_environment(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite3'}")
    result = python("-c", PROBE, env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    probe = json.loads(result.stdout.strip().splitlines()[-1])
    assert probe["frozen"] > 50_000  # Django, Wagtail and Newsdesk's modules, not a few
    assert probe["urlconf_loaded"]
    assert probe["threshold"] == probe["configured"]
    assert probe["configured"][0] > 700  # Python's default
