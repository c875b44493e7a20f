"""Every block of the news and standard bodies follows the block protocol
(cms/core/blocks/base.py), so each is complete in its own module and template."""

from pathlib import Path

import pytest
from django.conf import settings

from cms.core.blocks import NewsdeskBlock
from cms.core.blocks.labelled_stream import LabelledStreamBlockAdapter
from home.blocks import StandardBodyBlock
from news.blocks import NewsBodyBlock, RelatedArticlesBlock

TEMPLATES = Path(settings.TEMPLATES[0]["DIRS"][0])
BODIES = [NewsBodyBlock(), StandardBodyBlock()]
CHILDREN = [
    pytest.param(body, name, id=f"{type(body).__name__}.{name}")
    for body in BODIES
    for name in body.child_blocks
]


@pytest.mark.parametrize(("body", "name"), CHILDREN)
def test_each_block_says_everything_about_itself(body, name):
    block = body.child_blocks[name]
    assert isinstance(block, NewsdeskBlock)
    assert block.api_schema is not None, "api_schema: the type of its API value"
    assert type(block).api_value is not NewsdeskBlock.api_value, "api_value"
    assert block.meta.icon not in (None, "placeholder"), "an admin icon"
    assert block.meta.label, "a label"
    assert (TEMPLATES / block.meta.template).exists(), f"its template {block.meta.template}"


def test_the_body_schema_lists_every_block_of_the_body():
    union = NewsBodyBlock().api_schema().__origin__
    names = {child.model_fields["type"].annotation.__args__[0] for child in union.__args__}
    assert names == set(NewsBodyBlock().child_blocks)


def test_reading_time_and_search_text_come_from_the_blocks():
    body = NewsBodyBlock()
    value = body.to_python(
        [
            {"type": "paragraph", "value": "<p>" + "word " * 230 + "</p>"},
            {"type": "quote", "value": {"text": "one two three", "source_name": "AFP"}},
            {
                "type": "embed",
                "value": {"heading": "Footage", "url": "https://v.example/1", "title": "Storm"},
            },
            {
                "type": "related_articles",
                "value": {
                    "heading": "Read more",
                    "items": [
                        {
                            "type": "link",
                            "value": {
                                "url": "https://else.example/",
                                "title": "Elsewhere",
                                "summary": "Ferries diverted",
                            },
                        }
                    ],
                },
            },
        ]
    )
    assert body.word_count(value) == 233
    text = body.search_text(value)
    for words in ["one two three", "AFP", "Storm", "Footage", "Elsewhere", "Ferries diverted"]:
        assert words in text


def test_related_items_ask_for_a_link_on_save_not_on_insert():
    """Wagtail's editor shows a StreamBlock's min_num error the moment the block is
    added; the items have none (RelatedArticlesBlock.clean asks on save instead), and
    their add button says what it adds."""
    items = RelatedArticlesBlock().child_blocks["items"]
    adapter = LabelledStreamBlockAdapter()
    meta = adapter.js_args(items)[3]
    assert (meta["minNum"], meta["required"]) == (None, False)
    assert meta["addLabel"] == "Add an article or a link"
    assert adapter.js_constructor == "cms.blocks.LabelledStreamBlock"
    assert "cms/admin/labelled-stream-block.js" in str(adapter.media)


SCRIPT_URL = " JaVa\tScript:alert(1)"


def test_blocks_serve_only_urls_that_may_be_links():
    """A stored URL that fails the allow-list (cms/core/safe_urls.py) is served as "";
    an embed is looked up only for an absolute http(s) URL."""
    body = NewsBodyBlock()
    quote = body.child_blocks["quote"]
    related = body.child_blocks["related_articles"]
    embed = body.child_blocks["embed"]
    # No resolver: nothing may be looked up for these values.
    assert quote.api_value({"source_name": "AFP", "source_url": SCRIPT_URL}, None) == {
        "text": "",
        "text_html": "",
        "attribution": "",
        "source_name": "AFP",
        "source_url": "",
    }
    link = {"type": "link", "value": {"url": SCRIPT_URL, "title": "Elsewhere"}}
    assert related.api_value({"heading": "More", "items": [link]}, None)["items"] == [
        {"type": "link", "url": "", "title": "Elsewhere", "summary": ""}
    ]
    for url in (SCRIPT_URL, "/videos/1", "mailto:v@x.example"):
        assert embed.references({"url": url}) == {"embeds": [""]}
        value = embed.api_value({"url": url, "title": "Storm"}, None)
        assert value["embed"] is None
    assert embed.api_value({"url": SCRIPT_URL}, None)["url"] == ""
    assert embed.references({"url": "https://v.example/1"}) == {"embeds": ["https://v.example/1"]}


def test_reader_templates_render_rich_text_sanitised():
    """Reader templates render stored rich text with ``safe_richtext`` (content_tags),
    never with Wagtail's ``richtext`` filter, which trusts what is stored."""
    readers = [path for path in TEMPLATES.rglob("*.html") if "admin" not in path.parts]
    unsafe = [str(path) for path in readers if "|richtext" in path.read_text()]
    assert unsafe == []
