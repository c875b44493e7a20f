"""A database that is down or too slow answers 503, not 500.

When PostgreSQL is unreachable, refuses connections, or a statement runs past
``DATABASE_STATEMENT_TIMEOUT`` (cms/settings/base.py), Django raises ``OperationalError``
(or ``InterfaceError`` for a connection that broke). Readers then get a short page and API
clients ``{"message": ...}`` (a problem document in API v3), both with status 503 and
``Retry-After``, never stored by any cache. Responses the response cache already holds keep
being served (a hit touches no database), and the next request after the database is back
is answered normally: Django reconnects by itself (``CONN_HEALTH_CHECKS``).

``DatabaseOutageMiddleware`` answers for views; ``server_error`` (``handler500`` in
cms/urls.py) for errors raised outside a view (a middleware's query), where Django has
already turned the exception into its 500 handler's call.
"""

import logging
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.views.defaults import server_error as django_server_error

logger = logging.getLogger("newsdesk.outage")

OUTAGES = (OperationalError, InterfaceError)
MESSAGE = "The site's database is unavailable just now; please try again in {} seconds."


def outage_response(request):
    retry_after = settings.NEWSDESK_OUTAGE_RETRY_AFTER
    message = MESSAGE.format(retry_after)
    if request.path.startswith("/api/v3/"):
        problem = {"type": "about:blank", "title": "Service Unavailable", "status": 503}
        response = JsonResponse(
            {**problem, "detail": message, "message": message},
            status=503,
            content_type="application/problem+json",
        )
    elif request.path.startswith("/api/"):
        response = JsonResponse({"message": message}, status=503)
    else:
        html = render_to_string("503.html", {"retry_after": retry_after})
        response = HttpResponse(html, status=503)
    response["Retry-After"] = str(retry_after)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseOutageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, OUTAGES):
            logger.warning("Database unavailable for %s: %s", request.path, exception)
            return outage_response(request)
        return None


def server_error(request, template_name="500.html"):
    """Django's 500 page, or the outage answer when the error is the database's."""
    exception = sys.exc_info()[1]
    if isinstance(exception, OUTAGES):
        return outage_response(request)
    return django_server_error(request, template_name=template_name)
