"""Generate N realistic news posts for benchmarks, fast (not for tests or demos).

Each post has a headline, summary, lead image, two or three tags, one or two authors, a
source credit and a body with every block type: paragraphs, a quote with its source, an
image with caption and credit, related articles (earlier posts and an outside link), a
disclaimer snippet and an embedded video. Text comes from word lists with a fixed seed,
so runs are comparable. Used by bench/search_bench.py and bench/load_bench.py; on its
own:

    DATABASE_URL=sqlite:///bench/bench.sqlite3 python bench/generate_posts.py --count 5000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/newsdesk_bench \
        python bench/generate_posts.py --count 100000

Speed: posts are written in bulk, 2,000 at a time: the page tree rows (paths computed
here, as treebeard would), the NewsPage rows, tags and bylines, then one search index
pass in bulk. That skips what a benchmark archive does not need and an editor's save
does: a revision per post, the reference index and per-save signals. Pages are live and
readable by every reader-facing view and API; the admin opens them as usual. Adding to
an existing archive continues where it stopped (same index, more posts).
"""

import argparse
import datetime
import io
import os
import random
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WORDS = [
    "harbour",
    "wall",
    "council",
    "storm",
    "ferry",
    "strike",
    "tram",
    "budget",
    "election",
    "port",
    "coast",
    "river",
    "flood",
    "energy",
    "solar",
    "tidal",
    "turbine",
    "grant",
    "school",
    "hospital",
    "clinic",
    "museum",
    "library",
    "festival",
    "market",
    "fishing",
    "quota",
    "union",
    "workers",
    "timetable",
    "bridge",
    "tunnel",
    "railway",
    "freight",
    "shipyard",
    "tug",
    "lighthouse",
    "weather",
    "warning",
    "rescue",
    "volunteers",
    "residents",
    "mayor",
    "inquiry",
    "contract",
    "report",
    "figures",
    "investment",
    "plan",
    "hearing",
    "vote",
    "coalition",
    "opposition",
    "campaign",
    "science",
    "research",
    "vessel",
    "plankton",
    "seagrass",
    "comet",
    "observatory",
    "orchestra",
    "film",
    "stadium",
    "marathon",
]
TAGS = [
    "Port Alder",
    "Politics",
    "Climate",
    "Business",
    "Transport",
    "Sport",
    "Culture",
    "Science",
    "Health",
    "Education",
    "Energy",
    "Weather",
]
# A hundred invented place names, one per post's summary: each occurs in about 1% of the
# archive, the way a town or a person's name does in real news (the WORDS above occur in
# nearly every post, which is the worst case for search ranking).
PLACES = [
    first + second
    for first in ("Alder", "Bram", "Corm", "Dun", "Elm", "Fen", "Gar", "Hol", "Ket", "Lyn")
    for second in ("mouth", "wick", "ford", "by", "stead", "haven", "moor", "ton", "well", "combe")
]
AUTHORS = ["Maren Holt", "Tomasz Wierzbicki", "Adaeze Okafor", "Luis Ferreira", "Priya Raman"]


def sentence(rng, low=8, high=18):
    words = rng.choices(WORDS, k=rng.randint(low, high))
    return " ".join(words).capitalize() + "."


def setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.dev")
    os.environ["SEARCH_AUTO_UPDATE"] = "false"  # index once at the end, in bulk
    import django

    django.setup()


BATCH = 2000
IMAGES = 12


def make_images():
    """A dozen small generated photos in the root collection, shared by every post."""
    from django.core.files.images import ImageFile
    from PIL import Image as PILImage
    from wagtail.images import get_image_model
    from wagtail.models import Collection

    Image = get_image_model()
    images = list(Image.objects.filter(title__startswith="Bench photo ").order_by("pk"))
    root = Collection.get_first_root_node()
    for number in range(len(images), IMAGES):
        buffer = io.BytesIO()
        shade = 40 + number * 15
        PILImage.new("RGB", (1600, 900), (shade, 90, 200 - number * 10)).save(buffer, "JPEG")
        image = Image(
            title=f"Bench photo {number}",
            collection=root,
            file=ImageFile(buffer, name=f"bench-photo-{number}.jpg"),
        )
        image.save()
        images.append(image)
    return images


def body_for(rng, number, images, disclaimer_id, earlier_ids):
    related = [
        {"type": "article", "value": page_id}
        for page_id in rng.sample(earlier_ids, min(2, len(earlier_ids)))
    ]
    related.append(
        {"type": "link", "value": {"url": "https://example.org/", "title": sentence(rng, 3, 6)}}
    )
    return [
        {"type": "paragraph", "value": f"<p>{sentence(rng)} {sentence(rng)}</p>"},
        {
            "type": "quote",
            "value": {
                "text": f"<p>{sentence(rng)}</p>",
                "attribution": rng.choice(AUTHORS),
                "source_name": "AFP",
                "source_url": "",
            },
        },
        {"type": "paragraph", "value": f"<p>{sentence(rng)} {sentence(rng)} {sentence(rng)}</p>"},
        {
            "type": "image",
            "value": {
                "image": rng.choice(images).pk,
                "caption": sentence(rng, 4, 8),
                "credit": "Newsdesk bench",
                "alt_text": "",
            },
        },
        {"type": "paragraph", "value": f"<p>{sentence(rng)} {sentence(rng)}</p>"},
        {"type": "related_articles", "value": {"heading": "Read more", "items": related}},
        {
            "type": "embed",
            "value": {
                "url": f"https://www.youtube.com/watch?v=bench{number % 97}",
                "title": sentence(rng, 3, 6),
                "caption": "",
            },
        },
        {"type": "disclaimer", "value": {"disclaimer": disclaimer_id, "text": ""}},
    ]


def generate(count, seed=2017):
    """Create posts until the bench news index holds ``count``; returns seconds taken."""
    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone
    from taggit.models import Tag
    from wagtail.models import Locale, Page, Site
    from wagtail.search.backends import get_search_backend

    from news.models import (
        Author,
        Disclaimer,
        NewsIndexPage,
        NewsPage,
        NewsPageAuthor,
        NewsPageTag,
    )

    call_command("migrate", verbosity=0)
    home = Site.objects.get(is_default_site=True).root_page.specific
    index = NewsIndexPage.objects.child_of(home).filter(slug="bench-news").first()
    if index is None:
        index = NewsIndexPage(title="Bench news", slug="bench-news")
        home.add_child(instance=index)
    existing = NewsPage.objects.child_of(index).count()
    if existing >= count:
        return 0.0

    started = time.perf_counter()
    authors = [Author.objects.get_or_create(name=name)[0] for name in AUTHORS]
    tags = [
        Tag.objects.get_or_create(name=name, defaults={"slug": name.lower().replace(" ", "-")})[0]
        for name in TAGS
    ]
    disclaimer, _ = Disclaimer.objects.get_or_create(
        title="Bench disclaimer", defaults={"text": "<p>Generated for benchmarks.</p>"}
    )
    images = make_images()
    content_type = ContentType.objects.get_for_model(NewsPage)
    locale = Locale.get_default()
    rng = random.Random(seed + existing)
    today = datetime.date(2026, 11, 1)
    now = timezone.now()
    earlier_ids = list(
        NewsPage.objects.child_of(index).order_by("-pk").values_list("pk", flat=True)[:200]
    )
    child_depth = index.depth + 1
    backend = get_search_backend()

    for start in range(existing, count, BATCH):
        numbers = range(start, min(start + BATCH, count))
        with transaction.atomic():
            index.refresh_from_db(fields=["numchild", "path", "depth", "url_path"])
            pages, posts = [], []
            for offset, number in enumerate(numbers):
                title = sentence(rng, 5, 9).rstrip(".")
                slug = f"bench-{number}"
                published = now - datetime.timedelta(hours=number % 87600)
                pages.append(
                    Page(
                        path=Page._get_path(index.path, child_depth, index.numchild + offset + 1),
                        depth=child_depth,
                        numchild=0,
                        translation_key=uuid.uuid4(),
                        locale=locale,
                        live=True,
                        has_unpublished_changes=False,
                        first_published_at=published,
                        last_published_at=published,
                        title=title,
                        draft_title=title,
                        slug=slug,
                        content_type=content_type,
                        url_path=f"{index.url_path}{slug}/",
                    )
                )
            Page.objects.bulk_create(pages)
            for number, page in zip(numbers, pages, strict=True):
                post = NewsPage(
                    page_ptr_id=page.pk,
                    publication_date=today - datetime.timedelta(days=number % 3650),
                    summary=f"{sentence(rng).rstrip('.')} in {PLACES[number % len(PLACES)]}.",
                    lead_image_id=rng.choice(images).pk,
                    breaking=number % 50 == 0,
                    source_name="AFP" if number % 3 == 0 else "",
                    body=body_for(rng, number, images, disclaimer.pk, earlier_ids),
                )
                posts.append(post)
                earlier_ids.append(page.pk)
                if len(earlier_ids) > 400:
                    del earlier_ids[:200]
            # NewsPage inherits from Page (multi-table), which bulk_create refuses; the
            # parent rows exist, so insert the child rows on their own.
            NewsPage._base_manager._insert(posts, fields=NewsPage._meta.local_concrete_fields)
            NewsPageTag.objects.bulk_create(
                NewsPageTag(content_object_id=post.page_ptr_id, tag=tag)
                for post in posts
                for tag in rng.sample(tags, rng.randint(2, 3))
            )
            NewsPageAuthor.objects.bulk_create(
                NewsPageAuthor(page_id=post.page_ptr_id, author=author, sort_order=order)
                for post in posts
                for order, author in enumerate(rng.sample(authors, rng.randint(1, 2)))
            )
            Page.objects.filter(pk=index.pk).update(numchild=index.numchild + len(pages))
        # One search index pass per batch, in bulk.
        batch = list(
            NewsPage.objects.filter(pk__in=[page.pk for page in pages]).prefetch_related(
                "tags", "news_authors__author"
            )
        )
        backend.add_bulk(NewsPage, batch)
        print(f"  {numbers[-1] + 1} posts, {time.perf_counter() - started:.0f} s", file=sys.stderr)
    # Fresh planner statistics: without them PostgreSQL plans a 100,000-row table as if
    # it had a handful of rows (seconds per listing instead of milliseconds).
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    args = parser.parse_args()
    if args.count < 1:
        parser.error("--count must be at least 1")
    setup_django()
    seconds = generate(args.count)
    print(f"{args.count} posts ready; {seconds:.1f} s spent adding posts")


if __name__ == "__main__":
    main()
