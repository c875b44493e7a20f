"""Every reader page is valid HTML, passes axe-core at a desktop and a phone width, and
the home page and an article keep Lighthouse scores of 95 or more.

The pages are built from content that uses every feature a reader sees: an article with
a lead image (caption and credit), tags, two authors, every body block (paragraph, quote
with its source, image with caption and credit, related articles, a saved and a written
disclaimer, a video embed, code, a table), approved comments and the comment form; the
front page, the index, tag and month listings, an author page (role, bio, photo), search
results, a standard page and the 404 page. Video
embeds never reach the internet in tests (no oEmbed finders in cms.settings.test): the
embed shows its link, as it would when the provider cannot be reached.

- **vnu** (the Nu HTML Checker, the W3C validator's engine): the HTML each page serves,
  all pages in one Java process; every error fails (warnings do not).
- **axe-core**, injected into each page in Debian's Chromium at 1280x800 and 390x844,
  with axe's default rule set: WCAG 2.0, 2.1 and 2.2 levels A and AA plus axe's
  best-practice rules (landmarks, one main heading, heading order, ...); AAA and
  experimental rules are off, as in axe's defaults. Any violation fails, with its rule,
  impact and the selectors of the elements.
- **Lighthouse** (tests/browser/tools.py): the home page and the article with the desktop
  preset, all four categories at 95 or more. ``bench/lighthouse.py`` measures both presets
  on the demo site under gunicorn and documents the scores in docs/performance.md.

``READER_PAGES`` is the list of pages checked: a name and a function from the built
content to the page's address. A new reader page is one line there.
"""

import datetime
import tempfile
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.browser import tools
from tests.browser.conftest import BROWSER_TIMEOUT_MS
from tests.home.factories import StandardPageFactory
from tests.news.comments.factories import CommentFactory
from tests.news.factories import (
    AuthorFactory,
    DisclaimerFactory,
    ImageFactory,
    NewsIndexPageFactory,
    NewsPageFactory,
    every_block_body,
)

pytestmark = [
    pytest.mark.browser,
    # The live server answers from another thread: the content must be committed.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
LIGHTHOUSE_MINIMUM = 95
LIGHTHOUSE_PAGES = ["home", "article"]


class ReaderContent:
    """The pages the checks visit, built through the factories."""

    def __init__(self, home_page):
        self.home = home_page
        self.index = NewsIndexPageFactory(parent=home_page, title="News", slug="news")
        lead_image = ImageFactory(
            title="Harbour at dawn", file__width=1200, file__height=675, file__color="navy"
        )
        body_image = ImageFactory(title="Waves over the pier", file__width=800, file__height=450)
        authors = [
            AuthorFactory(
                name="Maren Holt",
                job_title="Harbour reporter",
                bio="Covers city hall and the harbour for the Port Alder desk.",
                photo=ImageFactory(title="Maren Holt", file__width=400, file__height=400),
            ),
            AuthorFactory(name="Tomasz Wierzbicki"),
        ]
        self.authors = authors
        disclaimer = DisclaimerFactory(
            title="Opinion notice", text="<p>Views in quotes are the speakers' own.</p>"
        )
        self.related = NewsPageFactory(
            parent=self.index,
            title="Sea wall repairs begin",
            slug="sea-wall-repairs",
            authors=authors[:1],
            tags=["Harbour"],
            publication_date=datetime.date.today() - datetime.timedelta(days=3),
        )
        for number in range(3):
            NewsPageFactory(
                parent=self.index,
                title=f"Council meeting on the harbour budget, part {number + 1}",
                authors=authors[1:],
                tags=["Politics"],
            )
        self.article = NewsPageFactory(
            parent=self.index,
            title="Storm surge closes the harbour while the sea wall is inspected",
            slug="storm-surge-closes-the-harbour",
            summary="The harbour is shut until engineers have inspected the sea wall.",
            lead_image=lead_image,
            lead_image_caption="The harbour at dawn on Tuesday",
            lead_image_credit="Jo Lens/Reuters",
            body=every_block_body(
                image=body_image, related_page=self.related, disclaimer=disclaimer
            ),
            authors=authors,
            tags=["Harbour", "Port Alder"],
        )
        for name in ["Ada Reader", "Sam Ferry"]:
            CommentFactory(
                page=self.article,
                author_name=name,
                body=f"{name} here: thank you for the early warning.",
            )
        self.standard = StandardPageFactory(
            parent=home_page,
            title="About Newsdesk",
            slug="about",
            intro="Who writes the news here, and how to reach us.",
            body=[{"type": "paragraph", "value": "<p>We report on the harbour town.</p>"}],
        )
        self.month = self.article.publication_date
        call_command("update_index", verbosity=0)

    def index_route(self, name, *args):
        return self.index.url + self.index.reverse_subpage(name, args=args)


# (name, address of the page given the built content)
READER_PAGES = [
    ("home", lambda content: content.home.url),
    ("news index", lambda content: content.index.url),
    ("article", lambda content: content.article.url),
    ("tag", lambda content: content.index_route("tag", "harbour")),
    (
        "month",
        lambda content: content.index_route(
            "month", f"{content.month.year:04d}", f"{content.month.month:02d}"
        ),
    ),
    ("search results", lambda content: "/search/?q=harbour"),
    ("author", lambda content: content.index_route("author", content.authors[0].slug)),
    ("standard page", lambda content: content.standard.url),
    ("not found", lambda content: "/no-such-page/"),
]
PAGE_NAMES = [name for name, _ in READER_PAGES]


@pytest.fixture
def reader_content(home_page, settings):
    settings.NEWSDESK_COMMENTS_MIN_FILL_SECONDS = 0
    return ReaderContent(home_page)


@pytest.fixture
def reader_urls(reader_content):
    return {name: address(reader_content) for name, address in READER_PAGES}


def expected_status(name):
    return 404 if name == "not found" else 200


# What a page must show for its check to mean something: the article with its comments,
# the form and the blocks' output; search with results.
MUST_SHOW = {
    "article": [
        "Ada Reader here",
        'class="comment-form"',
        "Harbour master Ines Kalda",
        "Jo Lens/Reuters",
        "Read more",
        "video.example",
        "<table",
        "<code",
        "Views in quotes are the speakers",
    ],
    "search results": ["Storm surge closes the harbour"],
    "tag": ["Sea wall repairs begin"],
    "month": ["Storm surge closes the harbour"],
    "author": ["Harbour reporter", "Covers city hall", "Storm surge closes the harbour"],
}


def test_reader_pages_are_valid_html(vnu_jar, client, reader_urls):
    """The HTML each reader page serves has no vnu errors."""
    with tempfile.TemporaryDirectory(prefix="newsdesk-vnu-") as folder:
        files = {}
        for name, url in reader_urls.items():
            response = client.get(url)
            assert response.status_code == expected_status(name), f"{name} ({url})"
            html = response.content.decode()
            missing = [text for text in MUST_SHOW.get(name, []) if text not in html]
            assert not missing, f"{name} ({url}) does not show {missing}"
            path = Path(folder) / f"{name.replace(' ', '-')}.html"
            path.write_bytes(response.content)
            files[str(path)] = f"{name} ({url})"
        errors = tools.vnu_errors(files)
    report = [
        f"{files.get(file, file)} line {line}: {message}\n    {extract}"
        for file, line, message, extract in errors
    ]
    assert not report, f"{len(report)} HTML errors (vnu):\n" + "\n".join(report)


AXE_RUN_JS = """
async () => {
    const results = await axe.run(document, {resultTypes: ["violations"]});
    return results.violations.map((violation) => ({
        id: violation.id,
        impact: violation.impact,
        help: violation.help,
        targets: violation.nodes.map((node) => node.target.join(" ")),
    }));
}
"""


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_reader_pages_have_no_axe_violations(
    axe_script, browser, live_server, reader_urls, viewport
):
    """axe-core finds nothing on any reader page at this width."""
    context = browser.new_context(base_url=live_server.url, viewport=VIEWPORTS[viewport])
    context.set_default_timeout(BROWSER_TIMEOUT_MS)
    page = context.new_page()
    report = []
    try:
        for name, url in reader_urls.items():
            response = page.goto(url)
            assert response.status == expected_status(name), f"{name} ({url})"
            page.add_script_tag(path=str(axe_script))
            for violation in page.evaluate(AXE_RUN_JS):
                report.append(
                    f"{name} ({url}): {violation['id']} [{violation['impact']}] "
                    f"{violation['help']}\n    " + "\n    ".join(violation["targets"])
                )
    finally:
        context.close()
    assert not report, f"axe-core violations at {viewport} width:\n" + "\n".join(report)


@pytest.mark.parametrize("name", LIGHTHOUSE_PAGES)
def test_lighthouse_scores(lighthouse_cli, live_server, reader_urls, name):
    """Lighthouse (desktop preset) scores the page 95 or more in every category.

    The performance score moves with what else the machine is doing (the suite runs in
    two processes): a page scoring under 95 only in performance is measured once more,
    and the better performance score counts. The other categories do not depend on
    timing and get one run.
    """
    url = live_server.url + reader_urls[name]
    scores, failing = tools.lighthouse_scores(url, "desktop")
    if scores["performance"] < LIGHTHOUSE_MINIMUM:
        again, failing_again = tools.lighthouse_scores(url, "desktop")
        if again["performance"] > scores["performance"]:
            scores["performance"] = again["performance"]
            failing = [line for line in failing if not line.startswith("performance:")] + [
                line for line in failing_again if line.startswith("performance:")
            ]
    low = {category: score for category, score in scores.items() if score < LIGHTHOUSE_MINIMUM}
    assert not low, f"{name}: Lighthouse scores below {LIGHTHOUSE_MINIMUM}: {low}\n" + "\n".join(
        failing
    )
