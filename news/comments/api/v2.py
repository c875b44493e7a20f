"""Comments over API v2 (registered as ``comments`` in cms/api.py).

    GET  /api/v2/comments/?page=<page id>[&limit=20&offset=0]   approved comments
    POST /api/v2/comments/                                       submit a comment
    GET  /api/v2/comments/form-token/                            a token for the POST

A thin adapter: it parses v2's parameters and form or JSON bodies and answers with what
service.py decides (docs/comments.md). Errors are ``{"message": ...}`` as everywhere in
API v2; a submission's errors also name each field in ``errors``.
"""

from django.conf import settings
from django.http import Http404
from django.urls import path
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.viewsets import ViewSet
from wagtail.api.v2.utils import BadRequestError

from news.api.v2.params import NUMBER, number
from news.comments.api import service
from news.comments.forms import CommentForm
from news.comments.models import Comment

LISTING_PARAMETERS = {"page", "limit", "offset", "format", "_"}
FORM_FIELDS = [*CommentForm.base_fields]


def visible_page(value):
    """The news post or standard page with id ``value`` that readers may see; 404
    otherwise."""
    if value is None or value == "":
        raise BadRequestError("page: required (the id of the news post or page)")
    if not NUMBER.fullmatch(str(value)):
        raise BadRequestError(f"page: expected the id of a news post or page, not {value!r}")
    page = service.find_page(int(value))
    if page is None:
        raise Http404(service.NOT_FOUND.format(value))
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


def respond(answer):
    return Response(answer.document, status=answer.status, headers=answer.headers)


class CommentsAPIViewSet(ViewSet):
    name = "comments"
    model = Comment  # WagtailAPIRouter looks endpoints up by model
    authentication_classes = []  # anonymous by design: see service.py
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
        page = visible_page(params.get("page"))
        limit = number(
            "limit",
            params.get("limit"),
            default=settings.NEWSDESK_COMMENTS_API_PAGE_SIZE,
            maximum=settings.WAGTAILAPI_LIMIT_MAX,
        )
        offset = number("offset", params.get("offset"), default=0)
        return Response(service.comment_listing(request, page, limit=limit, offset=offset))

    def form_token_view(self, request):
        return respond(service.form_token())

    def create_view(self, request):
        data = request.data
        if not hasattr(data, "get"):
            raise BadRequestError("expected a JSON object with the comment's fields")
        page = visible_page(data.get("page"))
        return respond(service.submit(request, page, form_data(data)))
