"""Generate N realistic news posts for benchmarks (not for tests or demos).

Each post has a headline, summary, two or three tags, one or two authors and a body with
paragraphs, a quote and a related-article block, built from word lists with a fixed
seed, so runs are comparable. Used by bench/search_bench.py; run on its own:

    DATABASE_URL=sqlite:///bench/bench.sqlite3 python bench/generate_posts.py --count 5000
"""

import argparse
import datetime
import os
import random
import sys
import time
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
AUTHORS = ["Maren Holt", "Tomasz Wierzbicki", "Adaeze Okafor", "Luis Ferreira", "Priya Raman"]


def sentence(rng, low=8, high=18):
    words = rng.choices(WORDS, k=rng.randint(low, high))
    return " ".join(words).capitalize() + "."


def setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.dev")
    os.environ["SEARCH_AUTO_UPDATE"] = "false"  # index once at the end, in bulk
    import django

    django.setup()


def generate(count, seed=2017):
    """Create posts until the bench news index holds ``count``; returns seconds taken."""
    from django.core.management import call_command
    from django.db import transaction
    from wagtail.models import Site

    from news.models import Author, NewsIndexPage, NewsPage, NewsPageAuthor

    call_command("migrate", verbosity=0)
    home = Site.objects.get(is_default_site=True).root_page.specific
    index = NewsIndexPage.objects.child_of(home).filter(slug="bench-news").first()
    if index is None:
        index = NewsIndexPage(title="Bench news", slug="bench-news")
        home.add_child(instance=index)
    authors = [Author.objects.get_or_create(name=name)[0] for name in AUTHORS]
    existing = NewsPage.objects.child_of(index).count()
    rng = random.Random(seed + existing)
    started = time.perf_counter()
    today = datetime.date(2026, 11, 1)
    batch = 500
    for start in range(existing, count, batch):
        with transaction.atomic():
            for number in range(start, min(start + batch, count)):
                title = sentence(rng, 5, 9).rstrip(".")
                body = [
                    {"type": "paragraph", "value": f"<p>{sentence(rng)} {sentence(rng)}</p>"},
                    {
                        "type": "quote",
                        "value": {
                            "text": sentence(rng),
                            "attribution": rng.choice(AUTHORS),
                            "source_name": "AFP",
                            "source_url": "",
                        },
                    },
                    {"type": "paragraph", "value": f"<p>{sentence(rng)} {sentence(rng)}</p>"},
                    {
                        "type": "related_articles",
                        "value": {
                            "heading": "Read more",
                            "items": [
                                {
                                    "type": "link",
                                    "value": {
                                        "url": "https://example.org/",
                                        "title": sentence(rng, 3, 6),
                                    },
                                }
                            ],
                        },
                    },
                ]
                post = NewsPage(
                    title=title,
                    slug=f"bench-{number}",
                    publication_date=today - datetime.timedelta(days=number % 3650),
                    summary=sentence(rng),
                    breaking=number % 50 == 0,
                    body=body,
                )
                post.news_authors = [
                    NewsPageAuthor(author=author)
                    for author in rng.sample(authors, rng.randint(1, 2))
                ]
                post.tags.add(*rng.sample(TAGS, rng.randint(2, 3)))
                index.add_child(instance=post)
        print(f"  {min(start + batch, count)} posts", file=sys.stderr)
    if existing < count:
        call_command("update_index", verbosity=0)
    return time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    args = parser.parse_args()
    if args.count < 1:
        parser.error("--count must be at least 1")
    setup_django()
    seconds = generate(args.count)
    print(f"{args.count} posts ready in {seconds:.1f} s")


if __name__ == "__main__":
    main()
