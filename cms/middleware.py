"""Project middleware: JSON API errors carry a ``message``; API responses are gzipped;
a NUL character in an address or parameter is a 400; with DEBUG on, a page not found is
still the site's own 404 page.

The response cache is news/freshness/middleware.py.
"""

import json
import re

from django.conf import settings
from django.http import Http404, HttpResponseBadRequest, JsonResponse
from django.middleware.gzip import GZipMiddleware
from django.urls import Resolver404
from django.views.defaults import page_not_found

from cms.core.converters import DATABASE_ID_MAX


def error_reasons(errors):
    """``"title: This field is required; ..."`` from a problem document's ``errors`` (each
    ``{"loc": [...], "msg": ...}``), so the ``message`` says what was wrong."""
    if not isinstance(errors, list):
        return ""
    reasons = []
    for error in errors[:5]:
        if not isinstance(error, dict) or not error.get("msg"):
            continue
        where = ".".join(str(part) for part in error.get("loc") or [] if part != "body")
        reasons.append(f"{where}: {error['msg']}" if where else str(error["msg"]))
    return "; ".join(reasons)


class APIErrorMessageMiddleware:
    """Give every JSON API error a ``message``, as Newsdesk's API promises.

    API v3 answers errors as RFC 7807 problem documents (``title``, ``status``,
    ``detail``, sometimes ``errors``); API v2 already uses ``{"message": ...}``. This adds
    ``message`` (the ``detail``, else the ``title``, followed by what each of the first
    ``errors`` says) to problem documents and keeps every other field, so clients of either
    style can read the error.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code < 400 or not request.path.startswith("/api/"):
            return response
        content_type = response.get("Content-Type", "")
        if not content_type.startswith(("application/problem+json", "application/json")):
            return response
        if getattr(response, "streaming", False):
            return response
        try:
            document = json.loads(response.content)
        except ValueError:
            return response
        if not isinstance(document, dict) or "message" in document:
            return response
        message = document.get("detail") or document.get("title") or "Request failed"
        if not isinstance(message, str):
            message = json.dumps(message)
        reasons = error_reasons(document.get("errors"))
        if reasons:
            message = f"{message}: {reasons}"
        document["message"] = message
        response.content = json.dumps(document, separators=(",", ":")).encode()
        response["Content-Length"] = str(len(response.content))
        return response


class NulCharacterMiddleware:
    """Refuse, with a 400, a request whose path or query holds a NUL character (``%00``).

    No address or parameter means anything with one, and PostgreSQL refuses NUL in text,
    so any lookup reaching the database with it (``/news/?tag=%00``,
    ``/feeds/tags/%00/rss/``, ``find/?html_path=%00``) was a 500. API clients get
    ``{"message": ...}`` (a problem document in v3), readers a short page. It runs before
    the response cache, so such a request never reaches the cache or the database.
    Cookies holding one are dropped (the request goes on without them).
    """

    MESSAGE = "Addresses and query parameters cannot contain NUL characters (%00)."

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or any(
            "\x00" in key or "\x00" in value
            for key, values in request.GET.lists()
            for value in values
        ):
            return bad_request(request, self.MESSAGE)
        for name, value in list(request.COOKIES.items()):
            if "\x00" in name or "\x00" in value:
                # A forged cookie (sessionid="\000...") would reach the session query.
                del request.COOKIES[name]
        return self.get_response(request)


class APIIdRangeMiddleware:
    """Answer an API address with a number no database id can have (past 2**63 - 1) with
    a 404, before any view looks it up.

    Some of Wagtail's operations read the id before validating it (``PATCH
    /api/v3/pages/{id}/`` with a page type in the body), and the number overflows in the
    database: a 500 on SQLite ("Python int too large") and on PostgreSQL (bigint out of
    range). Every number in an API path is an id; none can be that large.
    """

    NUMBER = re.compile(r"/([0-9]{19,})(?=/|$)")
    MESSAGE = "Nothing has this id."

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/"):
            for number in self.NUMBER.findall(request.path):
                if len(number) > 19 or int(number) > DATABASE_ID_MAX:
                    return not_found(request, self.MESSAGE)
        return self.get_response(request)


class JSONObjectBodyMiddleware:
    """Refuse, with a 400, an API v3 request whose JSON body is not an object.

    Every v3 operation that takes a body takes an object, and some of Wagtail's read it
    as one before validating it: a list or a number sent to ``POST /api/v3/pages/`` was
    a 500 in the page-type discriminator. Ninja reads any body that is not a form as
    JSON, whatever its ``Content-Type`` says (``text/plain``, none), so every such body
    is checked. Empty bodies and forms (image and document uploads are multipart) go
    through untouched; JSON that does not parse (or nests too deeply to parse) is left to
    Ninja, which answers 400.
    """

    FORMS = ("multipart/form-data", "application/x-www-form-urlencoded")

    MESSAGE = "The request body must be a JSON object."

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.path.startswith("/api/v3/")
            and request.method in ("POST", "PUT", "PATCH")
            and request.content_type not in self.FORMS
            and request.body.strip()
        ):
            try:
                body = json.loads(request.body)
            except (ValueError, RecursionError):
                body = {}
            if not isinstance(body, dict):
                return bad_request(request, self.MESSAGE)
        return self.get_response(request)


def not_found(request, message):
    """A 404 saying ``message``, in the API's error shapes (see ``bad_request``)."""
    if request.path.startswith("/api/v3/"):
        problem = {"type": "about:blank", "title": "Not Found", "status": 404}
        return JsonResponse(
            {**problem, "detail": message, "message": message},
            status=404,
            content_type="application/problem+json",
        )
    return JsonResponse({"message": message}, status=404)


def bad_request(request, message):
    """A 400 saying ``message``: a problem document in API v3, ``{"message": ...}`` in
    API v2, plain text for readers."""
    if request.path.startswith("/api/v3/"):  # v3's errors are problem documents
        problem = {"type": "about:blank", "title": "Bad Request", "status": 400}
        return JsonResponse(
            {**problem, "detail": message, "message": message},
            status=400,
            content_type="application/problem+json",
        )
    if request.path.startswith("/api/"):
        return JsonResponse({"message": message}, status=400)
    return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")


class APIGZipMiddleware(GZipMiddleware):
    """gzip for API responses the response cache did not already encode.

    The response cache keeps a compressed copy of each API response it stores and serves
    it as it is (``Content-Encoding: gzip``, which this middleware leaves alone), so a
    cached response is compressed once; this compresses the rest per request: responses
    to signed-in editors and API tokens, and everything when the cache is off. Only under
    /api/: JSON carries no CSRF token, and reader pages are left to the web server or CDN.
    """

    def process_response(self, request, response):
        if not request.path.startswith("/api/"):
            return response
        return super().process_response(request, response)


class SiteNotFoundMiddleware:
    """With DEBUG on, answer a page not found with the site's own 404 page, as production
    does, instead of Django's technical one; ``NEWSDESK_TECHNICAL_404`` brings that back.

    Django shows its technical page whenever DEBUG is on, before any ``handler404``, so
    this catches the two ways there to a 404: a view raising ``Http404`` (a Wagtail page
    that does not exist: ``process_exception``) and an address no URL pattern matches
    (``request.resolver_match`` stays None). Last in MIDDLEWARE, so the slash redirect and
    Wagtail's redirects still see the 404.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    @staticmethod
    def active():
        return settings.DEBUG and not settings.NEWSDESK_TECHNICAL_404

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 404 and request.resolver_match is None and self.active():
            return page_not_found(request, Resolver404({"path": request.path_info}))
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, Http404) and self.active():
            return page_not_found(request, exception)
        return None
