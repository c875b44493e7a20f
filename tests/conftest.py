"""Shared fixtures: the site tree every reader test starts from."""

import pytest
from django.conf import settings
from django.test import Client
from wagtail.models import Site

from tests.news.factories import NewsIndexPageFactory
from tests.news.workflow_helpers import make_user
from tests.openapi_conformance import problems_in
from tests.servers import PurgeRecorder, Receiver


@pytest.fixture(autouse=True)
def v3_responses_conform(monkeypatch):
    """Check every API v3 response a test receives through Django's test client against
    /api/v3/openapi.json (tests/openapi_conformance.py); a test whose responses do not
    conform fails at teardown, naming them."""
    received = []
    request = Client.request

    def recording_request(self, **environ):
        response = request(self, **environ)
        received.append((environ.get("REQUEST_METHOD", "GET"), environ["PATH_INFO"], response))
        return response

    monkeypatch.setattr(Client, "request", recording_request)
    yield received
    problems = [
        problem
        for method, path, response in received
        for problem in problems_in(response, method, path)
    ]
    if problems:
        pytest.fail(
            "API v3 responses the OpenAPI document does not describe:\n" + "\n".join(problems)
        )


@pytest.fixture
def home_page(db):
    """The HomePage created by home/migrations/0002 and set as the default site root."""
    return Site.objects.get(is_default_site=True).root_page.specific


@pytest.fixture
def news_index(home_page):
    return NewsIndexPageFactory(parent=home_page, title="News", slug="news")


@pytest.fixture
def admin_user(django_user_model):
    return django_user_model.objects.create_superuser(
        username="chief", email="chief@example.com", password="correct-horse-battery"
    )


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture
def editor(django_user_model):
    """A member of the Editors group: writes and submits."""
    return make_user(django_user_model, "ed", settings.NEWSDESK_EDITORS_GROUP)


@pytest.fixture
def moderator(django_user_model):
    """A member of the Moderators group: approves, rejects, publishes, moderates comments."""
    return make_user(django_user_model, "mo", settings.NEWSDESK_MODERATORS_GROUP)


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with empty caches: cached responses, rate limits, cache versions
    and renditions (whose image ids a rolled-back database hands out again) never leak
    from one test into the next."""
    from django.core.cache import caches

    for alias in settings.CACHES:
        caches[alias].clear()
    yield
    for alias in settings.CACHES:
        caches[alias].clear()


@pytest.fixture
def persistent_tasks(settings):
    """Tasks kept in the database until the worker runs them (django-tasks-db), as in
    production, instead of the test settings' immediate backend. ``run_worker --once``
    runs what is due."""
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks_db.DatabaseBackend",
            "QUEUES": settings.NEWSDESK_TASK_QUEUES,
        }
    }


@pytest.fixture
def receiver():
    """``receiver(answers=(200,))`` starts a webhook receiver on loopback (tests/servers.py)."""
    receivers = []

    def start(answers=(200,)):
        started = Receiver(answers)
        receivers.append(started)
        return started

    yield start
    for started in receivers:
        started.close()


@pytest.fixture
def purge_recorder(settings):
    """A Varnish-style frontend cache on loopback, configured as the site's CDN."""
    recorder = PurgeRecorder()
    settings.WAGTAILFRONTENDCACHE = {
        "varnish": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": recorder.url,
        }
    }
    yield recorder
    recorder.close()


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory):
    """A database migrated once per test process, for deployment-style tests to copy
    (tests/deployment.py, ``fresh_database(..., template=...)``): its URL."""
    from tests.deployment import clean_environment, fresh_database, manage

    url, drop = fresh_database(tmp_path_factory.mktemp("migrated"), "migrated")
    env = clean_environment(DATABASE_URL=url, LOG_LEVEL="WARNING")
    manage(env, "migrate", "--noinput", "-v0", settings="cms.settings.test")
    yield url
    drop()
