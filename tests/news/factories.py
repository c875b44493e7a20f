"""Factories for the news content model (wagtail-factories / factory_boy)."""

import datetime

import factory
import wagtail_factories
from factory.django import DjangoModelFactory
from wagtail.models import Collection

from news.models import Author, Disclaimer, NewsIndexPage, NewsPage, NewsPageAuthor


class ImageFactory(wagtail_factories.ImageFactory):
    """Tiny images (16 x 9 pixels; renditions cost next to nothing) in the root collection,
    where Editors and Moderators may choose them. Tests about rendition sizes pass
    ``file__width`` and ``file__height``."""

    collection = factory.LazyFunction(Collection.get_first_root_node)
    file = factory.django.ImageField(width=16, height=9)


class AuthorFactory(DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Reporter {n}")
    bio = "Covers the harbour."

    class Meta:
        model = Author


class DisclaimerFactory(DjangoModelFactory):
    title = factory.Sequence(lambda n: f"Disclaimer {n}")
    text = "<p>Views expressed are the author's own.</p>"

    class Meta:
        model = Disclaimer


class NewsIndexPageFactory(wagtail_factories.PageFactory):
    title = "News"
    slug = "news"

    class Meta:
        model = NewsIndexPage


class NewsPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"Headline number {n}")
    slug = factory.Sequence(lambda n: f"headline-{n}")
    publication_date = factory.LazyFunction(datetime.date.today)
    summary = "A short summary of the story."
    body = factory.LazyFunction(
        lambda: [{"type": "paragraph", "value": "<p>Plain paragraph text.</p>"}]
    )

    class Meta:
        model = NewsPage
        skip_postgeneration_save = True

    @factory.post_generation
    def authors(self, create, extracted, **kwargs):
        """``NewsPageFactory(authors=[a, b])`` credits those authors in that order."""
        if create and extracted:
            for position, author in enumerate(extracted):
                NewsPageAuthor.objects.create(page=self, author=author, sort_order=position)

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        """``NewsPageFactory(tags=["Climate", "Port Alder"])``."""
        if create and extracted:
            self.tags.add(*extracted)
            self.save()


def every_block_body(*, image, related_page, disclaimer, embed_url="https://video.example/v/1"):
    """A body (raw StreamField data) that uses every block type with recognisable data."""
    return [
        {"type": "paragraph", "value": "<p>Opening paragraph with <b>bold</b> words.</p>"},
        {
            "type": "quote",
            "value": {
                "text": "<p>The wall will hold <i>this</i> winter.</p>",
                "attribution": "Harbour master Ines Kalda",
                "source_name": "AFP",
                "source_url": "https://wire.example/afp/123",
            },
        },
        {
            "type": "image",
            "value": {
                "image": image.pk,
                "caption": "Waves over the old pier",
                "credit": "Jo Lens/Reuters",
                "alt_text": "Grey waves breaking over a stone pier",
            },
        },
        {
            "type": "related_articles",
            "value": {
                "heading": "Read more",
                "items": [
                    {"type": "article", "value": related_page.pk},
                    {
                        "type": "link",
                        "value": {
                            "url": "https://elsewhere.example/story",
                            "title": "Elsewhere",
                            "summary": "What the other paper found.",
                        },
                    },
                ],
            },
        },
        {"type": "disclaimer", "value": {"disclaimer": disclaimer.pk, "text": ""}},
        {
            "type": "disclaimer",
            "value": {"disclaimer": None, "text": "<p>Updated to correct a date.</p>"},
        },
        {
            "type": "embed",
            "value": {
                "heading": "Related video",
                "url": embed_url,
                "title": "Watch the storm",
                "caption": "The pier at dawn",
            },
        },
        {"type": "code", "value": {"language": "python", "code": "if tide < 2:\n    close()"}},
        {
            "type": "table",
            "value": {
                "data": [["Ferry", "Time"], ["Alder", "9:00"], ["Birch", None]],
                "table_header_choice": "row",
                "first_row_is_table_header": True,
                "first_col_is_header": False,
                "table_caption": "Sailings",
            },
        },
    ]


# Body blocks as stored (StreamField raw data), for pages built with ``body=[...]``.


def image_block(image):
    """An image block showing ``image``."""
    return {
        "type": "image",
        "value": {"image": image.pk, "caption": "", "credit": "", "alt_text": ""},
    }


def document_paragraph(document):
    """A paragraph linking to ``document``."""
    return {
        "type": "paragraph",
        "value": f'<p>Read <a linktype="document" id="{document.pk}">the report</a>.</p>',
    }
