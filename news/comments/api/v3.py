"""Comments over API v3, typed in /api/v3/openapi.json (added to ``api_v3`` in cms/api.py).

    GET  /api/v3/pages/{id}/comments/?limit=20&offset=0   approved comments, threaded
    POST /api/v3/pages/{id}/comments/                     submit a comment (JSON)
    GET  /api/v3/comments/form-token/                     a token for the POST

A thin adapter over service.py, as v2.py is: these schemas type the answers, the service
decides them. Anonymous by design: no session, hence no CSRF check.
"""

from datetime import datetime

from django.conf import settings
from django.http import Http404, HttpResponse
from ninja import Field, Query, Router, Schema, Status

from news.comments.api import service

# Fixed operation ids: clients generate method names from them (see news/api/v3/workflow.py).
router = Router(tags=["comments"])


class CommentOut(Schema):
    id: int
    parent_id: int | None
    author_name: str
    author_url: str = Field(description="The author's website (http or https), or empty")
    submitted_at: datetime
    body: str = Field(description="Plain text as the reader wrote it; escape it to show it")
    body_html: str = Field(description="The body escaped, with line breaks and nofollow links")


class CommentThreadOut(CommentOut):
    replies: list[CommentOut] = Field(description="Approved replies, oldest first")


class CommentListMeta(Schema):
    total_count: int = Field(description="Top-level comments (what limit/offset count)")
    comment_count: int = Field(description="Every comment readers see, replies included")
    comments_open: bool
    closed_reason: str | None


class CommentListOut(Schema):
    meta: CommentListMeta
    items: list[CommentThreadOut]


class CommentListParams(Schema):
    limit: int = Field(
        settings.NEWSDESK_COMMENTS_API_PAGE_SIZE, ge=1, le=settings.WAGTAILAPI_LIMIT_MAX
    )
    offset: int = Field(0, ge=0, le=10**9)


class ReaderCommentIn(Schema):
    """A reader's comment (its name is unique among the API's schemas, as OpenAPI
    component names must be)."""

    author_name: str = ""
    author_email: str = Field("", description="Required; never shown anywhere public")
    author_url: str = ""
    body: str = ""
    parent: int | None = Field(None, description="The id of the comment replied to")
    token: str = Field("", description="From GET /api/v3/comments/form-token/")
    homepage: str = Field("", description="Honeypot: leave empty (render it hidden)")


class CreatedComment(Schema):
    id: int
    page: int
    parent_id: int | None
    status: str
    submitted_at: datetime


class CommentCreatedOut(Schema):
    message: str
    comment: CreatedComment


class CommentErrorOut(Schema):
    message: str
    errors: dict[str, list[str]] = Field(default_factory=dict)


class FormTokenOut(Schema):
    token: str
    min_fill_seconds: int
    max_age_days: int
    honeypot_field: str


def visible_page(page_id):
    page = service.find_page(page_id)
    if page is None:
        raise Http404(service.NOT_FOUND.format(page_id))
    return page


def answer_with(answer, response):
    for name, value in answer.headers.items():
        response[name] = value
    if answer.status == 200:
        return answer.document
    return Status(answer.status, answer.document)


@router.get(
    "/pages/{page_id}/comments/",
    response=CommentListOut,
    url_name="page_comments",
    operation_id="news_comments_api_v3_list_comments",
    summary="Approved comments on a news post or standard page, threaded, oldest first",
)
def list_comments(request, page_id: int, params: Query[CommentListParams]):
    page = visible_page(page_id)
    return service.comment_listing(request, page, limit=params.limit, offset=params.offset)


@router.post(
    "/pages/{page_id}/comments/",
    response={
        201: CommentCreatedOut,
        400: CommentErrorOut,
        403: CommentErrorOut,
        429: CommentErrorOut,
    },
    url_name="page_comments_create",
    operation_id="news_comments_api_v3_create_comment",
    summary="Submit a comment; it appears once a moderator approves it",
)
def create_comment(request, page_id: int, body: ReaderCommentIn, response: HttpResponse):
    page = visible_page(page_id)
    values = {key: str(value) for key, value in body.dict().items() if value not in (None, "")}
    return answer_with(service.submit(request, page, values), response)


@router.get(
    "/comments/form-token/",
    response=FormTokenOut,
    url_name="comments_form_token",
    operation_id="news_comments_api_v3_form_token",
    summary="A form token for submitting a comment (see docs/comments.md)",
)
def form_token(request, response: HttpResponse):
    return answer_with(service.form_token(), response)
