"""The URL allow-list every stored URL passes before it is rendered (cms/core/safe_urls.py)."""

import re
from html import unescape
from urllib.parse import unquote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cms.core.safe_urls import LINK_SCHEMES, _schemes_seen, embeddable_url, safe_url

LINKS = [
    "https://wire.example/afp/123",
    "http://wire.example/",
    "HTTPS://WIRE.EXAMPLE/",
    "https://wire.example/search?q=a&b=c#top",
    "https://wire.example/?next=javascript:alert(1)",
    "mailto:desk@newsdesk.example",
    "tel:+44 20 7946 0000",
    "/news/storm-tops-the-harbour-wall/",
    "news/storm/",
    "../archive/",
    "?page=2",
    "#comments",
    "/search/?q=2024:report",
]

REFUSED = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "  javascript:alert(1)  ",
    "\x00javascript:alert(1)",
    "\x01\x02javascript:alert(1)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    "java\rscript:alert(1)",
    "java\x00script:alert(1)",
    "java\u200bscript:alert(1)",  # zero-width space
    "\ufeffjavascript:alert(1)",  # byte order mark
    "\u2028javascript:alert(1)",
    "javascript&#58;alert(1)",
    "javascript&#x3A;alert(1)",
    "javascript&colon;alert(1)",
    "&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)",
    "javascript&amp;#58;alert(1)",  # entity-encoded twice
    "javascript%3Aalert(1)",
    "%6A%61%76%61%73%63%72%69%70%74:alert(1)",
    "javascript%253Aalert(1)",  # percent-encoded twice
    "vbscript:msgbox(1)",
    "VBScript:msgbox(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    " DATA:text/html,<script>alert(1)</script>",
    "file:///etc/passwd",
    "ftp://files.example/",
    "livescript:alert(1)",
    "a:b",
]


@pytest.mark.parametrize("url", LINKS)
def test_allowed_urls_come_back_as_they_are(url):
    assert safe_url(url) == url


@pytest.mark.parametrize("url", REFUSED)
def test_other_schemes_are_refused_however_they_are_written(url):
    assert safe_url(url) == ""
    assert embeddable_url(url) == ""


@pytest.mark.parametrize("url", [None, "", "   ", "\t\n", 42, ["https://x.example/"]])
def test_nothing_to_link_to(url):
    assert safe_url(url) == ""


def test_whitespace_and_controls_browsers_ignore_are_removed():
    assert safe_url("  https://wire.example/a \n") == "https://wire.example/a"
    assert safe_url("https://wire.\texample/a") == "https://wire.example/a"
    assert safe_url("\x00/news/") == "/news/"


@pytest.mark.parametrize(
    ("url", "explicit"),
    [
        ("//elsewhere.example/story", "https://elsewhere.example/story"),
        ("  //elsewhere.example/", "https://elsewhere.example/"),
        ("/\\elsewhere.example/story", "https://elsewhere.example/story"),
        ("\\\\elsewhere.example/story", "https://elsewhere.example/story"),
        ("/\t/elsewhere.example/", "https://elsewhere.example/"),
    ],
)
def test_protocol_relative_urls_are_made_explicit(url, explicit):
    assert safe_url(url) == explicit
    assert embeddable_url(url) == explicit


def test_the_schemes_may_be_narrowed():
    assert safe_url("mailto:desk@newsdesk.example", schemes={"http", "https"}) == ""
    assert safe_url("https://x.example/", schemes={"http", "https"}) == "https://x.example/"
    assert safe_url("//x.example/", schemes={"mailto"}) == ""


@pytest.mark.parametrize(
    ("url", "embeddable"),
    [
        ("https://www.youtube.com/watch?v=abc", "https://www.youtube.com/watch?v=abc"),
        ("http://vimeo.com/1", "http://vimeo.com/1"),
        (" https://vimeo.com/1 ", "https://vimeo.com/1"),
        ("/videos/1", ""),
        ("videos/1", ""),
        ("#video", ""),
        ("mailto:video@desk.example", ""),
        ("tel:123", ""),
        ("https:", ""),
        ("https:vimeo.com/1", ""),
        ("https:///1", ""),
    ],
)
def test_only_absolute_web_urls_are_embeddable(url, embeddable):
    assert embeddable_url(url) == embeddable


@given(st.text())
def test_any_text_is_refused_or_comes_back_linkable(url):
    linkable = safe_url(url)
    assert safe_url(linkable) == linkable  # checking twice changes nothing
    assert all(scheme in LINK_SCHEMES for scheme in _schemes_seen(linkable))
    assert not any(ord(char) < 0x20 or ord(char) == 0x7F for char in linkable)


@given(
    st.lists(
        st.sampled_from(
            [
                "java",
                "script",
                "JAVA",
                "Script",
                ":",
                "&#58;",
                "%3A",
                "&#x3a;",
                "&amp;",
                "\t",
                "\x00",
                " ",
                "\u200b",
                "/",
                "\\",
                "vb",
                "data",
                "alert(1)",
                "%25",
                "&#",
                "3A;",
            ]
        ),
        max_size=10,
    )
)
def test_no_spelling_of_a_script_scheme_gets_through(parts):
    linkable = safe_url("".join(parts))
    for _ in range(5):  # however often it is decoded
        squashed = re.sub(r"[\x00-\x20\u200b]", "", linkable).lower()
        assert not squashed.startswith(("javascript:", "vbscript:", "data:"))
        linkable = unquote(unescape(linkable))
