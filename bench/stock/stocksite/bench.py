"""Benchmark-only additions, copied from Newsdesk's cms/bench.py so both sites measure
alike (the stock site imports nothing from Newsdesk):

- ``bare``: a bare Django JSON view (/bench/bare/), the ceiling of the stack: the same
  middleware, no database, no templates.
- ``QueryCountMiddleware``: adds ``X-Queries`` (database queries the request made) to
  every response.
- ``SIGUSR2`` empties every Django cache of the process that gets it: the stock site keeps
  Wagtail's site root paths and rendition lookups in a local-memory cache in each
  worker, which no request can reach in every worker, so the benchmark's *first render*
  ("every cache empty", as Newsdesk's Redis is emptied) signals each worker instead.
  Installed when this module is imported, which gunicorn does in each worker after
  setting its own signal handlers (it leaves ``SIGUSR2`` to the default, which ends a
  worker).
"""

import signal

from django.core.cache import caches
from django.db import connections
from django.http import JsonResponse


def empty_caches(_signal_number, _frame):
    for cache in caches.all():
        cache.clear()


signal.signal(signal.SIGUSR2, empty_caches)


def bare(request):
    response = JsonResponse(
        {"meta": {"total_count": 1}, "items": [{"id": 1, "title": "Bare Django JSON view"}]}
    )
    response["Cache-Control"] = "no-cache"
    return response


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
