"""Comments over API v2 (registered as ``comments`` in cms/api.py).

    GET  /api/v2/comments/?page=<post id>[&limit=20&offset=0]   approved comments
    POST /api/v2/comments/                                       submit a comment
    GET  /api/v2/comments/form-token/                            a token for the POST

The listing is threaded and paginated by top-level comment: each item carries its
approved replies. It is the same for every reader, so the response cache may keep it; it
is dropped when a comment on the post is approved or withdrawn (news/freshness.py).

A submission goes through exactly the checks of the form under each article
(news/comments/submission.py): a post readers may see (404), open for comments (403),
valid fields, honeypot and form token (400, the JSON ``errors`` name each field), and the
rate limits (429). It is saved as pending and appears once a moderator approves it.

Comments are anonymous, so these views use no session authentication and no CSRF check:
a forged cross-site POST gains an attacker nothing they could not do by posting
directly. The honeypot, the form token, the rate limits and moderation are the defence.
"""

import re

from django.conf import settings
from django.http import Http404
from django.urls import path
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.viewsets import ViewSet
from wagtail.api.v2.utils import BadRequestError

from news import freshness
from news.comments import spam
from news.comments.forms import HONEYPOT, CommentForm
from news.comments.models import Comment
from news.comments.rendering import body_html
from news.comments.submission import (
    RECEIVED_MESSAGE,
    closed_reason,
    commentable_pages,
    submit_comment,
)
from news.comments.views import visible_threads_queryset

LISTING_PARAMETERS = {"page", "limit", "offset", "format", "_"}
FORM_FIELDS = [*CommentForm.base_fields]
NUMBER = re.compile(r"[0-9]{1,9}")


def comment_object(comment):
    """A comment as the API shows it: never the e-mail or IP address."""
    return {
        "id": comment.pk,
        "parent_id": comment.parent_id,
        "author_name": comment.author_name,
        "author_url": comment.safe_author_url,
        "submitted_at": comment.submitted_at,
        "body": comment.body,
        "body_html": str(body_html(comment.body)),
    }


def thread_object(comment):
    return {
        **comment_object(comment),
        "replies": [comment_object(reply) for reply in comment.visible_replies],
    }


def number(name, value, *, default, maximum=None):
    if value is None or value == "":
        return default
    if not NUMBER.fullmatch(str(value)):
        raise BadRequestError(f"{name}: expected a whole number of 0 or more, not {value!r}")
    value = int(value)
    if maximum is not None and value > maximum:
        raise BadRequestError(f"{name}: at most {maximum}, not {value}")
    return value


def visible_post(value):
    """The news post with id ``value`` that readers may see; 404 otherwise."""
    if value is None or value == "":
        raise BadRequestError("page: required (the id of the news post)")
    if not NUMBER.fullmatch(str(value)):
        raise BadRequestError(f"page: expected the id of a news post, not {value!r}")
    page = commentable_pages().filter(pk=int(value)).first()
    if page is None:
        raise Http404(f"page: no published news post with id {value}")
    return page


def form_data(data):
    """The submitted fields as strings, as the reader form would send them."""
    values = {}
    for field in FORM_FIELDS:
        value = data.get(field)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise BadRequestError(f"{field}: expected a string")
        values[field] = str(value)
    return values


def error_document(form):
    errors = {
        ("non_field_errors" if field == "__all__" else field): [str(m) for m in messages]
        for field, messages in form.errors.items()
    }
    summary = "; ".join(
        (messages[0] if field == "non_field_errors" else f"{field}: {messages[0]}")
        for field, messages in errors.items()
    )
    return {"message": summary, "errors": errors}


class CommentsAPIViewSet(ViewSet):
    name = "comments"
    model = Comment  # WagtailAPIRouter looks endpoints up by model
    authentication_classes = []  # anonymous by design: see the module docstring
    permission_classes = [AllowAny]
    renderer_classes = [JSONRenderer]
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    @classmethod
    def get_urlpatterns(cls):
        return [
            path("", cls.as_view({"get": "listing_view", "post": "create_view"}), name="listing"),
            path("form-token/", cls.as_view({"get": "form_token_view"}), name="form_token"),
        ]

    def handle_exception(self, exc):
        if isinstance(exc, Http404):
            return Response({"message": str(exc)}, status=404)
        if isinstance(exc, BadRequestError):
            return Response({"message": str(exc)}, status=400)
        return super().handle_exception(exc)

    def listing_view(self, request):
        params = request.query_params
        unknown = sorted(set(params) - LISTING_PARAMETERS)
        if unknown:
            raise BadRequestError(
                f"query parameter is not recognised: {', '.join(unknown)} "
                "(use page, limit and offset)"
            )
        page = visible_post(params.get("page"))
        limit = number(
            "limit",
            params.get("limit"),
            default=settings.NEWSDESK_COMMENTS_API_PAGE_SIZE,
            maximum=settings.WAGTAILAPI_LIMIT_MAX,
        )
        offset = number("offset", params.get("offset"), default=0)
        freshness.depends_on_page(request, page)
        threads = visible_threads_queryset(page)
        reason = closed_reason(page)
        return Response(
            {
                "meta": {
                    "total_count": threads.count(),
                    "comment_count": page.comment_count,
                    "comments_open": reason is None,
                    "closed_reason": reason,
                },
                "items": [thread_object(comment) for comment in threads[offset : offset + limit]],
            }
        )

    def form_token_view(self, request):
        response = Response(
            {
                "token": spam.make_token(),
                "min_fill_seconds": settings.NEWSDESK_COMMENTS_MIN_FILL_SECONDS,
                "max_age_days": settings.NEWSDESK_COMMENTS_TOKEN_MAX_AGE_DAYS,
                "honeypot_field": HONEYPOT,
            }
        )
        # The token's time is the start of the minimum fill time, so each client gets
        # a fresh one (it costs no database query).
        response["Cache-Control"] = "no-store"
        return response

    def create_view(self, request):
        data = request.data
        if not hasattr(data, "get"):
            raise BadRequestError("expected a JSON object with the comment's fields")
        page = visible_post(data.get("page"))
        values = form_data(data)
        reason = closed_reason(page)
        if reason:
            return Response({"message": reason, "errors": {"page": [reason]}}, status=403)
        result = submit_comment(request, page, values)
        if result.comment is None:
            response = Response(error_document(result.form), status=result.status)
            if result.status == 429:
                response["Retry-After"] = str(settings.NEWSDESK_COMMENTS_RATE_LIMIT_WINDOW)
            return response
        comment = result.comment
        return Response(
            {
                "message": RECEIVED_MESSAGE,
                "comment": {
                    "id": comment.pk,
                    "page": page.pk,
                    "parent_id": comment.parent_id,
                    "status": comment.status,
                    "submitted_at": comment.submitted_at,
                },
            },
            status=201,
        )
