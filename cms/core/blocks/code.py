"""``code``: a piece of code or other preformatted text, shown in a monospace font with its
line breaks and indentation exactly as written.

``language`` (optional) names the language for syntax highlighting on the frontend
("python", "bash", "html"...): it is written on the ``<code>`` element as Prism and
highlight.js expect (``class="language-python"``) and served in the API; Newsdesk itself
highlights nothing.
"""

import re
from functools import cached_property

from django.core.exceptions import ValidationError
from django.forms.utils import ErrorList
from pydantic import BaseModel, Field
from wagtail import blocks
from wagtail.blocks import StructBlockValidationError

from cms.core.blocks.base import NewsdeskBlock, raw_text

# A language name as highlighters spell them: "python", "c++", "objective-c", "c#".
LANGUAGE = re.compile(r"[a-z0-9][a-z0-9+#._-]{0,39}")


def clean_language(value):
    """``value`` as a language name (lowercase), or "" when it is not one."""
    value = (value or "").strip().lower()
    return value if LANGUAGE.fullmatch(value) else ""


class CodeTextBlock(blocks.TextBlock):
    """A text block that keeps its text exactly (Django's text fields strip the whitespace
    around the text, which is the first line's indentation), edited in a monospace box
    that neither wraps lines nor checks spelling."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.field_options["strip"] = False

    @cached_property
    def field(self):
        field = super().field
        field.widget.attrs.update(
            {
                "spellcheck": "false",
                "autocapitalize": "off",
                "style": "font-family: monospace; white-space: pre; overflow-x: auto; tab-size: 4",
            }
        )
        return field


def tidy_code(text):
    """Code as stored: line breaks as "\\n" (browsers send "\\r\\n"), the blank
    lines around it and the spaces after it dropped, every other character kept."""
    return (text or "").replace("\r\n", "\n").replace("\r", "\n").lstrip("\n").rstrip()


class CodeValue(BaseModel):
    language: str = Field(
        description='The language of the code, lowercase (e.g. "python"), for syntax '
        'highlighting; "" when none was given'
    )
    code: str = Field(description="The code exactly as written: whitespace and line breaks kept")


class CodeBlock(NewsdeskBlock, blocks.StructBlock):
    api_schema = CodeValue

    language = blocks.CharBlock(
        required=False,
        max_length=40,
        help_text='Optional, for syntax highlighting: e.g. "python", "bash", "html"',
    )
    code = CodeTextBlock(
        rows=8,
        help_text="Pasted as it is: spaces, tabs and line breaks are kept",
    )

    def clean(self, value):
        value = super().clean(value)
        language = (value.get("language") or "").strip()
        errors = {}
        if language and not clean_language(language):
            errors["language"] = (
                "Use a language name such as python, bash or c++ "
                "(letters, digits and + # . _ -, at most 40)."
            )
        if not tidy_code(value.get("code")).strip():
            errors["code"] = "Paste the code to show, or remove this block."
        if errors:
            raise StructBlockValidationError(
                block_errors={
                    name: ErrorList([ValidationError(message)]) for name, message in errors.items()
                }
            )
        value["language"] = language.lower()
        value["code"] = tidy_code(value.get("code"))
        return value

    def api_value(self, raw, resolver):
        return {
            "language": clean_language(raw_text(raw, "language")),
            "code": raw_text(raw, "code"),
        }

    def search_text(self, raw, resolver=None):
        return raw_text(raw, "code")

    def word_count(self, raw):
        return len(raw_text(raw, "code").split())

    class Meta:
        icon = "code"
        label = "Code"
        template = "news/blocks/code.html"
