"""The editorial flow in a real browser: an editor writes, a moderator approves, readers read.

Debian's Chromium, driven by Playwright (sync API), against pytest-django's live server:

1. an editor (Editors group) writes a news post in Wagtail's page editor, with an author
   from the authors chooser and one block of every body block type, and submits it for
   moderation;
2. a moderator (Moderators group) approves it from the dashboard, which publishes it;
3. an anonymous reader sees every block on the live page;
4. the database agrees: live, approved through the workflow, every block type.

The test does not depend on the workflow's name, only on Wagtail's "Submit ..." and
"Approve ..." actions. Screenshots of each step go to test-output/browser/ (and, when the
test fails, each browser's last page as failed-<who>.png/.html).
"""

import re

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect
from wagtail.models import Collection, TaskState, WorkflowState

from news.models import NewsPage
from tests.browser.conftest import BROWSER_TIMEOUT_MS
from tests.news.factories import (
    AuthorFactory,
    DisclaimerFactory,
    ImageFactory,
    NewsIndexPageFactory,
    NewsPageFactory,
)

pytestmark = [
    pytest.mark.browser,
    # The live server answers from another thread, so the test data must be committed;
    # serialized_rollback restores Wagtail's migration data (groups, workflows, the home
    # page) that flushing the database after a transactional test would otherwise lose.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "a-long-browser-test-password"

TITLE = "Storm surge closes Port Alder harbour"
SUMMARY = "The harbour is shut until the sea wall has been inspected."
PARAGRAPH = "Waves topped the old sea wall before dawn on Tuesday."
QUOTE_TEXT = "We closed the harbour at first light."
QUOTE_ATTRIBUTION = "Harbour master Ines Kalda"
QUOTE_SOURCE = "AFP"
QUOTE_URL = "https://wire.example/afp/storm-123"
CAPTION = "Waves over the old pier"
CREDIT = "Jo Lens/Reuters"
RELATED_HEADING = "More on the storm"
EXTERNAL_URL = "https://elsewhere.example/storm-story"
EXTERNAL_TITLE = "The storm elsewhere"
DISCLAIMER_TEXT = "Views in quotes are those of the speakers."
EMBED_URL = "https://video.example/watch/storm-42"
EMBED_TITLE = "Watch the storm surge"
BLOCK_TYPES = ["paragraph", "quote", "image", "related_articles", "disclaimer", "embed"]

# True once Wagtail's autosave has nothing left to do: no unsaved edits and no save in
# flight, for long enough (quiet_ms) that Wagtail's own change check (every 500 ms, then a
# short debounce) would have noticed a late edit. True at once when autosave is off.
AUTOSAVE_SETTLED_JS = """
(quietMs) => {
    const form = document.querySelector("form[data-controller~='w-autosave']");
    if (!form) return true;
    const indicator = document.getElementById("w-autosave-indicator");
    const busy =
        form.getAttribute("data-w-unsaved-has-edits-value") === "true" ||
        (indicator && indicator.getAttribute("data-w-autosave-state-value") === "saving");
    const now = performance.now();
    if (busy) {
        window.__newsdeskQuietSince = undefined;
        return false;
    }
    if (window.__newsdeskQuietSince === undefined) window.__newsdeskQuietSince = now;
    return now - window.__newsdeskQuietSince >= quietMs;
}
"""


@pytest.fixture
def newsroom(home_page, django_user_model):
    """The site tree, snippets, an image, an earlier post and the two users."""
    index = NewsIndexPageFactory(parent=home_page, title="News", slug="news")
    author = AuthorFactory(name="Maren Holt")
    disclaimer = DisclaimerFactory(title="Opinion notice", text=f"<p>{DISCLAIMER_TEXT}</p>")
    # In Wagtail's root collection, where the editorial groups may choose images (the
    # factory's default is a new top-level collection that no group has permissions on).
    image = ImageFactory(title="Harbour pier at dawn", collection=Collection.get_first_root_node())
    related = NewsPageFactory(
        parent=index, title="Sea wall repairs begin", slug="sea-wall-repairs", authors=[author]
    )
    editor = django_user_model.objects.create_user(
        "edna", email="edna@newsdesk.example", password=PASSWORD, first_name="Edna"
    )
    editor.groups.add(Group.objects.get(name="Editors"))
    moderator = django_user_model.objects.create_user(
        "moritz", email="moritz@newsdesk.example", password=PASSWORD, first_name="Moritz"
    )
    moderator.groups.add(Group.objects.get(name="Moderators"))
    return {
        "index": index,
        "author": author,
        "disclaimer": disclaimer,
        "image": image,
        "related": related,
        "editor": editor,
        "moderator": moderator,
    }


class BrowserSession:
    """One browser context (one person) and its page, recording broken static files and
    JavaScript errors."""

    def __init__(self, browser, base_url, screenshot_dir, name):
        self.name = name
        self.screenshot_dir = screenshot_dir
        self.context = browser.new_context(
            base_url=base_url, viewport={"width": 1280, "height": 1000}
        )
        self.context.set_default_timeout(BROWSER_TIMEOUT_MS)
        self.page = self.context.new_page()
        self.broken_assets = []
        self.script_errors = []
        self.page.on("response", self._record_broken_asset)
        self.page.on("requestfailed", self._record_failed_request)
        self.page.on("pageerror", lambda error: self.script_errors.append(str(error)))

    def _record_broken_asset(self, response):
        if "/static/" in response.url and response.status >= 400:
            self.broken_assets.append(f"{response.status} {response.url}")

    def _record_failed_request(self, request):
        if "/static/" in request.url:
            self.broken_assets.append(f"{request.failure} {request.url}")

    def assert_assets_ok(self):
        """The admin's CSS and JavaScript were served and ran without errors (the page
        editor cannot work without them)."""
        assert self.broken_assets == [], f"{self.name}: static files not served"
        assert self.script_errors == [], f"{self.name}: JavaScript errors"

    def log_in(self, username):
        page = self.page
        page.goto("/admin/login/")
        page.locator("#id_username").fill(username)
        page.locator("#id_password").fill(PASSWORD)
        page.get_by_role("button", name=re.compile(r"sign in|log in", re.I)).click()
        page.wait_for_url(re.compile(r"/admin/$"))

    def screenshot(self, name, whole_admin_form=False):
        """Save a screenshot under test-output/browser/.

        The admin scrolls inside its own layout, so a full-page screenshot shows only the
        window; ``whole_admin_form`` makes the window as tall as the content first.
        """
        path = str(self.screenshot_dir / name)
        if not whole_admin_form:
            self.page.screenshot(path=path, full_page=True)
            return
        size = self.page.viewport_size
        height = self.page.evaluate(
            "Math.max(...Array.from(document.querySelectorAll('body *'), e => e.scrollHeight))"
        )
        self.page.set_viewport_size({"width": size["width"], "height": min(height, 12_000)})
        try:
            self.page.screenshot(path=path, full_page=True)
        finally:
            self.page.set_viewport_size(size)

    def save_for_debugging(self):
        try:
            self.screenshot(f"failed-{self.name}.png")
            (self.screenshot_dir / f"failed-{self.name}.html").write_text(self.page.content())
        except PlaywrightError:
            pass


@pytest.fixture
def sessions(request, browser, live_server, screenshot_dir):
    """Opens a browser session per person; on failure each one's last page is saved."""
    opened = []

    def open_session(name):
        session = BrowserSession(browser, live_server.url, screenshot_dir, name)
        opened.append(session)
        return session

    yield open_session
    report = getattr(request.node, "report_call", None)
    for session in opened:
        if report is not None and report.failed:
            session.save_for_debugging()
        session.context.close()


def open_modal(page):
    """The chooser modal that is open now."""
    dialog = page.locator(".modal.in .modal-content")
    dialog.wait_for()
    return dialog


def expect_modal_closed(page):
    expect(page.locator(".modal.in")).to_have_count(0)


def body_block(page, index):
    """The top-level body block whose form prefix is ``body-<index>``."""
    return page.locator(
        "#panel-child-content-body-content [data-streamfield-child]"
        f":has(> input[name='body-{index}-type'])"
    )


def add_block(page, container, label):
    """Append a block to the last stream in ``container``: its "+" then the block picker.

    An autosave finishing closes an open block picker (Wagtail 8), so this waits for the
    last edit to be saved first, as a person would see "Saved" before going on.
    """
    wait_for_autosave(page)
    container.locator("button.c-sf-add-button").last.click()
    page.get_by_role("option", name=label, exact=True).click()


def choose_page(page, parent_title, title):
    """Pick ``title`` in the page chooser modal, browsing into ``parent_title`` if needed.

    The chooser opens where pages of the allowed type live (here the news index); the
    modal appears before its listing has loaded, so wait for the listing first.
    """
    dialog = open_modal(page)
    choice = dialog.locator("a.choose-page", has_text=title)
    parent = dialog.get_by_role("row").filter(has_text=parent_title).locator("a.navigate-pages")
    expect(choice.or_(parent).first).to_be_visible()
    if not choice.is_visible():
        parent.click()
    choice.click()
    expect_modal_closed(page)


def wait_for_autosave(page):
    """Let Wagtail's autosave finish before the form is submitted.

    Submitting while an autosave is in flight races it (the first autosave of a new page
    turns the create form into an edit form), so the editor waits for "Saved", as a
    person would.
    """
    page.evaluate("delete window.__newsdeskQuietSince")
    try:
        page.wait_for_function(AUTOSAVE_SETTLED_JS, arg=1500, timeout=BROWSER_TIMEOUT_MS)
    except PlaywrightError:
        state = page.locator("#w-autosave-indicator").get_attribute("data-w-autosave-state-value")
        pytest.fail(f"Wagtail's autosave did not settle (indicator state: {state!r})")


def write_post(page, data):
    """Fill in the news page editor: title, summary, author and one block of each type."""
    page.get_by_placeholder("Headline*").fill(TITLE)
    page.locator("#id_summary").fill(SUMMARY)

    # Authors: a MultipleChooserPanel of Author snippets ("Add authors" opens the snippet
    # chooser; a draft may have none, submitting needs one).
    authors = page.locator("#panel-child-content-authors-content")
    authors.get_by_role("button", name=re.compile(r"add authors", re.I)).click()
    dialog = open_modal(page)
    dialog.get_by_role("row").filter(has_text=data["author"].name).get_by_role("checkbox").check()
    dialog.get_by_role("button", name="Confirm selection").click()
    expect_modal_closed(page)
    expect(authors).to_contain_text(data["author"].name)

    body = page.locator("#panel-child-content-body-content")

    # paragraph: rich text, typed into Draftail.
    add_block(page, body, "Paragraph")
    draftail = body_block(page, 0).locator("[contenteditable='true']")
    draftail.click()
    draftail.press_sequentially(PARAGRAPH)
    expect(draftail).to_contain_text(PARAGRAPH)

    # quote
    add_block(page, body, "Quote")
    page.locator("#body-1-value-text").fill(QUOTE_TEXT)
    page.locator("#body-1-value-attribution").fill(QUOTE_ATTRIBUTION)
    page.locator("#body-1-value-source_name").fill(QUOTE_SOURCE)
    page.locator("#body-1-value-source_url").fill(QUOTE_URL)

    # image: chosen in the image chooser modal, with caption and credit.
    add_block(page, body, "Image")
    body_block(page, 2).get_by_role("button", name=re.compile(r"choose an image", re.I)).click()
    open_modal(page).locator("a[data-chooser-modal-choice]", has_text=data["image"].title).click()
    expect_modal_closed(page)
    expect(page.locator("#body-2-value-image")).to_have_value(str(data["image"].pk))
    page.locator("#body-2-value-caption").fill(CAPTION)
    page.locator("#body-2-value-credit").fill(CREDIT)

    # related_articles: a heading, a news article from the page chooser, an external link.
    add_block(page, body, "Related articles")
    related = body_block(page, 3)
    page.locator("#body-3-value-heading").fill(RELATED_HEADING)
    # Nothing is wrong yet: the block asks for a link on save, not on insert.
    expect(related).not_to_contain_text(re.compile(r"minimum number", re.I))
    add_block(page, related, "Newsdesk article")
    related.get_by_role("button", name=re.compile(r"choose a page", re.I)).click()
    choose_page(page, data["index"].title, data["related"].title)
    expect(page.locator("#body-3-value-items-0-value")).to_have_value(str(data["related"].pk))
    add_block(page, related, "Link to another site")
    page.locator("#body-3-value-items-1-value-url").fill(EXTERNAL_URL)
    page.locator("#body-3-value-items-1-value-title").fill(EXTERNAL_TITLE)

    # disclaimer: the saved Disclaimer snippet, from the snippet chooser.
    add_block(page, body, "Disclaimer")
    body_block(page, 4).get_by_role("button", name=re.compile(r"choose disclaimer", re.I)).click()
    open_modal(page).get_by_role("link", name=data["disclaimer"].title, exact=True).click()
    expect_modal_closed(page)
    expect(page.locator("#body-4-value-disclaimer")).to_have_value(str(data["disclaimer"].pk))

    # embed: tests never fetch oEmbed, so readers get a link with this title.
    add_block(page, body, "Embedded video")
    page.locator("#body-5-value-url").fill(EMBED_URL)
    page.locator("#body-5-value-title").fill(EMBED_TITLE)
    page.locator("#body-5-value-title").blur()


def test_editor_writes_moderator_approves_reader_reads(sessions, newsroom):
    # 1. The editor writes the post in the page editor and submits it for moderation.
    editor = sessions("editor")
    editor.log_in(newsroom["editor"].username)
    page = editor.page
    page.goto(f"/admin/pages/add/news/newspage/{newsroom['index'].pk}/")
    page.wait_for_load_state("networkidle")
    editor.assert_assets_ok()
    write_post(page, newsroom)
    wait_for_autosave(page)
    editor.screenshot("01-editor-form.png", whole_admin_form=True)

    # "Submit for moderation" / "Submit to <workflow>" sits in the action menu's dropdown.
    submit = page.get_by_role("button", name=re.compile(r"^submit (for moderation|to .+)$", re.I))
    if not submit.is_visible():
        page.locator("footer .w-dropdown-button .w-dropdown__toggle").click()
    submit.click()
    expect(page.locator(".messages")).to_contain_text(re.compile(r"submitted", re.I))
    expect(page.get_by_role("row").filter(has_text=TITLE)).to_contain_text(
        re.compile(r"moderation", re.I)
    )
    editor.screenshot("02-submitted.png")
    post = NewsPage.objects.get(title=TITLE)
    assert not post.live, "the post must not be public before a moderator approves it"

    # 2. The moderator finds it awaiting review on the dashboard and approves it from the
    # row's action menu, which publishes it (approval is the workflow's last task).
    # Approving there approves exactly the submitted revision; the edit view would first
    # save the moderator's copy of the form as a new revision.
    moderator = sessions("moderator")
    moderator.log_in(newsroom["moderator"].username)
    page = moderator.page
    awaiting = page.locator("section, .w-panel").filter(
        has=page.get_by_role("heading", name=re.compile(r"awaiting your review", re.I))
    )
    row = awaiting.last.get_by_role("row").filter(has_text=TITLE)
    with page.expect_navigation():
        row.get_by_role("button", name="Approve and publish", exact=True).click()
    expect(page.locator(".messages")).to_contain_text(f"'{TITLE}' approved and published.")
    expect(page.get_by_role("row").filter(has_text=TITLE)).to_have_count(0)
    # The news index listing in the admin now shows the post as live.
    page.goto(f"/admin/pages/{newsroom['index'].pk}/")
    row = page.get_by_role("row").filter(has_text=TITLE)
    expect(row).to_contain_text(re.compile(r"\blive\b", re.I))
    expect(row).not_to_contain_text(re.compile(r"moderation|draft", re.I))
    moderator.screenshot("03-moderator-approved.png")

    # 3. An anonymous reader reads the live post.
    post.refresh_from_db()
    reader = sessions("reader")
    page = reader.page
    response = page.goto(post.get_url())
    assert response is not None and response.status == 200, response
    article = page.locator("article.article")
    expect(article.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(article.locator(".byline")).to_contain_text(newsroom["author"].name)
    body = article.locator(".article-body")
    expect(body.locator(".block-paragraph")).to_contain_text(PARAGRAPH)
    expect(body.locator(".block-quote blockquote")).to_contain_text(QUOTE_TEXT)
    expect(body.locator(".block-quote__attribution")).to_have_text(QUOTE_ATTRIBUTION)
    expect(body.locator(".block-quote__source")).to_contain_text(f"Source: {QUOTE_SOURCE}")
    figure = body.locator("figure.block-image")
    expect(figure.locator("img")).to_be_visible()
    expect(figure.locator("figcaption")).to_contain_text(CAPTION)
    expect(figure.locator("figcaption")).to_contain_text(f"Photo: {CREDIT}")
    related = body.get_by_role("complementary", name=RELATED_HEADING)
    expect(related.get_by_role("heading")).to_have_text(RELATED_HEADING)
    expect(related.get_by_role("link", name=newsroom["related"].title)).to_have_attribute(
        "href", newsroom["related"].url
    )
    expect(related.get_by_role("link", name=EXTERNAL_TITLE)).to_have_attribute(
        "href", EXTERNAL_URL
    )
    expect(body.locator(".disclaimer")).to_contain_text(DISCLAIMER_TEXT)
    expect(body.locator(".block-embed").get_by_role("link", name=EMBED_TITLE)).to_have_attribute(
        "href", EMBED_URL
    )
    reader.screenshot("04-reader-page.png")

    for session in (editor, moderator, reader):
        session.assert_assets_ok()

    # 4. The database agrees: live, approved through the workflow, every block type.
    post.refresh_from_db()
    assert post.live
    assert not post.has_unpublished_changes
    assert [child.block_type for child in post.body] == BLOCK_TYPES
    assert [author.name for author in post.authors] == [newsroom["author"].name]
    workflow_state = WorkflowState.objects.for_instance(post).get()
    assert workflow_state.status == WorkflowState.STATUS_APPROVED
    assert workflow_state.requested_by == newsroom["editor"]
    task_state = workflow_state.current_task_state
    assert task_state.status == TaskState.STATUS_APPROVED
    assert task_state.finished_by == newsroom["moderator"]
    assert task_state.revision == post.latest_revision == post.live_revision
