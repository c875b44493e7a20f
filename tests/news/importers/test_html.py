"""The importers' HTML → body blocks converter (news/importers/html.py): cleaning and the
shapes each kind of blog markup becomes. The commands' own tests check the same through
call_command; these pin the cleaning rules case by case."""

import pytest

from news.importers.html import comment_text, html_to_blocks, video_url

BASE = "http://oldblog.example/2017/02/post.html"


def convert(source, *, resolver=None, autop=False):
    blocks, converter = html_to_blocks(source, base_url=BASE, image_resolver=resolver, autop=autop)
    return blocks, converter


def paragraphs(source, **options):
    blocks, _ = convert(source, **options)
    assert [block["type"] for block in blocks] == ["paragraph"]
    return blocks[0]["value"]


def test_scripts_styles_forms_and_plugins_are_removed():
    blocks, converter = convert(
        "<p>Before</p><script>alert('x')</script><style>p{color:red}</style>"
        "<noscript><img src='track.gif'></noscript>"
        "<form action='/steal'><input name='card'><button>Go</button></form>"
        "<iframe src='https://ads.example/frame'></iframe>"
        "<object data='movie.swf'><param name='movie' value='movie.swf'></object>"
        "<p>After</p>"
    )

    assert blocks == [{"type": "paragraph", "value": "<p>Before</p><p>After</p>"}]
    assert dict(converter.removed) == {
        "script": 1,
        "style": 1,
        "noscript": 1,
        "form": 1,
        "iframe": 1,
        "object": 1,
    }


def test_inline_styles_event_handlers_and_unsafe_links_are_stripped():
    value = paragraphs(
        '<p style="color:red" onclick="steal()" class="x">A <span style="font-size:40px">'
        'big</span> <a href="javascript:alert(1)" onmouseover="x()">trap</a>, '
        '<a href="data:text/html;base64,PHNjcmlwdD4=">data</a> and '
        '<a href=" https://ok.example/page " target="_blank" style="color:red">ok</a></p>'
    )

    assert value == '<p>A big trap, data and <a href="https://ok.example/page">ok</a></p>'


def test_safe_inline_formatting_is_kept_and_normalised():
    value = paragraphs(
        "<p><strong>Strong</strong>, <em>emphasis</em>, <b>b</b>, <i>i</i>, <u>under</u>, "
        "<code>code</code><br>next line &amp; &lt;escaped&gt;</p>"
    )

    assert value == (
        "<p><b>Strong</b>, <i>emphasis</i>, <b>b</b>, <i>i</i>, under, code<br/>"
        "next line &amp; &lt;escaped&gt;</p>"
    )


def test_relative_links_point_at_the_old_blog():
    value = paragraphs('<p><a href="/2016/01/older.html">older</a> <a href="#top">top</a></p>')

    assert value == '<p><a href="http://oldblog.example/2016/01/older.html">older</a> top</p>'


def test_text_breaks_and_unclosed_tags_are_tolerated():
    value = paragraphs("<div>One<br /><br />Two <b>bold<br><br>still bold</div><p>Three<p>Four")

    assert value == (
        "<p>One</p><p>Two <b>bold</b></p><p><b>still bold</b></p><p>Three</p><p>Four</p>"
    )


def test_empty_paragraphs_and_non_breaking_spaces_are_dropped():
    blocks, _ = convert("<div>&nbsp;</div><p> </p><p><b></b></p><div><br></div>")

    assert blocks == []


def test_headings_and_lists():
    value = paragraphs(
        "<h1>Top</h1><h2>Second</h2><h4>Small</h4><h6>Tiny</h6>"
        "<ol><li>One <b>bold</b></li><li>Two<ul><li>Nested</li></ul></li></ol>"
    )

    assert value == (
        "<h2>Top</h2><h2>Second</h2><h3>Small</h3><h3>Tiny</h3>"
        "<ol><li>One <b>bold</b></li><li>Two<ul><li>Nested</li></ul></li></ol>"
    )


def test_blockquote_becomes_a_quote_with_its_attribution():
    blocks, _ = convert(
        '<blockquote cite="https://wire.example/afp/1"><p>First line.</p><p>Second line.</p>'
        "<footer>— Harbour master</footer></blockquote>"
    )

    assert blocks == [
        {
            "type": "quote",
            "value": {
                "text": "<p>First line.</p><p>Second line.</p>",
                "attribution": "Harbour master",
                "source_name": "",
                "source_url": "https://wire.example/afp/1",
            },
        }
    ]


def test_an_inline_cite_stays_part_of_the_quote():
    blocks, _ = convert("<blockquote>As <cite>Hamlet</cite> says, words.</blockquote>")

    assert blocks[0]["value"]["text"] == "<p>As <i>Hamlet</i> says, words.</p>"
    assert blocks[0]["value"]["attribution"] == ""


def test_blogger_caption_table_becomes_an_image_with_its_caption():
    asked = []

    def resolver(urls, alt, caption):
        asked.append((urls, alt, caption))
        return 42

    blocks, converter = convert(
        '<table class="tr-caption-container"><tr><td>'
        '<a href="http://1.bp.blogspot.com/s1600/pier.jpg"><img alt="Pier" '
        'src="http://1.bp.blogspot.com/s320/pier.jpg"></a></td></tr>'
        '<tr><td class="tr-caption">The old pier</td></tr></table>',
        resolver=resolver,
    )

    assert blocks == [
        {
            "type": "image",
            "value": {"image": 42, "caption": "The old pier", "credit": "", "alt_text": "Pier"},
        }
    ]
    # The full-size file first, then the picture shown on the page.
    assert asked == [
        (
            ["http://1.bp.blogspot.com/s1600/pier.jpg", "http://1.bp.blogspot.com/s320/pier.jpg"],
            "Pier",
            "The old pier",
        )
    ]
    assert converter.external_images == []


def test_figure_with_figcaption_and_unfound_pictures():
    blocks, converter = convert(
        '<p>Look:</p><figure><img src="/uploads/boat.jpg" alt="A boat">'
        "<figcaption>The <i>Mary</i> at sea</figcaption></figure><p>Nice.</p>"
    )

    assert blocks == [
        {
            "type": "paragraph",
            "value": '<p>Look:</p><p><a href="http://oldblog.example/uploads/boat.jpg">'
            "Image: The Mary at sea</a></p><p>Nice.</p>",
        }
    ]
    assert converter.external_images == ["http://oldblog.example/uploads/boat.jpg"]


def test_pictures_without_a_usable_address_are_dropped():
    blocks, converter = convert('<p>x</p><img src="data:image/png;base64,AAAA"><img>')

    assert blocks == [{"type": "paragraph", "value": "<p>x</p>"}]
    assert converter.removed["img"] == 2


@pytest.mark.parametrize(
    ("source", "url"),
    [
        (
            '<iframe src="https://www.youtube.com/embed/aqz-KE-bpKQ?rel=0" allowfullscreen>',
            "https://www.youtube.com/watch?v=aqz-KE-bpKQ",
        ),
        (
            '<iframe src="//www.youtube-nocookie.com/embed/aqz-KE-bpKQ"></iframe>',
            "https://www.youtube.com/watch?v=aqz-KE-bpKQ",
        ),
        (
            '<iframe src="https://player.vimeo.com/video/76979871?h=abc"></iframe>',
            "https://vimeo.com/76979871",
        ),
        (
            '<object><param name="movie" value="http://www.youtube.com/v/aqz-KE-bpKQ">'
            '<embed src="http://www.youtube.com/v/aqz-KE-bpKQ" type="application/x-flash">'
            "</object>",
            "https://www.youtube.com/watch?v=aqz-KE-bpKQ",
        ),
        ("<p>https://youtu.be/aqz-KE-bpKQ</p>", "https://www.youtube.com/watch?v=aqz-KE-bpKQ"),
        (
            '<figure class="wp-block-embed"><div class="wp-block-embed__wrapper">'
            "https://twitter.example/status/1</div></figure>",
            "https://twitter.example/status/1",
        ),
    ],
)
def test_videos_become_embed_blocks(source, url):
    blocks, _ = convert(source)

    assert blocks == [
        {"type": "embed", "value": {"heading": "", "url": url, "title": "", "caption": ""}}
    ]


@pytest.mark.parametrize(
    ("address", "canonical"),
    [
        (
            "https://www.youtube.com/watch?v=aqz-KE-bpKQ&t=10",
            "https://www.youtube.com/watch?v=aqz-KE-bpKQ",
        ),
        (
            "https://m.youtube.com/shorts/aqz-KE-bpKQ",
            "https://www.youtube.com/watch?v=aqz-KE-bpKQ",
        ),
        ("https://vimeo.com/channels/staffpicks/76979871", "https://vimeo.com/76979871"),
        ("https://www.youtube.com/embed/<script>", ""),
        ("javascript:alert(1)", ""),
        ("https://example.com/video.mp4", ""),
    ],
)
def test_video_url(address, canonical):
    assert video_url(address) == canonical


def test_autop_turns_blank_lines_into_paragraphs():
    value = paragraphs(
        "First paragraph\nwith a break.\n\n\nSecond <b>bold\n\nstill</b> end.", autop=True
    )

    assert value == (
        "<p>First paragraph<br/>with a break.</p><p>Second <b>bold</b></p><p><b>still</b> end.</p>"
    )


def test_a_data_table_becomes_a_table_block_with_its_header_row_and_empty_cells():
    blocks, _ = convert(
        "<table><caption>Sailings</caption><thead><tr><th>Ferry</th><th>Mon</th><th>Tue</th>"
        "</tr></thead><tbody><tr><td>Alder</td><td><b>9:00</b></td><td></td></tr>"
        "<tr><td>Birch</td><td>&nbsp;</td><td>10:15<br>11:30</td></tr>"
        "<tr><td></td><td> </td><td></td></tr></tbody></table>"
    )

    assert blocks == [
        {
            "type": "table",
            "value": {
                "data": [
                    ["Ferry", "Mon", "Tue"],
                    ["Alder", "9:00", ""],
                    ["Birch", "", "10:15\n11:30"],
                ],
                "table_header_choice": "row",
                "first_row_is_table_header": True,
                "first_col_is_header": False,
                "table_caption": "Sailings",
            },
        }
    ]


def test_merged_table_cells_are_unmerged_so_columns_stay_in_place():
    blocks, _ = convert(
        "<table><tr><th>Route</th><th>Day</th><th>Time</th></tr>"
        '<tr><td rowspan="2">Harbour</td><td>Mon</td><td>9:00</td></tr>'
        '<tr><td>Tue</td><td rowspan="2">10:00</td></tr>'
        '<tr><td colspan="2">Island (all week)</td></tr>'
        '<tr><td colspan="abc">Odd</td><td>x</td><td colspan="1000">y</td></tr></table>'
    )

    value = blocks[0]["value"]
    assert value["data"] == [
        ["Route", "Day", "Time"],
        ["Harbour", "Mon", "9:00"],
        ["", "Tue", "10:00"],
        ["Island (all week)", "", ""],
        ["Odd", "x", "y"],
    ]
    assert value["first_row_is_table_header"] is True


def test_a_table_with_row_headers_and_no_header_row():
    blocks, _ = convert(
        "<table><tr><th>Alder</th><td>9:00</td></tr><tr><th>Birch</th><td>10:00</td></tr></table>"
    )

    value = blocks[0]["value"]
    assert value["first_row_is_table_header"] is False
    assert value["first_col_is_header"] is True
    assert value["table_header_choice"] == "column"
    assert value["data"] == [["Alder", "9:00"], ["Birch", "10:00"]]


def test_layout_tables_are_unwrapped_not_made_into_tables():
    blocks, _ = convert(
        "<table><tr><td><p>Just one <i>cell</i> of text.</p></td></tr></table>"
        '<table><tr><td><img src="https://ext.example/a.jpg" alt="A"></td>'
        "<td>Side text</td></tr></table>"
    )

    assert [block["type"] for block in blocks] == ["paragraph"]
    assert blocks[0]["value"].startswith("<p>Just one <i>cell</i> of text.</p>")
    assert "Side text" in blocks[0]["value"]


def test_a_table_inside_a_cell_stays_in_that_cell():
    blocks, _ = convert(
        "<table><tr><th>Ferry</th><th>Times</th></tr><tr><td>Alder</td><td>"
        "<table><tr><td>9:00</td><td>10:00</td></tr></table></td></tr></table>"
    )

    assert blocks[0]["value"]["data"] == [["Ferry", "Times"], ["Alder", "9:00\n10:00"]]


def test_pre_becomes_a_code_block_with_its_language_and_whitespace():
    blocks, _ = convert(
        '<pre class="wp-block-code"><code class="language-python">\n'
        "def tide(hour):\n\tif hour &lt; 6:\n        return &quot;low&quot;\n\n    return 1\n"
        "</code></pre>"
        '<pre class="brush: bash; gutter: false">make   run</pre>'
        '<pre class="lang:js decode:true">x = 1;</pre>'
        '<pre lang="C++">int x;</pre>'
        '<pre class="language-&lt;script&gt;">plain</pre>'
        "<pre>   \n  </pre>"
        "<pre>line one<br>  line two</pre>"
    )

    assert blocks == [
        {
            "type": "code",
            "value": {
                "language": "python",
                "code": 'def tide(hour):\n\tif hour < 6:\n        return "low"\n\n    return 1',
            },
        },
        {"type": "code", "value": {"language": "bash", "code": "make   run"}},
        {"type": "code", "value": {"language": "js", "code": "x = 1;"}},
        {"type": "code", "value": {"language": "c++", "code": "int x;"}},
        {"type": "code", "value": {"language": "", "code": "plain"}},
        {"type": "code", "value": {"language": "", "code": "line one\n  line two"}},
    ]


def test_nested_lists_stay_nested_and_numbering_is_kept():
    value = paragraphs(
        "<ul><li>Tides<ul><li>High<ol><li>Spring</li></ol></li><li>Low</li></ul></li>"
        "<li>Winds</li></ul><p>Meanwhile:</p>"
        '<ol start="4"><li>Fourth</li><li>Fifth</li></ol>'
        '<ol start="1"><li>One</li></ol><ol start="x"><li>Odd</li></ol>'
        "<ul><li>Outer</li><ul><li>Stray inner list</li></ul></ul>"
    )

    assert value == (
        "<ul><li>Tides<ul><li>High<ol><li>Spring</li></ol></li><li>Low</li></ul></li>"
        "<li>Winds</li></ul><p>Meanwhile:</p>"
        '<ol start="4"><li>Fourth</li><li>Fifth</li></ol>'
        "<ol><li>One</li></ol><ol><li>Odd</li></ol>"
        "<ul><li>Outer<ul><li>Stray inner list</li></ul></li></ul>"
    )


def test_inline_markup_inside_quotes_survives():
    blocks, _ = convert(
        "<blockquote><p>The <b>council</b> said it <i>would</i> appeal "
        '(<a href="https://council.example/ruling">ruling</a>); CO<sub>2</sub> rose.</p>'
        "<ul><li>First point</li><li>Second <em>point</em></li></ul>"
        '<p onclick="x()"><span style="color:red">Styled</span> <script>evil()</script>'
        '<a href="javascript:evil()">bad link</a></p>'
        "<p>Source: AFP</p></blockquote>"
    )

    assert blocks[0]["value"] == {
        "text": (
            "<p>The <b>council</b> said it <i>would</i> appeal "
            '(<a href="https://council.example/ruling">ruling</a>); CO<sub>2</sub> rose.</p>'
            "<p>First point</p><p>Second <i>point</i></p><p>Styled bad link</p>"
        ),
        "attribution": "",
        "source_name": "AFP",
        "source_url": "",
    }


def test_comment_text_keeps_line_breaks_and_link_addresses():
    text = comment_text(
        "<p>Great post!</p><p>See <a href='https://a.example/x'>this</a> and "
        "<a href='https://b.example'>https://b.example</a>.<br>Bye "
        "<script>x()</script><a href='javascript:evil()'>click</a></p>"
    )

    assert text == (
        "Great post!\n\nSee this (https://a.example/x) and https://b.example.\nBye click"
    )


@pytest.mark.parametrize(
    ("markup", "name", "url"),
    [
        ("<blockquote><p>Talks resumed.</p><p>Source: AFP</p></blockquote>", "AFP", ""),
        ("<blockquote><p>Talks resumed.<br>Source: AFP</p></blockquote>", "AFP", ""),
        ("<blockquote>Talks resumed.<br/>— Reuters</blockquote>", "Reuters", ""),
        ("<blockquote><p>Talks resumed.</p><p>&mdash; Reuters.</p></blockquote>", "Reuters", ""),
        (
            '<blockquote><p>Talks resumed.</p><p><b>Source: <a href="https://apnews.example/1">'
            "AP</a></b></p></blockquote>",
            "AP",
            "https://apnews.example/1",
        ),
        (
            "<blockquote>Talks resumed.<br><b>Source: <a href='/wire/ap'>AP</a></b></blockquote>",
            "AP",
            "http://oldblog.example/wire/ap",
        ),
        ("<blockquote><p>Talks resumed.</p><cite>Reuters</cite></blockquote>", "Reuters", ""),
        (
            '<blockquote cite="https://afp.example/x"><p>Talks resumed.</p>'
            "<p>Source: Agence France-Presse</p></blockquote>",
            "Agence France-Presse",
            "https://afp.example/x",
        ),
    ],
)
def test_a_closing_source_line_becomes_the_quotes_source(markup, name, url):
    """Wire copy pasted into a blog ends with its source; it belongs in the quote's
    source fields, not at the end of the quoted words."""
    blocks, _ = convert(markup)

    assert [block["type"] for block in blocks] == ["quote"]
    value = blocks[0]["value"]
    assert value["text"] == "<p>Talks resumed.</p>"
    assert value["source_name"] == name
    assert value["source_url"] == url
    assert value["attribution"] == ""


def test_lines_that_name_no_source_stay_in_the_quote():
    blocks, _ = convert(
        "<blockquote><p>We will appeal.</p><cite>The harbour master</cite></blockquote>"
    )
    assert blocks[0]["value"]["attribution"] == "The harbour master"
    assert blocks[0]["value"]["source_name"] == ""

    blocks, _ = convert("<blockquote><p>We will appeal.</p><p>AP style matters.</p></blockquote>")
    assert blocks[0]["value"]["text"] == "<p>We will appeal.</p><p>AP style matters.</p>"
    assert blocks[0]["value"]["source_name"] == ""

    # A quotation that is nothing but the line keeps it as its text.
    blocks, _ = convert("<blockquote>Source: AFP</blockquote>")
    assert blocks[0]["value"]["text"] == "<p>Source: AFP</p>"
    assert blocks[0]["value"]["source_name"] == ""


def test_a_quote_with_both_a_speaker_and_a_source():
    blocks, _ = convert(
        "<blockquote><p>Talks resumed.</p><footer>— A ministry spokesman</footer></blockquote>"
    )
    assert blocks[0]["value"]["attribution"] == "A ministry spokesman"
    blocks, _ = convert(
        "<blockquote><p>Talks resumed.<br>— A ministry spokesman</p><p>Source: AFP</p>"
        "</blockquote>"
    )
    value = blocks[0]["value"]
    assert value["source_name"] == "AFP"
    assert value["text"] == "<p>Talks resumed.<br/>— A ministry spokesman</p>"


def test_superscript_and_subscript_are_kept():
    assert paragraphs("<p>CO<sub>2</sub> fell to 3 m<sup>2</sup>.<sup> </sup></p>") == (
        "<p>CO<sub>2</sub> fell to 3 m<sup>2</sup>.</p>"
    )


@pytest.mark.parametrize(
    ("caption", "expected"),
    [
        ("The pier at dawn. Photo: Jo Lens/Reuters", ("The pier at dawn.", "Jo Lens/Reuters")),
        ("The pier at dawn (Picture: AP)", ("The pier at dawn", "AP")),
        (
            "The pier at dawn — Credit: Port Alder Council.",
            ("The pier at dawn", "Port Alder Council"),
        ),
        ("© Maren Holt", ("", "Maren Holt")),
        ("A photo: the pier at dawn", ("A photo: the pier at dawn", "")),
        ("The pier at dawn", ("The pier at dawn", "")),
    ],
)
def test_a_credit_ending_a_caption_becomes_the_image_credit(caption, expected):
    blocks, _ = convert(
        f'<figure><img src="/p.jpg" alt="Pier"><figcaption>{caption}</figcaption></figure>',
        resolver=lambda urls, alt, caption: 7,
    )

    assert (blocks[0]["value"]["caption"], blocks[0]["value"]["credit"]) == expected


def test_a_video_figure_keeps_its_heading_and_player_title():
    blocks, _ = convert(
        '<figure class="video-embed"><h3>Related video</h3>'
        '<iframe src="https://www.youtube.com/embed/aqz-KE-bpKQ" title="The harbour wall">'
        "</iframe><figcaption>Filmed by a reader.</figcaption></figure>"
    )

    assert blocks == [
        {
            "type": "embed",
            "value": {
                "heading": "Related video",
                "url": "https://www.youtube.com/watch?v=aqz-KE-bpKQ",
                "title": "The harbour wall",
                "caption": "Filmed by a reader.",
            },
        }
    ]


def test_a_read_more_list_of_links_becomes_related_articles():
    blocks, _ = convert(
        "<p>Story.</p><p><strong>Read more:</strong></p>"
        '<ul><li><a href="/2017/ferry">Ferry cut</a> - what changes</li>'
        '<li><a href="https://other.example/wall">The wall</a></li></ul>'
    )

    assert blocks[1] == {
        "type": "related_articles",
        "value": {
            "heading": "Read more",
            "items": [
                {
                    "type": "link",
                    "value": {
                        "url": "http://oldblog.example/2017/ferry",
                        "title": "Ferry cut",
                        "summary": "what changes",
                    },
                },
                {
                    "type": "link",
                    "value": {
                        "url": "https://other.example/wall",
                        "title": "The wall",
                        "summary": "",
                    },
                },
            ],
        },
    }


@pytest.mark.parametrize(
    "markup",
    [
        # Not a related-articles heading.
        '<h3>Ingredients</h3><ul><li><a href="https://x.example/a">Flour</a></li></ul>',
        # An item with text before its link, or two links, or none.
        '<h3>Related</h3><ul><li>See <a href="https://x.example/a">A</a></li></ul>',
        '<h3>Related</h3><ul><li><a href="https://x.example/a">A</a> '
        '<a href="https://x.example/b">B</a></li></ul>',
        "<h3>Related</h3><ul><li>Plain item</li></ul>",
        # A link that may not be one.
        '<h3>Related</h3><ul><li><a href="javascript:evil()">A</a></li></ul>',
    ],
)
def test_other_lists_after_a_heading_stay_lists(markup):
    blocks, _ = convert(markup)

    assert [block["type"] for block in blocks] == ["paragraph"]
    assert "<ul>" in blocks[0]["value"]


def test_disclaimer_paragraphs_become_one_disclaimer_block():
    blocks, _ = convert(
        "<p>Story.</p>"
        '<p class="disclaimer">Views are the <b>author\'s</b> own.</p>'
        '<p class="disclaimer">See <a href="https://x.example/policy">our policy</a>.</p>'
        "<p>The views expressed by readers in the comments are theirs.</p><p>Last word.</p>"
    )

    assert [block["type"] for block in blocks] == ["paragraph", "disclaimer", "paragraph"]
    assert blocks[1]["value"] == {
        "disclaimer": None,
        "text": "<p>Views are the <b>author's</b> own.</p>"
        '<p>See <a href="https://x.example/policy">our policy</a>.</p>',
    }
    # Only a closing "views expressed" paragraph is one; this one ends the body.
    blocks, _ = convert("<p>Story.</p><p>The views expressed are those of the author.</p>")
    assert blocks == [
        {"type": "paragraph", "value": "<p>Story.</p>"},
        {
            "type": "disclaimer",
            "value": {
                "disclaimer": None,
                "text": "<p>The views expressed are those of the author.</p>",
            },
        },
    ]
