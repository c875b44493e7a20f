"""Schemathesis over every operation of /api/v3/, as an anonymous client and with an
editor's and a moderator's token: whatever the request (valid or not), no server error,
and the answer has a status code and content type the OpenAPI document lists for it.

The schema is read from the running site inside the test (it needs the test database),
so the operations are walked in a loop rather than collected as separate tests; a
failure names the operation and the request that broke it.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import content_type_conformance, status_code_conformance
from wagtail.models import APIToken

from tests.news.factories import AuthorFactory, NewsPageFactory
from tests.news.workflow_helpers import make_user

pytestmark = pytest.mark.django_db

ROLES = {
    "anonymous": None,
    "editor": "NEWSDESK_EDITORS_GROUP",
    "moderator": "NEWSDESK_MODERATORS_GROUP",
}
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance]
EXAMPLES_PER_OPERATION = 12


@pytest.fixture
def v3_schema(news_index):
    """The v3 document, its requests sent to the site's WSGI application in-process.

    Like Django's test client, requests here keep the test's database connection open
    (Django closes it after each request, which would end the test's transaction).
    """
    author = AuthorFactory(name="Maren Holt")
    NewsPageFactory(parent=news_index, title="Harbour wall", tags=["Storm"], authors=[author])
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v3/openapi.json", get_wsgi_application())
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def role_headers(django_user_model, settings, role):
    """No header for anonymous, else a bearer token of a member of the role's group."""
    if ROLES[role] is None:
        return {}
    user = make_user(django_user_model, role, getattr(settings, ROLES[role]))
    _token, plaintext = APIToken.create_token(user=user, name="schemathesis")
    return {"Authorization": f"Bearer {plaintext}"}


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
@pytest.mark.parametrize("role", sorted(ROLES))
def test_no_server_error_for_any_request(v3_schema, django_user_model, settings, role, mode):
    headers = role_headers(django_user_model, settings, role)
    operations = [result.ok() for result in v3_schema.get_all_operations()]
    assert len(operations) > 40, "the v3 document lists fewer operations than expected"
    failures = []
    for operation in operations:

        @given(case=operation.as_strategy(generation_mode=mode))
        @hypothesis_settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case):
            case.call_and_validate(headers=headers, checks=CHECKS)

        try:
            check()
        except Unsatisfiable:
            # Nothing of the operation can be made invalid (no parameters, no body).
            assert mode == GenerationMode.NEGATIVE, operation.path
        except (Exception, FailureGroup) as error:  # every operation tried, every failure told
            failures.append(f"{operation.method.upper()} {operation.path}: {error!r}")
    assert not failures, "\n\n".join(failures)
