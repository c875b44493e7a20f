"""Reading export files safely, and the small helpers both readers share.

Exports are parsed with the standard library's ``xml.etree.ElementTree`` (expat), which
never fetches external entities or DTDs. Before that, a quick pass over the prolog refuses
any document that declares entities (the "billion laughs" family): Blogger and WordPress
exports never do. A file that is not well-formed XML -- truncated, edited by hand --
fails with the parser's line and column. One repair is made: a file that uses a prefix its
format always uses (``thr:``, ``app:``, ``wp:``...) without declaring it, as some tools
write when they re-save an export, is read with that prefix's standard namespace and the
repair is reported.
"""

import datetime
import email.utils
import io
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from xml.parsers import expat
from xml.sax.saxutils import escape

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
        "a namespace prefix is used without its xmlns declaration; was the file edited by "
        "hand, or its first lines cut off?",
    ),
    ("no element found", "the file ends too early; was it truncated while downloading?"),
    ("unclosed token", "the file ends too early; was it truncated while downloading?"),
    ("mismatched tag", "the file is not well-formed; was it truncated or edited by hand?"),
]

USED_PREFIX = re.compile(
    rb"<\/?([A-Za-z_][\w.-]*):[A-Za-z_]|\s([A-Za-z_][\w.-]*):[A-Za-z_][\w.-]*\s*="
)
DECLARED_PREFIX = re.compile(rb"xmlns:([A-Za-z_][\w.-]*)\s*=")
ROOT_TAG = re.compile(rb"<(?![?!])[^\s/>]+")


@dataclass
class Document:
    """A parsed export: its root element, the namespace each prefix is bound to (the
    first declaration of the prefix in the file) and what was repaired while reading."""

    root: ET.Element
    namespaces: dict
    warnings: list = field(default_factory=list)


def parse_export(path, *, known_prefixes=None):
    """The export at ``path`` as a ``Document``; ExportError names any problem.

    ``known_prefixes`` maps the prefixes an export of this kind uses to their standard
    namespaces (a callable given the file's bytes may pick among several). A file that
    uses one of them without declaring it -- re-saved by a tool that dropped the
    declarations -- is read with the standard namespace, and the repair is listed in
    ``warnings``; any other unbound prefix stays an error.
    """
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
        return read_document(path)
    except ET.ParseError as error:
        if "unbound prefix" in str(error) and known_prefixes:
            repaired = repair_prefixes(path, known_prefixes)
            if repaired is not None:
                data, added = repaired
                try:
                    document = read_document(io.BytesIO(data))
                except ET.ParseError:
                    pass  # another prefix, or another problem: report the first one
                else:
                    names = ", ".join(f"{prefix}:" for prefix in added)
                    document.warnings.append(
                        f"the file uses the prefix {names} without declaring it (re-saved "
                        "by another tool?); read with its standard namespace"
                        if len(added) == 1
                        else f"the file uses the prefixes {names} without declaring them "
                        "(re-saved by another tool?); read with their standard namespaces"
                    )
                    return document
        raise parse_failure(path, error) from error
    except OSError as error:
        raise ExportError(f"cannot read {path}: {error.strerror or error}") from error


def read_document(source):
    namespaces = {}
    events = ET.iterparse(source, events=("start-ns",))  # noqa: S314 - entities refused
    for _, (prefix, uri) in events:
        namespaces.setdefault(prefix, uri)
    return Document(root=events.root, namespaces=namespaces)


def repair_prefixes(path, known_prefixes):
    """(the file's bytes with declarations added to its root element, the prefixes
    added), or None when no known prefix is missing its declaration."""
    data = path.read_bytes()
    used = {(a or b).decode() for a, b in USED_PREFIX.findall(data)}
    declared = {name.decode() for name in DECLARED_PREFIX.findall(data)}
    missing = sorted((used - declared - {"xml", "xmlns"}) & set(known_prefixes))
    root = ROOT_TAG.search(data)
    if not missing or root is None:
        return None
    uris = {
        prefix: uri(data) if callable(uri) else uri
        for prefix, uri in known_prefixes.items()
        if prefix in missing
    }
    declarations = "".join(
        f' xmlns:{prefix}="{escape(uris[prefix], {chr(34): "&quot;"})}"' for prefix in missing
    )
    return data[: root.end()] + declarations.encode() + data[root.end() :], missing


def parse_failure(path, error):
    line, column = error.position
    message = str(error).split(":")[0]
    hint = next((text for key, text in PARSE_HINTS if key in message), "")
    return ExportError(
        f"{path}: not well-formed XML at line {line}, column {column + 1}: {message}"
        + (f" ({hint})" if hint else "")
    )


def text_of(element, path, namespaces=None, default=""):
    """The stripped text of the first ``path`` below ``element``, or ``default``."""
    if element is None:
        return default
    # With no namespaces (None, not {}), ElementTree's C find takes a plain "{uri}tag"
    # itself instead of compiling the path in Python: most of reading a large export.
    found = element.find(path, namespaces or None)
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
