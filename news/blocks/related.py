"""``related_articles``: "read more" links to other Newsdesk articles or external stories.

Articles readers may no longer see (deleted, unpublished, expired, made private) are left
out wherever the block is shown: on the page, in the API and in the search text. Which ones
those are is the resolver's answer (cms/core/resolvers.py), one query for the whole body.

A link to another site is a link only when its URL passes the link allow-list
(``safe_url``): otherwise the page shows its title as text, and the API serves its ``url``
as "".
"""

import datetime
from typing import Annotated, Literal

from django.core.exceptions import ValidationError
from django.forms.utils import ErrorList
from pydantic import BaseModel, Field
from wagtail import blocks
from wagtail.blocks import StreamBlockValidationError, StructBlockValidationError

from cms.core.blocks import LabelledStreamBlock, NewsdeskBlock, raw_text
from cms.core.blocks.choosers import ResolvedPageChooserBlock
from cms.core.resolvers import resolver_for
from cms.core.safe_urls import safe_url
from cms.core.schemas import Rendition

NO_ITEMS = "Add at least one article or link, or remove this block."


class ExternalLinkBlock(blocks.StructBlock):
    url = blocks.URLBlock(label="URL")
    title = blocks.CharBlock(max_length=255, help_text="The headline of the story linked to")
    summary = blocks.TextBlock(
        required=False,
        max_length=500,
        help_text="Optional: a sentence or two shown after the headline, e.g. what the story adds",
    )

    class Meta:
        icon = "link-external"
        label = "Link to another site"


class RelatedItemsBlock(LabelledStreamBlock):
    """The links of a related-articles block. At least one is needed, checked when the
    post is saved (``RelatedArticlesBlock.clean``), not the moment the block is added."""

    article = ResolvedPageChooserBlock(page_type="news.NewsPage", label="Newsdesk article")
    link = ExternalLinkBlock()

    class Meta:
        required = False  # RelatedArticlesBlock.clean says what is missing
        add_label = "Add an article or a link"
        help_text = (
            "Newsdesk articles (search for them by headline) or stories on other sites; "
            "readers see them in this order."
        )


def article_ids(raw):
    items = (raw or {}).get("items") or []
    return [item.get("value") for item in items if item.get("type") == "article"]


class RelatedArticle(BaseModel):
    type: Literal["article"]
    id: int
    title: str
    api_url: str
    html_url: str
    publication_date: datetime.date
    summary: str
    thumbnail: Rendition | None


class RelatedLink(BaseModel):
    type: Literal["link"]
    url: str = Field(
        description='An http(s), mailto, tel or relative URL; "" when the stored one is not '
        "safe to link to: show the title without a link"
    )
    title: str
    summary: str


RelatedItem = Annotated[RelatedArticle | RelatedLink, Field(discriminator="type")]


class RelatedArticlesValue(BaseModel):
    heading: str
    items: list[RelatedItem] = Field(
        description="Unpublished, expired, private or deleted articles are left out"
    )


class RelatedArticlesBlock(NewsdeskBlock, blocks.StructBlock):
    api_schema = RelatedArticlesValue

    heading = blocks.CharBlock(max_length=255, default="Read more")
    items = RelatedItemsBlock(label="Articles and links")

    def clean(self, value):
        value = super().clean(value)
        if not self.is_deferred_validation and not len(value["items"]):
            # Drafts (and autosave) may keep an empty block; submitting or publishing not.
            raise StructBlockValidationError(
                block_errors={
                    "items": StreamBlockValidationError(
                        non_block_errors=ErrorList([ValidationError(NO_ITEMS)])
                    )
                }
            )
        return value

    def get_context(self, value, parent_context=None):
        """``items``: what a reader may follow, each a dict with ``type`` ("article" or
        "link"), ``title`` and ``url``, plus ``page`` for articles."""
        context = super().get_context(value, parent_context=parent_context)
        children = list(value["items"])
        ids = [
            child.value.pk
            for child in children
            if child.block_type == "article" and child.value is not None
        ]
        visible = resolver_for(parent_context).visible_pages(ids) if ids else {}
        request = (parent_context or {}).get("request")  # its site root paths are cached
        items = []
        for child in children:
            if child.block_type == "article":
                page = visible.get(getattr(child.value, "pk", None))
                if page is not None:
                    items.append(
                        {
                            "type": "article",
                            "title": page.title,
                            "url": page.get_url(request=request),
                            "page": page,
                        }
                    )
            elif child.block_type == "link":
                items.append(
                    {
                        "type": "link",
                        "title": child.value["title"],
                        "url": child.value["url"],
                        "summary": child.value.get("summary") or "",
                    }
                )
        context["items"] = items
        return context

    def references(self, raw):
        return {"pages": article_ids(raw)}

    def api_value(self, raw, resolver):
        items = []
        for item in (raw or {}).get("items") or []:
            if item.get("type") == "article":
                article = resolver.related_article(item.get("value"))
                if article is not None:
                    items.append(article)
            elif item.get("type") == "link":
                link = item.get("value") or {}
                items.append(
                    {
                        "type": "link",
                        "url": safe_url(raw_text(link, "url")),
                        "title": raw_text(link, "title"),
                        "summary": raw_text(link, "summary"),
                    }
                )
        return {"heading": raw_text(raw, "heading"), "items": items}

    def search_text(self, raw, resolver=None):
        parts = [raw_text(raw, "heading")]
        for item in (raw or {}).get("items") or []:
            if item.get("type") == "link":
                parts.append(raw_text(item.get("value"), "title"))
                parts.append(raw_text(item.get("value"), "summary"))
        if resolver is not None:
            visible = resolver.visible_pages([pk for pk in article_ids(raw) if pk])
            parts += [page.title for page in visible.values()]
        return " ".join(part for part in parts if part)

    class Meta:
        icon = "list-ul"
        label = "Related articles"
        template = "news/blocks/related_articles.html"
