"""Reader pages laid out in Chromium at 1280 and 390 px: nothing under the header rule,
nothing wider than the screen (a video that cannot be embedded is a link that wraps)."""

import pytest

from tests.home.factories import StandardPageFactory
from tests.news.factories import NewsIndexPageFactory, NewsPageFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

LONG_HOST_VIDEO = "https://videos.an-unusually-long-regional-broadcaster-name.example.org/" + (
    "clips/" + "x" * 200
)


@pytest.fixture
def reader_pages(home_page):
    index = NewsIndexPageFactory(parent=home_page, title="News", slug="news")
    NewsPageFactory(
        parent=index,
        title="Storm tops the harbour wall",
        slug="storm",
        tags=["Storm"],
        body=[
            {"type": "paragraph", "value": "<p>The wall held.</p>"},
            {
                "type": "embed",
                "value": {
                    "heading": "Related video",
                    "url": LONG_HOST_VIDEO,
                    "title": "",
                    "caption": "The wall at high tide.",
                },
            },
        ],
    )
    StandardPageFactory(parent=home_page, title="About", slug="about")
    # The first line of each page's main column: a post's date, a listing's kicker.
    return {
        "/news/storm/": ".date-header",
        "/news/tags/storm/": ".listing-header__kicker",
        "/about/": "main h1",
    }


@pytest.mark.parametrize("width", [1280, 390])
def test_nothing_is_clipped_under_the_header_or_wider_than_the_screen(
    browser, live_server, reader_pages, width
):
    page = browser.new_page(viewport={"width": width, "height": 900})
    try:
        for path, first_line in reader_pages.items():
            page.goto(live_server.url + path)
            header = page.locator(".site-header").bounding_box()
            line = page.locator(first_line).first.bounding_box()
            # Below the header's 3px rule with room to breathe (main's top padding).
            assert line["y"] >= header["y"] + header["height"] + 16, (path, header, line)
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, (path, overflow)
        page.goto(live_server.url + "/news/storm/")
        link = page.locator(".block-embed__fallback a")
        assert (
            link.inner_text()
            .strip()
            .endswith(
                "Open video on videos.an-unusually-long-regional-broadcaster-name.example.org"
            )
        )
        figure = page.locator(".block-embed").bounding_box()
        box = link.bounding_box()
        assert box["x"] + box["width"] <= figure["x"] + figure["width"] + 0.5
    finally:
        page.close()
