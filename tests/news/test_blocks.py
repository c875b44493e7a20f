"""Every block of the news and standard bodies follows the block protocol
(cms/core/blocks/base.py), so each is complete in its own module and template."""

from pathlib import Path

import pytest
from django.conf import settings

from cms.core.blocks import NewsdeskBlock
from home.blocks import StandardBodyBlock
from news.blocks import NewsBodyBlock

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
            {"type": "embed", "value": {"url": "https://video.example/1", "title": "Storm"}},
        ]
    )
    assert body.word_count(value) == 233
    text = body.search_text(value)
    assert "one two three" in text and "AFP" in text and "Storm" in text
