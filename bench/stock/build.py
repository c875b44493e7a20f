"""Build the stock Wagtail site's content for bench/versus_stock_bench.py.

Migrates an SQLite database (--database, default bench/stock-<posts>.sqlite3) and fills
it the way bench/generate_posts.py fills Newsdesk's archive: a home page, one news index
under it (the Site's root is the home page) and --posts news pages (default 1,000), each
with a headline and a summary naming one of a hundred places (so each place, such as
"Fenhaven", is in 1% of the posts), a lead image, two or three tags, and a body of three
paragraphs, a quote with its source, an image with caption and credit, and two related
(earlier) posts. The word lists, places, tags and the twelve generated 1600x900 photos
are generate_posts.py's (its module imports nothing from Newsdesk; its ``make_images``
only uses Wagtail). Post N is dated N days before 2026-11-01, as in Newsdesk's archive,
so post 0 is the newest on both sites.

Pages are made with treebeard's ``add_child``, one at a time, live, without revisions;
the search index is then built once with ``update_index`` (Wagtail's database backend)
rather than per save, and the reference index is left out (no reader-facing view reads
it). A database that already holds --posts posts is left as it is.

    python bench/stock/build.py                 # 1,000 posts into bench/stock-1000.sqlite3
    python bench/stock/build.py --posts 200 --database /tmp/stock.sqlite3
"""

import argparse
import datetime
import os
import random
import sys
import time
from pathlib import Path

STOCK = Path(__file__).resolve().parent
BENCH = STOCK.parent
sys.path.insert(0, str(STOCK))
sys.path.insert(0, str(BENCH))

from generate_posts import AUTHORS, PLACES, TAGS, make_images, sentence  # noqa: E402

SEED = 2017
NEWEST = datetime.date(2026, 11, 1)


def default_database(posts):
    return BENCH / f"stock-{posts}.sqlite3"


def site_tree():
    """The home page (the default Site's root) and the news index under it."""
    from stocknews.models import HomePage, NewsIndexPage
    from wagtail.models import Page, Site

    home = HomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node()
        # Wagtail's initial migration makes a "Welcome" page as the Site's root; the
        # project template replaces it with its HomePage the same way.
        Page.objects.filter(depth=2).delete()
        home = root.add_child(instance=HomePage(title="Stock news", slug="home"))
        Site.objects.all().delete()
        Site.objects.create(
            hostname="127.0.0.1",
            port=80,
            site_name="Stock news",
            root_page=home,
            is_default_site=True,
        )
    index = NewsIndexPage.objects.child_of(home).first()
    if index is None:
        index = home.add_child(instance=NewsIndexPage(title="News", slug="news"))
    return home, index


def body(rng, images, earlier):
    return [
        ("paragraph", f"<p>{sentence(rng)} {sentence(rng)}</p>"),
        (
            "quote",
            {"text": sentence(rng), "source_name": rng.choice(AUTHORS), "source_url": ""},
        ),
        ("paragraph", f"<p>{sentence(rng)} {sentence(rng)} {sentence(rng)}</p>"),
        (
            "image",
            {
                "image": rng.choice(images),
                "caption": sentence(rng, 4, 8),
                "credit": "Newsdesk bench",
            },
        ),
        ("paragraph", f"<p>{sentence(rng)} {sentence(rng)}</p>"),
        ("related", rng.sample(earlier, min(2, len(earlier)))),
    ]


def build(posts):
    """Create posts until the news index holds ``posts``; returns seconds taken."""
    from django.core.management import call_command
    from django.db import transaction
    from django.test.utils import override_settings
    from django.utils import timezone
    from stocknews.models import NewsPage
    from wagtail.signal_handlers import disable_reference_index_auto_update

    call_command("migrate", verbosity=0)
    _home, index = site_tree()
    existing = NewsPage.objects.child_of(index).count()
    if existing >= posts:
        return 0.0
    started = time.perf_counter()
    images = make_images()
    rng = random.Random(SEED + existing)
    now = timezone.now()
    earlier = list(NewsPage.objects.child_of(index).order_by("-pk")[:200])
    search = {"default": {"BACKEND": "wagtail.search.backends.database", "AUTO_UPDATE": False}}
    with override_settings(WAGTAILSEARCH_BACKENDS=search), disable_reference_index_auto_update():
        for start in range(existing, posts, 200):
            with transaction.atomic():
                for number in range(start, min(start + 200, posts)):
                    published = now - datetime.timedelta(hours=number % 87600)
                    post = NewsPage(
                        title=sentence(rng, 5, 9).rstrip("."),
                        slug=f"bench-{number}",
                        publication_date=NEWEST - datetime.timedelta(days=number % 3650),
                        summary=f"{sentence(rng).rstrip('.')} in {PLACES[number % len(PLACES)]}.",
                        lead_image=rng.choice(images),
                        body=body(rng, images, earlier),
                        first_published_at=published,
                        last_published_at=published,
                    )
                    post.tags.add(*rng.sample(TAGS, rng.randint(2, 3)))
                    index.add_child(instance=post)
                    earlier.append(post)
                    if len(earlier) > 400:
                        del earlier[:200]
            print(f"  {number + 1} posts, {time.perf_counter() - started:.0f} s", file=sys.stderr)
    call_command("update_index", verbosity=0)
    return time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--database", type=Path, help="default: bench/stock-<posts>.sqlite3")
    args = parser.parse_args()
    if args.posts < 1:
        parser.error("--posts must be at least 1")
    os.environ["STOCK_DATABASE_PATH"] = str(args.database or default_database(args.posts))
    os.environ["DJANGO_SETTINGS_MODULE"] = "stocksite.settings"
    import django

    django.setup()
    seconds = build(args.posts)
    print(
        f"{args.posts} stock posts ready in {os.environ['STOCK_DATABASE_PATH']}; "
        f"{seconds:.1f} s spent adding posts"
    )


if __name__ == "__main__":
    main()
