"""Stored rich text is sanitised when it is rendered (cms/core/rich_text.py): what the
editor and Newsdesk's importers write comes back unchanged, anything a browser would run
does not come back at all."""

import re

import pytest
from bs4 import BeautifulSoup, NavigableString
from hypothesis import given, settings
from hypothesis import strategies as st

from cms.core.rich_text import is_editor_rich_text, sanitised_rich_text
from cms.core.safe_urls import embeddable_url, safe_url
from news.importers.html import html_to_blocks

# What Wagtail's editor (Draftail) stores, feature by feature.
EDITOR_TEXT = [
    '<p data-block-key="a1b2c">Plain words &amp; an ampersand, &lt;angle&gt; brackets.</p>',
    '<p data-block-key="k1">Some <b>bold</b>, <i>italic</i> and <b><i>both</i></b>.</p>',
    '<h2 data-block-key="h2k">A sub-heading</h2><h3 data-block-key="h3k">A smaller one</h3>',
    '<ul><li data-block-key="l1">One</li><li data-block-key="l2">Two</li></ul>'
    '<ol><li data-block-key="l3">First</li></ol>',
    '<p data-block-key="x">A <a href="https://wire.example/afp?id=1&amp;lang=en">link</a>,'
    ' <a href="mailto:desk@newsdesk.example">mail</a>, <a href="tel:+4420794600">call</a>,'
    ' <a href="/news/older-story/">relative</a> and <a href="#notes">anchor</a>.</p>',
    '<p data-block-key="y">To <a linktype="page" id="42">a page</a> and'
    ' <a id="7" linktype="document">a document</a>.</p>',
    '<p data-block-key="z">Line one<br/>line two</p><hr/>',
    '<embed alt="Waves over the pier" embedtype="image" format="fullwidth" id="12"/>',
    '<embed embedtype="media" url="https://www.youtube.com/watch?v=abc123"/>',
    "<p>No block key, as older content has it.</p>",
    "Text with no markup at all > none",
    "",
]

# Blog HTML through Newsdesk's importer: the paragraph blocks it stores.
IMPORTED_HTML = """
<h1>Title-ish heading</h1><p>Intro with <strong>strong</strong>, <em>em</em> and a
<a href="https://elsewhere.example/a?b=1&c=2" target="_blank" rel="nofollow">link</a>.</p>
<ul><li>item <a href="/local/">one</a></li><li>item two</li></ul>
<p>Line<br>break, tel <a href="tel:123">123</a>, mail <a href="mailto:a@b.example">a</a>.</p>
<pre>code &lt;kept&gt;
as text</pre>
"""

HOSTILE = {
    "script": '<p>Before</p><script>alert("x")</script><p>after</p>',
    "script inside a link": '<a href="https://ok.example/"><script>alert(1)</script>ok</a>',
    "uppercase script": "<SCRIPT>alert(1)</SCRIPT>",
    "script with attributes": '<script src="https://evil.example/x.js"></script>',
    "event handler": '<p onclick="alert(1)" onmouseover="alert(2)">Hover</p>',
    "image with onerror": '<img src="x" onerror="alert(1)">',
    "svg": '<svg onload="alert(1)"><script>alert(2)</script></svg>',
    "javascript link": '<a href="javascript:alert(1)">click</a>',
    "mixed-case link": '<a href="JaVaScRiPt:alert(1)">click</a>',
    "tab in the scheme": '<a href="java\tscript:alert(1)">click</a>',
    "entity-encoded scheme": '<a href="javascript&#58;alert(1)">click</a>',
    "entity-encoded letters": '<a href="&#106;avascript:alert(1)">click</a>',
    "newline entity": '<a href="java&#10;script:alert(1)">click</a>',
    "spaces around": '<a href="  javascript:alert(1)  ">click</a>',
    "data link": '<a href="data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;">x</a>',
    "vbscript link": '<a href="vbscript:msgbox(1)">x</a>',
    "link with a handler": '<a href="https://ok.example/" onclick="alert(1)">ok</a>',
    "page link with an href": '<a linktype="page" id="3" href="javascript:alert(1)">p</a>',
    "unknown link type": '<a linktype="evil" href="javascript:alert(1)">p</a>',
    "iframe": '<iframe src="javascript:alert(1)">inside</iframe>',
    "srcdoc iframe": '<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>',
    "object": '<object data="javascript:alert(1)"><param name="x" value="y"></object>',
    "bare embed": '<embed src="javascript:alert(1)">',
    "media embed with a script URL": '<embed embedtype="media" url="javascript:alert(1)"/>',
    "unknown embed type": '<embed embedtype="evil" src="javascript:alert(1)"/>',
    "style element": "<style>body { background: url(javascript:alert(1)) }</style><p>x</p>",
    "style attribute": '<p style="background:url(javascript:alert(1))">styled</p>',
    "form": '<form action="javascript:alert(1)"><button formaction="javascript:1">b</button>'
    "</form>",
    "meta refresh": '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "base": '<base href="javascript:alert(1)//">',
    "comment": "<!-- <script>alert(1)</script> -->text",
    "conditional comment": "<!--[if IE]><script>alert(1)</script><![endif]-->",
    "cdata": "<![CDATA[ x > <img src=x onerror=alert(1)> ]]>",
    "processing instruction": "<?xml x > <img src=x onerror=alert(1)> ?>",
    "doctype": "<!DOCTYPE html><img src=x onerror=alert(1)>",
    "unquoted attribute": "<a href=javascript:alert(1)>x</a>",
    "single quotes": "<a href='javascript:alert(1)'>x</a>",
    "broken tag": "<p <img src=x onerror=alert(1)>>text</p>",
    "stray angle": "1 < 2 and <b>bold",
    "unclosed link": '<p><a href="https://ok.example/">swallows the page',
    "stray closing tags": "</div></article><p>x</p>",
    "duplicate attribute": '<a href="https://ok.example/" href="javascript:alert(1)">x</a>',
    "template": "<template><script>alert(1)</script></template>",
    "noscript": '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></p></noscript>',
    "textarea": "<textarea></textarea><img src=x onerror=alert(1)></textarea>",
    "xmp": "<xmp><img src=x onerror=alert(1)></xmp>",
    "math": '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
}

TAG = re.compile(r"<[^>]*>")
LIVE_ATTRIBUTE = re.compile(r"[\s/]on[a-z]+\s*=|[\s/]style\s*=|[\s/]srcdoc\s*=", re.IGNORECASE)
ALLOWED_ELEMENTS = {
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "b", "strong", "i", "em", "ul", "ol", "li",
    "a", "br", "hr", "embed", "blockquote", "code", "s", "sub", "sup",
}  # fmt: skip


def assert_inert(html):
    """Nothing in ``html`` (database-format rich text) that a browser would run."""
    lowered = html.lower()
    for marker in ("<script", "<iframe", "<svg", "<object", "<style", "<!", "<?", "<img"):
        assert marker not in lowered, (marker, html)
    for tag in TAG.findall(html):
        names = re.sub(r'"[^"]*"', '""', tag)  # the tag without its attribute values
        assert not LIVE_ATTRIBUTE.search(names), (tag, html)
    assert not re.search(r"<(?![a-z/])", html), ("a '<' that starts no tag", html)
    soup = BeautifulSoup(html, "html.parser")
    for node in soup.descendants:
        if isinstance(node, NavigableString):
            assert type(node) is NavigableString, (type(node), html)
            continue
        assert node.name in ALLOWED_ELEMENTS, (node.name, html)
        for name, value in node.attrs.items():
            assert not name.startswith("on"), html
            if name == "href":
                assert safe_url(value) == value, html
            if name == "url":
                assert embeddable_url(value) == value, html
            if node.name == "embed":
                assert name in {"embedtype", "id", "format", "alt", "url"}, html
            elif node.name == "a":
                assert name in {"href", "linktype", "id"}, html
            elif node.name == "ol" and name == "start":
                assert re.fullmatch(r"[0-9]{1,6}", value), html
            else:
                assert name == "data-block-key", html


@pytest.mark.parametrize("source", EDITOR_TEXT)
def test_what_the_editor_stores_comes_back_unchanged(source):
    assert is_editor_rich_text(source) or "<" not in source
    assert sanitised_rich_text(source) == source


def test_what_the_importer_stores_comes_back_unchanged():
    blocks, _ = html_to_blocks(IMPORTED_HTML)
    paragraphs = [block["value"] for block in blocks if block["type"] == "paragraph"]
    assert paragraphs
    for source in paragraphs:
        assert is_editor_rich_text(source), source
        assert sanitised_rich_text(source) == source


def test_a_numbered_list_keeps_the_number_it_starts_at_and_nothing_else():
    # As the importer stores a list continued after a paragraph: kept as it is.
    kept = '<ol start="4"><li>Fourth</li></ol>'
    assert is_editor_rich_text(kept)
    assert sanitised_rich_text(kept) == kept
    assert (
        sanitised_rich_text(
            '<ol start="x" onclick="evil()" type="a"><li>One</li></ol>'
            '<ol start="4" reversed><li>Four</li></ol><ul start="2"><li>Dot</li></ul>'
        )
        == '<ol><li>One</li></ol><ol start="4"><li>Four</li></ol><ul><li>Dot</li></ul>'
    )


@pytest.mark.parametrize("source", list(HOSTILE.values()), ids=list(HOSTILE))
def test_hostile_rich_text_is_made_inert(source):
    cleaned = sanitised_rich_text(source)
    assert_inert(cleaned)
    # What comes out is the editor's kind of rich text: cleaning it again changes nothing.
    assert is_editor_rich_text(cleaned), cleaned
    assert sanitised_rich_text(cleaned) == cleaned


def test_the_reader_keeps_the_text_and_the_safe_markup():
    assert sanitised_rich_text(HOSTILE["script"]) == "<p>Before</p><p>after</p>"
    assert sanitised_rich_text(HOSTILE["event handler"]) == "<p>Hover</p>"
    assert sanitised_rich_text(HOSTILE["javascript link"]) == "<a>click</a>"
    assert sanitised_rich_text(HOSTILE["link with a handler"]) == (
        '<a href="https://ok.example/">ok</a>'
    )
    assert sanitised_rich_text(HOSTILE["page link with an href"]) == (
        '<a id="3" linktype="page">p</a>'
    )
    assert sanitised_rich_text(HOSTILE["unclosed link"]) == (
        '<p><a href="https://ok.example/">swallows the page</a></p>'
    )
    assert sanitised_rich_text(HOSTILE["stray angle"]) == "1 &lt; 2 and <b>bold</b>"
    assert sanitised_rich_text('<P data-block-key="k">Up</P><div>Div</div>') == (
        '<p data-block-key="k">Up</p><p>Div</p>'
    )
    assert sanitised_rich_text('<a href=" https://ok.example/ ">x</a>') == (
        '<a href="https://ok.example/">x</a>'
    )
    assert sanitised_rich_text('<a href="//elsewhere.example/">x</a>') == (
        '<a href="https://elsewhere.example/">x</a>'
    )


def test_a_media_embed_keeps_a_web_url_only():
    good = '<embed embedtype="media" url="https://vimeo.com/1"/><p>x</p>'
    assert sanitised_rich_text(good) == good
    assert sanitised_rich_text(good + HOSTILE["media embed with a script URL"]) == good


FRAGMENTS = [
    "<p>", "</p>", "<b>", "</b>", "<a ", "<a href=\"", "href=", "\"", "'", ">", "<", "/>",
    "javascript:", "JaVaScript&#58;", "java\tscript:", "alert(1)", " onclick=", " style=",
    "<script>", "</script>", "<iframe ", "<svg>", "<!--", "-->", "<![CDATA[", "]]>", "<?",
    "<embed ", "embedtype=\"media\" ", "url=\"", "linktype=\"page\" ", "id=\"1\"", "&lt;",
    "&", "<img src=x onerror=alert(1)>", "text ", "<br/>", "</a>", "<style>", "<textarea>",
    "data-block-key=\"k\"", "<P", "</", "=",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=25))
def test_any_mix_of_markup_comes_out_inert(fragments):
    cleaned = sanitised_rich_text("".join(fragments))
    assert_inert(cleaned)
    assert is_editor_rich_text(cleaned) or "<" not in cleaned
