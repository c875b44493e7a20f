"""Query parameters shared by Newsdesk's own v2 endpoints (site chrome, comments)."""

import re

from wagtail.api.v2.utils import BadRequestError

NUMBER = re.compile(r"[0-9]{1,9}")


def number(name, value, *, default, maximum=None):
    """``value`` (a query parameter) as a whole number of 0 or more: ``default`` when it
    is absent or empty, a 400 naming ``name`` when it is not a number or above
    ``maximum``."""
    if value is None or value == "":
        return default
    if not NUMBER.fullmatch(str(value)):
        raise BadRequestError(f"{name}: expected a whole number of 0 or more, not {value!r}")
    value = int(value)
    if maximum is not None and value > maximum:
        raise BadRequestError(f"{name}: at most {maximum}, not {value}")
    return value
