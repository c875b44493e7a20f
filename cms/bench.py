"""Benchmark-only additions, switched on by ``NEWSDESK_BENCH=true`` (never in a real
deployment; bench/load_bench.py sets it for the gunicorn it starts).

- ``/bench/bare/``: a bare Django JSON view, the ceiling of the stack: the same
  middleware, no database, no templates. The load benchmark reports every endpoint as
  a ratio to it.
- ``QueryCountMiddleware``: adds ``X-Queries`` (database queries the request made) to
  every response, so the benchmark can report queries per request from the real server.
"""

from django.db import connections
from django.http import JsonResponse
from django.urls import path


def bare(request):
    response = JsonResponse(
        {"meta": {"total_count": 1}, "items": [{"id": 1, "title": "Bare Django JSON view"}]}
    )
    # Not stored by the response cache: this measures Django itself.
    response["Cache-Control"] = "no-cache"
    return response


urlpatterns = [path("bench/bare/", bare, name="bench_bare")]


class QueryCountMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        count = 0

        def counter(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        wrappers = [connection.execute_wrapper(counter) for connection in connections.all()]
        for wrapper in wrappers:
            wrapper.__enter__()
        try:
            response = self.get_response(request)
        finally:
            for wrapper in reversed(wrappers):
                wrapper.__exit__(None, None, None)
        response["X-Queries"] = str(count)
        return response
