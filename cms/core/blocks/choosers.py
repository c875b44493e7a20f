"""Chooser blocks that take their objects from the resolver of the response being rendered.

Used inside Newsdesk's blocks in place of Wagtail's chooser blocks. Outside
``cms.core.resolvers.rendering_with`` they are Wagtail's blocks exactly (the admin, the
reader pages); inside it, ``bulk_to_python`` asks the resolver, which loaded every image
(with its renditions) and every linked page readers may see of the whole response in one
query each. (The disclaimer block's snippet
chooser does the same, in news/blocks/disclaimer.py.)
"""

from wagtail.blocks import PageChooserBlock
from wagtail.images.blocks import ImageChooserBlock

from cms.core.resolvers import rendering_resolver


class ResolvedImageChooserBlock(ImageChooserBlock):
    def bulk_to_python(self, values):
        resolver = rendering_resolver()
        if resolver is None:
            return super().bulk_to_python(values)
        return resolver.image_models(values)


class ResolvedPageChooserBlock(PageChooserBlock):
    """Inside ``rendering_with``, a page readers may not see is None, as a deleted one
    is: what renders it shows only pages readers may see anyway."""

    def bulk_to_python(self, values):
        resolver = rendering_resolver()
        if resolver is None:
            return super().bulk_to_python(values)
        visible = resolver.visible_pages(values)
        return [visible.get(pk) for pk in values]
