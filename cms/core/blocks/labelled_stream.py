"""``LabelledStreamBlock``: a StreamBlock whose add buttons say what they add.

Wagtail's StreamBlock offers a bare "+" ("Insert a block"). Inside another block (the items
of a related-articles block) that tells an editor nothing, so ``Meta.add_label`` puts words
on the button: "Add an article or a link". The admin side is a small telepath definition
(cms/static/cms/admin/labelled-stream-block.js) that extends Wagtail's own; the stored value
and everything else are a plain StreamBlock's.
"""

from django import forms
from django.utils.functional import cached_property
from wagtail import blocks
from wagtail.admin.staticfiles import versioned_static
from wagtail.admin.telepath import register
from wagtail.blocks.stream_block import StreamBlockAdapter


class LabelledStreamBlock(blocks.StreamBlock):
    class Meta:
        add_label = "Add"


class LabelledStreamBlockAdapter(StreamBlockAdapter):
    js_constructor = "cms.blocks.LabelledStreamBlock"

    def js_args(self, block):
        name, groups, initial_states, meta = super().js_args(block)
        return [name, groups, initial_states, {**meta, "addLabel": str(block.meta.add_label)}]

    @cached_property
    def media(self):
        return super().media + forms.Media(
            js=[versioned_static("cms/admin/labelled-stream-block.js")],
            css={"all": [versioned_static("cms/admin/blocks.css")]},
        )


register(LabelledStreamBlockAdapter(), LabelledStreamBlock)
