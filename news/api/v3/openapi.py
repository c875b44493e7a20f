"""What Newsdesk adds to /api/v3/openapi.json after Ninja has built it (news/compat.py, 2
applies it): every error an operation can answer, with the error body's schema, and the
maxima of every ``limit`` and ``offset``.

Errors in API v3 are RFC 7807 problem documents to which cms.middleware adds a
``message`` (``Problem`` below). Which statuses an operation documents follows from what
it is, the same rules the code follows:

- 400: any operation (an unrecognised or malformed query parameter, a NUL character);
- 422: an operation that takes parameters or a body (Ninja's validation);
- 404: an operation on one object (a path parameter), a ``find/``, one that takes a
  ``site`` or ``locale`` (an unknown one is not found), or one with a request body (it
  names a parent, destination or revision that may not exist);
- 401 and 403: an operation that needs a bearer token (no token or a revoked one; a user
  without the permission);
- 409: a workflow or page action refused in the page's current state;
- 429: a reader's comment over the rate limits (declared by that operation itself);
- 503: any operation, while the database is unavailable (cms/outage.py), with
  ``Retry-After``.

Statuses an operation declares itself (the comment form's errors) are left as they are.
"""

from django.conf import settings

from news.api.chrome import OFFSET_MAX

PROBLEM = {
    "title": "Problem",
    "description": "An error (RFC 7807), with a human-readable `message`.",
    "type": "object",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "message": {"type": "string", "description": "What went wrong, for people"},
        "errors": {
            "type": "array",
            "items": {"type": "object", "additionalProperties": True},
            "description": "Validation errors: `loc` (where), `msg` (what), `type`",
        },
    },
    "required": ["title", "status", "message"],
}

DESCRIPTIONS = {
    400: "Bad request: a query parameter is unknown or malformed",
    401: "No valid bearer token",
    403: "The token's user may not do this",
    404: "Not found, or not visible to this client",
    409: "Refused in the page's current state (locked, already in moderation, ...)",
    422: "Validation failed: see `errors`",
    429: "Too many requests: wait for `Retry-After` seconds",
    503: "The database is unavailable just now: try again after `Retry-After` seconds",
}
METHODS = ("get", "post", "put", "patch", "delete")


def error_statuses(path, method, operation):
    statuses = {400, 503}
    if operation.get("parameters") or operation.get("requestBody"):
        statuses.add(422)
    names = {parameter.get("name") for parameter in operation.get("parameters", [])}
    names_another = "{" in path or operation.get("requestBody")
    if names_another or path.rstrip("/").endswith("/find") or names & {"site", "locale"}:
        statuses.add(404)
    security = operation.get("security")
    if security and {} not in security:
        statuses.update({401, 403})
    if method != "get" and ("/workflow/" in path or "/actions/" in path):
        statuses.add(409)
    return statuses


def reachable_paths(document):
    """``document`` without the paths no request can reach: those with a path parameter
    that may only be empty (``const: ""``). Wagtail's snippets router declares its
    ``{type}`` so when no snippet model has API fields, as here (authors and disclaimers
    are served by Newsdesk's own endpoints), and a client generated from the document
    would otherwise offer operations that always answer 404."""
    paths = document.get("paths", {})
    for path in [path for path, path_item in paths.items() if only_empty(path_item)]:
        del paths[path]
    return document


def only_empty(path_item):
    return any(
        parameter.get("in") == "path" and parameter.get("schema", {}).get("const") == ""
        for operation in path_item.values()
        if isinstance(operation, dict)
        for parameter in operation.get("parameters", [])
    )


def documented_errors(document):
    """``document`` with the error responses and ``limit``/``offset`` maxima described
    above."""
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("Problem", PROBLEM)
    problem = {"$ref": "#/components/schemas/Problem"}
    limit_max = settings.WAGTAILAPI_LIMIT_MAX
    for path, path_item in document.get("paths", {}).items():
        for method in METHODS:
            operation = path_item.get(method)
            if operation is None:
                continue
            responses = operation.setdefault("responses", {})
            declared = {str(status) for status in responses}  # Ninja's keys are ints
            for status in sorted(error_statuses(path, method, operation)):
                if str(status) in declared:
                    # The operation's own error body, or Ninja's problem document when
                    # the request could not be read at all.
                    response = responses.get(status) or responses[str(status)]
                    response.setdefault("content", {}).setdefault(
                        "application/problem+json", {"schema": problem}
                    )
                    continue
                responses.setdefault(
                    str(status),
                    {
                        "description": DESCRIPTIONS[status],
                        "content": {"application/problem+json": {"schema": problem}},
                    },
                )
            for parameter in operation.get("parameters", []):
                schema = parameter.get("schema", {})
                if parameter.get("name") == "limit" and "maximum" not in schema and limit_max:
                    schema["maximum"] = limit_max
                if parameter.get("name") == "offset" and "maximum" not in schema:
                    schema["maximum"] = OFFSET_MAX
    return document
