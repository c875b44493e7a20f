r"""Which stored URLs Newsdesk renders as links, and which it asks for an embed.

Content stores URLs in many places (a quote's source, a related link, an embed, a post's
source credit, links inside rich text), and not only through the admin's forms: an
import, the shell or the database may store anything. Every URL a reader template, the
API or ``body_html`` renders passes ``safe_url`` first:

- allowed: ``http``, ``https``, ``mailto``, ``tel`` and relative URLs (``/path``, ``path``,
  ``?query``, ``#fragment``);
- refused: every other scheme (``javascript:``, ``data:``, ``vbscript:``, ``file:``,
  ``ftp:``, ...), however it is written: mixed case, with whitespace or control
  characters around or inside it (``java\tscript:``, with a tab), HTML entities or
  percent-escapes (``javascript&#58;``, ``javascript%3A``), once or several times over.
  A refused URL becomes "": templates then show the text without a link, the API
  serves "";
- protocol-relative URLs (``//host/path``, and ``/\host/path``, which browsers read the
  same way) link to another site; they are made explicit as ``https://host/path``.

``embeddable_url`` is the stricter rule for what Newsdesk asks an oEmbed provider about
(or looks up among the stored embeds): an absolute ``http(s)`` URL with a host, nothing
else.

Nothing here needs Django or Wagtail, so content models and blocks use it freely.
"""

import re
from html import unescape
from urllib.parse import unquote

LINK_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
WEB_SCHEMES = frozenset({"http", "https"})

# A URL's scheme, as browsers read it (WHATWG URL: a letter, then letters, digits, + - .).
_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.\-]*):")
# Browsers drop ASCII tabs and newlines anywhere in a URL, and C0 controls and spaces at
# either end: "java\tscript:" is "javascript:".
_TAB_OR_NEWLINE = re.compile(r"[\t\n\r]")
_ENDS = "".join(chr(code) for code in range(0x21))
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# Removed before the scheme is looked at, to leave nothing for a browser (old or new) to
# skip: controls, every kind of space, soft hyphens, zero-width and bidi marks, BOMs.
_INVISIBLE = re.compile(
    r"[\x00-\x20\x7f-\xa0\xad\u034f\u115f\u1160\u1680\u180e\u2000-\u200f\u2028-\u202f"
    r"\u205f-\u206f\u3000\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufffd]"
)
# Stored values are decoded this many times over (HTML entities, then percent-escapes)
# before their scheme is checked: "javascript&#58;", "javascript%3A" and double
# encodings are all refused, though only some of them would run.
_DECODING_ROUNDS = 4


def _schemes_seen(url):
    """The schemes ``url`` could be read as having: as stored, and decoded."""
    probe = url
    for _ in range(_DECODING_ROUNDS):
        match = _SCHEME.match(_INVISIBLE.sub("", probe))
        if match:
            yield match[1].lower()
        decoded = unquote(unescape(probe))
        if decoded == probe:
            return
        probe = decoded


def safe_url(url, schemes=LINK_SCHEMES):
    """``url`` when it may be rendered as a link, else "".

    Allowed: the ``schemes`` given (http, https, mailto and tel by default) and relative
    URLs (``/path``, ``path``, ``?query``, ``#fragment``). Mixed case, whitespace and
    control characters, HTML entities and percent-escapes do not hide a scheme.
    Protocol-relative URLs (``//host/path``, and ``/\\host`` which browsers read the
    same way) are links to another site: they are made explicit, ``https://host/path``.
    The URL comes back with the whitespace and control characters browsers ignore
    removed; a clean URL comes back as it is.
    """
    if not url or not isinstance(url, str):
        return ""
    cleaned = _CONTROL.sub("", _TAB_OR_NEWLINE.sub("", url).strip(_ENDS))
    if not cleaned:
        return ""
    if any(scheme not in schemes for scheme in _schemes_seen(cleaned)):
        return ""
    if _SCHEME.match(cleaned):
        return cleaned
    if cleaned[:2].replace("\\", "/") == "//":
        if "https" not in schemes:
            return ""
        return "https://" + cleaned.lstrip("/\\")
    return cleaned


def embeddable_url(url):
    """``url`` when an embed may be looked up for it (an absolute http or https URL on a
    host), else ""."""
    url = safe_url(url, schemes=WEB_SCHEMES)
    scheme = _SCHEME.match(url)
    if scheme is None or not url[scheme.end() :].startswith("//"):
        return ""
    host = url[scheme.end() + 2 :].split("/", 1)[0]
    return url if host else ""
