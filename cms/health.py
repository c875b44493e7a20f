"""Health endpoints for load balancers and orchestrators (never cached, no login).

    GET /healthz   the process is alive: 200 ``{"status": "ok"}``, no database or cache
    GET /readyz    it can serve: the database answers ``SELECT 1`` and the cache a write
                   and read; 200 with each check's time in milliseconds, 503 otherwise

``/readyz`` failing means "send traffic elsewhere for now"; ``/healthz`` failing means
"restart me". A Redis outage makes ``/readyz`` say so (``cache.ok`` false) while keeping
a 200: the site serves without its cache (cms/core/cache.py), so taking the instance out
of rotation would turn a slowdown into an outage. A database outage is a 503.
"""

import secrets
import time

from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import JsonResponse


def no_store(document, status=200):
    response = JsonResponse(document, status=status)
    response["Cache-Control"] = "no-store"
    return response


def healthz(request):
    return no_store({"status": "ok"})


def timed(check):
    started = time.perf_counter()
    try:
        ok, detail = check()
    except DatabaseError as error:
        ok, detail = False, str(error).strip().splitlines()[0][:200]
    result = {"ok": ok, "ms": round((time.perf_counter() - started) * 1000, 2)}
    if detail:
        result["detail"] = detail
    return result


def database_check():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return True, None


def cache_check():
    key, token = f"newsdesk:readyz:{secrets.token_hex(4)}", secrets.token_hex(8)
    cache.set(key, token, timeout=10)
    ok = cache.get(key) == token
    cache.delete(key)
    return ok, None if ok else "unavailable: serving without the cache"


def readyz(request):
    checks = {"database": timed(database_check), "cache": timed(cache_check)}
    ready = checks["database"]["ok"]
    return no_store(
        {"status": "ok" if ready else "unavailable", "checks": checks},
        status=200 if ready else 503,
    )
