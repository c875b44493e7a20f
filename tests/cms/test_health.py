"""/healthz and /readyz for load balancers (issue #16, item 11)."""

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from cms.core.cache import outage
from tests.cms.test_cache_outage import cache_settings
from tests.cms.test_database_outage import database_gone
from tests.deployment import free_port

pytestmark = pytest.mark.django_db


def test_healthz_touches_nothing(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert len(queries) == 0
    assert response["Cache-Control"] == "no-store"


def test_readyz_reports_each_check_with_its_time(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "ok"
    for name in ("database", "cache"):
        assert data["checks"][name]["ok"] is True
        assert isinstance(data["checks"][name]["ms"], float)
    assert "no-store" in response["Cache-Control"]
    assert client.get("/readyz")["X-Cache"] != "HIT"


def test_readyz_is_503_while_the_database_is_down(client):
    with connection.execute_wrapper(database_gone):
        response = client.get("/readyz")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["database"]["ok"] is False and "refused" in checks["database"]["detail"]


def test_readyz_says_the_cache_is_away_but_stays_in_rotation(client):
    outage._until.clear()
    try:
        with override_settings(CACHES=cache_settings(free_port(), retry_after=60)):
            response = client.get("/readyz")
        assert response.status_code == 200
        assert response.json()["checks"]["cache"]["ok"] is False
    finally:
        outage._until.clear()
