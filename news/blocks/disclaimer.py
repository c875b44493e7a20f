"""``disclaimer``: a reusable Disclaimer snippet, or text written for this post only."""

from typing import Literal

from django.core.exceptions import ValidationError
from django.forms.utils import ErrorList
from django.utils.html import strip_tags
from pydantic import BaseModel
from wagtail import blocks
from wagtail.blocks import StructBlockValidationError
from wagtail.snippets.blocks import SnippetChooserBlock

from cms.core.blocks import NewsdeskBlock, plain_text, raw_text
from cms.core.resolvers import rendering_resolver


class DisclaimerChooserBlock(SnippetChooserBlock):
    """Wagtail's snippet chooser, taking the disclaimers from the resolver of the response
    being rendered, when there is one (cms.core.resolvers.rendering_with)."""

    def bulk_to_python(self, values):
        resolver = rendering_resolver()
        if resolver is None:
            return super().bulk_to_python(values)
        return resolver.disclaimer_models(values)


class DisclaimerValue(BaseModel):
    source: Literal["snippet", "custom"]
    disclaimer_id: int | None
    html: str


class DisclaimerBlock(NewsdeskBlock, blocks.StructBlock):
    api_schema = DisclaimerValue

    disclaimer = DisclaimerChooserBlock(
        "news.Disclaimer",
        required=False,
        label="Saved disclaimer",
        help_text="One of the site's standing notices (Snippets > Disclaimers)",
    )
    text = blocks.RichTextBlock(
        required=False,
        features=["bold", "italic", "link"],
        label="Or write your own",
        help_text="For this post only",
    )

    def clean(self, value):
        value = super().clean(value)
        has_snippet = value.get("disclaimer") is not None
        has_text = bool(value.get("text") and strip_tags(value["text"].source).strip())
        if has_snippet and has_text:
            message = "Choose a saved disclaimer or write custom text, not both."
        elif not has_snippet and not has_text and not self.is_deferred_validation:
            # A draft (and autosave) may keep an empty block; submitting or publishing not.
            message = "Choose a saved disclaimer or write custom text."
        else:
            message = None
        if message:
            raise StructBlockValidationError(
                block_errors={"disclaimer": ErrorList([ValidationError(message)])}
            )
        return value

    def references(self, raw):
        return {"disclaimers": [(raw or {}).get("disclaimer")]}

    def api_value(self, raw, resolver):
        disclaimer_id = (raw or {}).get("disclaimer")
        if disclaimer_id:
            disclaimer = resolver.disclaimer(disclaimer_id)
            return {
                "source": "snippet",
                "disclaimer_id": disclaimer.pk if disclaimer else None,
                "html": resolver.rich_text(disclaimer.text) if disclaimer else "",
            }
        return {
            "source": "custom",
            "disclaimer_id": None,
            "html": resolver.rich_text(raw_text(raw, "text")),
        }

    def search_text(self, raw, resolver=None):
        return plain_text(raw_text(raw, "text"))

    class Meta:
        icon = "warning"
        label = "Disclaimer"
        help_text = (
            "Choose a saved disclaimer or write your own. The site-wide disclaimer is then "
            "left out of this post unless you choose to show both (Site-wide disclaimer, "
            "below the body)."
        )
        template = "news/blocks/disclaimer.html"
