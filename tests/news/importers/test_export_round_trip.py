"""The round trip at full fidelity: the demo newsroom (plus a post with every block) exported
with export_wordpress and export_blogger and imported into a fresh site with
import_wordpress and import_blogger; every page comes back with the same blocks and values,
title, date, tags, summary, breaking flag, authors, lead image and comments.

Each assertion lists every difference at once (page, aspect or block, what was written and
what came back).
"""

import pytest

from tests.news.importers import round_trip

pytestmark = pytest.mark.django_db

ASPECTS = [
    "title",
    "live",
    "publication_date",
    "tags",
    "summary",
    "breaking",
    "authors",
    "lead_image",
    "comments",
    "body",
]


@pytest.fixture
def demo():
    index = round_trip.load_demo()
    round_trip.add_post_with_every_block(index)
    return index


@pytest.mark.parametrize("kind", ["wxr", "blogger"])
def test_every_page_comes_back_the_same(tmp_path, demo, kind):
    originals, copies, _ = round_trip.round_trip(kind, tmp_path, demo, "--include-drafts")

    found = round_trip.differences(kind, originals, copies, ASPECTS)

    assert not found, "\n".join(found)
