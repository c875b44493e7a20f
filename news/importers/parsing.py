"""Reading export files safely, and the small helpers both readers share.

Exports are parsed with the standard library's ``xml.etree.ElementTree`` (expat), which
never fetches external entities or DTDs. Before that, a quick pass over the prolog refuses
any document that declares entities (the "billion laughs" family): Blogger and WordPress
exports never do. A file that is not well-formed XML -- truncated, edited by hand, an
undeclared ``wp:`` prefix -- fails with the parser's line and column.
"""

import datetime
import email.utils
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from xml.parsers import expat

from django.utils import timezone


class ExportError(Exception):
    """A problem with the export file or one of its entries; the message names it."""


class _PrologDone(Exception):
    pass


def refuse_entity_declarations(path):
    """Raise ExportError when the document's DOCTYPE declares entities.

    Only the prolog is read: the pass stops at the first element.
    """
    parser = expat.ParserCreate()

    def entity_declared(name, *args):
        raise ExportError(
            f"{path}: the file declares the XML entity {name!r} in a DOCTYPE. Blogger and "
            "WordPress exports never do; refusing to expand it (this is how 'billion "
            "laughs' and external-entity attacks work)."
        )

    def first_element(name, attributes):
        raise _PrologDone

    parser.EntityDeclHandler = entity_declared
    parser.UnparsedEntityDeclHandler = entity_declared
    parser.StartElementHandler = first_element
    try:
        with open(path, "rb") as stream:
            parser.ParseFile(stream)
    except _PrologDone:
        return
    except expat.ExpatError:
        return  # reported with its position by the real parse


PARSE_HINTS = [
    (
        "unbound prefix",
        "a namespace prefix such as 'wp:' or 'blogger:' is used without its xmlns "
        "declaration; was the file edited by hand, or its first lines cut off?",
    ),
    ("no element found", "the file ends too early; was it truncated while downloading?"),
    ("unclosed token", "the file ends too early; was it truncated while downloading?"),
    ("mismatched tag", "the file is not well-formed; was it truncated or edited by hand?"),
]


def parse_export(path):
    """The root element of the XML file at ``path``; ExportError names any problem."""
    path = Path(path)
    if path.is_dir():
        raise ExportError(
            f"{path} is a folder: give the export file itself (for a Google Takeout, "
            "Takeout/Blogger/Blogs/<blog name>/feed.atom)"
        )
    try:
        size = path.stat().st_size
    except OSError as error:
        raise ExportError(f"cannot read {path}: {error.strerror or error}") from error
    if size == 0:
        raise ExportError(f"{path} is empty")
    refuse_entity_declarations(path)
    try:
        return ET.parse(path).getroot()  # noqa: S314 - entity declarations refused above
    except ET.ParseError as error:
        line, column = error.position
        message = str(error).split(":")[0]
        hint = next((text for key, text in PARSE_HINTS if key in message), "")
        raise ExportError(
            f"{path}: not well-formed XML at line {line}, column {column + 1}: {message}"
            + (f" ({hint})" if hint else "")
        ) from error
    except OSError as error:
        raise ExportError(f"cannot read {path}: {error.strerror or error}") from error


def text_of(element, path, namespaces=None, default=""):
    """The stripped text of the first ``path`` below ``element``, or ``default``."""
    if element is None:
        return default
    found = element.find(path, namespaces or {})
    if found is None or found.text is None:
        return default
    return found.text.strip()


def parse_iso_datetime(value, what):
    """An aware datetime from ISO 8601 text; ExportError (with ``what``) when impossible."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        parsed = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as error:
        raise ExportError(f"{what}: {value!r} is not an ISO 8601 date and time") from error
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, datetime.UTC)
    return parsed


ZERO_DATE = re.compile(r"^0000-00-00")


def parse_wordpress_datetime(gmt_value, local_value, what):
    """WordPress's "YYYY-MM-DD HH:MM:SS": the GMT column when set, else the local one in
    Newsdesk's time zone. Returns (aware datetime or None, local date or None)."""
    local = None
    local_value = (local_value or "").strip()
    if local_value and not ZERO_DATE.match(local_value):
        try:
            local = datetime.datetime.fromisoformat(local_value)
        except ValueError as error:
            raise ExportError(f"{what}: {local_value!r} is not a date and time") from error
    gmt_value = (gmt_value or "").strip()
    moment = None
    if gmt_value and not ZERO_DATE.match(gmt_value):
        try:
            moment = datetime.datetime.fromisoformat(gmt_value).replace(tzinfo=datetime.UTC)
        except ValueError as error:
            raise ExportError(f"{what}: {gmt_value!r} is not a date and time") from error
    elif local is not None:
        moment = timezone.make_aware(local) if timezone.is_naive(local) else local
    return moment, (local.date() if local else (moment.date() if moment else None))


def parse_rfc822_datetime(value):
    """A datetime from an RSS ``pubDate``, or None (WordPress writes nonsense for drafts)."""
    try:
        parsed = email.utils.parsedate_to_datetime(value or "")
    except (TypeError, ValueError, IndexError):
        return None
    if parsed is None or parsed.year < 1970:
        return None
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed, datetime.UTC)
