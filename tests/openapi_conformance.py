"""Every API v3 response the suite receives must be what /api/v3/openapi.json says.

``tests/conftest.py`` wraps Django's test client (an autouse fixture): each response to
a request under /api/v3/ is checked, when the test ends, against the served document:
the operation (path template and method) must exist, the status must be documented for
it, and the body must validate against the documented schema for its content type
(OpenAPI 3.1 schemas, with the document's components for ``$ref``). So a typed client
generated from the document can read everything the API really sends.
"""

import functools
import gzip
import json
import re

from django.core.serializers.json import DjangoJSONEncoder
from openapi_schema_validator import OAS31Validator

V3_PREFIX = "/api/v3/"
NO_BODY = {204, 304}


@functools.cache
def served_document():
    from cms.api import api_v3

    return json.loads(json.dumps(api_v3.get_openapi_schema(), cls=DjangoJSONEncoder))


@functools.cache
def path_patterns():
    """(regex, template) for every documented path, literal segments first."""
    patterns = []
    for template in served_document()["paths"]:
        parts = re.split(r"\{[^/]+\}", template)
        regex = "^" + "[^/]+".join(re.escape(part) for part in parts) + "$"
        patterns.append((re.compile(regex), template))
    return sorted(patterns, key=lambda pattern: pattern[1].count("{"))


def operation_for(method, path):
    for regex, template in path_patterns():
        if regex.match(path):
            operation = served_document()["paths"][template].get(method.lower())
            if operation is not None:
                return template, operation
    return None, None


def response_problems(method, path, status, content_type, body, document=None):
    """What is wrong with one response, as lines naming it (none when it conforms)."""
    document = document or served_document()
    name = f"{method} {path} -> {status}"
    template, operation = operation_for(method, path)
    if operation is None:
        return [f"{name}: no such operation in /api/v3/openapi.json"]
    responses = operation.get("responses", {})
    documented = responses.get(str(status)) or responses.get("default")
    if documented is None:
        return [f"{name}: status not documented for {method} {template} ({sorted(responses)})"]
    if status in NO_BODY or "content" not in documented:
        return []
    media_type = content_type.split(";")[0].strip()
    content = documented["content"].get(media_type)
    if content is None:
        return [f"{name}: {media_type!r} not documented ({sorted(documented['content'])})"]
    try:
        instance = json.loads(body)
    except ValueError:
        return [f"{name}: body is not JSON"]
    validator = OAS31Validator({**content["schema"], "components": document["components"]})
    errors = sorted(validator.iter_errors(instance), key=lambda error: list(error.path))
    return [
        f"{name}: at {'/'.join(map(str, error.path)) or '(root)'}: {error.message[:300]}"
        for error in errors[:5]
    ]


def problems_in(response, method, path):
    if not path.startswith(V3_PREFIX) or path.endswith(("/openapi.json", "/docs/")):
        return []
    body = b"" if getattr(response, "streaming", False) else response.content
    if response.get("Content-Encoding") == "gzip":
        body = gzip.decompress(body)
    return response_problems(
        method, path, response.status_code, response.get("Content-Type", ""), body
    )
